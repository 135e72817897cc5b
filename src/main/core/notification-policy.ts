import {
  MAX_NOTIFIED_EXECUTION_IDS,
  type Alert,
  type Notification,
  type WorkflowFailureCount
} from '@shared/alerts'
import type { ExecutionTransition } from './alert-policy'

// Pure: decides which notifications the shell shows for a stream of alerts. Time is always
// passed in (`now`, ms since the epoch); nothing here reads a clock or sets a timer. The shell
// calls `tick(now)` at `nextTickAt()` so grouped notices and the do-not-disturb summary come out
// on time; every other call also flushes whatever fell due before `now`.
//
// The rules, in the order they apply to one alert:
//  1. Mute: alerts of a muted workflow notify nothing (not even in a summary); `recovered`
//     notices for it are muted too. Alerts themselves are unaffected (the tray still counts them).
//  2. Do-not-disturb until T: while now < T, each alert is tallied instead of notified. When
//     do-not-disturb ends (the first call at or after T, or `setDoNotDisturb(null)`), one
//     `dnd_summary` lists what was suppressed, if anything was.
//  3. Bursts, per workflow: at most `burstThreshold` (3) failures are notified one by one
//     within any `burstWindowMs` (10 s, sliding). A failure beyond that opens a group that
//     collects it and every further failure of the workflow until the window that began with
//     the oldest of those single notices closes; then ONE `failure_group` notice carries them
//     all. So 5 failures within 10 s give 3 single notices and, when those 10 s are over, 1
//     grouped notice for the other 2; never a storm.
//     A storm that goes on stays folded: if the workflow fails again within `burstWindowMs`
//     after a group closed, no single notice is sent; a new group collects for `burstWindowMs`.
//     A sustained storm thus yields one grouped notice per 10 s.
//     Time is arrival time (`now`), not the executions' own timestamps, because failures found
//     by reconciliation after an outage arrive together but happened earlier.
//  4. Recovered (option, on by default): when an execution of a workflow whose last seen outcome
//     was a failure completes, one `recovered` notice (suppressed by mute and do-not-disturb).
//     A held group of that workflow is flushed first, so the order stays truthful.

/** Default number of failures notified individually per burst window. */
export const DEFAULT_BURST_THRESHOLD = 3
/** Default length of a burst window in ms. */
export const DEFAULT_BURST_WINDOW_MS = 10_000
/** Default number of workflows whose last outcome is remembered for `recovered` notices. */
export const DEFAULT_WORKFLOW_MEMORY = 10_000

export interface NotificationPolicyOptions {
  burstThreshold?: number
  burstWindowMs?: number
  /** Emit `recovered` notices (default true). */
  notifyRecovered?: boolean
  /** Workflow ids muted from the start. */
  muted?: Iterable<string>
  /** Bound on remembered workflow outcomes (default 10 000). */
  workflowMemory?: number
}

/** Failures folded together: a burst's held alerts or the do-not-disturb tally. */
class FailureTally {
  count = 0
  readonly ids: string[] = []
  private readonly perWorkflow = new Map<string, WorkflowFailureCount>()

  add(alert: Alert): void {
    this.count += 1
    if (this.ids.length < MAX_NOTIFIED_EXECUTION_IDS) this.ids.push(alert.execution_id)
    const entry = this.perWorkflow.get(alert.workflow_id)
    if (entry) entry.count += 1
    else {
      this.perWorkflow.set(alert.workflow_id, {
        workflow_id: alert.workflow_id,
        workflow_name: alert.workflow_name,
        count: 1
      })
    }
  }

  /** Adds everything another tally holds. */
  merge(other: FailureTally): void {
    this.count += other.count
    for (const id of other.ids) {
      if (this.ids.length < MAX_NOTIFIED_EXECUTION_IDS) this.ids.push(id)
    }
    for (const entry of other.perWorkflow.values()) {
      const mine = this.perWorkflow.get(entry.workflow_id)
      if (mine) mine.count += entry.count
      else this.perWorkflow.set(entry.workflow_id, { ...entry })
    }
  }

  /** Workflows by descending count (ties keep first-seen order). */
  workflows(): WorkflowFailureCount[] {
    return [...this.perWorkflow.values()]
      .map((entry) => ({ ...entry }))
      .sort((a, b) => b.count - a.count)
  }
}

/** Failures held for one grouped notice. */
interface FailureGroup {
  closesAt: number
  /** True when single notices of the same burst came first (the title then says "more"). */
  afterSingles: boolean
  held: FailureTally
}

/** Burst state of one workflow; dropped once nothing in it matters any more. */
interface WorkflowBurst {
  workflowId: string
  workflowName: string
  /** When the single notices of the last `burstWindowMs` went out, oldest first. */
  singles: number[]
  group: FailureGroup | undefined
  /** A group closed before this time: the storm is still on, no single notices. */
  stormUntil: number
}

/** Decides notifications from alerts and completions; see the rules above. */
export class NotificationPolicy {
  private readonly burstThreshold: number
  private readonly burstWindowMs: number
  private readonly notifyRecovered: boolean
  private readonly workflowMemory: number
  private readonly muted: Set<string>
  private readonly bursts = new Map<string, WorkflowBurst>()
  /** Workflows whose last seen outcome was a failure, least recent first. */
  private readonly lastFailed = new Map<string, string>()
  private dndUntil: number | undefined
  private dndTally = new FailureTally()

  constructor(options: NotificationPolicyOptions = {}) {
    this.burstThreshold = Math.max(0, Math.floor(options.burstThreshold ?? DEFAULT_BURST_THRESHOLD))
    this.burstWindowMs = Math.max(1, options.burstWindowMs ?? DEFAULT_BURST_WINDOW_MS)
    this.notifyRecovered = options.notifyRecovered ?? true
    this.workflowMemory = Math.max(1, options.workflowMemory ?? DEFAULT_WORKFLOW_MEMORY)
    this.muted = new Set(options.muted ?? [])
  }

  /** Notifications for one new alert (plus anything that fell due before `now`). */
  onAlert(alert: Alert, now: number): Notification[] {
    const out = this.tick(now)
    this.rememberOutcome(alert.workflow_id, alert.workflow_name, true)
    if (this.muted.has(alert.workflow_id)) return out
    if (this.dndActive(now)) {
      this.dndTally.add(alert)
      return out
    }
    let burst = this.bursts.get(alert.workflow_id)
    if (!burst) {
      burst = {
        workflowId: alert.workflow_id,
        workflowName: alert.workflow_name,
        singles: [],
        group: undefined,
        stormUntil: Number.NEGATIVE_INFINITY
      }
      this.bursts.set(alert.workflow_id, burst)
    }
    burst.workflowName = alert.workflow_name
    burst.singles = burst.singles.filter((at) => at > now - this.burstWindowMs)
    if (!burst.group) {
      const storming = now < burst.stormUntil
      if (!storming && burst.singles.length < this.burstThreshold) {
        burst.singles.push(now)
        out.push(failureNotification(alert, now))
        return out
      }
      burst.group = {
        // Singles in the window: the group closes when the window of the oldest one does.
        closesAt: (storming ? now : (burst.singles[0] ?? now)) + this.burstWindowMs,
        afterSingles: !storming && burst.singles.length > 0,
        held: new FailureTally()
      }
    }
    burst.group.held.add(alert)
    return out
  }

  /** A `recovered` notice when a workflow that last failed completes an execution. */
  onCompleted(transition: ExecutionTransition, now: number): Notification[] {
    const out = this.tick(now)
    if (transition.to !== 'completed') return out
    const { execution } = transition
    const workflowId = execution.workflow_id
    if (!this.lastFailed.has(workflowId)) return out
    const workflowName =
      transition.workflowName || execution.workflow_name || this.lastFailed.get(workflowId)!
    this.rememberOutcome(workflowId, workflowName, false)
    const burst = this.bursts.get(workflowId)
    if (burst) {
      if (burst.group) this.closeGroup(burst, now, out, now)
      burst.stormUntil = Number.NEGATIVE_INFINITY
    }
    if (!this.notifyRecovered || this.muted.has(workflowId) || this.dndActive(now)) return out
    out.push({
      kind: 'recovered',
      title: `${workflowName} recovered`,
      body: `Execution ${execution.id} completed after earlier failures.`,
      workflow_id: workflowId,
      workflow_name: workflowName,
      execution_ids: [execution.id],
      count: 1,
      at: iso(now)
    })
    return out
  }

  /** At start: failures that happened while the app was closed, as one summary (or a tally under do-not-disturb). */
  onMissedFailures(alerts: readonly Alert[], now: number): Notification[] {
    const out = this.tick(now)
    const audible: Alert[] = []
    for (const alert of alerts) {
      this.rememberOutcome(alert.workflow_id, alert.workflow_name, true)
      if (!this.muted.has(alert.workflow_id)) audible.push(alert)
    }
    if (this.dndActive(now)) {
      for (const alert of audible) this.dndTally.add(alert)
      return out
    }
    const summary = summarizeMissedFailures(audible, now)
    if (summary) out.push(summary)
    return out
  }

  /** Flushes burst windows that closed and the do-not-disturb summary, in time order, up to `now`. */
  tick(now: number): Notification[] {
    const out: Notification[] = []
    for (;;) {
      let due: WorkflowBurst | undefined
      for (const burst of this.bursts.values()) {
        const closesAt = burst.group?.closesAt
        if (closesAt !== undefined && closesAt <= now && (!due || closesAt < due.group!.closesAt)) {
          due = burst
        }
      }
      const dndEnds =
        this.dndUntil !== undefined && this.dndUntil <= now ? this.dndUntil : undefined
      if (dndEnds !== undefined && (!due || dndEnds <= due.group!.closesAt)) {
        this.endDoNotDisturb(now, out)
        continue
      }
      if (!due) break
      this.closeGroup(due, now, out, due.group!.closesAt)
    }
    // Forget workflows whose burst state no longer matters.
    for (const [workflowId, burst] of this.bursts) {
      const lastSingle = burst.singles[burst.singles.length - 1] ?? Number.NEGATIVE_INFINITY
      if (!burst.group && burst.stormUntil <= now && lastSingle <= now - this.burstWindowMs) {
        this.bursts.delete(workflowId)
      }
    }
    return out
  }

  /** When `tick` next has something to flush, or undefined when nothing is pending. */
  nextTickAt(): number | undefined {
    let next = this.dndUntil
    for (const { group } of this.bursts.values()) {
      if (group && (next === undefined || group.closesAt < next)) next = group.closesAt
    }
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

  /** The end of do-not-disturb, if it is on. */
  get doNotDisturbUntil(): number | undefined {
    return this.dndUntil
  }

  /** Mutes a workflow's notifications. */
  mute(workflowId: string): void {
    this.muted.add(workflowId)
  }

  /** Unmutes a workflow's notifications. */
  unmute(workflowId: string): void {
    this.muted.delete(workflowId)
  }

  /** True when the workflow is muted. */
  isMuted(workflowId: string): boolean {
    return this.muted.has(workflowId)
  }

  /** The muted workflow ids. */
  get mutedWorkflows(): string[] {
    return [...this.muted]
  }

  private dndActive(now: number): boolean {
    return this.dndUntil !== undefined && now < this.dndUntil
  }

  /** Emits a group's held failures as one notice (or tallies them under do-not-disturb). */
  private closeGroup(
    burst: WorkflowBurst,
    now: number,
    out: Notification[],
    closedAt: number
  ): void {
    const group = burst.group
    if (!group) return
    burst.group = undefined
    burst.stormUntil = closedAt + this.burstWindowMs
    const { held } = group
    if (this.muted.has(burst.workflowId)) return
    if (this.dndActive(closedAt)) {
      // Held failures of a group that closes during do-not-disturb join its summary.
      this.dndTally.merge(held)
      return
    }
    const seconds = Math.round(this.burstWindowMs / 1000)
    const failures = `${held.count} ${group.afterSingles ? 'more ' : ''}${plural(held.count, 'failure')}`
    out.push({
      kind: 'failure_group',
      title: `${burst.workflowName}: ${failures}`,
      body: `${held.count} ${plural(held.count, 'execution')} of ${burst.workflowName} failed within ${seconds} s.`,
      workflow_id: burst.workflowId,
      workflow_name: burst.workflowName,
      execution_ids: [...held.ids],
      count: held.count,
      at: iso(now)
    })
  }

  private endDoNotDisturb(now: number, out: Notification[]): void {
    this.dndUntil = undefined
    const tally = this.dndTally
    this.dndTally = new FailureTally()
    if (tally.count === 0) return
    const workflows = tally.workflows()
    out.push({
      kind: 'dnd_summary',
      title: `${tally.count} ${plural(tally.count, 'execution')} failed during Do Not Disturb`,
      body: listWorkflows(workflows),
      execution_ids: [...tally.ids],
      count: tally.count,
      workflows,
      at: iso(now)
    })
  }

  /** Records a workflow's latest outcome in a bounded, least-recent-first map. */
  private rememberOutcome(workflowId: string, workflowName: string, failed: boolean): void {
    this.lastFailed.delete(workflowId)
    if (!failed) return
    this.lastFailed.set(workflowId, workflowName)
    while (this.lastFailed.size > this.workflowMemory) {
      this.lastFailed.delete(this.lastFailed.keys().next().value as string)
    }
  }
}

/** One summary for failures found at start ("5 executions failed while Nebula Desktop was closed"), or null for none. */
export function summarizeMissedFailures(
  alerts: readonly Alert[],
  now: number
): Notification | null {
  if (alerts.length === 0) return null
  const tally = new FailureTally()
  for (const alert of alerts) tally.add(alert)
  const workflows = tally.workflows()
  return {
    kind: 'startup_summary',
    title: `${tally.count} ${plural(tally.count, 'execution')} failed while Nebula Desktop was closed`,
    body: listWorkflows(workflows),
    execution_ids: [...tally.ids],
    count: tally.count,
    workflows,
    at: iso(now)
  }
}

/** The notification for one failed execution. */
function failureNotification(alert: Alert, now: number): Notification {
  const verb = alert.status === 'timed_out' ? 'timed out' : 'failed'
  const action = alert.failed_action?.name ?? alert.failed_action?.id
  const message = alert.error_message ? clip(alert.error_message, 200) : undefined
  const body = action
    ? `${alert.status === 'timed_out' ? 'Timed out in' : 'Failed at'} ${action}${message ? `: ${message}` : '.'}`
    : (message ?? `Execution ${alert.execution_id} ${verb}.`)
  return {
    kind: 'failure',
    title: `${alert.workflow_name} ${verb}`,
    body,
    workflow_id: alert.workflow_id,
    workflow_name: alert.workflow_name,
    status: alert.status,
    execution_ids: [alert.execution_id],
    count: 1,
    at: iso(now)
  }
}

/** "Nightly ETL (3), Order Processing (2) and 4 more workflows". */
function listWorkflows(workflows: readonly WorkflowFailureCount[], shown = 5): string {
  const named = workflows.slice(0, shown).map((w) => `${w.workflow_name} (${w.count})`)
  const rest = workflows.length - named.length
  return rest > 0
    ? `${named.join(', ')} and ${rest} more ${plural(rest, 'workflow')}`
    : named.join(', ')
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`
}

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
