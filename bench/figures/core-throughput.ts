import { BenchChild } from '../lib/child'
import { median, round } from '../lib/stats'
import type { FigureModule } from './figure'

// Messages per second through the core's whole inbound path, against a bare `ws` client that
// only JSON.parses the same bytes. The sender (its own process) writes the same pre-serialized
// frames to each receiver (each in a fresh process of its own) as fast as the socket takes them;
// a receiver's rate is the messages it finished over the time from its first to its last.
// Receivers take turns in a rotating order, and the ratio is of the medians. Two more receivers
// are measured alongside for the log: the bare client that also keeps the latest snapshot of each
// execution (as the core's store must), the ceiling any state-keeping receiver starts from; and
// that client reading frames with the core's decoder (parse and validate) instead of bare
// JSON.parse, the floor under the core's rate before its routing, store rules and policies.

const MESSAGES = 150_000
const ROUNDS = 4

interface Trial {
  /** Messages per second of wall time, first to last message. */
  rate: number
  /** Messages per second of the receiver's own CPU time (diagnostic: how contended the run was). */
  cpuRate: number
}

type Mode = 'core' | 'baseline' | 'retaining' | 'decoding'
const MODES: Mode[] = ['baseline', 'core', 'retaining', 'decoding']
const RECEIVER_FLAGS: Record<Mode, string[]> = {
  core: [],
  baseline: [],
  retaining: ['--retain'],
  decoding: ['--retain', '--decode']
}

async function trial(url: string, sender: BenchChild, mode: Mode): Promise<Trial> {
  const receiver = BenchChild.start(
    mode === 'core' ? 'core-receiver' : 'baseline-receiver',
    ['--url', url, ...RECEIVER_FLAGS[mode]],
    { name: mode, execArgv: process.env.NEBULA_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) }
  )
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
      const trials: Record<Mode, Trial[]> = { core: [], baseline: [], retaining: [], decoding: [] }
      const show = (t: Trial): string =>
        `${Math.round(t.rate)} msg/s (${Math.round(t.cpuRate)} per CPU-s)`
      for (let i = 0; i < ROUNDS; i++) {
        // Each round starts with the next receiver: every one runs first, second and last alike.
        const order = MODES.map((_, k) => MODES[(i + k) % MODES.length]!)
        for (const mode of order) trials[mode].push(await trial(url, sender, mode))
        const line = MODES.map((m) => `${m} ${show(trials[m].at(-1)!)}`).join(', ')
        ctx.log(`throughput round ${i + 1}: ${line}`)
      }
      const rate = (mode: Mode, cpu = false): number =>
        median(trials[mode].map((t) => (cpu ? t.cpuRate : t.rate)))
      const core = rate('core')
      const baseline = rate('baseline')
      const perCpu = rate('core', true) / rate('baseline', true)
      ctx.log(
        `throughput: core/baseline ${round(core / baseline, 3)} (per CPU-second ${round(perCpu, 3)}); the bare client keeping snapshots: ${round(rate('retaining') / baseline, 3)}, and decoding them as the core does: ${round(rate('decoding') / baseline, 3)}`
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
