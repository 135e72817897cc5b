import { FAILURE_SUMMARY_TAG } from '@shared/alerts'
import type { Notification, WorkflowFailureCount } from '@shared/alerts'
import type { FailureTally, ProfiledAlert } from './failure-tally'

// The words of every notification the policy decides (notification-policy.ts decides which;
// this file only says them). Pure functions of what was decided and when.

type Of<K extends Notification['kind']> = Extract<Notification, { kind: K }>

/** The profile field, only when there is one. */
const profileOf = (profile: string | undefined) => (profile ? { profile } : {})

/** One failed execution: "Order Processing failed" / "Failed at Process Payment: declined". */
export function failureNotice(alert: ProfiledAlert, now: number): Of<'failure'> {
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
    at: iso(now),
    ...profileOf(alert.profile)
  }
}

/** "37 failures in 12 workflows" / "last: Order Processing failed (exec_…)". */
export function failureSummary(
  tally: FailureTally,
  since: number,
  now: number
): Of<'failure_summary'> {
  const last = tally.last!
  const workflows = tally.workflowCount
  return {
    kind: 'failure_summary',
    title: `${tally.count} ${plural(tally.count, 'failure')} in ${workflows} ${plural(workflows, 'workflow')}`,
    body: `Last: ${last.workflow_name} ${last.status === 'timed_out' ? 'timed out' : 'failed'} (${last.execution_id}). ${listWorkflows(tally.workflows())}.`,
    execution_ids: [...tally.ids],
    count: tally.count,
    since: iso(since),
    workflows: tally.workflows(10),
    workflow_count: workflows,
    last: {
      execution_id: last.execution_id,
      workflow_id: last.workflow_id,
      workflow_name: last.workflow_name,
      status: last.status,
      ...profileOf(last.profile)
    },
    at: iso(now),
    tag: FAILURE_SUMMARY_TAG,
    ...profileOf(tally.profile)
  }
}

/** "Nightly ETL keeps failing and recovering". */
export function flappingNotice(
  alert: ProfiledAlert,
  cycles: number,
  windowMs: number,
  now: number
): Of<'flapping'> {
  return {
    kind: 'flapping',
    title: `${alert.workflow_name} is flapping`,
    body: `It failed and recovered ${cycles} times within ${minutes(windowMs)}. Further failures of it are not notified until it settles.`,
    workflow_id: alert.workflow_id,
    workflow_name: alert.workflow_name,
    cycles,
    execution_ids: [alert.execution_id],
    count: 1,
    at: iso(now),
    ...profileOf(alert.profile)
  }
}

/** "Nightly ETL recovered" after it stayed healthy for `quietMs`. */
export function recoveredNotice(
  workflow: { workflowId: string; name: string; profile?: string; lastOk: string },
  quietMs: number,
  now: number
): Of<'recovered'> {
  return {
    kind: 'recovered',
    title: `${workflow.name} recovered`,
    body: `No failure for ${minutes(quietMs)} since execution ${workflow.lastOk} completed.`,
    workflow_id: workflow.workflowId,
    workflow_name: workflow.name,
    execution_ids: [workflow.lastOk],
    count: 1,
    at: iso(now),
    ...profileOf(workflow.profile)
  }
}

/** What failed while do-not-disturb was on, or while the app was closed. */
export function periodSummary(
  kind: 'dnd_summary' | 'startup_summary',
  tally: FailureTally,
  now: number
): Of<'dnd_summary'> | Of<'startup_summary'> {
  const workflows = tally.workflows()
  const executions = `${tally.count} ${plural(tally.count, 'execution')}`
  return {
    kind,
    title:
      kind === 'dnd_summary'
        ? `${executions} failed during Do Not Disturb`
        : `${executions} failed while Nebula Desktop was closed`,
    body: listWorkflows(workflows),
    execution_ids: [...tally.ids],
    count: tally.count,
    workflows,
    at: iso(now),
    ...profileOf(tally.profile)
  }
}

/** The server refused a profile's token: "Sign in again". */
export function authFailedNotice(
  profile: string | undefined,
  reason: string | undefined,
  now: number
): Of<'auth_failed'> {
  return {
    kind: 'auth_failed',
    title: profile ? `Sign in again to ${profile}` : 'Sign in again',
    body: `The server refused the token${reason ? ` (${clip(reason, 160)})` : ''}. Failures are not followed until a new token is set.`,
    execution_ids: [],
    count: 0,
    at: iso(now),
    tag: `auth-failed:${profile ?? ''}`,
    ...(reason ? { reason: clip(reason, 200) } : {}),
    ...profileOf(profile)
  }
}

/** "Nightly ETL (3), Order Processing (2) and 4 more workflows". */
export function listWorkflows(workflows: readonly WorkflowFailureCount[], shown = 5): string {
  const named = workflows
    .slice(0, shown)
    .map((w) => `${w.workflow_name}${w.profile ? ` [${w.profile}]` : ''} (${w.count})`)
  const rest = workflows.length - named.length
  return rest > 0
    ? `${named.join(', ')} and ${rest} more ${plural(rest, 'workflow')}`
    : named.join(', ')
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000)
  return m >= 1 ? `${m} ${plural(m, 'minute')}` : `${Math.round(ms / 1000)} s`
}

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
