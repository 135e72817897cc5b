import type { Alert, FailedAction } from '@shared/alerts'
import { isFailureStatus, type Execution } from '@shared/protocol'
import type { Transition } from './execution-store'
import { isIsoString } from './instant-order'

// Pure: turns execution transitions into alerts, exactly one per execution that enters `failed`
// or `timed_out`, however often or in whatever order the store replays transitions (pushed
// events, REST reconciliation after a gap, duplicates). Memory is bounded by an LRU of ids.

/** One status change as the execution store reports it, with the best-known workflow name. */
export type ExecutionTransition = Transition & {
  /** The workflow's name where the store knows it better than the execution does. */
  workflowName?: string
}

export interface AlertPolicyOptions {
  /** How many alerted execution ids to remember (default 10 000). */
  capacity?: number
}

/** Default number of alerted execution ids remembered. */
export const DEFAULT_ALERT_MEMORY = 10_000

/** Decides which transitions raise an alert, once per execution id. */
export class AlertPolicy {
  private readonly capacity: number
  /** Alerted ids in least-recently-seen-first order (Map keeps insertion order). */
  private readonly alerted = new Map<string, true>()

  constructor(options: AlertPolicyOptions = {}) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? DEFAULT_ALERT_MEMORY))
  }

  /** The alert this transition raises, or null (not a failure, or already alerted). */
  observe(transition: ExecutionTransition, now: number): Alert | null {
    const id = transition.execution.id
    if (this.seen(id)) return null
    if (!isFailureStatus(transition.to)) return null
    // Moving between failure statuses is not entering one: alerted before (and since forgotten).
    if (transition.from !== null && isFailureStatus(transition.from)) return null
    this.remember(id)
    return alertFor(transition, now)
  }

  /**
   * A transition of `executionId` that is not into a failure (what `observe` does with one):
   * true when it was alerted before, whose place is then refreshed so an execution still being
   * replayed is not evicted.
   */
  seen(executionId: string): boolean {
    if (!this.alerted.has(executionId)) return false
    this.alerted.delete(executionId)
    this.alerted.set(executionId, true)
    return true
  }

  /** How many alerted ids are remembered (never more than the capacity). */
  get size(): number {
    return this.alerted.size
  }

  /** Records an id as already alerted (a previous run did, or it is history on first contact). */
  markAlerted(executionId: string): void {
    if (!this.alerted.has(executionId)) this.remember(executionId)
  }

  /** The most recently alerted ids, newest last, at most `limit` of them (for persistence). */
  recentIds(limit = 1000): string[] {
    return [...this.alerted.keys()].slice(-limit)
  }

  private remember(id: string): void {
    this.alerted.set(id, true)
    while (this.alerted.size > this.capacity) {
      const oldest = this.alerted.keys().next().value as string
      this.alerted.delete(oldest)
    }
  }
}

/** Builds the alert for a transition into `failed`/`timed_out` (no deduplication). */
export function alertFor(transition: ExecutionTransition, now: number): Alert {
  const { execution } = transition
  const status = transition.to === 'timed_out' ? 'timed_out' : 'failed'
  const alert: Alert = {
    execution_id: execution.id,
    workflow_id: execution.workflow_id,
    workflow_name:
      nonEmpty(transition.workflowName) ??
      nonEmpty(execution.workflow_name) ??
      execution.workflow_id,
    status,
    at: instant(execution.completed_at, execution.updated_at, now)
  }
  const { failedAction, errorMessage } = describeFailure(execution)
  if (failedAction) alert.failed_action = failedAction
  if (errorMessage !== undefined) alert.error_message = errorMessage
  return alert
}

/** The failing action and its message: from `execution.error`, else the last failed action. */
export function describeFailure(execution: Execution): {
  failedAction?: FailedAction
  errorMessage?: string
} {
  const actions = execution.actions_executed ?? []
  const lastFailed = actions.findLast((action) => isFailureStatus(action.status))
  const error = execution.error
  if (error) {
    const errorActionId = nonEmpty(error.action_id)
    const named = errorActionId ? actions.find((a) => a.action_id === errorActionId) : undefined
    const failedAction =
      errorActionId || nonEmpty(error.action_name)
        ? actionOf(errorActionId, nonEmpty(error.action_name) ?? nonEmpty(named?.name))
        : lastFailed && actionOf(lastFailed.action_id, nonEmpty(lastFailed.name))
    const errorMessage =
      nonEmpty(error.message) ?? nonEmpty((named ?? lastFailed)?.error?.message ?? undefined)
    return { failedAction, errorMessage }
  }
  if (!lastFailed) return {}
  return {
    failedAction: actionOf(lastFailed.action_id, nonEmpty(lastFailed.name)),
    errorMessage: nonEmpty(lastFailed.error?.message ?? undefined)
  }
}

function actionOf(id: string | undefined, name: string | undefined): FailedAction | undefined {
  if (id === undefined && name === undefined) return undefined
  const action: FailedAction = {}
  if (id !== undefined) action.id = id
  if (name !== undefined) action.name = name
  return action
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value.trim() === '' ? undefined : value
}

/** The first parseable server timestamp as ISO-8601, else `now`. */
function instant(...candidates: (string | null | undefined | number)[]): string {
  for (const candidate of candidates) {
    if (candidate === null || candidate === undefined) continue
    // Already what toISOString would write: no round trip through a Date.
    if (typeof candidate === 'string' && isIsoString(candidate)) return candidate
    const ms = typeof candidate === 'number' ? candidate : Date.parse(candidate)
    if (Number.isFinite(ms)) {
      const date = new Date(ms)
      if (!Number.isNaN(date.getTime())) return date.toISOString()
    }
  }
  return new Date(0).toISOString()
}
