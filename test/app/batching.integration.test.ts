import { afterEach, expect, it } from 'vitest'
import { isTerminalStatus } from '@shared/protocol'
import type { ExecutionView } from '@shared/bridge/views'
import { startTestApp } from '../fixtures/app'
import type { TestApp } from '../fixtures/app'
import { waitUntil } from '../helpers/wait'
import { BatchRecorder, snapshot, waitForOpen } from './support'

// A burst of real execution updates from the gateway reaches the dashboard as a few coalesced
// batches, each execution once per batch, the last event of each carrying its final state.

let app: TestApp | undefined
afterEach(async () => {
  await app?.dispose()
  app = undefined
})

it('a burst of updates arrives as few batches with the latest state', async () => {
  app = await startTestApp({ gateway: { actionDelayMs: [1, 3] } })
  await waitForOpen(app)
  const engine = app.localGateway().engine
  let updates = 0
  engine.on('execution', () => updates++)
  const recorder = new BatchRecorder(app.host)
  const startedAt = performance.now()
  const ids = Array.from(
    { length: 40 },
    (_, i) =>
      engine.startExecution(
        'wf_order_processing',
        { i },
        { outcome: i % 4 === 0 ? 'fail' : 'succeed' }
      )!.id
  )
  await waitUntil(
    () => {
      const last = new Map<string, ExecutionView>()
      for (const event of recorder.events('execution'))
        last.set(event.execution.id, event.execution)
      return ids.every((id) => isTerminalStatus(last.get(id)?.status ?? ''))
    },
    { timeoutMs: 15_000, what: 'every execution to arrive finished' }
  )
  const elapsed = performance.now() - startedAt
  const batches = recorder.batches.filter((b) => b.events.some((e) => e.type === 'execution'))
  // Coalesced: far fewer execution events than the engine's updates...
  const executionEvents = recorder.events('execution').length
  expect(updates).toBeGreaterThan(40 * 4)
  expect(executionEvents).toBeLessThan(updates)
  // ...each execution at most once per batch...
  for (const batch of batches) {
    const seen = batch.events
      .filter((e) => e.type === 'execution')
      .map((e) => `${e.execution.profile_id}/${e.execution.id}`)
    expect(new Set(seen).size).toBe(seen.length)
  }
  // ...and batches no more often than one per frame (16 ms) while nothing forces a flush.
  expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsed / 16) + 1)
  // Sequence numbers are consecutive, and the latest state is the engine's final one.
  expect(recorder.batches.map((b) => b.seq)).toEqual(
    recorder.batches.map((_, i) => recorder.batches[0]!.seq + i)
  )
  const last = new Map<string, ExecutionView>()
  for (const event of recorder.events('execution')) last.set(event.execution.id, event.execution)
  for (const id of ids) {
    const final = engine.getExecution(id)!
    expect(last.get(id)?.status).toBe(final.status)
    expect(last.get(id)?.progress?.percentage).toBe(final.progress?.percentage)
  }
  // The snapshot names the last batch it includes, and agrees with it.
  const snap = await snapshot(app)
  expect(snap.seq).toBe(recorder.batches.at(-1)!.seq)
  for (const id of ids)
    expect(snap.executions.find((e) => e.id === id)?.status).toBe(engine.getExecution(id)!.status)
  expect(snap.failures).toHaveLength(10)
})
