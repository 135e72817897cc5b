import { describe, expect, it } from 'vitest'
import { equalJitterDelay, fullJitterDelay } from '@main/core/backoff'
import { ReconnectPlan, classifyEnd } from '@main/core/reconnect-plan'

// Backoff and the reconnect bookkeeping directly: the delay bounds, the fast loop that gives
// way to `offline` only for attempts that never opened, and the close-code verdicts.

const POLICY = {
  baseMs: 1_000,
  capMs: 30_000,
  maxFastAttempts: 10,
  slowRetryMs: 300_000,
  stableAfterMs: 10_000
}

describe('backoff', () => {
  it('full jitter stays within [0, min(cap, base·2^(n-1))]', () => {
    for (let attempt = 1; attempt <= 40; attempt++) {
      const ceiling = Math.min(30_000, 1_000 * 2 ** (attempt - 1))
      expect(fullJitterDelay(attempt, POLICY, () => 0)).toBe(0)
      expect(fullJitterDelay(attempt, POLICY, () => 0.999999)).toBeLessThanOrEqual(ceiling)
      expect(fullJitterDelay(attempt, POLICY, () => 0.5)).toBe(Math.floor(ceiling / 2))
    }
  })

  it('equal jitter never comes back at once', () => {
    expect(equalJitterDelay(1, POLICY, () => 0)).toBe(500)
    expect(equalJitterDelay(3, POLICY, () => 1)).toBe(4_000)
    expect(equalJitterDelay(99, POLICY, () => 0)).toBe(15_000)
  })
})

describe('ReconnectPlan', () => {
  it('goes offline after 10 attempts in a row that never opened, with the slow retry', () => {
    const plan = new ReconnectPlan(POLICY, () => 0.5)
    for (let i = 1; i <= 9; i++) {
      const { event, retryInMs } = plan.ended(1006, undefined, 'refused', false)
      expect(event).toMatchObject({ type: 'socket_closed', attempt: i, code: 1006 })
      expect(retryInMs).toBe(Math.floor(Math.min(30_000, 1_000 * 2 ** (i - 1)) / 2))
    }
    expect(plan.ended(undefined, undefined, 'connect timeout', false)).toEqual({
      event: { type: 'gave_up', attempt: 10, retry_in_ms: 300_000, reason: 'connect timeout' },
      retryInMs: 300_000
    })
    plan.reset()
    expect(plan.nextAttempt).toBe(1)
  })

  it('never gives up on a server that keeps accepting and dropping, but keeps backing off', () => {
    const plan = new ReconnectPlan(POLICY, () => 1)
    const delays: number[] = []
    for (let i = 0; i < 30; i++) {
      plan.opened()
      const { event, retryInMs } = plan.ended(1011, undefined, 'crashed', true)
      expect(event.type).toBe('socket_closed')
      delays.push(retryInMs!)
    }
    expect(delays.slice(0, 6)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000])
    plan.stable()
    expect(plan.nextAttempt).toBe(1)
  })

  it('sorts close codes and statuses into auth, refusal and retry', () => {
    expect(classifyEnd(4401, undefined)).toBe('auth_failed')
    expect(classifyEnd(undefined, 401)).toBe('auth_failed')
    expect(classifyEnd(4403, undefined)).toBe('auth_failed')
    expect(classifyEnd(undefined, 403)).toBe('auth_failed')
    expect(classifyEnd(1008, undefined)).toBe('refused')
    for (const code of [1000, 1001, 1006, 1009, 1011, 1012, 1013, undefined]) {
      expect(classifyEnd(code, undefined)).toBe('retry')
    }
    const plan = new ReconnectPlan(POLICY)
    expect(plan.ended(4401, undefined, 'expired', true).event).toEqual({
      type: 'auth_rejected',
      reason: 'expired',
      code: 4401
    })
    expect(plan.ended(1008, undefined, 'policy', true)).toEqual({
      event: { type: 'refused', reason: 'policy', code: 1008 }
    })
  })
})
