import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { childChannel, nowUs } from '../lib/child'
import { percentile } from '../lib/stats'

// The physical baseline: a bare `ws` client doing nothing but JSON.parse on each frame of the
// same stream, over the same loopback socket, in a process of its own. Nothing of the core is
// loaded here (but its decoder, with `--decode`). It counts (throughput) or times (latency, for context) like the core receiver.
// With `--retain` it also keeps the latest parsed snapshot of each execution, at most 2,000 (the
// core store's bound) and nothing else: what keeping state costs by itself, for the diagnostic
// line of the throughput figure. With `--decode` as well, it reads each frame with the core's
// own decoder (parse and validate, as the core must) instead of bare JSON.parse: the floor under
// the core's rate, before routing, the store's rules and the alert and notification policies.

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    retain: { type: 'boolean', default: false },
    decode: { type: 'boolean', default: false }
  }
})
const STORE_BOUND = 2_000
const kept = new Map<string, unknown>()

let mode: 'count' | 'latency' | undefined
let target = 0
let seen = 0
let firstUs = 0
let firstCpu = process.cpuUsage()
let latencies = new Float64Array(0)
let sink = 0

const { send } = childChannel((message) => {
  mode = message.type === 'latency' ? 'latency' : 'count'
  target = message.count as number
  seen = 0
  latencies = new Float64Array(mode === 'latency' ? target : 0)
  send({ type: 'armed' })
})

/** Bare JSON.parse, or (`--decode`) the core's decoder, loaded only then. */
async function frameReader(): Promise<(text: string) => unknown> {
  if (!values.decode) return JSON.parse
  const { decodeServerFrame } = await import('@shared/protocol/decode')
  return (text) => decodeServerFrame(text).messages[0]
}

void frameReader().then(connect)

function connect(read: (text: string) => unknown): void {
  const ws = new WebSocket(`${values.url!.replace(/^http/, 'ws')}/api/v1/ws?token=bench-token`)
  ws.on('open', () => send({ type: 'ready' }))
  ws.on('message', (data: Buffer) => {
    const value = read(data.toString()) as { type?: string; sent_us?: number }
    // Keep the parse observable so it cannot be optimised away.
    if (value.type === 'execution_update') {
      sink++
      if (values.retain) {
        const execution = (value as { execution?: { id?: string } }).execution
        kept.set(String(execution?.id), execution)
        if (kept.size > STORE_BOUND) kept.delete(kept.keys().next().value!)
      }
    }
    if (mode === 'latency' && typeof value.sent_us === 'number') {
      latencies[seen] = (nowUs() - value.sent_us) / 1000
      if (++seen === target) {
        mode = undefined
        const sorted = latencies.sort()
        send({
          type: 'latencies',
          count: seen,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          max: sorted[seen - 1]
        })
      }
      return
    }
    if (mode !== 'count') return
    if (seen === 0) {
      firstUs = nowUs()
      firstCpu = process.cpuUsage()
    }
    if (++seen === target) {
      mode = undefined
      const cpu = process.cpuUsage(firstCpu)
      send({
        type: 'counted',
        count: seen,
        us: nowUs() - firstUs,
        cpu_us: cpu.user + cpu.system,
        sink
      })
    }
  })
  ws.on('error', (error) => {
    throw error
  })
}
