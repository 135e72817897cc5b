/** Execution statuses the protocol knows; servers may send others, which are kept as-is. */
export const KNOWN_EXECUTION_STATUSES = [
  'created',
  'pending',
  'running',
  'paused',
  'cancelling',
  'completed',
  'failed',
  'cancelled',
  'timed_out'
] as const

const TERMINAL = new Set<string>(['completed', 'failed', 'cancelled', 'timed_out'])
const FAILURE = new Set<string>(['failed', 'timed_out'])

/** True when an execution in this status will not change again. */
export function isTerminalStatus(status: string): boolean {
  return TERMINAL.has(status)
}

/** True for the statuses that must raise an alert (`failed`, `timed_out`). */
export function isFailureStatus(status: string): boolean {
  return FAILURE.has(status)
}
