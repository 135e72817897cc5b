// The plain summary of a vitest run, from its JSON report: tests passed, failed and skipped,
// files that failed (a throwing beforeAll or an import error fails a file while its tests only
// read as skipped), and why tests were skipped (the `skipReason` that test/helpers/skip.ts
// records in a test's meta).
'use strict'
const path = require('node:path')

const SKIPPED = new Set(['skipped', 'pending', 'todo'])

/**
 * Counts and reasons of one report. `ok` is false on any failed test, failed file or failed
 * suite, and when no test file ran at all.
 */
function summarize(report, root = process.cwd()) {
  const files = Array.isArray(report.testResults) ? report.testResults : []
  const failedFiles = files
    .filter((file) => file.status === 'failed')
    .map((file) => ({
      name: path.relative(root, file.name),
      message: file.message || '',
      failedTests: (file.assertionResults ?? []).filter((test) => test.status === 'failed').length
    }))
  const reasons = new Map()
  const count = (reason) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  for (const file of files) {
    for (const test of file.assertionResults ?? []) {
      if (!SKIPPED.has(test.status)) continue
      if (test.meta && typeof test.meta.skipReason === 'string') count(test.meta.skipReason)
      else if (file.status === 'failed') count(`not run: ${path.relative(root, file.name)} failed`)
      else count('no reason given')
    }
  }
  const summary = {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    failedFiles,
    failedSuites: report.numFailedTestSuites ?? 0,
    skipReasons: [...reasons].map(([reason, tests]) => ({ reason, tests })),
    files: files.length
  }
  summary.ok =
    summary.files > 0 &&
    summary.failed === 0 &&
    summary.failedFiles.length === 0 &&
    summary.failedSuites === 0
  return summary
}

/** The summary as printed: one line of counts, then one line per skip reason and failed file. */
function formatSummary(summary) {
  const lines = [
    `tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped, ${summary.failedFiles.length} failed files`
  ]
  for (const { reason, tests } of summary.skipReasons) lines.push(`  skipped (${tests}): ${reason}`)
  for (const { name, message, failedTests } of summary.failedFiles) {
    const why =
      message.split('\n')[0].trim() ||
      (failedTests > 0 ? `${failedTests} failed tests` : 'a hook or a suite failed')
    lines.push(`  failed file: ${name}: ${why}`)
  }
  if (summary.files === 0) lines.push('  no test file ran')
  return lines.join('\n')
}

module.exports = { summarize, formatSummary }
