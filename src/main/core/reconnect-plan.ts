import { CloseCode } from '@shared/protocol'
import { DEFAULT_BACKOFF, fullJitterDelay } from './backoff'
import type { BackoffPolicy } from './backoff'
import type { LifecycleEvent } from './lifecycle'

/** How an ended socket is handled. */
export type Verdict = 'retry' | 'auth_failed' | 'refused'

/** Sorts a close code or HTTP status into retry, terminal or auth (see docs/PROTOCOL.md). */
export function classifyEnd(code: number | undefined, httpStatus: number | undefined): Verdict {
  if (httpStatus === 401 || code === CloseCode.Unauthorized) return 'auth_failed'
  if (httpStatus === 403 || code === CloseCode.Forbidden) return 'auth_failed'
  if (code === CloseCode.PolicyViolation) return 'refused'
  return 'retry'
}

/** What to do after a socket ended: the lifecycle event, and when to try again (if at all). */
export interface EndDecision {
  event: LifecycleEvent
  retryInMs?: number
}

/**
 * The reconnect bookkeeping: how many attempts failed since the last stable connection (the
 * backoff), and how many in a row never opened (when to leave the fast loop for `offline`).
 */
export class ReconnectPlan {
  readonly policy: BackoffPolicy
  /** Ends since the last stable connection: drives the backoff delay. */
  private failures = 0
  /** Attempts in a row that never opened: decides when to give up the fast loop. */
  private unopened = 0

  constructor(
    backoff: Partial<BackoffPolicy> = {},
    private readonly random: () => number = Math.random
  ) {
    this.policy = { ...DEFAULT_BACKOFF, ...backoff }
  }

  /** The number of the next attempt (1 after a stable connection or a reset). */
  get nextAttempt(): number {
    return this.failures + 1
  }

  /** A fresh start: the token changed, or the user asked to retry while offline. */
  reset(): void {
    this.failures = this.unopened = 0
  }

  /** A socket opened: the server is reachable. */
  opened(): void {
    this.unopened = 0
  }

  /** A socket stayed up for `stableAfterMs`: the backoff starts over. */
  stable(): void {
    this.failures = 0
  }

  /** Decides what follows a socket's end. */
  ended(
    code: number | undefined,
    httpStatus: number | undefined,
    reason: string,
    opened: boolean
  ): EndDecision {
    const verdict = classifyEnd(code, httpStatus)
    const status = httpStatus ?? code
    const detail = { reason, ...(status !== undefined ? { code: status } : {}) }
    if (verdict === 'auth_failed') return { event: { type: 'auth_rejected', ...detail } }
    if (verdict === 'refused') return { event: { type: 'refused', ...detail } }
    this.failures++
    // A socket that opened is not a failed attempt: a server restarting again and again is
    // followed with backoff, never given up on; only attempts that never open count here.
    if (!opened) this.unopened++
    const attempt = this.failures
    if (this.unopened >= this.policy.maxFastAttempts) {
      const delay = this.policy.slowRetryMs
      return {
        event: { type: 'gave_up', attempt, retry_in_ms: delay, ...detail },
        retryInMs: delay
      }
    }
    const delay = fullJitterDelay(attempt, this.policy, this.random)
    return {
      event: { type: 'socket_closed', attempt, retry_in_ms: delay, ...detail },
      retryInMs: delay
    }
  }
}
