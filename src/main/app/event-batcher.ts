import type { BridgeEvent, EventBatch } from '@shared/bridge/views'
import type { Disposer } from '@shared/disposable'
import { Emitter } from '@shared/emitter'

// Main → dashboard events are coalesced here into about one batch per animation frame, so a
// storm of updates costs the renderer one render per frame, not one per message:
//  - `execution` updates of the same (profile, id) collapse to the latest, which moves to the
//    end of the batch (it happened last);
//  - `logs` lines of the same execution concatenate into one event;
//  - `connection` per profile, `workflow`/`workflow_removed` per (profile, id), `profiles` and
//    `settings` collapse to the latest;
//  - everything else (`failure`, `failures_seen`, `notice`, `show_execution`) is kept in order.

/** Starts a timer and returns how to cancel it; injected by unit tests. */
export interface BatchScheduler {
  schedule(callback: () => void, ms: number): () => void
}

/** The real clock. */
export const timerScheduler: BatchScheduler = {
  schedule(callback, ms) {
    const timer = setTimeout(callback, ms)
    return () => clearTimeout(timer)
  }
}

export interface EventBatcherOptions {
  /** Longest an event waits before its batch goes out (default 16 ms, one frame). */
  intervalMs?: number
  scheduler?: BatchScheduler
  /** A batch holding this many events goes out at once, so memory stays bounded in a storm. */
  maxEvents?: number
  /** Where a throwing batch listener's error goes. */
  onListenerError?: (error: unknown) => void
}

/** The key under which a later event replaces an earlier one, or undefined (never replaced). */
function coalescingKey(event: BridgeEvent): string | undefined {
  switch (event.type) {
    case 'execution':
      return `execution\u0000${event.execution.profile_id}\u0000${event.execution.id}`
    case 'logs':
      return `logs\u0000${event.profile_id}\u0000${event.execution_id}`
    case 'connection':
      return `connection\u0000${event.profile_id}`
    case 'workflow':
      return `workflow\u0000${event.workflow.profile_id}\u0000${event.workflow.id}`
    case 'workflow_removed':
      return `workflow\u0000${event.profile_id}\u0000${event.workflow_id}`
    case 'profiles':
    case 'settings':
      return event.type
    default:
      return undefined
  }
}

/** Coalesces bridge events and delivers them as numbered batches. */
export class EventBatcher {
  private readonly intervalMs: number
  private readonly scheduler: BatchScheduler
  private readonly maxEvents: number
  private readonly emitter: Emitter<{ batch: (batch: EventBatch) => void }>
  /** Pending events in order; superseded slots are emptied rather than spliced out. */
  private slots: Array<BridgeEvent | undefined> = []
  private readonly slotOf = new Map<string, number>()
  private live = 0
  private seq = 0
  private cancelTimer: (() => void) | undefined
  private disposed = false

  constructor(options: EventBatcherOptions = {}) {
    this.intervalMs = options.intervalMs ?? 16
    this.scheduler = options.scheduler ?? timerScheduler
    this.maxEvents = options.maxEvents ?? 5_000
    this.emitter = new Emitter(options.onListenerError)
  }

  /** The seq of the last batch delivered (0 before the first). */
  get lastSeq(): number {
    return this.seq
  }

  /** Events waiting for the next batch. */
  get pendingCount(): number {
    return this.live
  }

  /** Calls `listener` with every batch from now on; returns a disposer. */
  onBatch(listener: (batch: EventBatch) => void): Disposer {
    return this.emitter.on('batch', listener)
  }

  /** Queues one event for the next batch, replacing what it supersedes. */
  push(event: BridgeEvent): void {
    if (this.disposed) return
    const key = coalescingKey(event)
    const slot = key === undefined ? undefined : this.slotOf.get(key)
    if (slot !== undefined && event.type === 'logs') {
      const earlier = this.slots[slot] as Extract<BridgeEvent, { type: 'logs' }>
      this.slots[slot] = { ...earlier, lines: [...earlier.lines, ...event.lines] }
    } else {
      if (slot !== undefined) {
        this.slots[slot] = undefined
        this.live--
      }
      if (key !== undefined) this.slotOf.set(key, this.slots.length)
      this.slots.push(event)
      this.live++
    }
    if (this.live >= this.maxEvents) this.flush()
    else this.cancelTimer ??= this.scheduler.schedule(() => this.flush(), this.intervalMs)
  }

  /** Delivers what is pending now (the snapshot does this so it can name the batch it includes). */
  flush(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
    if (this.live === 0) return
    const events = this.slots.filter((event): event is BridgeEvent => event !== undefined)
    this.slots = []
    this.slotOf.clear()
    this.live = 0
    this.seq++
    this.emitter.emit('batch', { seq: this.seq, events })
  }

  /** Drops pending events and stops the timer. */
  dispose(): void {
    this.disposed = true
    this.cancelTimer?.()
    this.cancelTimer = undefined
    this.slots = []
    this.slotOf.clear()
    this.live = 0
    this.emitter.removeAll()
  }
}
