import type { BridgeEvent, SessionState } from '@shared/bridge/views'
import type { ServerMessage } from '@shared/protocol'
import { describeError } from '@shared/redact'
import type { Execution } from '@shared/protocol'
import type { LogFollows } from './log-follows'
import type { ProfileSessions } from './profile-sessions'
import type { WorkflowCatalog } from './recent-executions'
import { toWorkflowView } from './view-mapping'

// Turns what the sessions receive into dashboard events: every execution update (not only
// status changes, so progress bars move), workflow changes, and log lines of followed
// executions. Workflows and the newest executions are read again each time a profile goes live.

export interface LiveUpdateSink {
  sessions: ProfileSessions
  workflows: WorkflowCatalog
  logs: LogFollows
  push(event: BridgeEvent): void
  recordExecution(profileId: string, execution: Execution): unknown
  log(line: string): void
  isDisposed(): boolean
}

/** Routes one server message of a profile to the dashboard's events. */
export function onServerMessage(
  sink: LiveUpdateSink,
  profileId: string,
  message: ServerMessage
): void {
  const store = sink.sessions.get(profileId)?.session?.store
  if (message.type === 'execution_update') {
    // The store's merged view: a partial update must not blank fields the dashboard shows.
    sink.recordExecution(profileId, store?.getExecution(message.execution.id) ?? message.execution)
  } else if (message.type === 'workflow_event') {
    const workflow = message.event.workflow
    if (message.event.event_type === 'deleted') {
      sink.workflows.remove(profileId, workflow.id)
      sink.push({ type: 'workflow_removed', profile_id: profileId, workflow_id: workflow.id })
    } else {
      const merged = store?.listWorkflows().find((w) => w.id === workflow.id) ?? workflow
      const view = toWorkflowView(profileId, merged)
      sink.workflows.put(view)
      sink.push({ type: 'workflow', workflow: view })
    }
  } else if (message.type === 'log') {
    const line = sink.logs.onLog(profileId, message.log)
    if (line) {
      sink.push({
        type: 'logs',
        profile_id: profileId,
        execution_id: message.log.execution_id,
        lines: [line]
      })
    }
  }
}

/** Reads a profile's workflows over REST (deletions while away included) and publishes them. */
export async function refreshWorkflows(sink: LiveUpdateSink, profileId: string): Promise<void> {
  const runtime = sink.sessions.get(profileId)
  if (!runtime?.session) return
  try {
    const list = await runtime.session.rest.listWorkflows()
    if (sink.sessions.get(profileId) !== runtime || sink.isDisposed()) return
    const present = new Set(list.map((w) => w.id))
    for (const known of sink.workflows.list()) {
      if (known.profile_id !== profileId || present.has(known.id)) continue
      sink.workflows.remove(profileId, known.id)
      sink.push({ type: 'workflow_removed', profile_id: profileId, workflow_id: known.id })
    }
    for (const workflow of list) {
      runtime.session.store.upsertWorkflow(workflow)
      const view = toWorkflowView(profileId, workflow)
      sink.workflows.put(view)
      sink.push({ type: 'workflow', workflow: view })
    }
  } catch (error) {
    sink.log(`[${profileId}] listing workflows failed: ${describeError(error)}`)
  }
}

/** How many of the newest executions are read when a profile goes live. */
const RECENT_PAGE = 50

/**
 * Reads the newest executions over REST when a profile goes live: reconciliation only looks
 * for failures and runs still open, so what completed while the dashboard was away would
 * otherwise show only under "Load older".
 */
export async function refreshRecentExecutions(
  sink: LiveUpdateSink,
  profileId: string
): Promise<void> {
  const runtime = sink.sessions.get(profileId)
  if (!runtime?.session) return
  try {
    const page = await runtime.session.rest.listExecutions({ limit: RECENT_PAGE })
    if (sink.sessions.get(profileId) !== runtime || sink.isDisposed()) return
    // Oldest first, so the newest ends up on top; the store's view wins where it is newer.
    for (const execution of [...page.data].reverse()) {
      const known = runtime.session.store.getExecution(execution.id)
      sink.recordExecution(profileId, known ?? execution)
    }
  } catch (error) {
    sink.log(`[${profileId}] listing recent executions failed: ${describeError(error)}`)
  }
}

/**
 * Calls `onLive` each time a profile goes `open` (after a connect), not on every coverage
 * change it publishes while open.
 */
export function whenGoingLive(
  onLive: (profileId: string) => void
): (profileId: string, state: SessionState) => void {
  const open = new Set<string>()
  return (profileId, state) => {
    const was = open.has(profileId)
    if (state.state !== 'open') open.delete(profileId)
    else if (!was) {
      open.add(profileId)
      onLive(profileId)
    }
  }
}
