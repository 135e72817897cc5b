import type {
  AppInfo,
  BridgeEvent,
  ExecutionView,
  FailureView,
  Notice,
  ProfileView,
  SettingsView,
  Snapshot,
  WorkflowView
} from '@shared/bridge'
import { executionKey, workflowKey } from './keys'
import type { ExecutionRef } from './keys'

// The dashboard's state and the one pure function that moves it forward: a snapshot replaces
// it, a batch of events is applied on top. Every change copies only what it touches, so
// unchanged executions keep their identity and memoized rows skip re-rendering.

/** Where the first snapshot stands. */
export type LoadPhase = 'loading' | 'ready' | 'failed' | 'unavailable'

/** A tray or notification click asking to open an execution; `nonce` tells repeats apart. */
export interface ShowRequest extends ExecutionRef {
  nonce: number
}

/** Everything the views render from; replaced, never mutated. */
export interface DashboardState {
  phase: LoadPhase
  /** Why the snapshot could not be loaded (phase `failed`). */
  loadError: string | null
  /** The last batch applied (or the snapshot's seq). */
  seq: number
  info: AppInfo | null
  settings: SettingsView | null
  profiles: readonly ProfileView[]
  /** Recent executions by `executionKey`. */
  executions: ReadonlyMap<string, ExecutionView>
  /** Workflows by `workflowKey`. */
  workflows: ReadonlyMap<string, WorkflowView>
  /** The failure feed, newest first. */
  failures: readonly FailureView[]
  notices: readonly Notice[]
  showRequest: ShowRequest | null
}

/** How many recent executions the dashboard keeps beyond the snapshot (oldest finished go first). */
export const MAX_EXECUTIONS = 2000
export const MAX_FAILURES = 500
export const MAX_NOTICES = 20

/** The state before the first snapshot arrives. */
export function initialState(phase: LoadPhase = 'loading'): DashboardState {
  return {
    phase,
    loadError: null,
    seq: 0,
    info: null,
    settings: null,
    profiles: [],
    executions: new Map(),
    workflows: new Map(),
    failures: [],
    notices: [],
    showRequest: null
  }
}

/** The state a snapshot describes (keeping a pending show request, which is not part of it). */
export function stateFromSnapshot(snapshot: Snapshot, previous: DashboardState): DashboardState {
  const executions = new Map<string, ExecutionView>()
  for (const execution of snapshot.executions) {
    executions.set(executionKey(execution.profile_id, execution.id), execution)
  }
  const workflows = new Map<string, WorkflowView>()
  for (const workflow of snapshot.workflows) {
    workflows.set(workflowKey(workflow.profile_id, workflow.id), workflow)
  }
  return {
    phase: 'ready',
    loadError: null,
    seq: snapshot.seq,
    info: snapshot.info,
    settings: snapshot.settings,
    profiles: snapshot.profiles,
    executions,
    workflows,
    failures: sortFailures(snapshot.failures).slice(0, MAX_FAILURES),
    notices: snapshot.notices.slice(-MAX_NOTICES),
    showRequest: previous.showRequest
  }
}

/** Applies one batch of events (all but `logs`, which the log buffers take) to `state`. */
export function applyEvents(
  state: DashboardState,
  seq: number,
  events: readonly BridgeEvent[]
): DashboardState {
  const next: { -readonly [K in keyof DashboardState]: DashboardState[K] } = { ...state, seq }
  // Copied once per batch, on the first event that changes them.
  let executions: Map<string, ExecutionView> | null = null
  let workflows: Map<string, WorkflowView> | null = null
  for (const event of events) {
    switch (event.type) {
      case 'execution': {
        executions ??= new Map(state.executions)
        const { execution } = event
        executions.set(executionKey(execution.profile_id, execution.id), execution)
        break
      }
      case 'workflow':
        workflows ??= new Map(state.workflows)
        workflows.set(workflowKey(event.workflow.profile_id, event.workflow.id), event.workflow)
        break
      case 'workflow_removed':
        workflows ??= new Map(state.workflows)
        workflows.delete(workflowKey(event.profile_id, event.workflow_id))
        break
      case 'connection':
        next.profiles = next.profiles.map((profile) =>
          profile.id === event.profile_id ? { ...profile, connection: event.state } : profile
        )
        break
      case 'profiles':
        next.profiles = event.profiles
        break
      case 'settings':
        next.settings = event.settings
        break
      case 'failure':
        next.failures = addFailure(next.failures, event.failure)
        break
      case 'failures_seen':
        next.failures = markSeen(next.failures, event.failures)
        break
      case 'notice':
        next.notices = [
          ...next.notices.filter((n) => n.id !== event.notice.id),
          event.notice
        ].slice(-MAX_NOTICES)
        break
      case 'show_execution':
        next.showRequest = {
          profile_id: event.profile_id,
          execution_id: event.execution_id,
          nonce: seq
        }
        break
      case 'logs':
        break
    }
  }
  if (executions) next.executions = boundExecutions(executions)
  if (workflows) next.workflows = workflows
  return next
}

function failureTime(failure: FailureView): number {
  return Date.parse(failure.at) || 0
}

function sortFailures(failures: readonly FailureView[]): FailureView[] {
  return [...failures].sort((a, b) => failureTime(b) - failureTime(a))
}

function addFailure(failures: readonly FailureView[], failure: FailureView): FailureView[] {
  const key = executionKey(failure.profile_id, failure.execution_id)
  const rest = failures.filter((f) => executionKey(f.profile_id, f.execution_id) !== key)
  const at = failureTime(failure)
  const index = rest.findIndex((f) => failureTime(f) <= at)
  const position = index === -1 ? rest.length : index
  return [...rest.slice(0, position), failure, ...rest.slice(position)].slice(0, MAX_FAILURES)
}

function markSeen(
  failures: readonly FailureView[],
  refs: ReadonlyArray<{ profile_id: string; execution_id: string }>
): readonly FailureView[] {
  const keys = new Set(refs.map((r) => executionKey(r.profile_id, r.execution_id)))
  let changed = false
  const next = failures.map((f) => {
    if (f.seen || !keys.has(executionKey(f.profile_id, f.execution_id))) return f
    changed = true
    return { ...f, seen: true }
  })
  return changed ? next : failures
}

const FINISHED = new Set(['completed', 'failed', 'cancelled', 'timed_out'])

/**
 * Past MAX_EXECUTIONS, drops the oldest finished executions down to 90 % of it (running ones
 * always stay): one sort per few hundred new executions, not one per batch.
 */
function boundExecutions(executions: Map<string, ExecutionView>): Map<string, ExecutionView> {
  if (executions.size <= MAX_EXECUTIONS) return executions
  let excess = executions.size - Math.floor(MAX_EXECUTIONS * 0.9)
  const finished: Array<{ key: string; at: number }> = []
  for (const [key, e] of executions)
    if (FINISHED.has(e.status)) finished.push({ key, at: startedAt(e) })
  finished.sort((a, b) => a.at - b.at)
  for (const { key } of finished) {
    if (excess-- <= 0) break
    executions.delete(key)
  }
  return executions
}

/** Start times already read: views are immutable, and sorting asks for each one many times. */
const startTimes = new WeakMap<ExecutionView, number>()

/** Start time in ms for sorting; an execution not started yet sorts as the newest. */
export function startedAt(execution: ExecutionView): number {
  let at = startTimes.get(execution)
  if (at === undefined) {
    const parsed = execution.started_at ? Date.parse(execution.started_at) : NaN
    at = Number.isNaN(parsed) ? Number.MAX_SAFE_INTEGER : parsed
    startTimes.set(execution, at)
  }
  return at
}
