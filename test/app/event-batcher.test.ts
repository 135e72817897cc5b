import { describe, expect, it } from 'vitest'
import { EventBatcher } from '@main/app/event-batcher'
import type { BatchScheduler } from '@main/app/event-batcher'
import type { BridgeEvent, EventBatch, ExecutionView } from '@shared/bridge/views'

// The coalescing rules, with an injected scheduler: nothing here waits for a real timer.

class ManualScheduler implements BatchScheduler {
  pending: Array<{ callback: () => void; ms: number; cancelled: boolean }> = []
  schedule(callback: () => void, ms: number): () => void {
    const entry = { callback, ms, cancelled: false }
    this.pending.push(entry)
    return () => (entry.cancelled = true)
  }
  /** Runs the timers that are due (all of them: time is not modelled beyond order). */
  fire(): void {
    for (const entry of this.pending.splice(0)) if (!entry.cancelled) entry.callback()
  }
  get armed(): number {
    return this.pending.filter((e) => !e.cancelled).length
  }
}

function execution(id: string, status: string, percentage = 0, profile = 'local'): BridgeEvent {
  const view: ExecutionView = {
    profile_id: profile,
    id,
    workflow_id: 'wf',
    status,
    progress: { current_action: 0, total_actions: 4, percentage }
  }
  return { type: 'execution', execution: view }
}

function setup(options: { maxEvents?: number } = {}) {
  const scheduler = new ManualScheduler()
  const batcher = new EventBatcher({ scheduler, intervalMs: 16, ...options })
  const batches: EventBatch[] = []
  batcher.onBatch((batch) => batches.push(batch))
  return { scheduler, batcher, batches }
}

describe('EventBatcher', () => {
  it('sends nothing until the frame timer fires, then one numbered batch', () => {
    const { scheduler, batcher, batches } = setup()
    batcher.push(execution('e1', 'running'))
    batcher.push(execution('e2', 'running'))
    expect(batches).toHaveLength(0)
    expect(scheduler.armed).toBe(1)
    expect(scheduler.pending[0]!.ms).toBe(16)
    scheduler.fire()
    expect(batches).toEqual([
      { seq: 1, events: [execution('e1', 'running'), execution('e2', 'running')] }
    ])
    batcher.push(execution('e3', 'running'))
    scheduler.fire()
    expect(batches.map((b) => b.seq)).toEqual([1, 2])
    expect(batcher.lastSeq).toBe(2)
  })

  it('collapses superseded updates of one execution to the latest, in its latest position', () => {
    const { scheduler, batcher, batches } = setup()
    batcher.push(execution('e1', 'running', 10))
    batcher.push(execution('e2', 'running', 10))
    batcher.push(execution('e1', 'running', 50))
    batcher.push(execution('e1', 'failed', 75))
    batcher.push(execution('e1', 'running', 10, 'other-profile'))
    scheduler.fire()
    expect(batches[0]!.events).toEqual([
      execution('e2', 'running', 10),
      execution('e1', 'failed', 75),
      execution('e1', 'running', 10, 'other-profile')
    ])
  })

  it('concatenates log lines of one execution and keeps failures and notices in order', () => {
    const { scheduler, batcher, batches } = setup()
    const line = (seq: number) => ({ seq, timestamp: 't', level: 'info', message: `m${seq}` })
    batcher.push({ type: 'logs', profile_id: 'p', execution_id: 'e1', lines: [line(0)] })
    const failure = {
      type: 'failure' as const,
      failure: {
        execution_id: 'e1',
        workflow_id: 'wf',
        workflow_name: 'WF',
        status: 'failed' as const,
        at: '2024-01-01T00:00:00.000Z',
        profile_id: 'p',
        seen: false
      }
    }
    batcher.push(failure)
    batcher.push({ type: 'logs', profile_id: 'p', execution_id: 'e1', lines: [line(1), line(2)] })
    batcher.push({ type: 'logs', profile_id: 'p', execution_id: 'e2', lines: [line(0)] })
    batcher.push(failure)
    scheduler.fire()
    expect(batches[0]!.events).toEqual([
      { type: 'logs', profile_id: 'p', execution_id: 'e1', lines: [line(0), line(1), line(2)] },
      failure,
      { type: 'logs', profile_id: 'p', execution_id: 'e2', lines: [line(0)] },
      failure
    ])
  })

  it('keeps the latest connection per profile, workflow per id (removal wins), profiles and settings', () => {
    const { scheduler, batcher, batches } = setup()
    const state = (s: 'connecting' | 'open', at: number) => ({ state: s, at })
    batcher.push({ type: 'connection', profile_id: 'a', state: state('connecting', 1) })
    batcher.push({ type: 'connection', profile_id: 'b', state: state('connecting', 2) })
    batcher.push({ type: 'connection', profile_id: 'a', state: state('open', 3) })
    batcher.push({ type: 'workflow', workflow: { profile_id: 'a', id: 'w1', name: 'one' } })
    batcher.push({ type: 'workflow_removed', profile_id: 'a', workflow_id: 'w1' })
    batcher.push({ type: 'profiles', profiles: [] })
    batcher.push({ type: 'profiles', profiles: [] })
    scheduler.fire()
    expect(batches[0]!.events).toEqual([
      { type: 'connection', profile_id: 'b', state: state('connecting', 2) },
      { type: 'connection', profile_id: 'a', state: state('open', 3) },
      { type: 'workflow_removed', profile_id: 'a', workflow_id: 'w1' },
      { type: 'profiles', profiles: [] }
    ])
  })

  it('a burst of thousands of updates of a few executions becomes one batch of their latest states', () => {
    const { scheduler, batcher, batches } = setup()
    for (let i = 0; i <= 3000; i++)
      batcher.push(execution(`e${i % 3}`, 'running', (i / 3000) * 100))
    scheduler.fire()
    expect(batches).toHaveLength(1)
    expect(batches[0]!.events).toHaveLength(3)
    expect(
      batches[0]!.events.map(
        (e) => (e as { execution: ExecutionView }).execution.progress!.percentage
      )
    ).toEqual([(2998 / 3000) * 100, (2999 / 3000) * 100, 100])
  })

  it('flush() delivers at once and disarms the timer (the snapshot names the batch it includes)', () => {
    const { scheduler, batcher, batches } = setup()
    batcher.push(execution('e1', 'running'))
    batcher.flush()
    expect(batches).toHaveLength(1)
    expect(scheduler.armed).toBe(0)
    batcher.flush()
    expect(batches).toHaveLength(1)
  })

  it('sends a batch at once when it reaches maxEvents, so memory stays bounded', () => {
    const { batcher, batches } = setup({ maxEvents: 10 })
    for (let i = 0; i < 25; i++) batcher.push(execution(`e${i}`, 'running'))
    expect(batches.map((b) => b.events.length)).toEqual([10, 10])
    expect(batcher.pendingCount).toBe(5)
  })

  it('dispose() drops pending events and cancels the timer', () => {
    const { scheduler, batcher, batches } = setup()
    batcher.push(execution('e1', 'running'))
    batcher.dispose()
    expect(scheduler.armed).toBe(0)
    scheduler.fire()
    batcher.push(execution('e2', 'running'))
    batcher.flush()
    expect(batches).toHaveLength(0)
  })
})
