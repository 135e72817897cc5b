import { afterEach, describe, expect, it } from 'vitest'
import { waitUntil } from '../helpers/wait'
import { DIALECTS, startDialectGateway, startSession, testSessionOptions } from './support'

// More subscriptions than one pacing window allows (a cold start on a document-only server with
// many workflows): the session must not wait for the ones still queued for the next window
// before it reconciles. It reconciles once everything sent is answered, REST polling covers the
// rest at once, and `open` still waits until every subscription is live.

const WORKFLOWS = 12

let cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

describe.each(DIALECTS)('subscriptions queued behind the pacing window (%s dialect)', (dialect) => {
  it('reconciles and polls without waiting for them; open only once they are live', async () => {
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

    // Reconciled (polling only starts after it) while most subscriptions wait for the window.
    await waitUntil(() => session.coverage.polled > 0, { timeoutMs: 2_500, what: 'polling' })
    const waiting = session.subscriptions.list().filter((s) => s.status === 'pending')
    expect(waiting.length, 'precondition: subscriptions still queued').toBeGreaterThan(3)
    expect(rec.count('open')).toBe(0)

    // A failure in a workflow nobody is subscribed to yet is found by polling.
    const queued = waiting.find((s) => s.resource === 'workflow_executions')!.id
    const failed = gateway.engine.startExecution(queued, {}, { outcome: 'fail' })!.id
    await waitUntil(() => rec.alertsFor(failed).length === 1, {
      timeoutMs: 5_000,
      what: 'the failure, by polling'
    })

    await rec.waitForState('open', 15_000)
    const opened = rec.states.find((s) => s.state === 'open')!
    expect(opened.coverage).toMatchObject({ level: 'live', pending: 0, refused: 0 })
    expect(rec.alertsFor(failed)).toHaveLength(1)
  }, 30_000)
})
