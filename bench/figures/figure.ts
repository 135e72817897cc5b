// What a figure module is: the harness runs each module once and writes the figures it returns.
// Adding a figure (the renderer's, say) is one module like these plus one line in index.ts.

/** A target a figure must meet. */
export interface Target {
  op: '>=' | '<=' | '=='
  value: number
}

/** One named figure in bench/results/latest.json. */
export interface FigureSpec {
  name: string
  unit: string
  /** Absent for figures kept for the record only. */
  target?: Target
}

/** What a module may use while it runs. */
export interface BenchContext {
  /** A progress line on stderr (the table goes to stdout). */
  log(line: string): void
  /** Path of the built CLI entry (`bin/nebula-desktop.js`). */
  cli: string
}

export interface FigureModule {
  /** Short id, used by `npm run bench -- --only <id>`. */
  id: string
  figures: FigureSpec[]
  /**
   * Long and CPU-light (mostly waiting): runs alongside the others instead of in sequence, so
   * the whole command stays within a few minutes.
   */
  background?: boolean
  /**
   * Runs last, after the background modules have finished: its figure is an absolute time with
   * no baseline in the same run, and the background figures' processes run at real-time
   * priority, so a gateway restart of theirs inside its window would be measured as its own.
   */
  alone?: boolean
  run(ctx: BenchContext): Promise<Record<string, number>>
}

/** True when `value` meets `target`. */
export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false
  if (target.op === '>=') return value >= target.value
  if (target.op === '<=') return value <= target.value
  return value === target.value
}
