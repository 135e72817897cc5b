#!/usr/bin/env node
// Runs vitest with the JSON report, prints the summary line (scripts/test-summary.js) and exits
// non-zero on any failure, including a failed file whose tests only read as skipped.
//   node scripts/vitest-run.js [vitest arguments...]
// Used by `npm test` and `npm run test:e2e`; `wrap` (e.g. ['xvfb-run', '-a']) prefixes vitest.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { formatSummary, summarize } = require('./test-summary')

const root = path.join(__dirname, '..')
const VITEST = path.join(root, 'node_modules', 'vitest', 'vitest.mjs')

/** Runs vitest once; resolves to the exit code this run deserves. */
function runVitest({ args = [], env = process.env, wrap = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nebula-test-'))
  const reportPath = path.join(dir, 'report.json')
  try {
    const command = [
      ...wrap,
      process.execPath,
      VITEST,
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportPath}`,
      ...args
    ]
    const result = spawnSync(command[0], command.slice(1), { cwd: root, env, stdio: 'inherit' })
    let report
    try {
      report = JSON.parse(fs.readFileSync(reportPath, 'utf8'))
    } catch {
      const why = result.error ? result.error.message : `vitest exited with ${result.status}`
      console.log(`tests: no report was written (vitest did not finish: ${why})`)
      return 1
    }
    const summary = summarize(report, process.cwd())
    console.log(formatSummary(summary))
    return result.status === 0 && summary.ok ? 0 : 1
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

module.exports = { runVitest }

if (require.main === module) process.exit(runVitest({ args: process.argv.slice(2) }))
