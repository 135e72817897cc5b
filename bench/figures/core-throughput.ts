import { BenchChild } from '../lib/child'
import { median, round } from '../lib/stats'
import type { FigureModule } from './figure'

// Messages per second through the core's whole inbound path, against a bare `ws` client that
// only JSON.parses the same bytes. The sender (its own process) writes the same pre-serialized
// frames to each receiver (each in a fresh process of its own) as fast as the socket takes them;
// a receiver's rate is the messages it finished over the time from its first to its last.
// Baseline and core runs alternate (ABBA), and the ratio is of the medians.

const MESSAGES = 150_000
const PAIRS = 4

interface Trial {
  /** Messages per second of wall time, first to last message. */
  rate: number
  /** Messages per second of the receiver's own CPU time (diagnostic: how contended the run was). */
  cpuRate: number
}

async function trial(url: string, sender: BenchChild, mode: 'core' | 'baseline'): Promise<Trial> {
  const receiver = BenchChild.start(mode === 'core' ? 'core-receiver' : 'baseline-receiver', [
    '--url',
    url
  ])
  try {
    await receiver.next('ready', 20_000)
    await receiver.ask({ type: 'count', count: MESSAGES }, 'armed')
    const streamed = sender.next('streamed', 120_000)
    sender.send({ type: 'stream' })
    const counted = await receiver.next('counted', 120_000)
    await streamed
    return {
      rate: MESSAGES / ((counted.us as number) / 1e6),
      cpuRate: MESSAGES / ((counted.cpu_us as number) / 1e6)
    }
  } finally {
    await receiver.stop()
  }
}

export const coreThroughput: FigureModule = {
  id: 'core-throughput',
  figures: [
    { name: 'core_throughput_ratio', unit: '×', target: { op: '>=', value: 0.75 } },
    { name: 'core_msgs_per_s', unit: 'msg/s' }
  ],
  async run(ctx) {
    const sender = BenchChild.start('sender')
    try {
      const { port } = await sender.next('listening')
      const url = `http://127.0.0.1:${port as number}`
      const prepared = await sender.ask({ type: 'prepare-mix', count: MESSAGES }, 'prepared')
      ctx.log(`throughput: ${MESSAGES} frames, ${Math.round((prepared.bytes as number) / 1e6)} MB`)
      const trials = { core: [] as Trial[], baseline: [] as Trial[] }
      const show = (t: Trial): string =>
        `${Math.round(t.rate)} msg/s (${Math.round(t.cpuRate)} per CPU-s)`
      for (let i = 0; i < PAIRS; i++) {
        const order =
          i % 2 === 0 ? (['baseline', 'core'] as const) : (['core', 'baseline'] as const)
        for (const mode of order) trials[mode].push(await trial(url, sender, mode))
        ctx.log(
          `throughput pair ${i + 1}: baseline ${show(trials.baseline.at(-1)!)}, core ${show(trials.core.at(-1)!)}`
        )
      }
      const core = median(trials.core.map((t) => t.rate))
      const baseline = median(trials.baseline.map((t) => t.rate))
      const cpuRatio =
        median(trials.core.map((t) => t.cpuRate)) / median(trials.baseline.map((t) => t.cpuRate))
      ctx.log(
        `throughput: ratio ${round(core / baseline, 3)} (per CPU-second: ${round(cpuRatio, 3)})`
      )
      return {
        core_throughput_ratio: round(core / baseline, 3),
        core_msgs_per_s: Math.round(core)
      }
    } finally {
      await sender.stop()
    }
  }
}
