import WebSocket from 'ws'
import { childChannel } from '../lib/child'

// Many WebSocket clients in one process, each a distinct user following every execution on the
// gateway (`workflow_executions:all`). For each update a client receives it notes emit to
// receipt: the gateway's engine stamps `updated_at` (wall clock, ms) just before emitting, the
// client reads the wall clock on receipt. Terminal updates are remembered per client, to count
// the ones never received. A client reads only what it needs from each frame (no full parse),
// so this process's own cost stays small next to the gateway's.

interface Client {
  ws: WebSocket
  terminal: Set<string>
}

const clients: Client[] = []
/** Emit-to-receipt latencies as a histogram: whole milliseconds → count (merged across processes). */
let histogram = new Map<number, number>()
let measuring = false
let received = 0

const TERMINAL = [
  '"status":"completed"',
  '"status":"failed"',
  '"status":"timed_out"',
  '"status":"cancelled"'
]

/** The string value of `"key":"…"` in `text`, or undefined. */
function field(text: string, key: string): string | undefined {
  const marker = `"${key}":"`
  const at = text.indexOf(marker)
  if (at < 0) return undefined
  const start = at + marker.length
  return text.slice(start, text.indexOf('"', start))
}

function onFrame(client: Client, data: Buffer): void {
  if (!measuring) return
  const text = data.toString()
  if (!text.startsWith('{"type":"execution_update"')) return
  received++
  const updatedAt = field(text, 'updated_at')
  if (updatedAt) {
    const ms = Math.max(0, Date.now() - Date.parse(updatedAt))
    histogram.set(ms, (histogram.get(ms) ?? 0) + 1)
  }
  if (TERMINAL.some((t) => text.includes(t))) client.terminal.add(field(text, 'id')!)
}

async function connect(url: string, token: string): Promise<void> {
  const ws = new WebSocket(`${url}?token=${token}`, { perMessageDeflate: false })
  const client: Client = { ws, terminal: new Set() }
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject)
    ws.on('message', (data: Buffer) => {
      if (data.toString().startsWith('{"type":"subscribed"')) resolve()
      else onFrame(client, data)
    })
    ws.once('open', () =>
      ws.send(JSON.stringify({ type: 'subscribe', resource: 'workflow_executions', id: 'all' }))
    )
  })
  clients.push(client)
}

const { send } = childChannel(async (message) => {
  switch (message.type) {
    case 'connect': {
      const tokens = message.tokens as string[]
      // A few at a time: the gateway verifies each token before the upgrade.
      for (let i = 0; i < tokens.length; i += 50) {
        await Promise.all(tokens.slice(i, i + 50).map((t) => connect(message.url as string, t)))
      }
      send({ type: 'connected', clients: clients.length })
      return
    }
    case 'measure':
      histogram = new Map()
      received = 0
      for (const client of clients) client.terminal.clear()
      measuring = true
      send({ type: 'measuring' })
      return
    case 'report': {
      // Terminal updates of these executions that some client never received.
      const ids = message.terminal as string[]
      let lost = 0
      for (const client of clients) for (const id of ids) if (!client.terminal.has(id)) lost++
      send({
        type: 'report',
        received,
        lost,
        histogram: Object.fromEntries(histogram),
        closed: clients.filter((c) => c.ws.readyState !== WebSocket.OPEN).length
      })
      return
    }
  }
})
