#!/usr/bin/env node
// `npm run bench`: builds what it needs (the app's out/ when missing or stale, for the CLI the
// cold-sync figure starts; the harness bundle, always), then runs the harness (out/bench/run.js).
// Arguments pass through: `npm run bench -- --only core-throughput,burst`.
'use strict'
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const root = path.join(__dirname, '..')
require('../bin/ensure-built.js')
const vite = path.join(
  path.dirname(require.resolve('vite/package.json', { paths: [root] })),
  'bin',
  'vite.js'
)
const built = spawnSync(
  process.execPath,
  [vite, 'build', '--config', path.join('bench', 'vite.config.mts')],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' }
  }
)
if (built.status !== 0) process.exit(built.status ?? 1)
const run = spawnSync(
  process.execPath,
  [path.join(root, 'out', 'bench', 'run.js'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' }
)
process.exit(run.status ?? 1)
