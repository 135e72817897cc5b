import { afterEach, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { ALL_ID, CloseCode, ErrorCode, Resource, isTerminalStatus } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { closeAllClients, ofType, openClient, withToken } from '../helpers/ws-client'
import type { TestClient } from '../helpers/ws-client'
import { ManualClock, createTestEngine, startTestGateway } from '../fixtures/gateway'
import {
  connect,
  hasFinalUpdate,
  rest,
  startExecution,
  subscribe,
  waitForTerminal
} from './fixtures'

// Rate limit, inbound frame size, dead-client heartbeat, slow-consumer coalescing, close().

const gateways: Gateway[] = []

async function gatewayWith(options: Parameters<typeof startTestGateway>[0]): Promise<Gateway> {
  const gateway = await startTestGateway(options)
  gateways.push(gateway)
  return gateway
}

afterEach(async () => {
  await closeAllClients()
  await Promise.all(gateways.splice(0).map((g) => g.close()))
})

describe('rate limit', () => {
  it('answers the message over the limit with RATE_LIMIT_EXCEEDED, drops it, and keeps the connection', async () => {
    const windowMs = 60_000
    const clock = new ManualClock()
    const gateway = await gatewayWith({ rateLimit: { maxMessages: 10, windowMs }, clock })
    const client = await connect(gateway, { sub: 'limited' })
    for (let i = 1; i <= 10; i++) client.send({ type: 'ping', request_id: `p${i}` })
    for (let i = 1; i <= 10; i++) {
      expect(await client.next(ofType('pong'))).toMatchObject({ request_id: `p${i}` })
    }
    client.send({ type: 'subscribe', resource: Resource.Workflows, id: ALL_ID, request_id: 'p11' })
    const error = await client.next(ofType('error'))
    expect(error).toMatchObject({ code: ErrorCode.RateLimitExceeded, request_id: 'p11' })

    // Per user: another connection of the same user is limited too, another user is not.
    const sameUser = await connect(gateway, { sub: 'limited' })
    sameUser.send({ type: 'ping', request_id: 'same' })
    expect(await sameUser.next(ofType('error'))).toMatchObject({
      code: ErrorCode.RateLimitExceeded,
      request_id: 'same'
    })
    const otherUser = await connect(gateway, { sub: 'unlimited' })
    await otherUser.barrier()

    // The dropped subscribe never took effect, and once the window passes the user may talk again.
    expect(client.all(ofType('subscribed'))).toEqual([])
    expect(client.isOpen).toBe(true)
    clock.advance(windowMs + 1)
    client.send({ type: 'ping', request_id: 'later' })
    expect(await client.next(ofType('pong'))).toMatchObject({ request_id: 'later' })
    expect(client.all(ofType('pong', (m) => m.request_id === 'p11'))).toEqual([])
  })

  it('defaults to 100 messages per minute per user', async () => {
    const gateway = await gatewayWith({ rateLimit: undefined })
    const client = await connect(gateway, { sub: 'default-limit' })
    for (let i = 1; i <= 101; i++) client.send({ type: 'ping', request_id: `d${i}` })
    const error = await client.next(ofType('error'), 10_000)
    expect(error).toMatchObject({ code: ErrorCode.RateLimitExceeded, request_id: 'd101' })
    expect(client.all(ofType('pong'))).toHaveLength(100)
    expect(client.isOpen).toBe(true)
  })
})

describe('inbound frame size', () => {
  it('closes with 1009 on a frame over maxPayloadBytes; frames under it are fine', async () => {
    const gateway = await gatewayWith({ maxPayloadBytes: 1024 })
    const client = await connect(gateway)
    client.send({ type: 'ping', request_id: 'small', pad: 'x'.repeat(800) })
    expect(await client.next(ofType('pong'))).toMatchObject({ request_id: 'small' })
    client.send({ type: 'ping', request_id: 'big', pad: 'x'.repeat(2048) })
    expect((await client.waitForClose()).code).toBe(CloseCode.MessageTooBig)
    expect(client.all(ofType('pong', (m) => m.request_id === 'big'))).toEqual([])
    await waitUntil(() => gateway.stats().connections === 0, {
      what: 'the connection to be dropped'
    })
  })

  it('defaults to 1 MiB', async () => {
    const gateway = await gatewayWith({ maxPayloadBytes: undefined })
    const client = await connect(gateway)
    client.send({ type: 'ping', request_id: 'under', pad: 'x'.repeat(1024 * 1024 - 200) })
    expect(await client.next(ofType('pong'), 10_000)).toMatchObject({ request_id: 'under' })
    client.send({ type: 'ping', pad: 'x'.repeat(1024 * 1024 + 10) })
    expect((await client.waitForClose(10_000)).code).toBe(CloseCode.MessageTooBig)
  })
})

describe('heartbeat', () => {
  it('drops a client that stops answering protocol pings and keeps a healthy one', async () => {
    const gateway = await gatewayWith({ heartbeatIntervalMs: 300 })
    const token = await gateway.mintToken()
    const healthy = await connect(gateway)
    // autoPong: false makes this client ignore the server's protocol-level pings, like a dead peer.
    const dead = await openClient(withToken(gateway.wsUrl, token), { autoPong: false })
    await dead.next(ofType('authenticated'))
    expect(gateway.stats().connections).toBe(2)
    await dead.waitForClose(5000)
    await waitUntil(() => gateway.stats().connections === 1, {
      what: 'the dead client to be dropped'
    })
    await healthy.barrier()
    expect(healthy.isOpen).toBe(true)
  })
})

describe('slow consumer', () => {
  /**
   * Pauses `slow` and runs rounds of long, big executions until the gateway reports coalescing
   * (bounded: 12 rounds of 5). Returns the ids started and how many updates the engine emitted.
   */
  async function backUp(
    gateway: Gateway,
    slow: TestClient
  ): Promise<{ ids: string[]; emitted: Map<string, number> }> {
    // A long workflow makes big, frequent updates, so the paused socket backs up quickly.
    const big = gateway.engine.createWorkflow({
      name: 'Big Batch',
      actions: Array.from({ length: 60 }, (_, i) => `Step ${i + 1}`)
    })
    slow.pause()
    const ids: string[] = []
    const input = { blob: 'y'.repeat(8 * 1024) }
    const emitted = new Map<string, number>()
    const count = (e: { id: string }): void => {
      emitted.set(e.id, (emitted.get(e.id) ?? 0) + 1)
    }
    const stopCounting = gateway.engine.on('execution', count)
    try {
      for (let round = 0; round < 12 && gateway.stats().droppedUpdates === 0; round++) {
        const batch = Array.from({ length: 5 }, () => startExecution(gateway.engine, big.id, input))
        ids.push(...batch)
        await waitUntil(
          () =>
            batch.every((id) => isTerminalStatus(gateway.engine.getExecution(id)?.status ?? '')),
          { timeoutMs: 20_000, what: 'a round of executions to finish' }
        )
      }
    } finally {
      stopCounting()
    }
    expect(gateway.stats().droppedUpdates, 'the paused client never backed up').toBeGreaterThan(0)
    return { ids, emitted }
  }

  it('coalesces updates for a client that stops reading and delivers each execution’s latest state after it resumes', async () => {
    const gateway = await gatewayWith({ maxBufferedBytes: 64 * 1024, actionDelayMs: [2, 6] })
    const slow = await connect(gateway, { sub: 'slow' })
    await subscribe(slow, Resource.WorkflowExecutions, ALL_ID)
    const fast = await connect(gateway, { sub: 'fast' })
    await subscribe(fast, Resource.WorkflowExecutions, ALL_ID)

    const { ids, emitted } = await backUp(gateway, slow)

    slow.resume()
    const finals = ids.map((id) => gateway.engine.getExecution(id)!)
    await slow.waitUntil(
      () => finals.every((f) => hasFinalUpdate(slow, f)),
      20_000,
      'the final state of every execution'
    )
    const totalEmitted = ids.reduce((n, id) => n + (emitted.get(id) ?? 0), 0)
    const slowReceived = slow.all(
      ofType('execution_update', (m) => ids.includes(m.execution.id))
    ).length
    expect(slowReceived).toBeLessThan(totalEmitted)
    for (const f of finals) {
      const updates = slow.all(ofType('execution_update', (m) => m.execution.id === f.id))
      // Coalescing keeps order: progress never goes backwards, and the final state comes last.
      const steps = updates.map((m) => m.execution.progress?.current_action ?? 0)
      expect(steps).toEqual([...steps].sort((a, b) => a - b))
      const last = updates.at(-1)
      expect(last?.execution.status).toBe(f.status)
      expect(last?.execution.actions_executed?.length).toBe(f.actions_executed?.length)
      expect(updates.filter((m) => isTerminalStatus(m.execution.status))).toHaveLength(1)
    }
    // A client that kept reading saw every execution finish too.
    await fast.waitUntil(() => finals.every((f) => hasFinalUpdate(fast, f)), 20_000)
  })

  it('a slow client still gets the request_id answer to its own execute_workflow', async () => {
    const gateway = await gatewayWith({ maxBufferedBytes: 64 * 1024, actionDelayMs: [2, 6] })
    const slow = await connect(gateway, { sub: 'slow-runner' })
    await subscribe(slow, Resource.WorkflowExecutions, ALL_ID)
    await backUp(gateway, slow)

    // Still paused (reading stopped, writing works): the answer has to wait in the queue.
    slow.send({ type: 'execute_workflow', workflow_id: 'wf_order_processing', request_id: 'late' })
    await waitUntil(
      () =>
        gateway.engine
          .listExecutions({ workflowId: 'wf_order_processing' })
          .some((e) => isTerminalStatus(e.status)),
      { timeoutMs: 10_000, what: 'the requested execution to finish while the client is paused' }
    )
    slow.resume()
    const answer = await slow.next(
      ofType('execution_update', (m) => m.request_id === 'late'),
      5000,
      'the execute_workflow answer carrying request_id "late"'
    )
    expect(answer.execution.workflow_id).toBe('wf_order_processing')
  })
})

describe('close()', () => {
  it('closes every socket with 1001, stops listening, and is idempotent', async () => {
    const gateway = await startTestGateway()
    const a = await connect(gateway)
    const b = await connect(gateway)
    expect(gateway.stats().connections).toBe(2)
    startExecution(gateway.engine, 'wf_nightly_etl')
    expect(gateway.engine.hasLiveResources()).toBe(true)
    await gateway.close()
    // The engine it created is disposed with it: no timer is left running.
    expect(gateway.engine.hasLiveResources()).toBe(false)
    expect((await a.waitForClose()).code).toBe(CloseCode.GoingAway)
    expect((await b.waitForClose()).code).toBe(CloseCode.GoingAway)
    await gateway.close()
    await expect(fetch(`${gateway.url}/api/v1/health`)).rejects.toThrow()
  })

  it('does not stop an engine it was given, so a restarted gateway serves the same engine', async () => {
    const engine = createTestEngine({ actionDelayMs: [5, 20] })
    try {
      const first = await startTestGateway({ engine })
      const earlier = startExecution(engine, 'wf_nightly_etl')
      await first.close()
      const second = await gatewayWith({ engine })
      const token = await second.mintToken()
      const fetched = await rest(second, `/executions/${earlier}`, { token })
      expect(fetched.status).toBe(200)
      const client = await connect(second)
      await subscribe(client, Resource.WorkflowExecutions, ALL_ID)
      const id = startExecution(engine, 'wf_user_onboarding')
      const final = await waitForTerminal(engine, id)
      await client.waitUntil(() => hasFinalUpdate(client, final), 5000, 'the final update')
    } finally {
      engine.dispose()
    }
  })
})
