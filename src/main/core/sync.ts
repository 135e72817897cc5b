import type { Alert } from '@shared/alerts'
import type { Execution } from '@shared/protocol'
import { DisposableStore } from '@shared/disposable'
import type { Disposer } from '@shared/disposable'
import { describeError } from '@shared/redact'
import type { FollowAll } from './follow-all'
import type { GapWatermark } from './gap-watermark'
import type { Lifecycle } from './lifecycle'
import { reconcile } from './reconcile'
import type { RestClient } from './rest-client'
import type { SubscriptionRegistry } from './subscription-registry'

/** What the synchronizer needs from the session. */
export interface SyncContext {
  lifecycle: Lifecycle
  registry: SubscriptionRegistry
  rest: RestClient
  watermark: GapWatermark
  followAll: FollowAll | undefined
  /** True while part of what is followed has no live subscription (pending or refused). */
  uncovered(): boolean
  /** Executions worth a fresh look: open when last seen (also by a previous run). */
  trackedIds(): string[]
  /** Feeds reconciled executions through the pipeline (the session filters by scope). */
  ingest(executions: Execution[], baseline: boolean, missed?: Alert[]): void
  /** Ids of records a reconciliation could not read (looked at again next time). */
  unreadable(ids: string[]): void
  /** Failures found by the first sync of this run: notified as one summary. */
  missed(alerts: Alert[]): void
  /** The first reconciliation of this run succeeded (the previous run's open ids are checked). */
  reconciled(): void
  log(line: string): void
  now(): number
  /** Quiet period without confirmations after which the first reconciliation runs anyway. */
  settleTimeoutMs: number
  /** Delay before a failed reconciliation is tried again. */
  resyncDelayMs: number
}

/** One socket's sync; cancelled when that socket goes away. */
interface SyncRun {
  cancelled: boolean
  /** The gap reconciliation of this socket is done. */
  reconciled: boolean
  /** A failed catch-up waits for its retry timer. */
  waiting: boolean
}

/**
 * Brings a freshly opened socket to `open`: re-subscribe (the registry), wait for the answers
 * of what was sent (bounded), reconcile the gap over REST, and declare the session synced:
 * everything followed is then covered, live or by REST polling. While anything followed is not
 * live (waiting, queued behind the pacing window, or refused) the watermark is held and REST
 * polling covers it (poller.ts); once everything is live, a catch-up reconciliation covers the
 * stretch from the held point. Feeds the lifecycle `synced` and `sync_failed`.
 */
export class Synchronizer {
  private run: SyncRun | undefined
  private firstSync = true
  private catchUpRunning = false
  private catchUpAgain = false
  private disposed = false
  /** Timers of the current socket's sync; replaced with each socket. */
  private timers = new DisposableStore()
  private readonly unlisten: Disposer[]

  constructor(private readonly ctx: SyncContext) {
    this.unlisten = [
      ctx.registry.on('change', () => this.advance()),
      ctx.registry.on('removed', () => this.advance())
    ]
  }

  /** True once this socket's gap is reconciled (REST polling may start). */
  get isReconciled(): boolean {
    return this.run?.reconciled === true && !this.run.cancelled
  }

  /** A socket opened (subscriptions were just re-sent): sync it. */
  opened(): void {
    if (this.disposed) return
    this.cancel()
    const run: SyncRun = { cancelled: false, reconciled: false, waiting: false }
    this.run = run
    void this.initial(run)
  }

  /** The socket went away: whatever its sync was doing stops. */
  dropped(): void {
    this.cancel()
  }

  /** True while a retry or settle timer runs (leak checks). */
  hasLiveTimers(): boolean {
    return this.timers.hasLive()
  }

  /** Stops for good. */
  dispose(): void {
    this.cancel()
    for (const unlisten of this.unlisten) unlisten()
    this.timers.dispose()
    this.disposed = true
  }

  private cancel(): void {
    if (this.run) this.run.cancelled = true
    this.run = undefined
    this.timers.dispose()
    this.timers = new DisposableStore()
  }

  /** Re-list (fallback mode), wait for answers, reconcile the gap; retried until it works. */
  private async initial(run: SyncRun): Promise<void> {
    const { ctx } = this
    await ctx.followAll?.connected()
    await this.settled(run)
    if (run.cancelled) return
    const startup = this.firstSync
    const gapWatermark = ctx.watermark.committed
    try {
      const result = await reconcile(ctx.rest, {
        watermark: gapWatermark,
        trackedIds: ctx.trackedIds()
      })
      if (run.cancelled) return
      if (result.truncated)
        ctx.log('reconciliation hit its page limit; older gaps may be incomplete')
      const missed: Alert[] = []
      ctx.unreadable(result.unreadableIds)
      ctx.ingest(result.executions, gapWatermark === null, startup ? missed : undefined)
      ctx.missed(missed)
    } catch (error) {
      if (run.cancelled) return
      const reason = `reconciliation failed: ${describeError(error)}`
      ctx.log(`${reason}; retrying`)
      ctx.lifecycle.dispatch({ type: 'sync_failed', reason })
      this.timers.setTimeout(() => void this.initial(run), ctx.resyncDelayMs)
      return
    }
    this.firstSync = false
    run.reconciled = true
    // On first contact the baseline is everything up to now.
    if (gapWatermark === null) ctx.watermark.commit(ctx.now())
    // Part of what is followed not live: what happens there from now on is neither pushed nor
    // in this reconciliation. Hold the watermark at the gap's start; REST polling and the
    // catch-up once everything is live look at that stretch again.
    if (ctx.uncovered()) ctx.watermark.hold(gapWatermark ?? ctx.watermark.committed)
    else ctx.watermark.commit(ctx.now())
    ctx.reconciled()
    this.advance()
  }

  /** Moves the session on after any change: back to syncing, catch up, or synced. */
  private advance(): void {
    const { ctx } = this
    const run = this.run
    if (!run || run.cancelled || !run.reconciled || run.waiting) return
    if (ctx.uncovered()) {
      // Subscriptions waiting for an answer (or still queued behind the pacing window) and
      // refused ones: REST polling covers them, and the watermark stays held until everything
      // is live, when a catch-up looks at the stretch again. Covered is open; the coverage
      // says how (live, partial, polling).
      ctx.watermark.hold()
      this.catchUpAgain ||= this.catchUpRunning
    } else if (ctx.watermark.isHeld) {
      void this.catchUp(run)
      return
    }
    if (ctx.lifecycle.name === 'syncing') ctx.lifecycle.dispatch({ type: 'synced' })
  }

  /**
   * Reconciles from the held watermark once nothing waits for an answer. Even on first contact
   * nothing found here is history: every failure that existed then was in the first listing.
   */
  private async catchUp(run: SyncRun): Promise<void> {
    if (this.catchUpRunning) {
      this.catchUpAgain = true
      return
    }
    const { ctx } = this
    this.catchUpRunning = true
    this.catchUpAgain = false
    try {
      const result = await reconcile(ctx.rest, {
        watermark: ctx.watermark.catchUpFrom,
        trackedIds: ctx.trackedIds()
      })
      if (run.cancelled) return
      ctx.unreadable(result.unreadableIds)
      ctx.ingest(result.executions, false)
      if (!this.catchUpAgain && !ctx.uncovered()) ctx.watermark.commit(ctx.now())
    } catch (error) {
      if (run.cancelled) return
      const reason = `catch-up reconciliation failed: ${describeError(error)}`
      ctx.log(`${reason}; retrying`)
      if (ctx.lifecycle.name === 'syncing') ctx.lifecycle.dispatch({ type: 'sync_failed', reason })
      run.waiting = true
      this.timers.setTimeout(() => {
        run.waiting = false
        this.advance()
      }, ctx.resyncDelayMs)
      return
    } finally {
      this.catchUpRunning = false
    }
    this.advance()
  }

  /**
   * Resolves when no subscription sent on this socket waits for its answer, or after a quiet
   * period without progress. Subscriptions still queued behind the pacing window are not waited
   * for (150 workflows take two windows under the document's limit): the reconciliation runs,
   * REST polling covers them and the watermark is held until they are live.
   */
  private settled(run: SyncRun): Promise<void> {
    const { registry } = this.ctx
    const timers = this.timers
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      let done = false
      const hold: { release?: Disposer } = {}
      const finish = (): void => {
        if (done) return
        done = true
        timers.clear(timer)
        unlisten()
        hold.release?.()
        resolve()
      }
      const check = (): void => {
        if (run.cancelled || !registry.hasUnanswered()) return finish()
        timers.clear(timer)
        timer = timers.setTimeout(() => {
          if (!run.cancelled)
            this.ctx.log('some subscriptions were not confirmed in time; reconciling anyway')
          finish()
        }, this.ctx.settleTimeoutMs)
      }
      const listeners = [registry.on('change', check), registry.on('removed', check)]
      const unlisten = (): void => listeners.forEach((dispose) => dispose())
      // Cancelling the run (the socket went away) ends the wait at once.
      hold.release = timers.add(finish)
      check()
    })
  }
}
