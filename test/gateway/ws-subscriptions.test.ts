import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { ALL_ID, ErrorCode, Resource } from '@shared/protocol'
import { closeAllClients, ofType } from '../helpers/ws-client'
import { startTestGateway } from '../fixtures/gateway'
import { connect, hasFinalUpdate, startExecution, waitForTerminal } from './fixtures'

// subscribe / unsubscribe for every resource, request_id echo, and every way a client
// message can be wrong, with the connection staying usable afterwards.

let gateway: Gateway
let executionId: string

beforeAll(async () => {
  gateway = await startTestGateway()
  executionId = startExecution(gateway.engine, 'wf_order_processing', { order_id: 'o-sub' })
  await waitForTerminal(gateway.engine, executionId)
})
afterAll(async () => {
  await gateway.close()
})
afterEach(async () => {
  await closeAllClients()
})

describe('subscribe and unsubscribe', () => {
  const targets = (): Array<[string, string]> => [
    [Resource.Execution, executionId],
    [Resource.WorkflowExecutions, 'wf_order_processing'],
    [Resource.WorkflowExecutions, ALL_ID],
    [Resource.Workflows, ALL_ID],
    [Resource.Workflows, 'wf_nightly_etl']
  ]

  it('confirms each resource with subscribed/unsubscribed echoing resource, id and request_id', async () => {
    const client = await connect(gateway)
    for (const [resource, id] of targets()) {
      client.send({ type: 'subscribe', resource, id, request_id: `sub-${resource}-${id}` })
      const subscribed = await client.next(ofType('subscribed'))
      expect(subscribed).toMatchObject({ resource, id, request_id: `sub-${resource}-${id}` })
      client.send({ type: 'unsubscribe', resource, id, request_id: `unsub-${resource}-${id}` })
      const unsubscribed = await client.next(ofType('unsubscribed'))
      expect(unsubscribed).toMatchObject({ resource, id, request_id: `unsub-${resource}-${id}` })
    }
    expect(client.all(ofType('error'))).toEqual([])
  })

  it('omits request_id on the answer when the request had none', async () => {
    const client = await connect(gateway)
    client.send({ type: 'subscribe', resource: Resource.Workflows, id: ALL_ID })
    const subscribed = await client.next(ofType('subscribed'))
    expect(subscribed.request_id).toBeUndefined()
    client.send({ type: 'unsubscribe', resource: Resource.Workflows, id: ALL_ID })
    expect((await client.next(ofType('unsubscribed'))).request_id).toBeUndefined()
  })

  it.each([
    [Resource.Execution, 'exec_0000doesnotexist'],
    [Resource.WorkflowExecutions, 'wf_does_not_exist'],
    [Resource.Workflows, 'wf_does_not_exist']
  ])('SUBSCRIPTION_FAILED for an unknown %s id, naming the id', async (resource, id) => {
    const client = await connect(gateway)
    client.send({ type: 'subscribe', resource, id, request_id: 'sf-1' })
    const error = await client.next(ofType('error'))
    expect(error.code).toBe(ErrorCode.SubscriptionFailed)
    expect(error.message).toContain(id)
    expect(error.request_id).toBe('sf-1')
    // Extension (docs/PROTOCOL.md): the error names the subscription it is about.
    expect(error.resource).toBe(resource)
    expect(error.id).toBe(id)
    await client.barrier()
    expect(client.all(ofType('subscribed'))).toEqual([])
  })

  it.each(['subscribe', 'unsubscribe'])(
    'INVALID_RESOURCE for an unknown resource on %s',
    async (type) => {
      const client = await connect(gateway)
      client.send({ type, resource: 'widgets', id: 'all', request_id: 'ir-1' })
      const error = await client.next(ofType('error'))
      expect(error.code).toBe(ErrorCode.InvalidResource)
      expect(error.request_id).toBe('ir-1')
      expect(error.message).toContain('widgets')
      expect(error).toMatchObject({ resource: 'widgets', id: 'all' })
      await client.barrier()
    }
  )

  it('subscribing twice is idempotent (events arrive once); unsubscribing twice is still confirmed', async () => {
    const client = await connect(gateway)
    for (const rid of ['a', 'b']) {
      client.send({
        type: 'subscribe',
        resource: Resource.WorkflowExecutions,
        id: 'wf_user_onboarding',
        request_id: rid
      })
      expect(await client.next(ofType('subscribed'))).toMatchObject({ request_id: rid })
    }
    const id = startExecution(gateway.engine, 'wf_user_onboarding')
    const final = await waitForTerminal(gateway.engine, id)
    await client.waitUntil(() => hasFinalUpdate(client, final))
    await client.barrier()
    const statuses = client.all(ofType('execution_update')).map((m) => m.execution.status)
    expect(statuses.filter((s) => s === final.status)).toHaveLength(1)
    for (const rid of ['c', 'd']) {
      client.send({
        type: 'unsubscribe',
        resource: Resource.WorkflowExecutions,
        id: 'wf_user_onboarding',
        request_id: rid
      })
      expect(await client.next(ofType('unsubscribed'))).toMatchObject({ request_id: rid })
    }
  })

  it('ping answers pong, echoing request_id', async () => {
    const client = await connect(gateway)
    client.send({ type: 'ping' })
    expect((await client.next(ofType('pong'))).request_id).toBeUndefined()
    client.send({ type: 'ping', request_id: 'p-7' })
    expect(await client.next(ofType('pong'))).toMatchObject({ type: 'pong', request_id: 'p-7' })
  })
})

describe('invalid client messages', () => {
  const garbage: Array<[string, string]> = [
    ['unparsable JSON', '{"type": "ping"'],
    ['plain text', 'hello'],
    ['a JSON array', '[{"type":"ping"}]'],
    ['a JSON number', '42'],
    ['a JSON string', '"ping"'],
    ['JSON null', 'null'],
    ['an object without type', '{"resource":"workflows","id":"all"}'],
    ['a non-string type', '{"type":7}'],
    ['an unknown type', '{"type":"subscribe_all"}'],
    ['subscribe without resource and id', '{"type":"subscribe"}'],
    ['subscribe without id', '{"type":"subscribe","resource":"workflows"}'],
    ['subscribe with a numeric resource', '{"type":"subscribe","resource":5,"id":"all"}'],
    ['unsubscribe with an empty id', '{"type":"unsubscribe","resource":"workflows","id":""}'],
    ['execute_workflow without workflow_id', '{"type":"execute_workflow","input":{}}'],
    ['authenticate without token (after auth)', '{"type":"authenticate"}']
  ]

  it.each(garbage)(
    'INVALID_MESSAGE for %s, and the connection stays usable',
    async (_name, frame) => {
      const client = await connect(gateway)
      client.sendRaw(frame)
      const error = await client.next(ofType('error'))
      expect(error.code).toBe(ErrorCode.InvalidMessage)
      expect(error.message.length).toBeGreaterThan(0)
      client.send({
        type: 'subscribe',
        resource: Resource.Workflows,
        id: ALL_ID,
        request_id: 'after'
      })
      expect(await client.next(ofType('subscribed'))).toMatchObject({ request_id: 'after' })
      expect(client.isOpen).toBe(true)
    }
  )

  it('echoes request_id on INVALID_MESSAGE when the invalid message had one', async () => {
    const client = await connect(gateway)
    client.send({ type: 'subscribe', resource: Resource.Execution, request_id: 'bad-sub' })
    const error = await client.next(ofType('error'))
    expect(error).toMatchObject({ code: ErrorCode.InvalidMessage, request_id: 'bad-sub' })
    client.send({ type: 'no_such_type', request_id: 'bad-type' })
    expect(await client.next(ofType('error'))).toMatchObject({
      code: ErrorCode.InvalidMessage,
      request_id: 'bad-type'
    })
  })

  it('accepts unknown extra fields on a valid message (forward compatible)', async () => {
    const client = await connect(gateway)
    client.send({ type: 'ping', request_id: 'x-1', client_version: '9.9', extra: { a: 1 } })
    expect(await client.next(ofType('pong'))).toMatchObject({ request_id: 'x-1' })
  })

  it('many invalid messages in a row do not close the connection', async () => {
    const client = await connect(gateway)
    for (let i = 0; i < 20; i++) client.sendRaw(`{broken ${i}`)
    await client.waitUntil((all) => all.filter((m) => m.type === 'error').length >= 20)
    await client.barrier()
    expect(client.isOpen).toBe(true)
  })
})

describe('allowAllExecutions: false', () => {
  let strict: Gateway
  beforeAll(async () => {
    strict = await startTestGateway({ allowAllExecutions: false })
  })
  afterAll(async () => {
    await strict.close()
  })

  it('rejects workflow_executions:all with SUBSCRIPTION_FAILED but keeps the per-workflow and workflows:all forms', async () => {
    const client = await connect(strict)
    client.send({
      type: 'subscribe',
      resource: Resource.WorkflowExecutions,
      id: ALL_ID,
      request_id: 'all-1'
    })
    const error = await client.next(ofType('error'))
    expect(error).toMatchObject({ code: ErrorCode.SubscriptionFailed, request_id: 'all-1' })
    expect(error.message).toContain(ALL_ID)
    client.send({
      type: 'subscribe',
      resource: Resource.WorkflowExecutions,
      id: 'wf_partner_sync',
      request_id: 'one'
    })
    expect(await client.next(ofType('subscribed'))).toMatchObject({
      id: 'wf_partner_sync',
      request_id: 'one'
    })
    client.send({ type: 'subscribe', resource: Resource.Workflows, id: ALL_ID, request_id: 'wfs' })
    expect(await client.next(ofType('subscribed'))).toMatchObject({ id: ALL_ID, request_id: 'wfs' })
  })

  it('delivers nothing for the rejected subscription', async () => {
    const client = await connect(strict)
    client.send({ type: 'subscribe', resource: Resource.WorkflowExecutions, id: ALL_ID })
    await client.next(ofType('error'))
    const id = startExecution(strict.engine, 'wf_user_onboarding')
    await waitForTerminal(strict.engine, id)
    await client.barrier()
    expect(client.all(ofType('execution_update'))).toEqual([])
  })
})
