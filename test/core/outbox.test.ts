import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Outbox, Priority } from '@main/core/outbox'
import type { PacingPolicy } from '@main/core/outbox'
import { RateLimiter } from '@gateway/rate-limiter'
import type { ClientMessage } from '@shared/protocol'

// The outbox against the gateway's own sliding-window limiter, on a fake clock: whatever the
// latency of each message (within the guard), the server never counts more than its limit.

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const SERVER = { maxMessages: 40, windowMs: 2_000 }

/** Sends `count` messages through an open outbox; returns the send times. */
function sendAll(policy: PacingPolicy, count: number): number[] {
  const sent: number[] = []
  const outbox = new Outbox(policy, () => {
    sent.push(Date.now())
    return true
  })
  outbox.setOpen(true)
  for (let i = 0; i < count; i++) {
    const message: ClientMessage = { type: 'subscribe', resource: 'workflows', id: `w${i}` }
    outbox.enqueue(message, Priority.Subscription)
  }
  for (let guard = 0; sent.length < count && guard < 10_000; guard++) vi.advanceTimersByTime(50)
  outbox.dispose()
  return sent
}

/** Replays arrivals (send time + latency) into the gateway's limiter; returns rejections. */
function rejectedAtServer(sent: number[], latency: (i: number) => number): number {
  const arrivals = sent.map((t, i) => t + latency(i)).sort((a, b) => a - b)
  let now = 0
  const limiter = new RateLimiter(SERVER, () => now)
  let rejected = 0
  for (const at of arrivals) {
    now = at
    if (!limiter.tryConsume('user')) rejected++
  }
  return rejected
}

describe('Outbox pacing', () => {
  it('never has more than `limit` messages within any window plus guard', () => {
    const sent = sendAll({ limit: 36, windowMs: 2_000, guardMs: 200 }, 150)
    expect(sent).toHaveLength(150)
    for (let i = 0; i + 36 < sent.length; i++) {
      expect(sent[i + 36]! - sent[i]!).toBeGreaterThan(2_200)
    }
  })

  it('stays under the server limit whatever the latency jitter within the guard', () => {
    const sent = sendAll({ limit: 36, windowMs: 2_000, guardMs: 200 }, 150)
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 150, maxLength: 150 }),
        (lat) => {
          expect(rejectedAtServer(sent, (i) => lat[i]!)).toBe(0)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('without a guard, one late burst followed by a prompt one overruns the server', () => {
    // Why the guard exists: the first burst arrives 50 ms late, the next one on time.
    const sent = sendAll({ limit: 36, windowMs: 2_000, guardMs: 0 }, 150)
    const late = (i: number): number => (i < 36 ? 50 : 0)
    expect(rejectedAtServer(sent, late)).toBeGreaterThan(0)
    const guarded = sendAll({ limit: 36, windowMs: 2_000 }, 150) // default guard: windowMs / 10
    expect(rejectedAtServer(guarded, late)).toBe(0)
  })

  it('sends control messages before subscriptions before commands', () => {
    const order: string[] = []
    const outbox = new Outbox({ limit: 10, windowMs: 1_000 }, (m) => {
      order.push(m.type)
      return true
    })
    outbox.enqueue({ type: 'execute_workflow', workflow_id: 'w' }, Priority.Command)
    outbox.enqueue({ type: 'subscribe', resource: 'workflows', id: 'all' }, Priority.Subscription)
    outbox.enqueue({ type: 'ping' }, Priority.Control)
    outbox.setOpen(true)
    expect(order).toEqual(['ping', 'subscribe', 'execute_workflow'])
    outbox.dispose()
  })
})
