import { parseArgs } from 'node:util'
import { MonitorSession } from '@main/core/session'
import type { ServerMessage } from '@shared/protocol'
import { childChannel, nowUs } from '../lib/child'
import { percentile } from '../lib/stats'

// The core under measurement: one real MonitorSession (connection, decoding, session routing,
// store, alert policy, notification policy) following everything on a server, in a process of
// its own. It reports `ready` once the session is `open`, then counts or times what the session
// delivers: a message is delivered when the session emits it, after the store, the alert policy
// and the notification policy have all seen it.

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string', default: 'bench-token' },
    'report-states': { type: 'boolean', default: false }
  }
})

type Task =
  | { kind: 'count'; target: number; seen: number; firstUs: number; firstCpu: NodeJS.CpuUsage }
  | { kind: 'latency'; target: number; seen: number; latencies: Float64Array }
  | { kind: 'heap'; checkpoints: number[]; seen: number; heap: number[] }

let task: Task | undefined
let alerts = 0
let notifications = 0

const session = new MonitorSession({
  server: values.url!,
  profile: 'bench',
  getToken: () => values.token!,
  stateDir: null,
  follow: 'all',
  log: (line) => process.stderr.write(`core: ${line}\n`)
})

const { send } = childChannel((message) => {
  if (message.type !== 'notifications') alerts = notifications = 0
  switch (message.type) {
    case 'count':
      task = {
        kind: 'count',
        target: message.count as number,
        seen: 0,
        firstUs: 0,
        firstCpu: process.cpuUsage()
      }
      break
    case 'latency':
      task = {
        kind: 'latency',
        target: message.count as number,
        seen: 0,
        latencies: new Float64Array(message.count as number)
      }
      break
    case 'heap':
      task = { kind: 'heap', checkpoints: message.checkpoints as number[], seen: 0, heap: [] }
      break
    case 'notifications': {
      // Everything the policy decided within `horizon_ms` of the burst's start, including a
      // summary it holds until then.
      void settleNotifications(message.horizon_ms as number).then((count) =>
        send({ type: 'notifications', count })
      )
      return
    }
  }
  send({ type: 'armed' })
})

let burstStartMs = 0

session.on('alert', () => alerts++)
session.on('notification', () => notifications++)
session.on('state', (state) => {
  if (values['report-states'])
    send({ type: 'state', state: state.state, at_us: nowUs(), coverage: state.coverage })
  if (state.state === 'open') send({ type: 'ready' })
})
session.on('message', (message) => delivered(message))

function delivered(message: ServerMessage): void {
  const t = task
  if (!t) return
  if (t.kind === 'count') {
    if (t.seen === 0) {
      t.firstUs = nowUs()
      t.firstCpu = process.cpuUsage()
    }
    if (++t.seen === t.target) {
      task = undefined
      const cpu = process.cpuUsage(t.firstCpu)
      const cpuUs = cpu.user + cpu.system
      send({
        type: 'counted',
        count: t.seen,
        us: nowUs() - t.firstUs,
        cpu_us: cpuUs,
        alerts,
        notifications
      })
    }
  } else if (t.kind === 'latency') {
    const sent = (message as { sent_us?: unknown }).sent_us
    if (typeof sent !== 'number') return
    if (t.seen === 0) burstStartMs = Date.now()
    t.latencies[t.seen] = (nowUs() - sent) / 1000
    if (++t.seen === t.target) {
      task = undefined
      const sorted = t.latencies.slice().sort()
      send({
        type: 'latencies',
        count: t.seen,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        max: sorted[sorted.length - 1],
        alerts,
        notifications
      })
    }
  } else {
    t.seen++
    if (t.checkpoints.includes(t.seen)) {
      global.gc?.()
      global.gc?.()
      t.heap.push(process.memoryUsage().heapUsed)
      if (t.heap.length === t.checkpoints.length) {
        task = undefined
        send({ type: 'heap', heap: t.heap, alerts, store: session.store.size() })
      }
    }
  }
}

/** Waits until the policy holds nothing due within `horizonMs` of the burst's start. */
async function settleNotifications(horizonMs: number): Promise<number> {
  const until = burstStartMs + horizonMs
  for (;;) {
    const next = session.notifications.policy.nextTickAt()
    if (next === undefined || next > until) return notifications
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, next - Date.now() + 10)))
  }
}

session.start()
