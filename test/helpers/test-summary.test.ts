import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runToCompletion } from './process'

// The summary line of `npm test` (scripts/test-summary.js, run by scripts/vitest-run.js): a
// small fixture project goes through the real runner, and the summarizer is checked on reports
// vitest writes in rarer cases (a file that cannot even be imported, a run with no files).

const ROOT = join(__dirname, '..', '..')
const RUNNER = join(ROOT, 'scripts', 'vitest-run.js')
const FIXTURE_CONFIG = join(ROOT, 'test', 'helpers', 'summary-fixture', 'vitest.config.mjs')

interface Summary {
  ok: boolean
  passed: number
  failed: number
  skipped: number
  failedFiles: Array<{ name: string; message: string; failedTests: number }>
  skipReasons: Array<{ reason: string; tests: number }>
}
const { summarize, formatSummary } = createRequire(import.meta.url)(
  join(ROOT, 'scripts', 'test-summary.js')
) as {
  summarize(report: unknown, root?: string): Summary
  formatSummary(summary: Summary): string
}

/** The lines the runner printed from "tests:" on. */
function summaryLines(stdout: string): string[] {
  const lines = stdout.split('\n')
  return lines.slice(lines.findIndex((line) => line.startsWith('tests: '))).filter(Boolean)
}

describe('scripts/vitest-run.js on a fixture project', () => {
  it('counts a file whose beforeAll throws as a failed file, lists skip reasons, exits 1', async () => {
    const result = await runToCompletion(process.execPath, [RUNNER, '--config', FIXTURE_CONFIG], {
      timeoutMs: 60_000
    })
    expect(summaryLines(result.stdout)).toEqual([
      'tests: 2 passed, 0 failed, 5 skipped, 1 failed files',
      '  skipped (2): not run: test/helpers/summary-fixture/hook-throws.fixture.ts failed',
      '  skipped (2): the frobnicator is not installed here',
      '  skipped (1): no reason given',
      '  failed file: test/helpers/summary-fixture/hook-throws.fixture.ts: a hook or a suite failed'
    ])
    expect(result.code).toBe(1)
  })

  it('exits 0 when nothing failed, still naming every skip reason', async () => {
    const result = await runToCompletion(
      process.execPath,
      [RUNNER, '--config', FIXTURE_CONFIG, 'passes', 'skips'],
      { timeoutMs: 60_000 }
    )
    expect(summaryLines(result.stdout)).toEqual([
      'tests: 2 passed, 0 failed, 3 skipped, 0 failed files',
      '  skipped (2): the frobnicator is not installed here',
      '  skipped (1): no reason given'
    ])
    expect(result.code).toBe(0)
  })
})

describe('summarize', () => {
  const file = (name: string, status: string, message = '', tests: unknown[] = []) => ({
    name: join(ROOT, name),
    status,
    message,
    assertionResults: tests
  })

  it('reports a file that could not be imported, with its message', () => {
    const summary = summarize(
      {
        numPassedTests: 3,
        numFailedTests: 0,
        numPendingTests: 0,
        numTodoTests: 0,
        numFailedTestSuites: 1,
        testResults: [
          file('test/a.test.ts', 'passed'),
          file('test/b.test.ts', 'failed', 'Failed to load url ./missing\nmore detail')
        ]
      },
      ROOT
    )
    expect(summary.ok).toBe(false)
    expect(formatSummary(summary).split('\n')).toEqual([
      'tests: 3 passed, 0 failed, 0 skipped, 1 failed files',
      '  failed file: test/b.test.ts: Failed to load url ./missing'
    ])
  })

  it('is not ok when a test failed, or when no file ran at all', () => {
    const failing = summarize(
      {
        numPassedTests: 1,
        numFailedTests: 1,
        numFailedTestSuites: 0,
        testResults: [
          file('test/a.test.ts', 'failed', '', [
            { status: 'passed', meta: {} },
            { status: 'failed', meta: {} }
          ])
        ]
      },
      ROOT
    )
    expect(failing.ok).toBe(false)
    expect(formatSummary(failing).split('\n')).toEqual([
      'tests: 1 passed, 1 failed, 0 skipped, 1 failed files',
      '  failed file: test/a.test.ts: 1 failed tests'
    ])
    const empty = summarize({ numPassedTests: 0, numFailedTests: 0, testResults: [] })
    expect(empty.ok).toBe(false)
    expect(formatSummary(empty)).toContain('no test file ran')
  })

  it('is ok for passes and explained skips only', () => {
    const summary = summarize({
      numPassedTests: 1,
      numFailedTests: 0,
      numPendingTests: 1,
      numFailedTestSuites: 0,
      testResults: [
        file('test/a.test.ts', 'passed', '', [
          { status: 'passed', meta: {} },
          { status: 'skipped', meta: { skipReason: 'no chromium here' } }
        ])
      ]
    })
    expect(summary.ok).toBe(true)
    expect(summary.skipReasons).toEqual([{ reason: 'no chromium here', tests: 1 }])
  })
})
