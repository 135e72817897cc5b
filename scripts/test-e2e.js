#!/usr/bin/env node
// `npm run test:e2e`: build, then only the Electron end-to-end specs (test/**/*.e2e.test.ts) in
// a real Electron. On Linux without a display they run under `xvfb-run -a`. Where the Electron
// binary is not installed, the specs skip and the summary line says why.
'use strict'
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const { runVitest } = require('./vitest-run')

const root = path.join(__dirname, '..')
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0
let wrap = []
if (process.platform === 'linux' && !hasDisplay) {
  if (hasXvfb) wrap = ['xvfb-run', '-a']
  else console.log('test:e2e: no display and no xvfb-run (Debian: apt-get install xvfb xauth)')
}
const env = { ...process.env, NEBULA_E2E: '1' }
process.exit(runVitest({ args: process.argv.slice(2), env, wrap }))
