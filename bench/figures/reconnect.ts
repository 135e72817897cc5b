import { BenchChild } from '../lib/child'
import type { BenchMessage } from '../lib/child'
import { median, round } from '../lib/stats'
import type { FigureModule } from './figure'

// The gateway (its own process, over an engine that keeps running executions through every
// restart) is restarted RESTARTS times under one running core (another process). Each time:
// from the new gateway's listener accepting connections to the core being `open` again
// (re-subscribed, the gap reconciled over REST). Each restart comes SPACING_MS after the core
// was open again (so restarts are more than that apart): a connection must stay up 10 s before
// the client's backoff starts over (stableAfterMs), so a restart sooner after the reconnect
// would measure a growing backoff instead of one reconnect (counted from the previous restart
// instead, one slow reconnect made the next connection too short, and the next delay longer:
// 1.0, 1.3, 1.8, 7.1, 10.8 s in one run); and each reconnect
// re-sends the subscriptions and pings, which must stay within the pacing window (90 messages
// per 66 s) and the server's limit (100 a minute). Long but light: it runs alongside the others.

const RESTARTS = Number(process.env.NEBULA_BENCH_RESTARTS ?? 20)
const SPACING_MS = 11_000

export const reconnect: FigureModule = {
  id: 'reconnect',
  background: true,
  figures: [{ name: 'reconnect_median_ms', unit: 'ms', target: { op: '<=', value: 1_000 } }],
  async run(ctx) {
    const rig = BenchChild.start('gateway-rig', [], { scheduling: 'realtime' })
    let core: BenchChild | undefined
    try {
      const started = await rig.ask(
        {
          type: 'start',
          options: {},
          engineOptions: { seed: 31, failureRate: 0.2, autoRun: true }
        },
        'started'
      )
      const { tokens } = await rig.ask({ type: 'mint', subs: ['bench-reconnect'] }, 'minted')
      core = BenchChild.start(
        'core-receiver',
        ['--url', started.url as string, '--token', (tokens as string[])[0]!, '--report-states'],
        { scheduling: 'realtime' }
      )
      const opens: number[] = []
      core.on('state', (state: BenchMessage) => {
        if (state.state === 'open') opens.push(state.at_us as number)
      })
      await core.next('ready', 20_000)
      const times: number[] = []
      let last = performance.now()
      for (let i = 0; i < RESTARTS; i++) {
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, last + SPACING_MS - performance.now()))
        )
        const seen = opens.length
        const restarted = await rig.ask({ type: 'restart' }, 'restarted', 30_000)
        const deadline = Date.now() + 30_000
        while (opens.length === seen || opens.at(-1)! < (restarted.listening_us as number)) {
          if (Date.now() > deadline) throw new Error(`not open again after restart ${i + 1}`)
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        last = performance.now()
        const ms = (opens.at(-1)! - (restarted.listening_us as number)) / 1000
        times.push(ms)
        ctx.log(`reconnect ${i + 1}/${RESTARTS}: open ${round(ms)} ms after the new listener`)
      }
      return { reconnect_median_ms: Math.round(median(times)) }
    } finally {
      await Promise.all([core?.stop(), rig.stop()])
    }
  }
}
