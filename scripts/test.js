#!/usr/bin/env node
// `npm test`: build once (the CLI tests run the built output), then vitest inside a keyring session.
'use strict'
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const root = path.join(__dirname, '..')
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1

let code = run('npm', ['run', '--silent', 'build'])
if (code === 0) {
  code = run('bash', [
    path.join(__dirname, 'with-keyring.sh'),
    'npx',
    'vitest',
    'run',
    ...process.argv.slice(2)
  ])
}
process.exit(code)
