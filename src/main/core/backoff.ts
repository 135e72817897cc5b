/** Reconnect timing: exponential backoff with full jitter, a fast loop, then slow retries. */
export interface BackoffPolicy {
  baseMs: number
  capMs: number
  /** Failed attempts in a row before giving up the fast loop (state `offline`). */
  maxFastAttempts: number
  /** Delay between retries once offline. */
  slowRetryMs: number
  /** How long a connection must stay up before the attempt counter resets. */
  stableAfterMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 1000,
  capMs: 30_000,
  maxFastAttempts: 10,
  slowRetryMs: 5 * 60_000,
  stableAfterMs: 10_000
}

/**
 * Delay before attempt number `attempt` (1-based): uniform in [0, min(cap, base·2^(attempt-1))].
 * Full jitter spreads a fleet of clients out after a server restart instead of stampeding it.
 */
export function fullJitterDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30)
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent)
  return Math.floor(random() * ceiling)
}

/**
 * Delay before retry number `attempt` (1-based) of one request: half of
 * min(cap, base·2^(attempt-1)) fixed plus up to the same again at random, so retries spread out
 * but never come back at once.
 */
export function equalJitterDelay(
  attempt: number,
  policy: Pick<BackoffPolicy, 'baseMs' | 'capMs'>,
  random: () => number
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30)
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent)
  return Math.floor(ceiling / 2 + random() * (ceiling / 2))
}
