import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import {
  ALL_ID,
  ErrorCode,
  ExecuteResponseSchema,
  ExecutionListSchema,
  ExecutionSchema,
  LogListSchema,
  Resource,
  WorkflowListSchema,
  WorkflowSchema
} from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { closeAllClients, ofType } from '../helpers/ws-client'
import { startTestGateway } from '../fixtures/gateway'
import {
  DEMO_WORKFLOWS,
  connect,
  expectError,
  rest,
  startExecution,
  subscribe,
  waitForTerminal
} from './fixtures'

// The workflow and execution endpoints under /api/v1, with their success and error paths.

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

describe('workflows', () => {
  it('GET /workflows lists the demo workflows with pagination and has_more', async () => {
    const all = await rest(gateway, '/workflows', { token })
    expect(all.status).toBe(200)
    const list = WorkflowListSchema.parse(all.body)
    expect(list.data.map((w) => w.id)).toEqual(expect.arrayContaining(Object.keys(DEMO_WORKFLOWS)))
    const total = list.pagination.total
    expect(total).toBe(list.data.length)
    expect(list.pagination.has_more).toBe(false)

    const first = WorkflowListSchema.parse(
      (await rest(gateway, '/workflows?limit=2&offset=0', { token })).body
    )
    expect(first.data).toHaveLength(2)
    expect(first.pagination).toEqual({ total, limit: 2, offset: 0, has_more: true })
    const second = WorkflowListSchema.parse(
      (await rest(gateway, '/workflows?limit=2&offset=2', { token })).body
    )
    expect(second.pagination).toMatchObject({ total, limit: 2, offset: 2, has_more: total > 4 })
    expect(second.data.map((w) => w.id)).not.toContain(first.data[0]?.id)
    const last = WorkflowListSchema.parse(
      (await rest(gateway, `/workflows?limit=2&offset=${total - 1}`, { token })).body
    )
    expect(last.data).toHaveLength(1)
    expect(last.pagination.has_more).toBe(false)
    const past = WorkflowListSchema.parse(
      (await rest(gateway, `/workflows?offset=${total + 10}`, { token })).body
    )
    expect(past.data).toEqual([])
    expect(past.pagination.has_more).toBe(false)
  })

  it.each(['limit=abc', 'limit=0', 'limit=-1', 'offset=-1', 'offset=1.5'])(
    'GET /workflows?%s is 422 VALIDATION_ERROR',
    async (query) => {
      expectError(
        await rest(gateway, `/workflows?${query}`, { token }),
        422,
        ErrorCode.ValidationError
      )
    }
  )

  it('GET /workflows/{id} returns the workflow with its actions; unknown is 404', async () => {
    const response = await rest(gateway, '/workflows/wf_order_processing', { token })
    expect(response.status).toBe(200)
    const workflow = WorkflowSchema.parse(response.body)
    expect(workflow.name).toBe('Order Processing')
    expect(workflow.actions?.map((a) => a.name)).toEqual(DEMO_WORKFLOWS.wf_order_processing)
    const missing = expectError(
      await rest(gateway, '/workflows/wf_missing', { token }),
      404,
      ErrorCode.NotFound
    )
    expect(missing.message).toContain('wf_missing')
  })

  it('POST /workflows creates (201) and pushes workflow_event created; PUT updates; DELETE deletes', async () => {
    const watcher = await connect(gateway)
    await subscribe(watcher, Resource.Workflows, ALL_ID)

    const created = await rest(gateway, '/workflows', {
      method: 'POST',
      token,
      body: { name: 'Quarterly Report', description: 'numbers', actions: ['Gather', 'Summarise'] }
    })
    expect(created.status).toBe(201)
    const workflow = WorkflowSchema.parse(created.body)
    expect(workflow).toMatchObject({ name: 'Quarterly Report', description: 'numbers' })
    expect(workflow.actions?.map((a) => a.name)).toEqual(['Gather', 'Summarise'])
    const createdEvent = await watcher.next(ofType('workflow_event'))
    expect(createdEvent.event).toMatchObject({
      event_type: 'created',
      workflow: { id: workflow.id, name: 'Quarterly Report' }
    })
    expect((await rest(gateway, `/workflows/${workflow.id}`, { token })).status).toBe(200)

    const updated = await rest(gateway, `/workflows/${workflow.id}`, {
      method: 'PUT',
      token,
      body: { name: 'Quarterly Report v2', status: 'inactive' }
    })
    expect(updated.status).toBe(200)
    const after = WorkflowSchema.parse(updated.body)
    expect(after).toMatchObject({
      id: workflow.id,
      name: 'Quarterly Report v2',
      status: 'inactive'
    })
    if (workflow.version !== undefined) expect(after.version).toBeGreaterThan(workflow.version)
    const updatedEvent = await watcher.next(ofType('workflow_event'))
    expect(updatedEvent.event).toMatchObject({
      event_type: 'updated',
      workflow: { id: workflow.id, name: 'Quarterly Report v2' }
    })

    const deleted = await rest(gateway, `/workflows/${workflow.id}`, { method: 'DELETE', token })
    expect(deleted.status).toBe(204)
    const deletedEvent = await watcher.next(ofType('workflow_event'))
    expect(deletedEvent.event).toMatchObject({
      event_type: 'deleted',
      workflow: { id: workflow.id }
    })
    expectError(
      await rest(gateway, `/workflows/${workflow.id}`, { token }),
      404,
      ErrorCode.NotFound
    )
    expectError(
      await rest(gateway, `/workflows/${workflow.id}`, { method: 'DELETE', token }),
      404,
      ErrorCode.NotFound
    )
  })

  it.each([
    ['an empty object', { body: {} }],
    ['an empty name', { body: { name: '   ' } }],
    ['a non-string name', { body: { name: 42 } }],
    ['an empty action list', { body: { name: 'X', actions: [] } }],
    ['an unknown status', { body: { name: 'X', status: 'sleeping' } }],
    ['invalid JSON', { rawBody: '{"name": ' }],
    ['no body', {}]
  ])('POST /workflows with %s is 422 and creates nothing', async (_name, request) => {
    const before = gateway.engine.listWorkflows().length
    expectError(
      await rest(gateway, '/workflows', { method: 'POST', token, ...request }),
      422,
      ErrorCode.ValidationError
    )
    expect(gateway.engine.listWorkflows().length).toBe(before)
  })

  it('PUT /workflows/{id}: unknown is 404, bad body is 422 and changes nothing', async () => {
    expectError(
      await rest(gateway, '/workflows/wf_missing', { method: 'PUT', token, body: { name: 'x' } }),
      404,
      ErrorCode.NotFound
    )
    const before = gateway.engine.getWorkflow('wf_nightly_etl')
    expectError(
      await rest(gateway, '/workflows/wf_nightly_etl', {
        method: 'PUT',
        token,
        body: { name: '' }
      }),
      422,
      ErrorCode.ValidationError
    )
    expectError(
      await rest(gateway, '/workflows/wf_nightly_etl', { method: 'PUT', token, rawBody: 'nope' }),
      422,
      ErrorCode.ValidationError
    )
    expect(gateway.engine.getWorkflow('wf_nightly_etl')).toEqual(before)
  })
})

describe('executions', () => {
  it('POST /workflows/{id}/execute is 202 with {execution_id, workflow_id, status, started_at, input}', async () => {
    const response = await rest(gateway, '/workflows/wf_user_onboarding/execute', {
      method: 'POST',
      token,
      body: { input: { email: 'jane@example.com' } }
    })
    expect(response.status).toBe(202)
    const accepted = ExecuteResponseSchema.parse(response.body)
    expect(accepted.workflow_id).toBe('wf_user_onboarding')
    expect(accepted.input).toEqual({ email: 'jane@example.com' })
    expect(Number.isNaN(Date.parse(accepted.started_at))).toBe(false)
    expect(gateway.engine.getExecution(accepted.execution_id)).toBeDefined()
    await waitForTerminal(gateway.engine, accepted.execution_id)
  })

  it('POST execute without a body is accepted; unknown workflow is 404; bad JSON is 422', async () => {
    const bare = await rest(gateway, '/workflows/wf_nightly_etl/execute', { method: 'POST', token })
    expect(bare.status).toBe(202)
    await waitForTerminal(gateway.engine, ExecuteResponseSchema.parse(bare.body).execution_id)
    expectError(
      await rest(gateway, '/workflows/wf_missing/execute', { method: 'POST', token, body: {} }),
      404,
      ErrorCode.NotFound
    )
    expectError(
      await rest(gateway, '/workflows/wf_nightly_etl/execute', {
        method: 'POST',
        token,
        rawBody: '{"input": }'
      }),
      422,
      ErrorCode.ValidationError
    )
  })

  it('GET /executions filters by workflow_id and status, newest first, with pagination', async () => {
    const ids = [
      startExecution(gateway.engine, 'wf_partner_sync', { k: 1 }, { outcome: 'succeed' }),
      startExecution(gateway.engine, 'wf_partner_sync', { k: 2 }, { outcome: 'fail' }),
      startExecution(gateway.engine, 'wf_partner_sync', { k: 3 }, { outcome: 'succeed' })
    ]
    await Promise.all(ids.map((id) => waitForTerminal(gateway.engine, id)))

    const byWorkflow = ExecutionListSchema.parse(
      (await rest(gateway, '/executions?workflow_id=wf_partner_sync', { token })).body
    )
    expect(byWorkflow.data.map((e) => e.id)).toEqual([...ids].reverse())
    expect(byWorkflow.data.every((e) => e.workflow_id === 'wf_partner_sync')).toBe(true)

    const failed = ExecutionListSchema.parse(
      (await rest(gateway, '/executions?workflow_id=wf_partner_sync&status=failed', { token })).body
    )
    expect(failed.data.map((e) => e.id)).toEqual([ids[1]])
    expect(failed.pagination).toMatchObject({ total: 1, has_more: false })

    const everything = ExecutionListSchema.parse(
      (await rest(gateway, '/executions?limit=100', { token })).body
    )
    const starts = everything.data.map((e) => Date.parse(e.started_at ?? ''))
    expect(starts).toEqual([...starts].sort((a, b) => b - a))
    expect(everything.data[0]?.id).toBe(ids[2])

    const page = ExecutionListSchema.parse(
      (await rest(gateway, '/executions?limit=1&offset=1', { token })).body
    )
    expect(page.data).toHaveLength(1)
    expect(page.data[0]?.id).toBe(everything.data[1]?.id)
    expect(page.pagination).toMatchObject({
      limit: 1,
      offset: 1,
      has_more: everything.pagination.total > 2
    })

    const none = ExecutionListSchema.parse(
      (await rest(gateway, '/executions?workflow_id=wf_nope', { token })).body
    )
    expect(none.data).toEqual([])
    expectError(
      await rest(gateway, '/executions?limit=zero', { token }),
      422,
      ErrorCode.ValidationError
    )
  })

  it('GET /executions/{id} includes actions_executed; unknown is 404', async () => {
    const id = startExecution(
      gateway.engine,
      'wf_order_processing',
      { order_id: 'r-1' },
      { outcome: 'succeed' }
    )
    await waitForTerminal(gateway.engine, id)
    const response = await rest(gateway, `/executions/${id}`, { token })
    expect(response.status).toBe(200)
    const execution = ExecutionSchema.parse(response.body)
    expect(execution).toMatchObject({ id, workflow_id: 'wf_order_processing', status: 'completed' })
    expect(execution.actions_executed?.map((a) => a.name)).toEqual(
      DEMO_WORKFLOWS.wf_order_processing
    )
    expect(
      execution.actions_executed?.every(
        (a) => a.status === 'completed' && a.duration_ms !== undefined
      )
    ).toBe(true)
    expectError(
      await rest(gateway, '/executions/exec_000000000000', { token }),
      404,
      ErrorCode.NotFound
    )
  })

  it('GET /executions/{id}/logs returns the logs; a failed execution has an error log; unknown is 404', async () => {
    const id = startExecution(gateway.engine, 'wf_nightly_etl', {}, { outcome: 'fail' })
    const final = await waitForTerminal(gateway.engine, id)
    const response = await rest(gateway, `/executions/${id}/logs`, { token })
    expect(response.status).toBe(200)
    const logs = LogListSchema.parse(response.body).data
    expect(logs.length).toBeGreaterThan(0)
    expect(logs.every((l) => l.execution_id === id)).toBe(true)
    expect(logs.some((l) => l.level === 'error' && l.message === final.error?.message)).toBe(true)
    expectError(
      await rest(gateway, '/executions/exec_000000000000/logs', { token }),
      404,
      ErrorCode.NotFound
    )
  })

  it('DELETE /executions/{id} cancels a running execution; unknown is 404', async () => {
    const slow = await startTestGateway({ actionDelayMs: [300, 400] })
    try {
      const slowToken = await slow.mintToken()
      const watcher = await connect(slow)
      const accepted = ExecuteResponseSchema.parse(
        (
          await rest(slow, '/workflows/wf_order_processing/execute', {
            method: 'POST',
            token: slowToken,
            body: {}
          })
        ).body
      )
      const id = accepted.execution_id
      await subscribe(watcher, Resource.Execution, id)
      await waitUntil(() => slow.engine.getExecution(id)?.status === 'running', { what: 'running' })
      const cancelled = await rest(slow, `/executions/${id}`, {
        method: 'DELETE',
        token: slowToken
      })
      expect(cancelled.status).toBe(200)
      expect(['cancelling', 'cancelled']).toContain(ExecutionSchema.parse(cancelled.body).status)
      const final = await waitForTerminal(slow.engine, id)
      expect(final.status).toBe('cancelled')
      await watcher.waitFor(
        ofType(
          'execution_update',
          (m) => m.execution.id === id && m.execution.status === 'cancelled'
        )
      )
      const fetched = ExecutionSchema.parse(
        (await rest(slow, `/executions/${id}`, { token: slowToken })).body
      )
      expect(fetched.status).toBe('cancelled')
      expectError(
        await rest(slow, '/executions/exec_000000000000', { method: 'DELETE', token: slowToken }),
        404,
        ErrorCode.NotFound
      )
      await closeAllClients()
    } finally {
      await slow.close()
    }
  })
})
