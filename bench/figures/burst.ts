import { round } from '../lib/stats'
import { startCoreRig } from './core-session'
import type { FigureModule } from './figure'

// The worst minute: 10,000 executions of 20 workflows fail within 10 s (each announced running,
// then failed with its error log line: 30,000 messages at 3,000/s). Every failure must be
// alerted exactly once; the notifications the policy decides to show are counted over the
// minute from the burst's start (it holds a summary for a while before showing it, so the count
// waits until nothing more falls due within that minute); send to delivery as in core-latency.

const EXECUTIONS = 10_000
const SECONDS = 10
const MESSAGES = EXECUTIONS * 3

export const burst: FigureModule = {
  id: 'burst',
  figures: [
    { name: 'burst_alerts', unit: 'alerts', target: { op: '==', value: EXECUTIONS } },
    { name: 'burst_notifications', unit: 'shown', target: { op: '<=', value: 5 } },
    { name: 'burst_core_p99_ms', unit: 'ms', target: { op: '<=', value: 50 } }
  ],
  async run(ctx) {
    const rig = await startCoreRig({ scheduling: 'realtime' })
    try {
      await rig.receiver.ask({ type: 'latency', count: MESSAGES }, 'armed')
      const paced = rig.sender.ask(
        { type: 'paced', scenario: 'burst', executions: EXECUTIONS, rate: MESSAGES / SECONDS },
        'paced',
        60_000
      )
      const result = await rig.receiver.next('latencies', 60_000)
      await paced
      const shown = await rig.receiver.ask(
        { type: 'notifications', horizon_ms: 60_000 },
        'notifications',
        30_000
      )
      ctx.log(
        `burst: ${result.alerts as number} alerts, ${shown.count as number} notifications, p50 ${round(result.p50 as number)} ms, p99 ${round(result.p99 as number)} ms, max ${round(result.max as number)} ms`
      )
      return {
        burst_alerts: result.alerts as number,
        burst_notifications: shown.count as number,
        burst_core_p99_ms: round(result.p99 as number)
      }
    } finally {
      await rig.stop()
    }
  }
}
