import { afterEach } from 'vitest'

/** What a test leaves behind to be undone: a gateway to close, a session to dispose. */
export type CleanupStep = () => Promise<void> | void

/**
 * In the calling test file, a stack of steps run after each test, last pushed first (a session
 * is disposed before the gateway it talks to closes).
 */
export function useCleanup(): { push(step: CleanupStep): void } {
  let steps: CleanupStep[] = []
  afterEach(async () => {
    const due = steps.reverse()
    steps = []
    for (const step of due) await step()
  })
  return { push: (step) => void steps.push(step) }
}
