import { burst } from './burst'
import { coldSync } from './cold-sync'
import { coreHeap } from './core-heap'
import { coreLatency } from './core-latency'
import { coreThroughput } from './core-throughput'
import { fanout } from './fanout'
import { logsHeap } from './logs-heap'
import { reconnect } from './reconnect'
import { rendererLatency } from './renderer-latency'
import type { FigureModule } from './figure'

/**
 * Every figure module, in the order they run (background ones start first, alongside; `alone`
 * ones run last).
 */
export const FIGURE_MODULES: FigureModule[] = [
  coreThroughput,
  coreLatency,
  burst,
  coreHeap,
  coldSync,
  fanout,
  reconnect,
  rendererLatency,
  logsHeap
]
