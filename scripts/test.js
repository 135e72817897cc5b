#!/usr/bin/env node
// `npm test`: build once (the CLI, main-process and renderer tests run the built output), then
// every test except the Electron end-to-end specs (`npm run test:e2e`), then one plain summary
// line ("tests: N passed, N failed, N skipped, N failed files") with the skip reasons.
//
// The keychain tests start their own private D-Bus session and keyring (test/keychain). For
// everything else, the session bus is pointed at nothing, so no test can reach the developer's
// own keychain by accident.
'use strict'
const { spawnSync } = require('node:child_process')
const os = require('node:os')
const path = require('node:path')
const { runVitest } = require('./vitest-run')

const root = path.join(__dirname, '..')
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

const env = {
  ...process.env,
  DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(os.tmpdir(), `nebula-no-bus-${process.pid}`)}`
}
delete env.NEBULA_E2E
process.exit(runVitest({ args: process.argv.slice(2), env }))
