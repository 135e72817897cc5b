import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { ALL_ID, ErrorCode, Resource, isTerminalStatus } from '@shared/protocol'
import { closeAllClients, ofType } from '../helpers/ws-client'
import type { TestClient } from '../helpers/ws-client'
import { startTestGateway } from '../fixtures/gateway'
import {
  connect,
  hasFinalUpdate,
  rest,
  startExecution,
  subscribe,
  updatesFor,
  waitForTerminal
} from './fixtures'

// Who receives what: execute_workflow's answer and implicit subscription, logs only to
// `execution` subscribers, execution_update to `execution` and `workflow_executions`
// subscribers, workflow_event to `workflows` subscribers; plus failures and time-outs.

let gateway: Gateway
let token: string

beforeAll(async () => {
  gateway = await startTestGateway()
  token = await gateway.mintToken()
})
afterAll(async () => {
  await gateway.close()
})
afterEach(async () => {
  await closeAllClients()
})

/** Waits until `client` has every log the engine holds for `id` (and returns them). */
async function allLogsArrive(client: TestClient, id: string): Promise<void> {
  const expected = gateway.engine.getLogs(id) ?? []
  await client.waitUntil(
    (all) =>
      all.filter((m) => m.type === 'log' && m.log.execution_id === id).length >= expected.length,
    5000,
    `${expected.length} logs of ${id}`
  )
}

describe('execute_workflow', () => {
  it('answers with the new execution carrying request_id and streams it without a subscribe', async () => {
    const client = await connect(gateway)
    client.send({
      type: 'execute_workflow',
      workflow_id: 'wf_order_processing',
      input: { order_id: 'ord-ws-1' },
      request_id: 'run-1'
    })
    const answer = await client.next(ofType('execution_update', (m) => m.request_id === 'run-1'))
    const id = answer.execution.id
    expect(id).toMatch(/^exec_[0-9a-f]+$/)
    expect(answer.execution.workflow_id).toBe('wf_order_processing')
    expect(answer.execution.status).toBeTruthy()
    expect(gateway.engine.getExecution(id)).toBeDefined()

    const final = await waitForTerminal(gateway.engine, id)
    await client.waitUntil(() => hasFinalUpdate(client, final), 5000, `final update of ${id}`)
    await allLogsArrive(client, id)

    const updates = updatesFor(client, id)
    expect(updates.length).toBeGreaterThan(2)
    // Only the direct answer carries the request_id; broadcast updates do not.
    expect(client.all(ofType('execution_update', (m) => m.request_id === 'run-1'))).toHaveLength(1)
    const last = updates[updates.length - 1]
    expect(last?.status).toBe(final.status)
    expect(last?.actions_executed?.map((a) => a.name)).toEqual(
      final.actions_executed?.map((a) => a.name)
    )
    expect(client.all(ofType('log')).every((m) => m.log.execution_id === id)).toBe(true)
  })

  it('a requester already subscribed to workflow_executions:all gets the answer once, then the same stream as others', async () => {
    const requester = await connect(gateway)
    await subscribe(requester, Resource.WorkflowExecutions, ALL_ID)
    const observer = await connect(gateway)
    await subscribe(observer, Resource.WorkflowExecutions, ALL_ID)
    requester.send({
      type: 'execute_workflow',
      workflow_id: 'wf_user_onboarding',
      request_id: 'dup?'
    })
    const answer = await requester.next(ofType('execution_update', (m) => m.request_id === 'dup?'))
    const final = await waitForTerminal(gateway.engine, answer.execution.id)
    await requester.waitUntil(() => hasFinalUpdate(requester, final))
    await observer.waitUntil(() => hasFinalUpdate(observer, final))
    const mine = updatesFor(requester, final.id)
    const theirs = updatesFor(observer, final.id)
    expect(mine).toEqual(theirs)
    expect(mine[0]).toEqual(answer.execution)
  })

  it('reports an unknown workflow as an error with request_id, and the connection stays usable', async () => {
    const client = await connect(gateway)
    client.send({ type: 'execute_workflow', workflow_id: 'wf_nope', request_id: 'run-x' })
    const error = await client.next(ofType('error'))
    expect(error.request_id).toBe('run-x')
    expect(error.message).toContain('wf_nope')
    expect(error.code).toBe(ErrorCode.NotFound)
    await client.barrier()
    expect(client.all(ofType('execution_update'))).toEqual([])
  })
})

describe('routing', () => {
  it('sends logs only to execution subscribers and updates to execution and workflow_executions subscribers', async () => {
    const runner = await connect(gateway, { sub: 'runner' }) // implicit execution subscription
    const perWorkflow = await connect(gateway, { sub: 'per-workflow' })
    await subscribe(perWorkflow, Resource.WorkflowExecutions, 'wf_nightly_etl')
    const everything = await connect(gateway, { sub: 'everything' })
    await subscribe(everything, Resource.WorkflowExecutions, ALL_ID)
    const otherWorkflow = await connect(gateway, { sub: 'other-workflow' })
    await subscribe(otherWorkflow, Resource.WorkflowExecutions, 'wf_user_onboarding')
    const workflowsOnly = await connect(gateway, { sub: 'workflows-only' })
    await subscribe(workflowsOnly, Resource.Workflows, ALL_ID)
    const idle = await connect(gateway, { sub: 'idle' })

    runner.send({ type: 'execute_workflow', workflow_id: 'wf_nightly_etl', request_id: 'etl' })
    const id = (await runner.next(ofType('execution_update', (m) => m.request_id === 'etl')))
      .execution.id
    const final = await waitForTerminal(gateway.engine, id)
    await runner.waitUntil(() => hasFinalUpdate(runner, final))
    await allLogsArrive(runner, id)
    for (const c of [perWorkflow, everything]) await c.waitUntil(() => hasFinalUpdate(c, final))
    for (const c of [perWorkflow, everything, otherWorkflow, workflowsOnly, idle]) await c.barrier()

    const engineLogs = gateway.engine.getLogs(id) ?? []
    expect(engineLogs.length).toBeGreaterThan(0)
    expect(runner.all(ofType('log')).map((m) => m.log.message)).toEqual(
      engineLogs.map((l) => l.message)
    )

    for (const c of [perWorkflow, everything]) {
      expect(c.all(ofType('log'))).toEqual([])
      expect(updatesFor(c, id).length).toBeGreaterThan(0)
    }
    // Subscribed before the execution existed, both see the same full sequence.
    expect(updatesFor(perWorkflow, id)).toEqual(updatesFor(everything, id))
    for (const c of [otherWorkflow, workflowsOnly, idle]) {
      expect(c.all(ofType('execution_update'))).toEqual([])
      expect(c.all(ofType('log'))).toEqual([])
    }
  })

  it('an explicit execution subscription receives that execution’s updates and logs until it ends', async () => {
    const slow = await startTestGateway({ actionDelayMs: [120, 200] })
    try {
      const watcher = await connect(slow)
      const bystander = await connect(slow)
      await subscribe(bystander, Resource.WorkflowExecutions, 'wf_order_processing')
      const id = startExecution(slow.engine, 'wf_order_processing', { order_id: 'slow-1' })
      const other = startExecution(slow.engine, 'wf_order_processing', { order_id: 'slow-2' })
      await subscribe(watcher, Resource.Execution, id)
      const final = await waitForTerminal(slow.engine, id)
      await waitForTerminal(slow.engine, other)
      await watcher.waitUntil(() => hasFinalUpdate(watcher, final))
      await watcher.barrier()
      await bystander.barrier()

      expect(updatesFor(watcher, id).length).toBeGreaterThan(1)
      expect(watcher.all(ofType('log')).length).toBeGreaterThan(0)
      // Nothing about the other execution, which it never subscribed to.
      expect(updatesFor(watcher, other)).toEqual([])
      expect(watcher.all(ofType('log', (m) => m.log.execution_id !== id))).toEqual([])
      expect(bystander.all(ofType('log'))).toEqual([])
      expect(updatesFor(bystander, other).length).toBeGreaterThan(0)
      await closeAllClients()
    } finally {
      await slow.close()
    }
  })

  it('delivers workflow_event to workflows subscribers (all, or that workflow only)', async () => {
    const all = await connect(gateway)
    await subscribe(all, Resource.Workflows, ALL_ID)
    const one = await connect(gateway)
    await subscribe(one, Resource.Workflows, 'wf_partner_sync')
    const executions = await connect(gateway)
    await subscribe(executions, Resource.WorkflowExecutions, ALL_ID)

    const updated = await rest(gateway, '/workflows/wf_partner_sync', {
      method: 'PUT',
      token,
      body: { description: 'flaky partner, now documented' }
    })
    expect(updated.status).toBe(200)
    for (const c of [all, one]) {
      const event = await c.next(ofType('workflow_event'))
      expect(event.event.event_type).toBe('updated')
      expect(event.event.workflow.id).toBe('wf_partner_sync')
      expect(event.event.workflow.description).toBe('flaky partner, now documented')
    }

    const created = await rest(gateway, '/workflows', {
      method: 'POST',
      token,
      body: { name: 'Invoice Run', actions: ['Collect', 'Render', 'Send'] }
    })
    expect(created.status).toBe(201)
    const createdId = (created.body as { id: string }).id
    const createdEvent = await all.next(ofType('workflow_event'))
    expect(createdEvent.event).toMatchObject({ event_type: 'created', workflow: { id: createdId } })

    expect(
      (await rest(gateway, `/workflows/${createdId}`, { method: 'DELETE', token })).status
    ).toBeLessThan(300)
    const deletedEvent = await all.next(ofType('workflow_event'))
    expect(deletedEvent.event).toMatchObject({ event_type: 'deleted', workflow: { id: createdId } })

    await one.barrier()
    await executions.barrier()
    expect(one.all(ofType('workflow_event'))).toHaveLength(1)
    expect(executions.all(ofType('workflow_event'))).toEqual([])
  })

  it('stops delivery after unsubscribe', async () => {
    const client = await connect(gateway)
    await subscribe(client, Resource.WorkflowExecutions, ALL_ID)
    const first = startExecution(gateway.engine, 'wf_user_onboarding')
    const firstFinal = await waitForTerminal(gateway.engine, first)
    await client.waitUntil(() => hasFinalUpdate(client, firstFinal))
    client.send({ type: 'unsubscribe', resource: Resource.WorkflowExecutions, id: ALL_ID })
    await client.next(ofType('unsubscribed'))
    const second = startExecution(gateway.engine, 'wf_user_onboarding')
    await waitForTerminal(gateway.engine, second)
    await client.barrier()
    expect(updatesFor(client, second)).toEqual([])
  })

  it('a connection subscribed twice (all and the workflow) still gets each update once', async () => {
    const client = await connect(gateway)
    await subscribe(client, Resource.WorkflowExecutions, ALL_ID)
    await subscribe(client, Resource.WorkflowExecutions, 'wf_order_processing')
    const reference = await connect(gateway)
    await subscribe(reference, Resource.WorkflowExecutions, ALL_ID)
    const id = startExecution(gateway.engine, 'wf_order_processing')
    const final = await waitForTerminal(gateway.engine, id)
    await client.waitUntil(() => hasFinalUpdate(client, final))
    await reference.waitUntil(() => hasFinalUpdate(reference, final))
    await client.barrier()
    await reference.barrier()
    expect(updatesFor(client, id)).toEqual(updatesFor(reference, id))
  })
})

describe('simulated failures', () => {
  it('outcome fail ends in failed with error.message and an error-level log, pushed to subscribers', async () => {
    const client = await connect(gateway)
    await subscribe(client, Resource.WorkflowExecutions, ALL_ID)
    const id = startExecution(
      gateway.engine,
      'wf_order_processing',
      { order_id: 'doomed' },
      { outcome: 'fail' }
    )
    const final = await waitForTerminal(gateway.engine, id)
    expect(final.status).toBe('failed')
    expect(final.error?.message).toEqual(expect.any(String))
    expect(final.error?.message.length).toBeGreaterThan(0)
    const failedAction = final.actions_executed?.find((a) => a.status === 'failed')
    expect(failedAction).toBeDefined()
    expect(final.error?.action_name).toBe(failedAction?.name)

    const errorLogs = (gateway.engine.getLogs(id) ?? []).filter((l) => l.level === 'error')
    expect(errorLogs.length).toBeGreaterThan(0)
    expect(errorLogs.some((l) => l.message.includes(final.error?.message ?? '\u0000'))).toBe(true)

    await client.waitUntil(() => hasFinalUpdate(client, final))
    const pushed = updatesFor(client, id).at(-1)
    expect(pushed?.status).toBe('failed')
    expect(pushed?.error?.message).toBe(final.error?.message)
  })

  it('outcome time_out ends in timed_out with an error', async () => {
    const id = startExecution(gateway.engine, 'wf_user_onboarding', undefined, {
      outcome: 'time_out'
    })
    const final = await waitForTerminal(gateway.engine, id)
    expect(final.status).toBe('timed_out')
    expect(final.error?.message).toEqual(expect.any(String))
  })

  it('outcome succeed ends in completed with every action completed and progress 100', async () => {
    const id = startExecution(gateway.engine, 'wf_order_processing', undefined, {
      outcome: 'succeed'
    })
    const final = await waitForTerminal(gateway.engine, id)
    expect(final.status).toBe('completed')
    expect(final.error ?? undefined).toBeUndefined()
    expect(final.actions_executed?.map((a) => a.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed'
    ])
    expect(final.progress).toMatchObject({ current_action: 4, total_actions: 4, percentage: 100 })
    for (const action of final.actions_executed ?? []) {
      expect(action.started_at).toBeTruthy()
      expect(action.completed_at).toBeTruthy()
      expect(action.duration_ms).toEqual(expect.any(Number))
    }
    expect(isTerminalStatus(final.status)).toBe(true)
  })
})
