import { describe, expect, it } from 'vitest'
import { api } from '../helpers/http'
import { waitUntil } from '../helpers/wait'
import { DIALECTS, startDialectGateway, startSession, testSessionOptions } from './support'
import { useCleanup } from '../helpers/cleanup'

// 150 workflows on a server that refuses `workflow_executions:all` and allows 40 messages per
// 2 s: the session needs ~152 subscribe messages plus heartbeats, paced at 36 per 3 s, and the
// server must never answer RATE_LIMIT_EXCEEDED. (The real limit is 100 per minute; the window
// is scaled down so the test takes seconds, not minutes.)

const WORKFLOWS = 150
const DEMO = 4

const cleanup = useCleanup()

describe.each(DIALECTS)('pacing under the rate limit (%s dialect)', (dialect) => {
  it(`subscribes to ${WORKFLOWS} workflows without ever being rate limited`, async () => {
    const gateway = await startDialectGateway(dialect, {
      refuseAll: true,
      rateLimit: { maxMessages: 40, windowMs: 2_000 }
    })
    cleanup.push(() => gateway.close())
    const token = await gateway.mintToken()
    const createWorkflows = async (from: number, to: number): Promise<string[]> => {
      const ids: string[] = []
      for (let i = from; i < to; i++) {
        const response = await api(gateway.url, '/api/v1/workflows', {
          method: 'POST',
          token,
          body: { name: `Paced workflow ${i}`, actions: ['Only step'] }
        })
        expect(response.status).toBe(201)
        ids.push((response.body as { id: string }).id)
      }
      return ids
    }
    // Most exist before the session starts; the rest appear while it is subscribing.
    const early = await createWorkflows(DEMO, 100)
    const { session, rec } = startSession(
      testSessionOptions(gateway.url, () => token, {
        settleTimeoutMs: 5_000,
        // Client and server share this process: a CPU stall on a busy CI machine delays the
        // server's reading as if it were network jitter. The guard and the pong timeout are
        // scaled to tolerate a 1 s stall, as the defaults tolerate 6 s on the real minute.
        connection: {
          heartbeatMs: 500,
          pongTimeoutMs: 5_000,
          pacing: { limit: 36, windowMs: 2_000, guardMs: 1_000 }
        }
      })
    )
    cleanup.push(() => session.dispose())
    const late = await createWorkflows(100, WORKFLOWS)
    expect(early.length + late.length + DEMO).toBe(WORKFLOWS)

    const activePerWorkflow = (): number =>
      session.subscriptions
        .list()
        .filter(
          (s) => s.resource === 'workflow_executions' && s.id !== 'all' && s.status === 'active'
        ).length
    await waitUntil(() => activePerWorkflow() === WORKFLOWS, {
      timeoutMs: 40_000,
      intervalMs: 50,
      what: `${WORKFLOWS} active per-workflow subscriptions`
    }).catch((error: Error) => {
      throw new Error(`${error.message} (active: ${activePerWorkflow()}, states: ${rec.tail()})`)
    })
    expect(session.followStrategy).toBe('per_workflow')
    expect(session.subscriptions.get('workflows', 'all')?.status).toBe('active')
    await rec.waitForState('open', 20_000)

    const rateLimited = rec.messages.filter(
      (m) => m.type === 'error' && m.code === 'RATE_LIMIT_EXCEEDED'
    )
    expect(rateLimited).toEqual([])
    expect(gateway.stats().rateLimitedMessages).toBe(0)
    expect(gateway.stats().messagesReceived).toBeGreaterThanOrEqual(WORKFLOWS + 2)
    expect(session.connection.sentInWindow()).toBeLessThanOrEqual(36)
    // Still one socket, never dropped for misbehaving.
    expect(rec.count('reconnecting')).toBe(0)
  }, 60_000)
})

describe.each(DIALECTS)('subscriptions confirmed after the gap was reconciled (%s)', (dialect) => {
  it('still alerts failures that happened before the late subscriptions were confirmed', async () => {
    const gateway = await startDialectGateway(dialect, {
      refuseAll: true,
      rateLimit: { maxMessages: 40, windowMs: 2_000 }
    })
    cleanup.push(() => gateway.close())
    const workflowIds = [...gateway.engine.listWorkflows().map((w) => w.id)]
    for (let i = workflowIds.length; i < 80; i++) {
      workflowIds.push(gateway.engine.createWorkflow({ name: `Late ${i}`, actions: ['Step'] }).id)
    }
    // History on first contact, in the workflow subscribed last: never alerted.
    const history = gateway.engine.startExecution(workflowIds.at(-1)!, {}, { outcome: 'fail' })!.id
    await waitUntil(() => gateway.engine.getExecution(history)?.status === 'failed')
    const token = await gateway.mintToken()
    const { session, rec } = startSession(
      testSessionOptions(gateway.url, () => token, {
        // Shorter than one pacing window: the session reconciles the gap while the last
        // subscriptions still wait for their turn (open meanwhile, with partial coverage).
        settleTimeoutMs: 300,
        connection: { pacing: { limit: 36, windowMs: 2_000, guardMs: 1_000 } }
      })
    )
    cleanup.push(() => session.dispose())
    // The gap is reconciled (REST polling now stands in for the subscriptions still waiting
    // for the next pacing window, so coverage counts them as polled).
    await waitUntil(() => session.coverage.polled > 10, {
      what: 'reconciled, with subscriptions still waiting'
    })
    const pending = workflowIds.filter(
      (id) => session.subscriptions.get('workflow_executions', id)?.status !== 'active'
    )
    expect(pending.length, 'precondition: some subscriptions still pending').toBeGreaterThan(10)
    expect(session.coverage.level).toBe('partial')

    // Failures in workflows nobody is subscribed to yet: not pushed, and after the reconcile.
    const failed = pending
      .slice(-5)
      .map((id) => gateway.engine.startExecution(id, {}, { outcome: 'fail' })!.id)
    await waitUntil(() => failed.every((id) => rec.alertsFor(id).length === 1), {
      timeoutMs: 20_000,
      what: 'alerts for failures in late-subscribed workflows'
    })
    await waitUntil(() => !session.subscriptions.hasPending(), { timeoutMs: 20_000 })
    // Covered all along; live once every subscription is.
    await waitUntil(() => session.coverage.level === 'live', { what: 'live coverage' })
    expect(session.state.state).toBe('open')
    expect(session.coverage).toMatchObject({ pending: 0, refused: 0 })
    expect(session.coverage.live).toBe(workflowIds.length + 1) // + workflows:all
    for (const id of failed) expect(rec.alertsFor(id)).toHaveLength(1)
    expect(rec.alertsFor(history)).toEqual([])
    expect(rec.alerts).toHaveLength(failed.length)
    expect(gateway.stats().rateLimitedMessages).toBe(0)
  }, 40_000)
})
