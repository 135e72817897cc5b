import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import type WebSocket from 'ws'
import { WS_PATH } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { startSession, testSessionOptions } from './support'
import { useCleanup } from '../helpers/cleanup'

// A minimal server (real HTTP and WebSocket, written here) in two variations the gateway does
// not offer: one never answers a subscription it does not know (`workflow_executions:all` gets
// silence, not an error), so the confirm bound turns silence into a refusal; the other answers
// everything bare (no `resource`, `id` or `request_id`, not even on `subscribed`) with garbage
// frames between its answers, so only the order of answers ties them to requests.

const cleanup = useCleanup()

const WORKFLOWS = [
  { id: 'wf_one', name: 'One' },
  { id: 'wf_two', name: 'Two' }
]

type Style = 'silent' | 'bare-with-garbage'

const GARBAGE = ['not json', '{"type":"bogus"}', '{"type":"execution_update"}', '[1,2]']

async function minimalServer(
  style: Style
): Promise<{ url: string; peers: WebSocket[]; received: string[] }> {
  const page = (data: unknown[]) =>
    JSON.stringify({
      data,
      pagination: { total: data.length, limit: 100, offset: 0, has_more: false }
    })
  const http = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    if (req.url?.startsWith('/api/v1/workflows')) res.end(page(WORKFLOWS))
    else if (req.url?.startsWith('/api/v1/executions')) res.end(page([]))
    else res.writeHead(404).end('{}')
  })
  const wss = new WebSocketServer({ server: http, path: WS_PATH })
  const peers: WebSocket[] = []
  const received: string[] = []
  wss.on('connection', (ws) => {
    peers.push(ws)
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as {
        type: string
        resource?: string
        id?: string
      }
      received.push(`${message.type} ${message.resource ?? ''}:${message.id ?? ''}`)
      const answer = (reply: object): void => {
        if (style === 'bare-with-garbage') for (const frame of GARBAGE) ws.send(frame)
        ws.send(JSON.stringify(reply))
      }
      if (message.type === 'ping') answer({ type: 'pong' })
      if (message.type !== 'subscribe') return
      const all = message.resource === 'workflow_executions' && message.id === 'all'
      if (style === 'silent') {
        if (!all) answer({ type: 'subscribed', resource: message.resource, id: message.id })
      } else {
        answer(
          all
            ? { type: 'error', code: 'SUBSCRIPTION_FAILED', message: 'unknown workflow all' }
            : { type: 'subscribed' }
        )
      }
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  cleanup.push(async () => {
    for (const client of wss.clients) client.terminate()
    await new Promise<void>((resolve) => wss.close(() => resolve()))
    await new Promise<void>((resolve) => http.close(() => resolve()))
  })
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, peers, received }
}

describe('a server that never answers workflow_executions:all', () => {
  it('falls back after the confirm bound and alerts what the fallback delivers', async () => {
    const server = await minimalServer('silent')
    const { session, rec } = startSession(
      testSessionOptions(server.url, () => 'silent-server-token-0123456789', {
        subscriptions: { confirmTimeoutMs: 300 }
      })
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('open', 10_000)
    expect(session.followStrategy).toBe('per_workflow')
    expect(
      rec.subscriptions.find((s) => s.id === 'all' && s.status === 'failed')?.error?.code
    ).toBe('NO_ANSWER')
    expect(rec.logs.some((l) => /workflow_executions:all left unanswered/.test(l))).toBe(true)
    expect(rec.states.at(-1)!.coverage).toMatchObject({
      level: 'live',
      live: 3,
      follow: 'per_workflow'
    })
    expect(server.received).toEqual(
      expect.arrayContaining([
        'subscribe workflow_executions:all',
        'subscribe workflows:all',
        'subscribe workflow_executions:wf_one',
        'subscribe workflow_executions:wf_two'
      ])
    )

    server.peers.at(-1)!.send(
      JSON.stringify({
        type: 'execution_update',
        execution: { id: 'exec_1', workflow_id: 'wf_two', status: 'failed', error: 'boom' }
      })
    )
    await waitUntil(() => rec.alertsFor('exec_1').length === 1, { what: 'the pushed failure' })
    expect(rec.alertsFor('exec_1')[0]).toMatchObject({ workflow_name: 'Two', status: 'failed' })
  })
})

describe('a server that answers bare, with garbage between its answers', () => {
  it('ties each answer to its request by order, falls back, and alerts', async () => {
    const server = await minimalServer('bare-with-garbage')
    const { session, rec } = startSession(
      testSessionOptions(server.url, () => 'bare-server-token-0123456789')
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('open', 10_000)
    expect(session.followStrategy).toBe('per_workflow')
    expect(
      rec.subscriptions.find((s) => s.id === 'all' && s.status === 'failed')?.error?.code
    ).toBe('SUBSCRIPTION_FAILED')
    expect(session.subscriptions.list().map((s) => [s.resource, s.id, s.status])).toEqual([
      ['workflows', 'all', 'active'],
      ['workflow_executions', 'wf_one', 'active'],
      ['workflow_executions', 'wf_two', 'active']
    ])
    expect(rec.invalid.length).toBeGreaterThanOrEqual(GARBAGE.length * 4)
    server.peers.at(-1)!.send(
      JSON.stringify({
        type: 'execution_update',
        execution: { id: 'exec_2', workflow_id: 'wf_one', status: 'timed_out' }
      })
    )
    await waitUntil(() => rec.alertsFor('exec_2').length === 1, { what: 'the pushed time-out' })
    expect(rec.alertsFor('exec_2')[0]).toMatchObject({ workflow_name: 'One', status: 'timed_out' })
    expect(rec.count('reconnecting')).toBe(0)
  })
})
