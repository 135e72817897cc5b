import type { Workflow } from '@shared/protocol'
import { DisposableStore } from '@shared/disposable'
import type { Random } from './random'

/** Background executions running at once, at most. */
const MAX_AUTO_ACTIVE = 4

/** What background runs need from the engine. */
interface AutoRunOptions {
  rng: Random
  actionDelayMs: [number, number]
  /** Workflows that may be picked. */
  runnable: () => Workflow[]
  /** Background executions still running. */
  active: () => number
  start: (workflow: Workflow) => void
}

/**
 * Starts a background execution every 1–3 average action durations (at most 4 at once), so a
 * dashboard against the local gateway is alive without anyone clicking.
 */
export class AutoRun {
  private readonly timers = new DisposableStore()
  private timer: ReturnType<typeof setTimeout> | undefined
  private on = false

  constructor(private readonly opts: AutoRunOptions) {}

  /** Turns background runs on or off (after `dispose()`, always off). */
  set(on: boolean): void {
    this.on = on && !this.timers.isDisposed
    if (!this.on) {
      this.timers.clear(this.timer)
      this.timer = undefined
    } else if (!this.timer) {
      // The first background run comes soon, so a fresh dashboard has something to show.
      this.schedule(Math.min(500, this.interval()))
    }
  }

  /** True while the next background run is scheduled. */
  get isScheduled(): boolean {
    return this.timers.hasLive()
  }

  /** Stops background runs for good. */
  dispose(): void {
    this.on = false
    this.timers.dispose()
  }

  private interval(): number {
    const [min, max] = this.opts.actionDelayMs
    const avg = (min + max) / 2
    return Math.max(50, this.opts.rng.int(avg, avg * 3))
  }

  private schedule(ms: number): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined
      if (!this.on) return
      const candidates = this.opts.runnable()
      if (this.opts.active() < MAX_AUTO_ACTIVE && candidates.length > 0) {
        this.opts.start(this.opts.rng.pick(candidates))
      }
      if (this.on) this.schedule(this.interval())
    }, ms)
  }
}
