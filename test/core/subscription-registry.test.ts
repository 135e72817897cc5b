import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { NebulaConnection } from '@main/core/connection'
import { NO_ANSWER, SubscriptionRegistry } from '@main/core/subscription-registry'
import type { SubscriptionInfo } from '@main/core/subscription-registry'
import type { ClientMessage } from '@shared/protocol'

// The registry on a fake clock with a fake connection that "sends" at once: the confirm bound,
// the retry backoff, and what silence means for `workflow_executions:all` and for the rest.

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

function setup() {
  const sent: ClientMessage[] = []
  const connection = {
    send: (message: ClientMessage, _priority: number, onSent?: () => void) => {
      sent.push(message)
      onSent?.()
    }
  } as unknown as NebulaConnection
  const changes: SubscriptionInfo[] = []
  const registry = new SubscriptionRegistry(connection, {
    confirmTimeoutMs: 5_000,
    retry: { baseMs: 2_000, capMs: 60_000 },
    random: () => 0.5,
    refuseOnSilence: (resource, id) => resource === 'workflow_executions' && id === 'all'
  })
  registry.on('change', (info) => changes.push(info))
  const subscribes = (key: string) =>
    sent.filter((m) => m.type === 'subscribe' && `${m.resource}:${m.id}` === key).length
  return { registry, sent, changes, subscribes }
}

describe('SubscriptionRegistry confirm bound', () => {
  it('treats silence about workflow_executions:all as a refusal after the bound', () => {
    const { registry, subscribes } = setup()
    registry.add('workflow_executions', 'all')
    registry.connected()
    expect(subscribes('workflow_executions:all')).toBe(1)
    vi.advanceTimersByTime(4_999)
    expect(registry.get('workflow_executions', 'all')?.status).toBe('pending')
    vi.advanceTimersByTime(1)
    expect(registry.get('workflow_executions', 'all')).toMatchObject({
      status: 'failed',
      error: { code: NO_ANSWER }
    })
    vi.advanceTimersByTime(120_000)
    expect(subscribes('workflow_executions:all')).toBe(1) // refused: never asked again
    expect(registry.hasLiveTimers()).toBe(false)
  })

  it('asks again with growing delays when another subscription goes unanswered', () => {
    const { registry, subscribes } = setup()
    registry.add('workflow_executions', 'wf_a')
    registry.connected()
    const askTimes: number[] = [0]
    let asked = 1
    for (let t = 0; t < 60_000; t += 100) {
      vi.advanceTimersByTime(100)
      if (subscribes('workflow_executions:wf_a') > asked) {
        asked++
        askTimes.push(t + 100)
      }
    }
    expect(registry.get('workflow_executions', 'wf_a')?.status).toBe('pending')
    // 5 s of silence, then 1.5 s (2 s · 0.75), 5 s + 3 s, 5 s + 6 s, 5 s + 12 s, …
    const gaps = askTimes.slice(1).map((t, i) => t - askTimes[i]!)
    expect(gaps.slice(0, 4)).toEqual([6_500, 8_000, 11_000, 17_000])
    // An answer at last: active, and no timer left running.
    registry.answer(
      { kind: 'subscribe', key: 'workflow_executions:wf_a' },
      { type: 'subscribed', resource: 'workflow_executions', id: 'wf_a' }
    )
    expect(registry.get('workflow_executions', 'wf_a')?.status).toBe('active')
    expect(registry.hasLiveTimers()).toBe(false)
  })

  it('retries a transient refusal, keeps a permanent one, and stops waiting when the socket goes', () => {
    const { registry, subscribes } = setup()
    registry.add('workflow_executions', 'wf_a')
    registry.add('execution', 'e_gone')
    registry.connected()
    registry.answer(
      { kind: 'subscribe', key: 'workflow_executions:wf_a' },
      { type: 'error', code: 'RATE_LIMIT_EXCEEDED', message: 'slow down' }
    )
    registry.answer(
      { kind: 'subscribe', key: 'execution:e_gone' },
      { type: 'error', code: 'SUBSCRIPTION_FAILED', message: 'not found' }
    )
    expect(registry.get('workflow_executions', 'wf_a')?.status).toBe('pending')
    expect(registry.get('execution', 'e_gone')?.status).toBe('failed')
    vi.advanceTimersByTime(1_500)
    expect(subscribes('workflow_executions:wf_a')).toBe(2)
    registry.disconnected()
    expect(registry.hasLiveTimers()).toBe(false)
    registry.connected()
    expect(subscribes('workflow_executions:wf_a')).toBe(3)
    expect(subscribes('execution:e_gone')).toBe(1) // refused for good: not re-sent on connect
    registry.dispose()
    expect(registry.hasLiveTimers()).toBe(false)
  })

  it('starts the bound when the subscribe is sent, not when it is queued', () => {
    const queued: Array<() => void> = []
    const connection = {
      send: (_m: ClientMessage, _p: number, onSent?: () => void) => {
        if (onSent) queued.push(onSent)
      }
    } as unknown as NebulaConnection
    const registry = new SubscriptionRegistry(connection, { confirmTimeoutMs: 5_000 })
    registry.add('workflow_executions', 'wf_a')
    registry.connected()
    vi.advanceTimersByTime(60_000) // paced: still in the outbox
    expect(registry.get('workflow_executions', 'wf_a')).toMatchObject({ status: 'pending' })
    expect(registry.get('workflow_executions', 'wf_a')?.error).toBeUndefined()
    queued[0]!()
    vi.advanceTimersByTime(5_000)
    expect(registry.get('workflow_executions', 'wf_a')?.error?.code).toBe(NO_ANSWER)
    registry.dispose()
  })
})
