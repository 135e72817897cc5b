import { round } from '../lib/stats'
import { startCoreRig } from './core-session'
import type { FigureModule } from './figure'

// Send to delivery at a steady 1,000 messages a second for 10 s: each frame carries the time
// the sender wrote it (CLOCK_MONOTONIC, shared by both processes); delivery is the session
// emitting the message, after store, alert policy and notification policy. The bare baseline
// client is timed the same way first, for context: what the machine itself adds.

const RATE = 1_000
const SECONDS = 10

/** One receiver timed at RATE for SECONDS; returns a summary line (and its p99 to `p99`). */
async function timed(
  entry: 'core-receiver' | 'baseline-receiver',
  p99: (ms: number) => void = () => {}
): Promise<string> {
  const rig = await startCoreRig({ receiver: entry, scheduling: 'realtime' })
  try {
    const count = RATE * SECONDS
    await rig.receiver.ask({ type: 'latency', count }, 'armed')
    const paced = rig.sender.ask(
      { type: 'paced', scenario: 'steady', rate: RATE, seconds: SECONDS },
      'paced',
      60_000
    )
    const result = await rig.receiver.next('latencies', 60_000)
    const sent = await paced
    p99(result.p99 as number)
    return `p50 ${round(result.p50 as number)} ms, p99 ${round(result.p99 as number)} ms, max ${round(result.max as number)} ms (the sender was at most ${round(sent.late_ms as number)} ms late)`
  } finally {
    await rig.stop()
  }
}

export const coreLatency: FigureModule = {
  id: 'core-latency',
  figures: [{ name: 'core_p99_ms_at_1k', unit: 'ms', target: { op: '<=', value: 5 } }],
  async run(ctx) {
    const baseline = await timed('baseline-receiver')
    ctx.log(`latency at ${RATE}/s, bare baseline client: ${baseline}`)
    let p99 = NaN
    const core = await timed('core-receiver', (value) => (p99 = value))
    ctx.log(`latency at ${RATE}/s, core: ${core}`)
    return { core_p99_ms_at_1k: round(p99) }
  }
}
