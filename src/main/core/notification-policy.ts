import type { Alert, Notification } from '@shared/alerts'
import type { ExecutionTransition } from './alert-policy'
import { FailureTally, workflowKey } from './failure-tally'
import type { ProfiledAlert } from './failure-tally'
import {
  authFailedNotice,
  failureNotice,
  failureSummary,
  flappingNotice,
  periodSummary,
  recoveredNotice
} from './notification-wording'
import { MuteList } from './mute-list'
import { dropUpTo, earlier, insertSorted } from './time-list'

// Pure: decides which notifications the shell shows. Every failure is alerted exactly once
// (AlertPolicy: the record behind the tray, the dashboard and `watch`); what interrupts a
// person is rationed here. Time is always passed in (`now`, ms since the epoch); nothing here
// reads a clock or sets a timer: the owner calls `tick(now)` at `nextTickAt()`. One policy can
// serve several sessions (profiles): the budget spans them all, and notices name the profile.
//
// The rules, in the order they apply to one alert:
//  1. Mute: alerts of a muted workflow notify nothing. The alert itself is unaffected.
//  2. Do-not-disturb until T: alerts are tallied; when it ends, one `dnd_summary`.
//  3. Flapping: a workflow that failed again within `recoveryQuietMs` of completing, on
//     `flapCycles` occasions within `flapWindowMs`, is notified once as `flapping` and then
//     not at all until it settles (stays healthy for `recoveryQuietMs`).
//  4. Budget: at most `singleBudget` individual notices (failure, flapping, recovered) within
//     any `budgetWindowMs`, across all workflows and profiles. A failure beyond it starts (or
//     joins) the failure summary: ONE notice with a stable tag, replaced in place, cumulative,
//     sent `summaryDelayMs` after the first failure it holds and at most once per
//     `summaryIntervalMs`. While a summary is going (until a quiet interval passes after it was
//     last sent), every failure joins it: a storm is never split into singles and summaries.
//  5. Recovered: a workflow the user was told about individually that completes and then stays
//     healthy for `recoveryQuietMs` gets one `recovered` notice (budget allowing).
//  6. Auth: a profile whose token is refused gets one `auth_failed` ("sign in again") notice
//     until its session is live again.

export const DEFAULT_SINGLE_BUDGET = 3
export const DEFAULT_BUDGET_WINDOW_MS = 60_000
export const DEFAULT_SUMMARY_INTERVAL_MS = 60_000
export const DEFAULT_SUMMARY_DELAY_MS = 10_000
export const DEFAULT_RECOVERY_QUIET_MS = 120_000
export const DEFAULT_FLAP_CYCLES = 3
export const DEFAULT_FLAP_WINDOW_MS = 10 * 60_000
/** Default number of workflows whose health is remembered. */
export const DEFAULT_WORKFLOW_MEMORY = 10_000

export interface NotificationPolicyOptions {
  singleBudget?: number
  budgetWindowMs?: number
  summaryIntervalMs?: number
  summaryDelayMs?: number
  /** How long a workflow must stay healthy after completing to count as recovered. */
  recoveryQuietMs?: number
  flapCycles?: number
  flapWindowMs?: number
  /** Emit `recovered` notices (default true). */
  notifyRecovered?: boolean
  /** Workflow ids muted from the start (any profile). */
  muted?: Iterable<string>
  /** Bound on remembered workflows (default 10 000). */
  workflowMemory?: number
}

/** What the policy remembers about one workflow (of one profile). */
interface WorkflowHealth {
  key: string
  workflowId: string
  name: string
  profile?: string
  failing: boolean
  /** The user was told about it individually (so a recovery is worth saying). */
  notified: boolean
  flapping: boolean
  /** Times it failed again while recovering, within the flapping window, oldest first. */
  cycles: number[]
  recoveryDueAt?: number
  /** `recovered` notices were on when the quiet period began (turning them on later does not count). */
  recoveryWanted?: boolean
  /** The completion that started the quiet period. */
  lastOk: string
}

type Due =
  | { what: 'dnd'; at: number }
  | { what: 'summary'; at: number }
  | { what: 'recovery'; at: number; wf: WorkflowHealth }

/** The failure summary being shown (cumulative) and what it has not shown yet. */
interface SummarySeries {
  since: number
  shown: FailureTally
  held: FailureTally
  dueAt?: number
  lastSentAt?: number
}

/** Decides notifications from alerts, completions and auth failures; see the rules above. */
export class NotificationPolicy {
  private singleBudget: number
  private readonly budgetWindowMs: number
  private readonly summaryIntervalMs: number
  private readonly summaryDelayMs: number
  private readonly recoveryQuietMs: number
  private readonly flapCycles: number
  private readonly flapWindowMs: number
  private notifyRecovered: boolean
  private readonly workflowMemory: number
  /** Muted workflows (per profile or for all); the preferences change it while the policy runs. */
  readonly mutes: MuteList
  /** When individual notices went out, within the budget window. */
  private singles: number[] = []
  private series: SummarySeries | undefined
  /** Least recently touched first. */
  private readonly health = new Map<string, WorkflowHealth>()
  private readonly recovering = new Map<string, WorkflowHealth>()
  private readonly authShown = new Set<string>()
  private readonly authHeld = new Map<string, string | undefined>()
  private dndUntil: number | undefined
  private dndTally = new FailureTally()

  constructor(options: NotificationPolicyOptions = {}) {
    this.singleBudget = Math.max(0, Math.floor(options.singleBudget ?? DEFAULT_SINGLE_BUDGET))
    this.budgetWindowMs = Math.max(1, options.budgetWindowMs ?? DEFAULT_BUDGET_WINDOW_MS)
    this.summaryIntervalMs = Math.max(1, options.summaryIntervalMs ?? DEFAULT_SUMMARY_INTERVAL_MS)
    this.summaryDelayMs = Math.max(0, options.summaryDelayMs ?? DEFAULT_SUMMARY_DELAY_MS)
    this.recoveryQuietMs = Math.max(0, options.recoveryQuietMs ?? DEFAULT_RECOVERY_QUIET_MS)
    this.flapCycles = Math.max(1, Math.floor(options.flapCycles ?? DEFAULT_FLAP_CYCLES))
    this.flapWindowMs = Math.max(1, options.flapWindowMs ?? DEFAULT_FLAP_WINDOW_MS)
    this.notifyRecovered = options.notifyRecovered ?? true
    this.workflowMemory = Math.max(1, options.workflowMemory ?? DEFAULT_WORKFLOW_MEMORY)
    this.mutes = new MuteList(options.muted)
  }

  /** Notifications for one new alert (plus anything that fell due before `now`). */
  onAlert(alert: Alert, now: number, profile?: string): Notification[] {
    const out = this.tick(now)
    const a: ProfiledAlert = profile ? { ...alert, profile } : alert
    const wf = this.noteFailure(a, now)
    if (this.mutes.isMuted(a.workflow_id, profile)) return out
    if (this.dndActive(now)) {
      this.dndTally.add(a)
      return out
    }
    if (wf.flapping) return out // said once; quiet until it settles
    if (wf.cycles.length >= this.flapCycles) {
      wf.flapping = true
      if (!this.series && this.takeBudget(now)) {
        wf.notified = true
        out.push(flappingNotice(a, wf.cycles.length, this.flapWindowMs, now))
      } else {
        this.hold(a, now)
      }
      return out
    }
    if (!this.series && this.takeBudget(now)) {
      wf.notified = true
      out.push(failureNotice(a, now))
    } else {
      this.hold(a, now)
    }
    return out
  }

  /** An execution completed: a failing workflow starts its quiet period towards `recovered`. */
  onCompleted(transition: ExecutionTransition, now: number, profile?: string): Notification[] {
    const out = this.tick(now)
    if (transition.to !== 'completed') return out
    const { execution } = transition
    const wf = this.health.get(workflowKey(execution.workflow_id, profile))
    if (!wf?.failing) return out
    wf.failing = false
    wf.name = transition.workflowName || execution.workflow_name || wf.name
    wf.lastOk = execution.id
    wf.recoveryDueAt = now + this.recoveryQuietMs
    wf.recoveryWanted = this.notifyRecovered
    this.recovering.set(wf.key, wf)
    // Everything else due by now went out above; only a zero quiet period is due already.
    return wf.recoveryDueAt <= now ? out.concat(this.tick(now)) : out
  }

  /** At start: failures that happened while the app was closed, as one summary. */
  onMissedFailures(alerts: readonly Alert[], now: number, profile?: string): Notification[] {
    const out = this.tick(now)
    const tally = new FailureTally()
    for (const alert of alerts) {
      const a: ProfiledAlert = profile ? { ...alert, profile } : alert
      const wf = this.noteFailure(a, now)
      if (this.mutes.isMuted(a.workflow_id, profile)) continue
      wf.notified = true
      if (this.dndActive(now)) this.dndTally.add(a)
      else tally.add(a)
    }
    if (tally.count > 0) out.push(periodSummary('startup_summary', tally, now))
    return out
  }

  /** A profile's token was refused: one "sign in again" notice until it is live again. */
  onAuthFailed(now: number, profile?: string, reason?: string): Notification[] {
    const out = this.tick(now)
    const key = profile ?? ''
    if (this.authShown.has(key)) return out
    if (this.dndActive(now)) {
      this.authHeld.set(key, reason)
      return out
    }
    this.authShown.add(key)
    out.push(authFailedNotice(profile, reason, now))
    return out
  }

  /** A profile's session is live again: a later refusal is news again. */
  onAuthRestored(profile?: string): void {
    this.authShown.delete(profile ?? '')
    this.authHeld.delete(profile ?? '')
  }

  /** Everything that fell due up to `now`, in time order. */
  tick(now: number): Notification[] {
    const out: Notification[] = []
    for (;;) {
      const due = this.nextDue(now)
      if (!due) break
      if (due.what === 'recovery') this.recover(due.wf, due.at, out)
      else if (due.what === 'dnd') this.endDoNotDisturb(due.at, out)
      else this.sendSummary(due.at, out)
    }
    const series = this.series
    if (series && series.dueAt === undefined) {
      const quietSince = series.lastSentAt ?? series.since
      if (now >= quietSince + this.summaryIntervalMs) this.series = undefined
    }
    return out
  }

  /** When `tick` next has something to send, or undefined when nothing is pending. */
  nextTickAt(): number | undefined {
    let next = earlier(this.dndUntil, this.series?.dueAt)
    for (const wf of this.recovering.values()) next = earlier(next, wf.recoveryDueAt)
    return next
  }

  /** Suppresses notifications until `until` (ms); null ends do-not-disturb now, with its summary. */
  setDoNotDisturb(until: number | null, now: number): Notification[] {
    const out = this.tick(now)
    if (until === null || until <= now) {
      if (this.dndUntil !== undefined) this.endDoNotDisturb(now, out)
      return out
    }
    this.dndUntil = until
    return out
  }

  /** Changes the preferences a person can set while the policy runs (budget, recoveries). */
  configure(options: Pick<NotificationPolicyOptions, 'singleBudget' | 'notifyRecovered'>): void {
    if (options.singleBudget !== undefined)
      this.singleBudget = Math.max(0, Math.floor(options.singleBudget))
    if (options.notifyRecovered !== undefined) this.notifyRecovered = options.notifyRecovered
  }

  /** The end of do-not-disturb, if it is on. */
  get doNotDisturbUntil(): number | undefined {
    return this.dndUntil
  }

  private dndActive(now: number): boolean {
    return this.dndUntil !== undefined && now < this.dndUntil
  }

  /** The budget of individual notices: takes one slot when free. */
  private takeBudget(now: number): boolean {
    this.singles = this.singles.filter((at) => at > now - this.budgetWindowMs)
    if (this.singles.length >= this.singleBudget) return false
    this.singles.push(now)
    return true
  }

  /** Records a failure of the alert's workflow: a failure while recovering is a flap cycle. */
  private noteFailure(alert: ProfiledAlert, now: number): WorkflowHealth {
    const key = workflowKey(alert.workflow_id, alert.profile)
    let wf = this.health.get(key)
    if (wf) this.health.delete(key) // re-inserted below: most recently touched last
    wf ??= {
      key,
      workflowId: alert.workflow_id,
      name: alert.workflow_name,
      ...(alert.profile ? { profile: alert.profile } : {}),
      failing: false,
      notified: false,
      flapping: false,
      cycles: [],
      lastOk: ''
    }
    this.health.set(key, wf)
    wf.name = alert.workflow_name
    if (wf.recoveryDueAt !== undefined) {
      insertSorted(wf.cycles, now)
      wf.recoveryDueAt = undefined
      this.recovering.delete(key)
    }
    dropUpTo(wf.cycles, now - this.flapWindowMs)
    if (wf.cycles.length === 0) wf.flapping = false
    wf.failing = true
    while (this.health.size > this.workflowMemory) {
      const oldest = this.health.keys().next().value as string
      this.health.delete(oldest)
      this.recovering.delete(oldest)
    }
    return wf
  }

  /** A failure beyond the budget joins the summary, which goes out when due. */
  private hold(alert: ProfiledAlert, now: number): void {
    this.series ??= { since: now, shown: new FailureTally(), held: new FailureTally() }
    const series = this.series
    series.held.add(alert)
    series.dueAt ??= Math.max(
      now + this.summaryDelayMs,
      (series.lastSentAt ?? Number.NEGATIVE_INFINITY) + this.summaryIntervalMs
    )
  }

  /** The earliest thing due by `now`: the end of do-not-disturb, the summary, a recovery. */
  private nextDue(now: number): Due | undefined {
    let due: Due | undefined
    if (this.dndUntil !== undefined && this.dndUntil <= now)
      due = { what: 'dnd', at: this.dndUntil }
    const summaryAt = this.series?.dueAt
    if (summaryAt !== undefined && summaryAt <= now && (!due || summaryAt < due.at)) {
      due = { what: 'summary', at: summaryAt }
    }
    for (const wf of this.recovering.values()) {
      const at = wf.recoveryDueAt!
      if (at <= now && (!due || at < due.at)) due = { what: 'recovery', at, wf }
    }
    return due
  }

  private sendSummary(at: number, out: Notification[]): void {
    const series = this.series!
    series.dueAt = undefined
    if (this.dndActive(at)) {
      this.dndTally.merge(series.held) // joins the do-not-disturb summary instead
    } else {
      series.shown.merge(series.held)
      series.lastSentAt = at
      out.push(failureSummary(series.shown, series.since, at))
    }
    series.held = new FailureTally()
  }

  private recover(wf: WorkflowHealth, at: number, out: Notification[]): void {
    this.recovering.delete(wf.key)
    wf.recoveryDueAt = undefined
    wf.flapping = false
    wf.cycles = []
    const tell =
      wf.notified &&
      this.notifyRecovered &&
      wf.recoveryWanted === true &&
      !this.mutes.isMuted(wf.workflowId, wf.profile) &&
      !this.dndActive(at) &&
      this.takeBudget(at)
    wf.notified = false
    if (tell) out.push(recoveredNotice(wf, this.recoveryQuietMs, at))
  }

  private endDoNotDisturb(at: number, out: Notification[]): void {
    this.dndUntil = undefined
    const tally = this.dndTally
    this.dndTally = new FailureTally()
    if (tally.count > 0) out.push(periodSummary('dnd_summary', tally, at))
    for (const [key, reason] of this.authHeld) {
      this.authShown.add(key)
      out.push(authFailedNotice(key || undefined, reason, at))
    }
    this.authHeld.clear()
  }
}
