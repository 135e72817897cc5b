import { round } from '../lib/stats'
import { startCoreRig } from './core-session'
import type { FigureModule } from './figure'

// A long day in one go: 1,000,000 messages, each a snapshot of a never-seen execution, every
// third one failed. The core's heap after a full GC at 1,000,000 minus at 100,000: what stays
// behind once every bounded structure (store, alerted ids, notification tallies) is full.

const FIRST = 100_000
const LAST = 1_000_000

export const coreHeap: FigureModule = {
  id: 'core-heap',
  figures: [{ name: 'core_heap_growth_mb_1m', unit: 'MB', target: { op: '<=', value: 5 } }],
  async run(ctx) {
    const rig = await startCoreRig({ execArgv: ['--expose-gc'] })
    try {
      await rig.receiver.ask({ type: 'heap', checkpoints: [FIRST, LAST] }, 'armed')
      const flooded = rig.sender.ask({ type: 'flood', count: LAST }, 'flooded', 300_000)
      const result = await rig.receiver.next('heap', 300_000)
      await flooded
      const [first, last] = result.heap as [number, number]
      ctx.log(
        `heap: ${round(first / 1e6)} MB after ${FIRST}, ${round(last / 1e6)} MB after ${LAST} (${result.alerts as number} alerts; store ${JSON.stringify(result.store)})`
      )
      return { core_heap_growth_mb_1m: round((last - first) / 1e6) }
    } finally {
      await rig.stop()
    }
  }
}
