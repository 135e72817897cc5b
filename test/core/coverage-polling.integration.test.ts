import { describe, expect, it } from 'vitest'
import { waitUntil } from '../helpers/wait'
import { DIALECTS, startDialectGateway, startSession, testSessionOptions } from './support'
import { useCleanup } from '../helpers/cleanup'

// Coverage that is not complete is said, and covered: a server that rate-limits some of the
// per-workflow subscriptions (its limit is far below what the client was told to pace to)
// leaves them waiting; the session stays `syncing` with `partial` coverage, polls the REST
// executions list for exactly those workflows, and so still alerts a failure in one of them
// while its subscription is not live.

const cleanup = useCleanup()

describe.each(DIALECTS)('REST polling for what is not live (%s dialect)', (dialect) => {
  it('alerts a failure in a workflow whose subscription the server has not accepted yet', async () => {
    const gateway = await startDialectGateway(dialect, {
      refuseAll: true,
      // all + workflows:all + 4 demo workflows fit; the other 4 workflows are refused.
      rateLimit: { maxMessages: 6, windowMs: 60_000 }
    })
    cleanup.push(() => gateway.close())
    const extra = Array.from(
      { length: 4 },
      (_, i) => gateway.engine.createWorkflow({ name: `Extra ${i}`, actions: ['Only'] }).id
    )
    const token = await gateway.mintToken()
    const { session, rec } = startSession(
      testSessionOptions(gateway.url, () => token, {
        settleTimeoutMs: 300,
        pollIntervalMs: 200,
        // Asked again only after minutes: for this test they stay refused-for-now.
        subscriptions: { retry: { baseMs: 600_000, capMs: 600_000 } },
        connection: { heartbeatMs: 600_000, pacing: { limit: 1_000, windowMs: 60_000 } }
      })
    )
    cleanup.push(() => session.dispose())
    await waitUntil(() => session.coverage.polled > 0, {
      timeoutMs: 10_000,
      what: 'REST polling to start'
    })
    const waiting = extra.filter(
      (id) => session.subscriptions.get('workflow_executions', id)?.status === 'pending'
    )
    expect(waiting.length, 'precondition: rate-limited subscriptions wait').toBeGreaterThan(0)
    expect(session.coverage).toMatchObject({
      level: 'partial',
      follow: 'per_workflow',
      pending: waiting.length,
      polled: waiting.length
    })
    // Covered (polling), so open; the coverage says what is only polled.
    expect(session.state.state).toBe('open')
    expect(rec.logs.some((l) => /not live; polling their executions over REST/.test(l))).toBe(true)

    const failed = gateway.engine.startExecution(waiting[0]!, {}, { outcome: 'fail' })!.id
    await waitUntil(() => rec.alertsFor(failed).length === 1, {
      timeoutMs: 10_000,
      what: 'the failure alerted through polling'
    })
    expect(session.subscriptions.get('workflow_executions', waiting[0]!)?.status).toBe('pending')
    // The coverage change is published (throttled) as an `open` state that says so.
    await waitUntil(
      () =>
        rec.states.some(
          (s) => s.state === 'open' && s.coverage?.level === 'partial' && s.coverage.polled > 0
        ),
      { what: 'a published state with the polled coverage' }
    )
    // Later polls (proved by a second failure they find) list the first one again: still
    // exactly one alert for it.
    const second = gateway.engine.startExecution(waiting.at(-1)!, {}, { outcome: 'fail' })!.id
    await waitUntil(() => rec.alertsFor(second).length === 1, {
      timeoutMs: 10_000,
      what: 'a second failure alerted through polling'
    })
    expect(rec.alertsFor(failed)).toHaveLength(1)
    expect(rec.alerts).toHaveLength(2)
  })
})
