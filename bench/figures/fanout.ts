import { BenchChild } from '../lib/child'
import { round } from '../lib/stats'
import type { FigureModule } from './figure'

// The gateway (its own process) with 1,000 connected clients, each a distinct user following
// every execution, in two client processes. The gateway's engine runs executions so that it
// emits about RATE execution updates a second for SECONDS; each update goes to every client.
// Emit to receipt p99 over every delivery, and terminal updates some client never received.

const CLIENTS = 1_000
const CLIENT_PROCESSES = 2
const RATE = Number(process.env.NEBULA_BENCH_FANOUT_RATE ?? 100)
const SECONDS = 10

/** The `q` quantile of a histogram of whole milliseconds. */
function histogramQuantile(histogram: Map<number, number>, q: number): number {
  const total = [...histogram.values()].reduce((a, b) => a + b, 0)
  let seen = 0
  for (const ms of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(ms)!
    if (seen >= q * total) return ms
  }
  return NaN
}

export const fanout: FigureModule = {
  id: 'fanout',
  figures: [
    { name: 'fanout_p99_ms', unit: 'ms', target: { op: '<=', value: 50 } },
    { name: 'fanout_lost', unit: 'updates', target: { op: '==', value: 0 } }
  ],
  async run(ctx) {
    const rig = BenchChild.start('gateway-rig', [], { scheduling: 'realtime' })
    const clients: BenchChild[] = []
    try {
      const started = await rig.ask(
        {
          type: 'start',
          options: { rateLimit: { maxMessages: 100, windowMs: 60_000 } },
          engineOptions: { seed: 21, failureRate: 0.2, actionDelayMs: [40, 160] }
        },
        'started'
      )
      const subs = Array.from({ length: CLIENTS }, (_, i) => `bench-user-${i}`)
      const { tokens } = await rig.ask({ type: 'mint', subs }, 'minted', 60_000)
      const wsUrl = (started.url as string).replace(/^http/, 'ws') + '/api/v1/ws'
      const share = CLIENTS / CLIENT_PROCESSES
      for (let p = 0; p < CLIENT_PROCESSES; p++) {
        const child = BenchChild.start('fanout-clients', [], {
          name: `fanout-clients-${p}`,
          scheduling: 'realtime'
        })
        clients.push(child)
        const mine = (tokens as string[]).slice(p * share, (p + 1) * share)
        await child.ask({ type: 'connect', url: wsUrl, tokens: mine }, 'connected', 120_000)
      }
      ctx.log(`fan-out: ${CLIENTS} clients connected`)
      await Promise.all(clients.map((c) => c.ask({ type: 'measure' }, 'measuring')))
      const driven = await rig.ask(
        { type: 'drive', rate: RATE, seconds: SECONDS },
        'driven',
        300_000
      )
      const terminal = driven.terminal as string[]
      // Every client has had the chance to read what was sent (bounded wait for stragglers).
      let reports = await Promise.all(
        clients.map((c) => c.ask({ type: 'report', terminal }, 'report'))
      )
      for (let i = 0; i < 50 && reports.some((r) => (r.lost as number) > 0); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        reports = await Promise.all(
          clients.map((c) => c.ask({ type: 'report', terminal }, 'report'))
        )
      }
      const histogram = new Map<number, number>()
      for (const report of reports) {
        for (const [ms, count] of Object.entries(report.histogram as Record<string, number>)) {
          histogram.set(Number(ms), (histogram.get(Number(ms)) ?? 0) + count)
        }
      }
      const received = reports.reduce((n, r) => n + (r.received as number), 0)
      const lost = reports.reduce((n, r) => n + (r.lost as number), 0)
      const closed = reports.reduce((n, r) => n + (r.closed as number), 0)
      const { stats } = await rig.ask({ type: 'stats' }, 'stats')
      const rate = (driven.updates as number) / ((driven.elapsed_ms as number) / 1000)
      ctx.log(
        `fan-out: ${driven.updates as number} updates (${Math.round(rate)}/s) × ${CLIENTS} clients: ${received} received, p50 ${histogramQuantile(histogram, 0.5)} ms, p99 ${histogramQuantile(histogram, 0.99)} ms, max ${Math.max(...histogram.keys())} ms; ${lost} terminal updates lost, ${closed} clients closed; gateway ${JSON.stringify(stats)}`
      )
      return { fanout_p99_ms: round(histogramQuantile(histogram, 0.99)), fanout_lost: lost }
    } finally {
      await Promise.all([...clients.map((c) => c.stop()), rig.stop()])
    }
  }
}
