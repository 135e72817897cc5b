import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway, GatewayOptions } from '@gateway'
import { CloseCode, ErrorCode } from '@shared/protocol'
import { freshClaims, signHmac, withBadSignature } from '../helpers/jwt'
import { upgradeStatus, withToken } from '../helpers/ws-client'
import { ManualClock, RestartableGateway, TEST_SECRET, startTestGateway } from '../fixtures/gateway'
import { RawClient, rest } from './fixtures'
import type { RawFrame } from './fixtures'

// The document-only dialect (`dialect: 'document'`): exactly what the protocol document shows
// and nothing more, checked on the raw frames; and the extended dialect next to it, unchanged.

const ERROR_KEYS = ['code', 'message', 'type']
const ORDER = 'wf_order_processing'

let gateway: Gateway
const clients: RawClient[] = []

async function open(g: Gateway, sub = 'doc-user', expiresInSeconds?: number): Promise<RawClient> {
  const token = await g.mintToken({ sub, expiresInSeconds })
  const client = await RawClient.open(withToken(g.wsUrl, token))
  clients.push(client)
  return client
}

const keys = (frame: RawFrame | undefined): string[] => Object.keys(frame ?? {}).sort()
const ofType =
  (type: string) =>
  (frame: RawFrame): boolean =>
    frame.type === type

beforeAll(async () => {
  gateway = await startTestGateway({ dialect: 'document' })
})
afterAll(async () => {
  await gateway.close()
})
afterEach(async () => {
  const all = clients.splice(0)
  await Promise.all(all.map((c) => c.close()))
  // Rules that hold for every frame any document-dialect test received.
  for (const frame of all.flatMap((c) => c.frames)) {
    expect(frame.type).not.toBe('batch')
    expect(frame.type).not.toBe('authenticated')
    expect(frame).not.toHaveProperty('request_id')
    if (frame.type === 'error') expect(keys(frame)).toEqual(ERROR_KEYS)
  }
})

describe('document dialect: authentication', () => {
  it('refuses an upgrade with no token, or a bad one, with HTTP 401', async () => {
    expect(await upgradeStatus(gateway.wsUrl)).toBe(401)
    const forged = withBadSignature(await signHmac(freshClaims(), TEST_SECRET))
    expect(await upgradeStatus(withToken(gateway.wsUrl, forged))).toBe(401)
  })

  it('accepts ?token= and never sends `authenticated`', async () => {
    const client = await open(gateway)
    // The extended dialect sends `authenticated` at once; here the pong is the first frame.
    const before = await client.barrier()
    expect(before).toEqual([])
    expect(client.frames).toEqual([{ type: 'pong' }])
  })

  it('answers an `authenticate` message as an invalid message and keeps the connection', async () => {
    const client = await open(gateway)
    client.send({ type: 'authenticate', token: await gateway.mintToken(), request_id: 'a1' })
    const error = await client.first(ofType('error'), 'the error')
    expect(error).toEqual({
      type: 'error',
      code: ErrorCode.InvalidMessage,
      message: "unsupported message type 'authenticate'"
    })
    await client.barrier()
    expect(client.ws.readyState).toBe(client.ws.OPEN)
    expect(gateway.stats().authenticatedConnections).toBe(1)
  })

  it('closes with an error of only type, code, message and 4401 once the token expires', async () => {
    const clock = new ManualClock()
    const timed = await startTestGateway({ dialect: 'document', clock })
    try {
      const client = await open(timed, 'expiring', 60)
      await client.barrier()
      clock.advance(61_000)
      expect((await client.closed).code).toBe(CloseCode.Unauthorized)
      expect(client.frames.at(-1)).toEqual({
        type: 'error',
        code: ErrorCode.Unauthorized,
        message: 'token expired'
      })
    } finally {
      await timed.close()
    }
  })
})

describe('document dialect: answers carry only what the document shows', () => {
  it('subscribed and unsubscribed carry resource and id, never a request_id', async () => {
    const client = await open(gateway)
    client.send({ type: 'subscribe', resource: 'workflows', id: 'all', request_id: 'r1' })
    client.send({ type: 'unsubscribe', resource: 'workflows', id: 'all', request_id: 'r2' })
    await client.barrier()
    expect(client.frames.slice(0, 2)).toEqual([
      { type: 'subscribed', resource: 'workflows', id: 'all' },
      { type: 'unsubscribed', resource: 'workflows', id: 'all' }
    ])
  })

  it('pong has no request_id', async () => {
    const client = await open(gateway)
    client.send({ type: 'ping', request_id: 'p1' })
    expect(await client.first(ofType('pong'), 'pong')).toEqual({ type: 'pong' })
  })

  it('the execution_update answering execute_workflow carries no request_id, and updates follow', async () => {
    const client = await open(gateway)
    client.send({ type: 'execute_workflow', workflow_id: ORDER, input: {}, request_id: 'x1' })
    const first = await client.first(ofType('execution_update'), 'the answer')
    expect(keys(first)).toEqual(['execution', 'type'])
    const id = (first.execution as { id: string }).id
    await client.waitUntil(
      (frames) =>
        frames.some(
          (f) =>
            f.type === 'execution_update' &&
            (f.execution as { id: string; status: string }).id === id &&
            (f.execution as { status: string }).status === 'completed'
        ),
      'the execution to complete'
    )
    expect(
      client.frames.filter(ofType('execution_update')).every((f) => !('request_id' in f))
    ).toBe(true)
  })

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an unknown execution',
      { type: 'subscribe', resource: 'execution', id: 'exec_nope' },
      ErrorCode.SubscriptionFailed
    ],
    [
      'an unknown resource',
      { type: 'subscribe', resource: 'logs', id: 'exec_nope' },
      ErrorCode.InvalidResource
    ],
    [
      'an unknown workflow to execute',
      { type: 'execute_workflow', workflow_id: 'wf_nope' },
      ErrorCode.NotFound
    ],
    ['a message of unknown type', { type: 'launch' }, ErrorCode.InvalidMessage]
  ])('an error about %s carries only type, code and message', async (_name, message, code) => {
    const client = await open(gateway)
    client.send({ ...message, request_id: 'e1' })
    const error = await client.first(ofType('error'), 'the error')
    expect(keys(error)).toEqual(ERROR_KEYS)
    expect(error.code).toBe(code)
  })

  it('garbage gets INVALID_MESSAGE with only type, code and message', async () => {
    const client = await open(gateway)
    client.ws.send('{not json')
    const error = await client.first(ofType('error'), 'the error')
    expect(keys(error)).toEqual(ERROR_KEYS)
    expect(error.code).toBe(ErrorCode.InvalidMessage)
  })
})

describe('document dialect: subscriptions', () => {
  it('refuses workflow_executions:all exactly as a server that knows workflow ids only', async () => {
    const client = await open(gateway)
    client.send({ type: 'subscribe', resource: 'workflow_executions', id: 'all', request_id: 'w1' })
    expect(await client.first(ofType('error'), 'the refusal')).toEqual({
      type: 'error',
      code: 'SUBSCRIPTION_FAILED',
      message: "Cannot subscribe to workflow_executions 'all': not found"
    })
  })

  it('workflows:all and workflow_executions:<id> deliver their events', async () => {
    const client = await open(gateway)
    client.send({ type: 'subscribe', resource: 'workflows', id: 'all' })
    client.send({ type: 'subscribe', resource: 'workflow_executions', id: ORDER })
    await client.barrier()
    expect(client.frames.filter(ofType('subscribed'))).toHaveLength(2)

    const created = await rest(gateway, '/workflows', {
      method: 'POST',
      token: await gateway.mintToken(),
      body: { name: 'Doc dialect workflow' }
    })
    expect(created.status).toBe(201)
    await client.first(ofType('workflow_event'), 'workflow_event created')

    const execution = gateway.engine.startExecution(ORDER, {}, { outcome: 'succeed' })
    const id = execution?.id as string
    await client.first(
      (f) => f.type === 'execution_update' && (f.execution as { id: string }).id === id,
      'an update through workflow_executions'
    )
  })

  it('execution:<id> delivers the updates and logs of that execution', async () => {
    // Slow actions, so the execution is still running once the subscription is confirmed.
    const slow = await startTestGateway({ dialect: 'document', actionDelayMs: [5000, 5000] })
    try {
      const id = slow.engine.startExecution(ORDER, {}, { outcome: 'succeed' })?.id as string
      const follower = await open(slow, 'follower')
      follower.send({ type: 'subscribe', resource: 'execution', id })
      await follower.first(ofType('subscribed'), 'subscribed')
      // Cancelling logs and updates at once, while the first action is still running.
      expect(slow.engine.cancelExecution(id)?.status).toBe('cancelling')
      const log = await follower.first(ofType('log'), 'a log through execution:<id>')
      expect(log.log).toMatchObject({ execution_id: id, message: 'Cancellation requested' })
      const update = await follower.first(ofType('execution_update'), 'an update')
      expect(update.execution).toMatchObject({ id, status: 'cancelling' })
    } finally {
      await slow.close()
    }
  })
})

describe('document dialect: limits', () => {
  it('holds the default limit of 100 messages per minute', async () => {
    const limited = await startTestGateway({ dialect: 'document', rateLimit: undefined })
    try {
      const client = await open(limited, 'chatty')
      for (let i = 0; i < 101; i++) client.send({ type: 'ping' })
      await client.waitUntil((frames) => frames.length === 101, '100 pongs and one refusal', 10_000)
      expect(client.frames.filter(ofType('pong'))).toHaveLength(100)
      const refusal = client.frames.find(ofType('error'))
      expect(keys(refusal)).toEqual(ERROR_KEYS)
      expect(refusal?.code).toBe(ErrorCode.RateLimitExceeded)
      expect(client.ws.readyState).toBe(client.ws.OPEN)
    } finally {
      await limited.close()
    }
  })
})

describe('the restartable fixture', () => {
  it('keeps the dialect across a restart on the same port', async () => {
    const rig = await RestartableGateway.start({ autoRun: false }, { dialect: 'document' })
    try {
      expect(await upgradeStatus(rig.gateway.wsUrl)).toBe(401)
      const resumed = await rig.restart()
      expect(resumed.port).toBe(rig.port)
      expect(resumed.dialect).toBe('document')
      expect(await upgradeStatus(resumed.wsUrl)).toBe(401)
      const client = await open(resumed)
      expect(await client.barrier()).toEqual([])
    } finally {
      await rig.dispose()
    }
  })
})

describe('REST is the same in both dialects', () => {
  it('serves the same endpoints with the same shapes', async () => {
    const extended = await startTestGateway()
    try {
      for (const g of [gateway, extended]) {
        const token = await g.mintToken()
        const list = await rest(g, '/workflows?limit=2', { token })
        expect(list.status).toBe(200)
        expect(keys(list.body as RawFrame)).toEqual(['data', 'pagination'])
        const missing = await rest(g, '/executions/exec_missing', { token })
        expect(missing.status).toBe(404)
        expect(keys((missing.body as { error: RawFrame }).error)).toEqual([
          'code',
          'message',
          'request_id'
        ])
      }
    } finally {
      await extended.close()
    }
  })
})

describe('the extended dialect is unchanged', () => {
  let extended: Gateway
  beforeAll(async () => {
    extended = await startTestGateway({ dialect: 'extended' } satisfies GatewayOptions)
  })
  afterAll(async () => {
    await extended.close()
  })

  it('announces authentication, echoes request_id and names the subscription on errors', async () => {
    const token = await extended.mintToken({ sub: 'ext-user' })
    const client = await RawClient.open(withToken(extended.wsUrl, token))
    try {
      client.send({ type: 'ping', request_id: 'p1' })
      client.send({
        type: 'subscribe',
        resource: 'workflow_executions',
        id: 'all',
        request_id: 's1'
      })
      client.send({ type: 'subscribe', resource: 'execution', id: 'exec_nope', request_id: 's2' })
      await client.waitUntil((frames) => frames.length >= 4, 'four answers')
      expect(client.frames[0]).toEqual({
        type: 'authenticated',
        user_id: 'ext-user',
        roles: ['admin']
      })
      expect(client.frames[1]).toEqual({ type: 'pong', request_id: 'p1' })
      expect(client.frames[2]).toEqual({
        type: 'subscribed',
        resource: 'workflow_executions',
        id: 'all',
        request_id: 's1'
      })
      expect(client.frames[3]).toMatchObject({
        type: 'error',
        code: ErrorCode.SubscriptionFailed,
        resource: 'execution',
        id: 'exec_nope',
        request_id: 's2'
      })
    } finally {
      await client.close()
    }
  })

  it('accepts a socket without ?token= that authenticates by message', async () => {
    const client = await RawClient.open(extended.wsUrl)
    try {
      client.send({ type: 'authenticate', token: await extended.mintToken(), request_id: 'a1' })
      const answer = await client.first(ofType('authenticated'), 'authenticated')
      expect(answer).toMatchObject({ request_id: 'a1' })
    } finally {
      await client.close()
    }
  })
})
