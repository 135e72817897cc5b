import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { once } from 'node:events'
import { WebSocketServer } from 'ws'
import type WebSocket from 'ws'
import { childChannel, nowUs } from '../lib/child'
import type { BenchMessage } from '../lib/child'
import { burstMessages, heapMessage, stampedText } from '../lib/scenarios'
import { mixWorkflows, serializedMix } from '../lib/frame-mix'
import { framedChunks } from '../lib/ws-frames'

// The sender: a minimal Nebula server in a process of its own (so it never takes the
// receiver's CPU). It answers just enough for a client to reach `open` (subscriptions, pings,
// empty REST listings), then, when told, writes frames: a pre-serialized stream as fast as the
// socket takes it, a paced stream whose frames carry their send time, or a long flood.

const WORKFLOWS = mixWorkflows(20).map((w) => ({
  ...w,
  status: 'active',
  version: 1,
  description: null,
  actions: [{ id: 'act_001', name: 'Validate input' }]
}))

interface Client {
  ws: WebSocket
  socket: Duplex
}

let client: Client | undefined
let prepared: Buffer[] = []

const { send } = childChannel(async (message) => {
  switch (message.type) {
    case 'prepare-mix': {
      const texts = serializedMix(message.count as number, { idPrefix: 'exec_tp_' })
      prepared = framedChunks(texts)
      const bytes = prepared.reduce((n, c) => n + c.length, 0)
      send({ type: 'prepared', frames: texts.length, bytes })
      return
    }
    case 'stream': {
      const started = nowUs()
      for (const chunk of prepared) await write(chunk)
      send({ type: 'streamed', us: nowUs() - started })
      return
    }
    case 'paced':
      send({ type: 'paced', ...(await paced(message)) })
      return
    case 'flood':
      await flood(message.count as number)
      send({ type: 'flooded' })
      return
    case 'renderer-stream':
      send({ type: 'renderer-streamed', ...(await rendererStream(message)) })
      return
    case 'log-target':
      send({ type: 'log-target', execution: logTarget(message.id as string) })
      return
    case 'log-flood':
      await logFlood(message.id as string, message.count as number)
      send({ type: 'log-flooded' })
      return
  }
})

/** Writes raw bytes to the client's socket, waiting while it is full. */
async function write(chunk: Buffer): Promise<void> {
  const socket = current().socket
  if (!socket.write(chunk)) await once(socket, 'drain')
}

function current(): Client {
  if (!client) throw new Error('no client connected')
  return client
}

/** Sends `rate` messages a second for `seconds`, each stamped with its send time. */
async function paced(message: BenchMessage): Promise<{ sent: number; late_ms: number }> {
  const rate = message.rate as number
  const texts =
    message.scenario === 'burst'
      ? burstMessages(message.executions as number, 20).map((m) => JSON.stringify(m))
      : serializedMix(Math.round(rate * (message.seconds as number)), { idPrefix: 'exec_lat_' })
  const { ws } = current()
  const start = performance.now()
  let sent = 0
  let lateMs = 0
  while (sent < texts.length) {
    const due = Math.min(texts.length, Math.floor(((performance.now() - start) * rate) / 1000) + 1)
    while (sent < due) ws.send(stampedText(texts[sent++]!, nowUs()))
    lateMs = Math.max(lateMs, performance.now() - start - (sent / rate) * 1000)
    const nextAt = start + (sent / rate) * 1000
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextAt - performance.now())))
  }
  return { sent, late_ms: lateMs }
}

/** `count` snapshots of ever-new executions, generated as they go out, as fast as taken. */
async function flood(count: number): Promise<void> {
  const batch = 500
  for (let i = 0; i < count; i += batch) {
    const texts: string[] = []
    for (let j = i; j < Math.min(count, i + batch); j++) texts.push(JSON.stringify(heapMessage(j)))
    for (const chunk of framedChunks(texts)) await write(chunk)
  }
}

/** Wall-clock milliseconds with sub-millisecond precision, the clock a page's `performance` shares. */
function wallMs(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * The dashboard's stream: the mix at `rate` messages a second for `seconds`, each written when
 * due. Returns, for every `execution_update`, what the executions table shows for it (status and
 * the progress text "k/n") and when it was written (wall clock), so the orchestrator can tell
 * when the page first showed it or anything later of the same execution.
 */
async function rendererStream(message: BenchMessage): Promise<Record<string, unknown>> {
  const rate = message.rate as number
  const texts = serializedMix(Math.round(rate * (message.seconds as number)), {
    idPrefix: 'exec_ui_',
    startMs: Date.now()
  })
  const shows = texts.map(shownState)
  const { ws } = current()
  const sentAt: number[] = []
  const start = performance.now()
  let sent = 0
  let lateMs = 0
  while (sent < texts.length) {
    const due = Math.min(texts.length, Math.floor(((performance.now() - start) * rate) / 1000) + 1)
    while (sent < due) {
      ws.send(texts[sent]!)
      sentAt[sent++] = wallMs()
    }
    lateMs = Math.max(lateMs, performance.now() - start - (sent / rate) * 1000)
    const nextAt = start + (sent / rate) * 1000
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextAt - performance.now())))
  }
  const updates: Array<[string, string, number]> = []
  shows.forEach((shown, i) => {
    if (shown) updates.push([shown.id, shown.state, sentAt[i]!])
  })
  return { sent, late_ms: lateMs, first_ms: sentAt[0], last_ms: sentAt[sent - 1], updates }
}

/** For an `execution_update`: its id and the row state the table shows for it ("status k/n"). */
function shownState(text: string): { id: string; state: string } | undefined {
  const message = JSON.parse(text) as {
    type: string
    execution?: {
      id: string
      status: string
      progress?: { current_action: number; total_actions: number }
    }
  }
  const e = message.execution
  if (message.type !== 'execution_update' || !e) return undefined
  const p = e.progress
  return { id: e.id, state: `${e.status} ${p ? `${p.current_action}/${p.total_actions}` : ''}` }
}

/** Executions the REST API answers for (`GET /executions/{id}`), the log target's. */
const known = new Map<string, object>()

/** Announces a running execution (socket and REST) whose log the next flood writes to. */
function logTarget(id: string): object {
  const at = new Date().toISOString()
  const execution = {
    id,
    workflow_id: WORKFLOWS[0]!.id,
    workflow_name: WORKFLOWS[0]!.name,
    status: 'running',
    started_at: at,
    completed_at: null,
    updated_at: at,
    progress: { current_action: 1, total_actions: 3, percentage: 33 },
    actions_executed: [
      { action_id: 'act_001', name: 'Validate input', status: 'running', started_at: at }
    ],
    input: { order_id: 'ord_bench' }
  }
  known.set(id, execution)
  current().ws.send(JSON.stringify({ type: 'execution_update', execution }))
  return execution
}

/** `count` log lines of one execution, built as they go out, as fast as the socket takes them. */
async function logFlood(id: string, count: number): Promise<void> {
  const batch = 1_000
  const levels = ['info', 'info', 'info', 'debug', 'warn', 'error']
  const t0 = Date.now()
  for (let i = 0; i < count; i += batch) {
    const texts: string[] = []
    for (let j = i; j < Math.min(count, i + batch); j++) {
      texts.push(
        JSON.stringify({
          type: 'log',
          log: {
            execution_id: id,
            timestamp: new Date(t0 + j).toISOString(),
            level: levels[j % levels.length],
            message: `Processed record ${j} of batch ${Math.floor(j / 500)}: order ord_${(j * 7919) % 100_000} accepted by the ledger`,
            action_id: `act_00${1 + (j % 3)}`
          }
        })
      )
    }
    for (const chunk of framedChunks(texts)) await write(chunk)
  }
}

// ---- the minimal server ----

function rest(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://sender.invalid')
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  const page = (data: unknown[]) => ({
    data,
    pagination: { total: data.length, limit: 100, offset: 0, has_more: false }
  })
  if (url.pathname === '/api/v1/workflows') return json(200, page(WORKFLOWS))
  if (url.pathname === '/api/v1/executions') return json(200, page([]))
  const one = /^\/api\/v1\/executions\/([^/]+)$/.exec(url.pathname)
  const execution = one && known.get(decodeURIComponent(one[1]!))
  if (execution) return json(200, execution)
  json(404, { error: { code: 'NOT_FOUND', message: 'not found' } })
}

function answer(ws: WebSocket, text: string): void {
  let message: { type?: string; resource?: string; id?: string; request_id?: string }
  try {
    message = JSON.parse(text) as typeof message
  } catch {
    return
  }
  const request_id = message.request_id
  if (message.type === 'subscribe')
    ws.send(
      JSON.stringify({ type: 'subscribed', resource: message.resource, id: message.id, request_id })
    )
  else if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong', request_id }))
}

const server = createServer(rest)
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    client = { ws, socket }
    ws.on('message', (data) => answer(ws, data.toString()))
    ws.on('close', () => {
      if (client?.ws === ws) client = undefined
    })
    ws.on('error', () => {})
  })
})
server.listen(0, '127.0.0.1', () => {
  send({ type: 'listening', port: (server.address() as AddressInfo).port })
})
