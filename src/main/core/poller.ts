import type { Execution } from '@shared/protocol'
import { DisposableStore } from '@shared/disposable'
import { describeError } from '@shared/redact'
import { isEmptyScope, uncoveredScope } from './coverage'
import type { FollowMode, UncoveredScope } from './coverage'
import type { GapWatermark } from './gap-watermark'
import { startedBefore } from './reconcile'
import { RestError } from './rest-client'
import type { RestClient } from './rest-client'
import type { SubscriptionInfo } from './subscription-registry'

/** What the poller needs from the session. */
export interface PollerContext {
  rest: RestClient
  watermark: GapWatermark
  /** The subscriptions and how everything is followed, for the uncovered scope. */
  subscriptions(): SubscriptionInfo[]
  followMode(): FollowMode
  /** True once the current socket's gap is reconciled (polling starts after it). */
  reconciled(): boolean
  /** Ids of executions still open in the store. */
  openExecutions(): Execution[]
  /** Feeds polled executions through the pipeline. */
  ingest(executions: Execution[]): void
  /** Ids of records that could not be read (looked at again later). */
  unreadable(ids: string[]): void
  /** Polling started or stopped (coverage changed). */
  changed(): void
  log(line: string): void
  intervalMs: number
}

/** Most pages one poll reads (100 executions each). */
const POLL_PAGES = 10

/**
 * REST polling for what no live subscription delivers (refused subscriptions, or ones still
 * waiting for an answer): every `intervalMs` it lists the executions started since the held
 * watermark (any status) and fetches the open ones again, within the uncovered scope only, so
 * a failure there is alerted at most one interval late. Each successful poll moves the held
 * watermark up to what was seen before it began.
 */
export class CoveragePoller {
  private readonly timers = new DisposableStore()
  private timer: ReturnType<typeof setTimeout> | undefined
  private running = false
  private active = false

  constructor(private readonly ctx: PollerContext) {}

  /** True while polling covers part of what is followed. */
  get isPolling(): boolean {
    return this.active
  }

  /** Starts or stops polling to match the current coverage (call on every change). */
  update(): void {
    if (this.timers.isDisposed) return
    const scope = uncoveredScope(this.ctx.subscriptions(), this.ctx.followMode())
    const wanted = this.ctx.reconciled() && !isEmptyScope(scope)
    if (wanted === this.active) return
    this.active = wanted
    if (wanted) {
      const seconds = Math.round(this.ctx.intervalMs / 1000)
      this.ctx.log(
        `${scope.subscriptions} subscription(s) not live; polling their executions over REST every ${seconds} s`
      )
      this.schedule()
    } else {
      this.timers.clear(this.timer)
      this.timer = undefined
      // Stopped for a reconnect: the next sync reconciles, and polling resumes after it.
      if (isEmptyScope(scope)) this.ctx.log('every subscription is live; REST polling stopped')
    }
    this.ctx.changed()
  }

  /** True while the poll timer runs (leak checks). */
  hasLiveTimers(): boolean {
    return this.timers.hasLive()
  }

  /** Stops polling for good. */
  dispose(): void {
    this.active = false
    this.timers.dispose()
  }

  private schedule(): void {
    this.timers.clear(this.timer)
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined
      void this.poll()
    }, this.ctx.intervalMs)
  }

  /** One poll of the uncovered scope; reschedules itself while polling is wanted. */
  async poll(): Promise<void> {
    if (this.running || this.timers.isDisposed) return
    const scope = uncoveredScope(this.ctx.subscriptions(), this.ctx.followMode())
    if (isEmptyScope(scope) || !this.ctx.reconciled()) return
    this.running = true
    const { watermark } = this.ctx
    // Everything started up to the newest start seen so far exists by now, so a listing that
    // begins after this point covers it.
    const coveredTo = watermark.latest
    try {
      const found = await this.list(scope, watermark.catchUpFrom)
      if (this.timers.isDisposed) return
      this.ctx.ingest(found)
      watermark.advanceHeld(coveredTo)
    } catch (error) {
      if (!this.timers.isDisposed) this.ctx.log(`REST polling failed: ${describeError(error)}`)
    } finally {
      this.running = false
    }
    if (this.active) this.schedule()
  }

  /** Executions in `scope` started since `from` (any status), plus the open ones refreshed. */
  private async list(scope: UncoveredScope, from: string | null): Promise<Execution[]> {
    const { rest } = this.ctx
    const inScope = (e: Execution): boolean =>
      scope.everything || scope.workflowIds.has(e.workflow_id) || scope.executionIds.has(e.id)
    const since = from === null ? NaN : Date.parse(from)
    const found = new Map<string, Execution>()
    for (let page = 0, offset = 0; page < POLL_PAGES; page++) {
      const body = await rest.listExecutions({ limit: 100, offset })
      this.ctx.unreadable(body.unreadable.flatMap((r) => (r.id ? [r.id] : [])))
      let older = false
      for (const execution of body.data) {
        if (startedBefore(execution, since)) older = true
        else if (inScope(execution)) found.set(execution.id, execution)
      }
      const read = body.data.length + body.unreadable.length
      if (older || !Number.isFinite(since) || !body.hasMore || read === 0) break
      offset += read
    }
    const refresh = new Set(scope.executionIds)
    for (const open of this.ctx.openExecutions()) if (inScope(open)) refresh.add(open.id)
    for (const id of refresh) {
      if (found.has(id)) continue
      const execution = await rest.getExecution(id).catch((error: unknown) => {
        if (error instanceof RestError && error.code === 'UNREADABLE_RECORD') {
          this.ctx.unreadable([id])
          return null
        }
        throw error
      })
      if (execution) found.set(id, execution)
    }
    return [...found.values()]
  }
}
