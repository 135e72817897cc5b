import { describe, expect, it, vi } from 'vitest'
import type { BridgeResult, EventBatch, NebulaBridge, Snapshot } from '@shared/bridge'
import { DashboardStore } from '@renderer/store/dashboard-store'
import { executionKey } from '@renderer/store/keys'
import { execution, lines, snapshot } from './support'

// The store against a small in-memory bridge: the order of subscribe/snapshot, which batches are
// kept, how often React is told, and how a log backlog meets log events already in flight.

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

function fakeBridge() {
  const calls: string[] = []
  const listeners = new Set<(batch: EventBatch) => void>()
  const snapshots: Array<Deferred<BridgeResult<Snapshot>>> = []
  const follows: Array<
    Deferred<BridgeResult<{ lines: ReturnType<typeof lines>; truncated: boolean }>>
  > = []
  const bridge = {
    onEvents(listener: (batch: EventBatch) => void) {
      calls.push('onEvents')
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot() {
      calls.push('getSnapshot')
      const d = deferred<BridgeResult<Snapshot>>()
      snapshots.push(d)
      return d.promise
    },
    followLogs() {
      calls.push('followLogs')
      const d = deferred<BridgeResult<{ lines: ReturnType<typeof lines>; truncated: boolean }>>()
      follows.push(d)
      return d.promise
    },
    unfollowLogs() {
      calls.push('unfollowLogs')
      return Promise.resolve({ ok: true as const, value: null })
    }
  } as unknown as NebulaBridge
  const emit = (batch: EventBatch) => listeners.forEach((l) => l(batch))
  return { bridge, calls, snapshots, follows, emit, listeners }
}

/** A frame scheduler the test runs by hand. */
function manualFrames() {
  let pending: (() => void) | null = null
  let requested = 0
  return {
    schedule: (callback: () => void) => {
      requested++
      pending = callback
      return () => (pending = null)
    },
    run() {
      const callback = pending
      pending = null
      callback?.()
    },
    get requested() {
      return requested
    }
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

/** A store over a fake bridge whose frames run by hand, started (after `beforeStart`). */
function startedStore(beforeStart: (store: DashboardStore) => void = () => {}) {
  const fake = fakeBridge()
  const frames = manualFrames()
  const store = new DashboardStore(fake.bridge, frames.schedule)
  beforeStart(store)
  store.start()
  return { fake, frames, store }
}

describe('DashboardStore', () => {
  it('subscribes before asking for the snapshot and drops batches the snapshot already has', async () => {
    const { fake, frames, store } = startedStore()
    expect(fake.calls).toEqual(['onEvents', 'getSnapshot'])

    // Batches 3 and 4 arrive while the snapshot (taken at seq 3) is on its way.
    fake.emit({
      seq: 3,
      events: [{ type: 'execution', execution: execution('e1', { status: 'completed' }) }]
    })
    fake.emit({ seq: 4, events: [{ type: 'execution', execution: execution('e2') }] })
    fake.snapshots[0].resolve({
      ok: true,
      value: snapshot({ seq: 3, executions: [execution('e1', { status: 'failed' })] })
    })
    await flush()
    frames.run()

    const state = store.getState()
    expect(state.seq).toBe(4)
    // e1 comes from the snapshot (batch 3 is older than it), e2 from batch 4.
    expect(state.executions.get(executionKey('local', 'e1'))?.status).toBe('failed')
    expect(state.executions.get(executionKey('local', 'e2'))?.status).toBe('running')
    store.dispose()
    expect(fake.listeners.size).toBe(0)
  })

  it('publishes at most once per frame however many batches arrive', async () => {
    let published = 0
    const { fake, frames, store } = startedStore((s) => s.subscribe(() => published++))
    fake.snapshots[0].resolve({ ok: true, value: snapshot({ seq: 0 }) })
    await flush()
    frames.run()
    expect(published).toBe(1)

    const before = store.getState()
    for (let seq = 1; seq <= 50; seq++) {
      fake.emit({ seq, events: [{ type: 'execution', execution: execution(`e${seq}`) }] })
    }
    // Nothing is published until the frame: views read one stable state meanwhile.
    expect(store.getState()).toBe(before)
    frames.run()
    expect(published).toBe(2)
    expect(store.getState().executions.size).toBe(50)
    store.dispose()
  })

  it('applies the batches of one frame together, in order, and notices a gap among them', async () => {
    const { fake, frames, store } = startedStore()
    fake.snapshots[0].resolve({ ok: true, value: snapshot({ seq: 0 }) })
    await flush()
    frames.run()

    fake.emit({ seq: 1, events: [{ type: 'execution', execution: execution('e1') }] })
    const completed = execution('e1', { status: 'completed' })
    fake.emit({ seq: 2, events: [{ type: 'execution', execution: completed }] })
    // A repeat of a batch not yet applied is dropped, not applied twice or over a later one.
    fake.emit({ seq: 2, events: [{ type: 'execution', execution: execution('e1') }] })
    frames.run()
    expect(store.getState().seq).toBe(2)
    expect(store.getState().executions.get(executionKey('local', 'e1'))).toBe(completed)

    // Batch 4 after 3, both before the frame, then 6: the gap is seen against batch 4.
    fake.emit({ seq: 3, events: [{ type: 'execution', execution: execution('e3') }] })
    fake.emit({ seq: 4, events: [{ type: 'execution', execution: execution('e4') }] })
    expect(fake.calls.filter((c) => c === 'getSnapshot')).toHaveLength(1)
    fake.emit({ seq: 6, events: [{ type: 'execution', execution: execution('e6') }] })
    expect(fake.calls.filter((c) => c === 'getSnapshot')).toHaveLength(2)
    store.dispose()
  })

  it('takes a new snapshot when a batch number is skipped', async () => {
    const { fake, frames, store } = startedStore()
    fake.snapshots[0].resolve({ ok: true, value: snapshot({ seq: 7 }) })
    await flush()
    fake.emit({ seq: 9, events: [{ type: 'execution', execution: execution('e9') }] })
    expect(fake.calls.filter((c) => c === 'getSnapshot')).toHaveLength(2)
    fake.snapshots[1].resolve({
      ok: true,
      value: snapshot({ seq: 9, executions: [execution('e8'), execution('e9')] })
    })
    await flush()
    frames.run()
    expect(store.getState().seq).toBe(9)
    expect(store.getState().executions.size).toBe(2)
    store.dispose()
  })

  it('shows why the snapshot failed, and loads it on "try again"', async () => {
    const { fake, frames, store } = startedStore()
    fake.snapshots[0].resolve({
      ok: false,
      error: { code: 'internal', message: 'main is starting' }
    })
    await flush()
    frames.run()
    expect(store.getState()).toMatchObject({ phase: 'failed', loadError: 'main is starting' })
    void store.reload()
    fake.snapshots[1].resolve({ ok: true, value: snapshot() })
    await flush()
    frames.run()
    expect(store.getState().phase).toBe('ready')
    store.dispose()
  })

  it('puts log lines that beat the backlog after it, without repeats', async () => {
    const { fake, frames, store } = startedStore()
    fake.snapshots[0].resolve({ ok: true, value: snapshot() })
    await flush()
    const logs = store.logsFor({ profile_id: 'local', execution_id: 'e1' })
    const release = store.holdLogs(logs)
    expect(logs.status).toBe('loading')
    // Lines 9-12 arrive as events before the follow answers with lines 1-10.
    fake.emit({
      seq: 1,
      events: [{ type: 'logs', profile_id: 'local', execution_id: 'e1', lines: lines(9, 12) }]
    })
    fake.follows[0].resolve({ ok: true, value: { lines: lines(1, 10), truncated: false } })
    await flush()
    frames.run()
    expect(logs.status).toBe('ready')
    expect(logs.buffer.length).toBe(12)
    expect(Array.from({ length: 12 }, (_, i) => logs.buffer.row(i).seq)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
    ])
    // The same stream is shared while held.
    expect(store.logsFor({ profile_id: 'local', execution_id: 'e1' })).toBe(logs)
    release()
    store.dispose()
    expect(fake.calls).toContain('unfollowLogs')
  })

  it('unfollows a stream a while after its last holder leaves, unless it is held again', async () => {
    vi.useFakeTimers()
    try {
      const { fake, store } = startedStore()
      const ref = { profile_id: 'local', execution_id: 'e1' }
      const logs = store.logsFor(ref)
      let release = store.holdLogs(logs)
      release()
      // Held again within the grace period (a quick revisit): still the same stream.
      await vi.advanceTimersByTimeAsync(5_000)
      release = store.holdLogs(store.logsFor(ref))
      await vi.advanceTimersByTimeAsync(20_000)
      expect(fake.calls.filter((c) => c === 'unfollowLogs')).toHaveLength(0)
      release()
      await vi.advanceTimersByTimeAsync(10_000)
      expect(fake.calls.filter((c) => c === 'unfollowLogs')).toHaveLength(1)
      // Forgotten: the next view follows afresh.
      expect(store.logsFor(ref)).not.toBe(logs)
      expect(fake.calls.filter((c) => c === 'followLogs')).toHaveLength(2)
      store.dispose()
    } finally {
      vi.useRealTimers()
    }
  })

  it('reports "unavailable" without a bridge', () => {
    const store = new DashboardStore(undefined)
    store.start()
    expect(store.getState().phase).toBe('unavailable')
  })
})
