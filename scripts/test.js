#!/usr/bin/env node
// `npm test`: build once (the CLI tests run the built output), then vitest inside a keyring
// session, then one plain summary line ("tests: N passed, N failed, N skipped").
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1

function summarize(reportPath) {
  try {
    const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'))
    const skipped = report.numPendingTests + report.numTodoTests
    console.log(
      `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`
    )
  } catch {
    console.log('tests: no report was written (vitest did not finish)')
  }
}

let code = run('npm', ['run', '--silent', 'build'])
if (code === 0) {
  const reportPath = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'nebula-test-')),
    'report.json'
  )
  const vitest = [
    'npx',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportPath}`
  ]
  code = run('bash', [path.join(__dirname, 'with-keyring.sh'), ...vitest, ...process.argv.slice(2)])
  summarize(reportPath)
  fs.rmSync(path.dirname(reportPath), { recursive: true, force: true })
}
process.exit(code)
