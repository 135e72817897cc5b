import { describe, expect, it } from 'vitest'
import { DEMO_WORKFLOW_IDS } from '@gateway'
import { WorkflowSchema } from '@shared/protocol'
import { api } from '../helpers/http'
import { waitUntil } from '../helpers/wait'
import { DIALECTS, startDialectGateway, startSession, testSessionOptions } from './support'
import { useCleanup } from '../helpers/cleanup'

// A server that refuses `workflow_executions:all`: the session falls back to `workflows:all`
// plus one subscription per workflow, alerts failures in any of them, and follows workflows
// created later. Against both dialects: the document's refuses `all` with a bare
// SUBSCRIPTION_FAILED (no resource, id or request_id), tied to it by the order of answers.

const cleanup = useCleanup()

describe.each(DIALECTS)('fallback to per-workflow subscriptions (%s dialect)', (dialect) => {
  it('follows every workflow, including one created afterwards over REST', async () => {
    const gateway = await startDialectGateway(dialect, { refuseAll: true })
    cleanup.push(() => gateway.close())
    const token = await gateway.mintToken()
    const { session, rec } = startSession(testSessionOptions(gateway.url, () => token))
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')
    expect(rec.states.at(-1)!.coverage).toMatchObject({ level: 'live', follow: 'per_workflow' })

    expect(session.followStrategy).toBe('per_workflow')
    const active = (resource: string, id: string): boolean =>
      session.subscriptions.get(resource, id)?.status === 'active'
    await waitUntil(() => DEMO_WORKFLOW_IDS.every((id) => active('workflow_executions', id)), {
      what: 'a subscription per demo workflow'
    })
    expect(active('workflows', 'all')).toBe(true)
    const refused = session.subscriptions.get('workflow_executions', 'all')
    expect(refused).toBeUndefined() // released after the refusal, not retried
    // Refused by the server's answer (tied to the subscription), not by waiting for the bound.
    expect(
      rec.subscriptions.find((s) => s.id === 'all' && s.status === 'failed')?.error?.code
    ).toBe('SUBSCRIPTION_FAILED')

    // A failure in each demo workflow is alerted.
    const failed = DEMO_WORKFLOW_IDS.map(
      (id) => gateway.engine.startExecution(id, {}, { outcome: 'fail' })!.id
    )
    await waitUntil(() => failed.every((id) => rec.alertsFor(id).length === 1), {
      what: 'an alert per workflow'
    })

    // A workflow created over REST afterwards: announced by workflow_event, then followed.
    const created = await api(gateway.url, '/api/v1/workflows', {
      method: 'POST',
      token,
      body: { name: 'Invoice Export', actions: ['Collect', 'Render', 'Send'] }
    })
    expect(created.status).toBe(201)
    const workflow = WorkflowSchema.parse(created.body)
    await waitUntil(
      () =>
        rec.messages.some(
          (m) =>
            m.type === 'workflow_event' &&
            m.event.event_type === 'created' &&
            m.event.workflow.id === workflow.id
        ),
      { what: 'the workflow_event for the new workflow' }
    )
    await waitUntil(() => active('workflow_executions', workflow.id), {
      what: 'a subscription for the new workflow'
    })
    const lateFailure = gateway.engine.startExecution(workflow.id, {}, { outcome: 'fail' })!.id
    await waitUntil(() => rec.alertsFor(lateFailure).length === 1, {
      what: 'an alert in the new workflow'
    })
    expect(rec.alertsFor(lateFailure)[0]!.workflow_name).toBe('Invoice Export')
    expect(rec.alerts).toHaveLength(failed.length + 1)

    // Deleted over REST: the per-workflow subscription is released.
    const deleted = await api(gateway.url, `/api/v1/workflows/${workflow.id}`, {
      method: 'DELETE',
      token
    })
    expect(deleted.status).toBeLessThan(300)
    await waitUntil(
      () => session.subscriptions.get('workflow_executions', workflow.id) === undefined,
      {
        what: 'the subscription of the deleted workflow to be released'
      }
    )
    // The only error answer in the whole run is the refusal that started the fallback.
    const errors = rec.messages.filter((m) => m.type === 'error')
    expect(errors.map((m) => (m.type === 'error' ? m.code : ''))).toEqual(['SUBSCRIPTION_FAILED'])
    if (dialect === 'document') expect(errors[0]).not.toHaveProperty('resource')
  })
})

describe.each(DIALECTS)(
  'a workflow created while its subscription cannot be sent (%s)',
  (dialect) => {
    it('alerts a failure that finished before the new subscription was confirmed', async () => {
      const gateway = await startDialectGateway(dialect, { refuseAll: true })
      cleanup.push(() => gateway.close())
      const token = await gateway.mintToken()
      const { session, rec } = startSession(
        testSessionOptions(gateway.url, () => token, {
          // Six messages fill the window at start (all, workflows:all, four workflows), so the
          // next subscription waits about three seconds for its turn.
          connection: { heartbeatMs: 60_000, pacing: { limit: 6, windowMs: 3_000, guardMs: 0 } }
        })
      )
      cleanup.push(() => session.dispose())
      await rec.waitForState('open')
      expect(session.connection.sentInWindow(), 'precondition: window full').toBe(6)

      const workflow = gateway.engine.createWorkflow({ name: 'Born Busy', actions: ['Only'] })
      const failed = gateway.engine.startExecution(workflow.id, {}, { outcome: 'fail' })!.id
      await waitUntil(() => gateway.engine.getExecution(failed)?.status === 'failed')
      await waitUntil(
        () => session.subscriptions.get('workflow_executions', workflow.id) !== undefined
      )
      expect(session.subscriptions.get('workflow_executions', workflow.id)?.status).toBe('pending')
      expect(rec.alertsFor(failed)).toEqual([])
      // Still open (REST polling covers it); the coverage says what is not live yet.
      await waitUntil(() => session.coverage.pending === 1, { what: 'the pending subscription' })
      expect(session.state.state).toBe('open')
      expect(session.coverage.level).toBe('partial')

      await waitUntil(() => rec.alertsFor(failed).length === 1, {
        timeoutMs: 10_000,
        what: 'the alert after the late subscription'
      })
      expect(rec.alertsFor(failed)[0]!.workflow_name).toBe('Born Busy')
    })
  }
)
