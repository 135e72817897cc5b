#!/usr/bin/env node
// The command-line entry: runs the built CLI (`npm run build` first, or use the npm scripts).
'use strict'
const path = require('node:path')
const fs = require('node:fs')

const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js')
if (!fs.existsSync(cli)) {
  process.stderr.write('nebula-desktop: not built yet; run `npm run build` first\n')
  process.exit(2)
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code
  })
  .catch((error) => {
    process.stderr.write(
      `nebula-desktop: ${error instanceof Error ? error.message : String(error)}\n`
    )
    process.exitCode = 1
  })
