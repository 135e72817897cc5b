#!/usr/bin/env node
// Builds once when out/ is missing or older than the sources, so `npm run gateway` and
// `npm run ui` just work.
'use strict'
const { execSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const built = path.join(root, 'out', 'main', 'cli.js')

function newestSource(dir) {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    const time = entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs
    if (time > newest) newest = time
  }
  return newest
}

// `npm run ui` serves the built dashboard too: a missing renderer build counts as stale.
const dashboard = path.join(root, 'out', 'renderer', 'index.html')
const stale =
  !fs.existsSync(built) ||
  !fs.existsSync(dashboard) ||
  fs.statSync(built).mtimeMs < newestSource(path.join(root, 'src'))
if (stale) execSync('npm run --silent build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
