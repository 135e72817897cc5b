import { afterEach, describe, expect, it } from 'vitest'
import type { EventBatch, Snapshot } from '@shared/bridge/views'
import { isTerminalStatus } from '@shared/protocol'
import { startTestApp } from '../fixtures/app'
import type { TestApp } from '../fixtures/app'
import { waitUntil } from '../helpers/wait'

// The app service in local dev mode against the real (test) gateway: live executions arrive
// as events, and a failure becomes exactly one entry in the failure feed.

let app: TestApp | undefined
afterEach(async () => {
  await app?.dispose()
  app = undefined
})

async function snapshot(test: TestApp): Promise<Snapshot> {
  const result = await test.host.invoke('getSnapshot', undefined)
  if (!result.ok) throw new Error(result.error.message)
  return result.value as Snapshot
}

describe('local dev mode', () => {
  it('is the default with no settings file and goes live', async () => {
    app = await startTestApp()
    await waitUntil(
      async () => {
        const snap = await snapshot(app!)
        return snap.profiles[0]?.connection.state === 'open' && snap.workflows.length > 0
      },
      { timeoutMs: 10_000, what: 'the local profile to be open with its workflows' }
    )
    const snap = await snapshot(app)
    expect(snap.profiles).toHaveLength(1)
    expect(snap.profiles[0]).toMatchObject({
      id: 'local',
      local: true,
      token: { present: true, storage: 'minted' }
    })
    expect(snap.settings.local_dev_mode).toBe(true)
    expect(snap.workflows.length).toBeGreaterThan(0)
    expect(app.service.hasLiveResources()).toBe(true)
  })

  it('shows live executions and turns one failure into exactly one feed entry', async () => {
    app = await startTestApp()
    const batches: EventBatch[] = []
    app.host.onBatch((batch) => batches.push(batch))
    await waitUntil(async () => (await snapshot(app!)).profiles[0]?.connection.state === 'open', {
      timeoutMs: 10_000,
      what: 'open'
    })
    const engine = app.localGateway().engine
    const ok = engine.startExecution('wf_order_processing', { order: 1 }, { outcome: 'succeed' })!
    const bad = engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    await waitUntil(
      () =>
        isTerminalStatus(engine.getExecution(bad.id)!.status) &&
        isTerminalStatus(engine.getExecution(ok.id)!.status),
      {
        timeoutMs: 10_000,
        what: 'both executions to finish'
      }
    )
    // The engine is done; wait until its last updates have reached the app too.
    await waitUntil(
      async () => {
        const snap = await snapshot(app!)
        const final = (id: string) => snap.executions.find((e) => e.id === id)?.status
        return (
          snap.failures.length === 1 && final(ok.id) === 'completed' && final(bad.id) === 'failed'
        )
      },
      { what: 'one failure and both executions final' }
    )
    const snap = await snapshot(app)
    const failed = snap.executions.find((e) => e.id === bad.id)
    expect(failed?.status).toBe('failed')
    expect(failed?.error?.action_name).toBeTruthy()
    expect(snap.executions.find((e) => e.id === ok.id)?.status).toBe('completed')
    expect(snap.failures).toHaveLength(1)
    expect(snap.failures[0]).toMatchObject({
      execution_id: bad.id,
      profile_id: 'local',
      seen: false
    })
    const failureEvents = batches.flatMap((b) => b.events).filter((e) => e.type === 'failure')
    expect(failureEvents).toHaveLength(1)
    // Progress arrived as several updates, not only the final state.
    const updates = batches
      .flatMap((b) => b.events)
      .filter((e) => e.type === 'execution' && e.execution.id === ok.id)
    expect(updates.length).toBeGreaterThan(1)
    expect(app.service.trayInputs().unseen_failures).toBe(1)
    expect(app.service.trayInputs().last_failures.map((f) => f.execution_id)).toEqual([bad.id])
  })

  it('a tray or notification click reaches the dashboard and the shell as show_execution', async () => {
    app = await startTestApp()
    const batches: EventBatch[] = []
    app.host.onBatch((batch) => batches.push(batch))
    const asked: unknown[] = []
    app.service.on('show_execution', (ref) => asked.push(ref))
    app.service.showExecution('local', 'exec-42')
    // Delivered at once, not a frame later.
    expect(batches.flatMap((b) => b.events)).toContainEqual({
      type: 'show_execution',
      profile_id: 'local',
      execution_id: 'exec-42'
    })
    expect(asked).toEqual([{ profile_id: 'local', execution_id: 'exec-42' }])
  })

  it('dispose stops the sessions and the local gateway, leaving nothing running', async () => {
    const test = await startTestApp()
    await waitUntil(async () => (await snapshot(test)).profiles[0]?.connection.state === 'open', {
      timeoutMs: 10_000,
      what: 'open'
    })
    const gateway = test.localGateway()
    expect(test.service.hasLiveResources()).toBe(true)
    test.service.nudge()
    await test.dispose()
    expect(test.service.hasLiveResources()).toBe(false)
    await expect(fetch(`${gateway.url}/api/v1/health`)).rejects.toThrow()
  })
})
