import { laterOf } from './reconcile'

/**
 * The point in the server's history up to which nothing can have been missed: the newest
 * execution `started_at` seen while everything followed was live. Reconciliation lists from
 * here after a gap. While anything followed is not live (a subscription waiting for an answer,
 * or refused) the watermark is held: REST polling moves it up to what it has covered
 * (`advanceHeld`), and a catch-up reconciliation from the held point covers the rest once
 * everything is live again (`commit`).
 */
export class GapWatermark {
  private seen: string | null
  private value: string | null
  private heldFrom: string | null = null
  private held = false

  constructor(initial: string | null) {
    this.seen = this.value = initial
  }

  /** The committed watermark (persisted, and where the next reconciliation starts). */
  get committed(): string | null {
    return this.value
  }

  /** Where a catch-up must start: the held point, or the committed watermark. */
  get catchUpFrom(): string | null {
    return this.held ? this.heldFrom : this.value
  }

  /** True while the watermark waits for a catch-up reconciliation. */
  get isHeld(): boolean {
    return this.held
  }

  /** The newest `started_at` seen so far (server clock), live or not. */
  get latest(): string | null {
    return this.seen
  }

  /**
   * While held: everything up to `to` is covered now (REST polling listed the uncovered part
   * up to there), so both the committed watermark and the hold point move up to it.
   */
  advanceHeld(to: string | null): void {
    if (!this.held) return
    this.value = laterOf(this.value, to)
    this.heldFrom = laterOf(this.heldFrom, to)
  }

  /** Notes an execution's start; while live and not held, the watermark follows it. */
  observe(startedAt: string | null | undefined, live: boolean): void {
    this.seen = laterOf(this.seen, startedAt)
    if (live && !this.held) this.value = this.seen
  }

  /** Stops advancing; a catch-up will start from `from` (default: the committed watermark). */
  hold(from: string | null = this.value): void {
    if (this.held) return
    this.held = true
    this.heldFrom = from
  }

  /** Everything up to what was seen is covered: advance (to `now` when nothing was ever seen). */
  commit(now: number): void {
    this.held = false
    this.heldFrom = null
    this.value = laterOf(this.value, this.seen) ?? new Date(now).toISOString()
  }
}
