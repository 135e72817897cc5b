import { describe, expect, it } from 'vitest'
import { waitUntil } from '../helpers/wait'
import { DIALECTS, startDialectGateway, startSession, testSessionOptions } from './support'
import { useCleanup } from '../helpers/cleanup'

// More subscriptions than one pacing window allows (a cold start on a document-only server with
// many workflows): the session must not wait for the ones still queued for the next window
// before it reconciles. It reconciles once everything sent is answered, REST polling covers the
// rest at once, and the session is `open` with partial coverage (everything is covered); the
// coverage turns `live` once every subscription is.

const WORKFLOWS = 12

const cleanup = useCleanup()

describe.each(DIALECTS)('subscriptions queued behind the pacing window (%s dialect)', (dialect) => {
  it('reconciles and polls without waiting for them; open while covered, live once confirmed', async () => {
    const gateway = await startDialectGateway(dialect, { refuseAll: true })
    cleanup.push(() => gateway.close())
    for (let i = gateway.engine.listWorkflows().length; i < WORKFLOWS; i++) {
      gateway.engine.createWorkflow({ name: `Queued ${i}`, actions: ['Step'] })
    }
    const token = await gateway.mintToken()
    const { session, rec } = startSession(
      testSessionOptions(gateway.url, () => token, {
        // A quiet period far longer than the test: only the rule above can end the wait.
        settleTimeoutMs: 60_000,
        pollIntervalMs: 200,
        connection: { heartbeatMs: 60_000, pacing: { limit: 8, windowMs: 3_000, guardMs: 500 } }
      })
    )
    cleanup.push(() => session.dispose())

    // Reconciled (polling only starts after it) while most subscriptions wait for the window:
    // open, with coverage that says what is only polled.
    await waitUntil(() => session.coverage.polled > 0, { timeoutMs: 2_500, what: 'polling' })
    const waiting = session.subscriptions.list().filter((s) => s.status === 'pending')
    expect(waiting.length, 'precondition: subscriptions still queued').toBeGreaterThan(3)
    await rec.waitForState('open', 2_500)
    const opened = rec.states.find((s) => s.state === 'open')!
    expect(opened.coverage!.level).toBe('partial')
    expect(opened.coverage!.pending).toBeGreaterThan(3)

    // A failure in a workflow nobody is subscribed to yet is found by polling.
    const queued = waiting.find((s) => s.resource === 'workflow_executions')!.id
    const failed = gateway.engine.startExecution(queued, {}, { outcome: 'fail' })!.id
    await waitUntil(() => rec.alertsFor(failed).length === 1, {
      timeoutMs: 5_000,
      what: 'the failure, by polling'
    })

    // The published state catches up with the coverage (its updates are throttled).
    await waitUntil(() => session.state.coverage?.level === 'live', {
      timeoutMs: 15_000,
      what: 'a published state with every subscription live'
    })
    expect(session.state).toMatchObject({
      state: 'open',
      coverage: { level: 'live', pending: 0, refused: 0, polled: 0 }
    })
    // Open the whole time since it was first covered: never back to syncing on this socket.
    const afterOpen = rec.states.slice(rec.states.indexOf(opened))
    expect(afterOpen.every((s) => s.state === 'open')).toBe(true)
    expect(rec.alertsFor(failed)).toHaveLength(1)
  }, 30_000)
})
