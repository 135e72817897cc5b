import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { AnswerCorrelator } from '@main/core/answer-correlator'
import { CommandError, CommandQueue } from '@main/core/command-queue'
import { NebulaConnection } from '@main/core/connection'
import { WS_PATH } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import {
  CORE_TEST_SECRET,
  DIALECTS,
  createTestEngine,
  freePort,
  startOnPort,
  startSession,
  testSessionOptions
} from './support'
import { signHmac, freshClaims } from '../helpers/jwt'
import { useCleanup } from '../helpers/cleanup'

// `execute_workflow` while disconnected waits in a bounded queue and runs once connected; when
// no connection comes it fails visibly, and an expired command is never sent later.

const cleanup = useCleanup()

describe.each(DIALECTS)('command queue (%s dialect)', (dialect) => {
  it('holds executeWorkflow while disconnected and runs it once connected', async () => {
    const engine = createTestEngine()
    cleanup.push(() => engine.dispose())
    const port = await freePort()
    const token = await signHmac(freshClaims('queue-user'), CORE_TEST_SECRET)
    const { session, rec } = startSession(
      testSessionOptions(`http://127.0.0.1:${port}`, () => token)
    )
    cleanup.push(() => session.dispose())
    const pending = session.executeWorkflow('wf_order_processing', { order: 42 })
    await rec.waitForCount('reconnecting', 2)
    expect(engine.listExecutions()).toEqual([])

    // The document's server echoes no request_id: its answer is the new execution's first
    // update, told from pushed ones by order and by being new.
    const gateway = await startOnPort(engine, port, { dialect })
    cleanup.push(() => gateway.close())
    session.nudge()
    const execution = await pending
    expect(execution.workflow_id).toBe('wf_order_processing')
    expect(engine.getExecution(execution.id)?.input).toEqual({ order: 42 })
    expect(engine.listExecutions()).toHaveLength(1)
  })

  it('fails visibly when the server refuses the command', async () => {
    const engine = createTestEngine()
    cleanup.push(() => engine.dispose())
    const port = await freePort()
    const gateway = await startOnPort(engine, port, { dialect })
    cleanup.push(() => gateway.close())
    const token = await gateway.mintToken()
    const { session, rec } = startSession(testSessionOptions(gateway.url, () => token))
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')
    const changesBefore = rec.subscriptions.length
    const outcome = await session.executeWorkflow('wf_does_not_exist').catch((e: unknown) => e)
    expect(outcome).toBeInstanceOf(CommandError)
    expect((outcome as CommandError).code).toBe('NOT_FOUND')
    // The refusal was the command's, not a subscription's.
    expect(session.coverage.level).toBe('live')
    expect(rec.subscriptions.slice(changesBefore)).toEqual([])
  })
})

describe('command queue without a session', () => {
  it('expires with a clear error when no connection comes, and never sends it later', async () => {
    const port = await freePort()
    const token = await signHmac(freshClaims('queue-user'), CORE_TEST_SECRET)
    const connection = new NebulaConnection({
      server: `http://127.0.0.1:${port}`,
      getToken: () => token,
      backoff: { baseMs: 10, capMs: 50, maxFastAttempts: 1_000 },
      onInvalidTransition: 'throw'
    })
    const queue = new CommandQueue(connection, { timeoutMs: 300, maxPending: 2 })
    connection.on('dropped', () => queue.disconnected())
    cleanup.push(() => connection.dispose())
    connection.start()

    const first = queue.executeWorkflow('wf_order_processing').catch((e: unknown) => e)
    const second = queue.executeWorkflow('wf_nightly_etl').catch((e: unknown) => e)
    const third = await queue.executeWorkflow('wf_user_onboarding').catch((e: unknown) => e)
    expect(third).toBeInstanceOf(CommandError)
    expect((third as CommandError).code).toBe('QUEUE_FULL')

    for (const outcome of [await first, await second]) {
      expect(outcome).toBeInstanceOf(CommandError)
      expect((outcome as CommandError).code).toBe('EXPIRED')
      expect((outcome as CommandError).message).toMatch(
        /^execute_workflow wf_\w+ expired after 300 ms: no connection to the server$/
      )
    }
    expect(queue.size).toBe(0)

    // The server appears: the expired commands are gone, only a new one runs.
    const engine = createTestEngine()
    cleanup.push(() => engine.dispose())
    const gateway = await startOnPort(engine, port)
    cleanup.push(() => gateway.close())
    connection.nudge()
    await waitUntil(() => connection.state.state === 'syncing', { what: 'the socket open' })
    const fresh = new CommandQueue(connection, { timeoutMs: 5_000 })
    const correlator = new AnswerCorrelator()
    connection.on('sent', (m) => correlator.sent(m))
    connection.on('message', (m) => {
      const answer = correlator.match(m)
      if (answer?.request.kind === 'execute_workflow') fresh.answer(answer.request, m)
    })
    const execution = await fresh.executeWorkflow('wf_partner_sync')
    expect(engine.listExecutions().map((e) => e.id)).toEqual([execution.id])
  })

  it('fails a command already sent when its socket is replaced mid-sync (CONNECTION_LOST)', async () => {
    // A raw server: confirms subscriptions, answers pings, never answers commands, serves no
    // REST (so the session stays in `syncing`, retrying reconciliation).
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: WS_PATH })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const received: string[] = []
    server.on('connection', (ws) => {
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as Record<string, string>
        received.push(message.type!)
        if (message.type === 'subscribe') {
          ws.send(JSON.stringify({ ...message, type: 'subscribed' }))
        } else if (message.type === 'ping') {
          ws.send(JSON.stringify({ type: 'pong' }))
        }
      })
    })
    const { port } = server.address() as AddressInfo
    const { session, rec } = startSession(
      testSessionOptions(`http://127.0.0.1:${port}`, () => 'raw-token-1234567890', {
        follow: [{ resource: 'workflows', id: 'all' }]
      })
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('syncing')
    const pending = session.executeWorkflow('wf_order_processing').catch((e: unknown) => e)
    await waitUntil(() => received.includes('execute_workflow'), { what: 'the command sent' })

    session.tokenChanged()
    const outcome = await Promise.race([
      pending,
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3_000))
    ])
    expect(outcome).toBeInstanceOf(CommandError)
    expect((outcome as CommandError).code).toBe('CONNECTION_LOST')
    // Until the new socket has synced, the session does not claim to be open.
    expect(rec.states.filter((s) => s.state === 'open')).toEqual([])
  })
})
