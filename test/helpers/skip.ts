import { beforeEach, type TestContext } from 'vitest'

// Skips that say why. The reason is printed, shown by vitest next to the test, and recorded in
// the test's meta, where scripts/test-summary.js finds it for the summary line of `npm test`.

declare module 'vitest' {
  interface TaskMeta {
    /** Why the test was skipped (set by skipWith). */
    skipReason?: string
  }
}

/** Skips the running test, recording `reason` for the summary. */
export function skipWith(context: TestContext, reason: string): void {
  context.task.meta.skipReason = reason
  context.skip(reason)
}

/**
 * When `reason` is set: prints it once and skips every test of the enclosing describe (or file)
 * with it. Its beforeAll hooks still run, so they must return early on the same condition.
 */
export function skipAllIf(reason: string | null | undefined, what: string): void {
  if (!reason) return
  console.warn(`${what} skipped: ${reason}`)
  beforeEach((context) => skipWith(context, reason))
}
