import type { Execution, LogEntry, Workflow } from '@shared/protocol'
import type { ExecutionView, LogLine, TokenInfo, WorkflowView } from '@shared/bridge/views'
import type { TokenStatus } from '@main/core/token-vault'

// Core and wire types → what the dashboard is shown. Only the fields of the view schemas are
// copied: a server's extra fields (or anything secret) never reach the renderer by accident.

/** One execution as the dashboard shows it. */
export function toExecutionView(profileId: string, execution: Execution): ExecutionView {
  const view: ExecutionView = {
    profile_id: profileId,
    id: execution.id,
    workflow_id: execution.workflow_id,
    workflow_name: execution.workflow_name ?? null,
    status: execution.status,
    started_at: execution.started_at ?? null,
    completed_at: execution.completed_at ?? null
  }
  if (execution.progress) {
    const { current_action, total_actions, percentage } = execution.progress
    view.progress = { current_action, total_actions, percentage }
  }
  if (execution.actions_executed) {
    view.actions = execution.actions_executed.map((action) => ({
      action_id: action.action_id,
      // A server may leave an action unnamed (the document does not require it).
      name: action.name ?? action.action_id,
      status: action.status,
      started_at: action.started_at ?? null,
      completed_at: action.completed_at ?? null,
      duration_ms: action.duration_ms ?? null,
      ...(action.result !== undefined ? { result: action.result } : {}),
      error: action.error
        ? { message: action.error.message, code: action.error.code ?? null }
        : null
    }))
  }
  if (execution.error) {
    const { message, action_id, action_name, code } = execution.error
    view.error = {
      message,
      action_id: action_id ?? null,
      action_name: action_name ?? null,
      code: code ?? null
    }
  }
  if (execution.input !== undefined) view.input = execution.input
  const output = (execution as { output?: unknown }).output
  if (output !== undefined) view.output = output
  return view
}

/** One workflow as the dashboard shows it. */
export function toWorkflowView(profileId: string, workflow: Workflow): WorkflowView {
  return {
    profile_id: profileId,
    id: workflow.id,
    name: workflow.name ?? null,
    status: workflow.status ?? null,
    version: workflow.version ?? null,
    description: workflow.description ?? null,
    updated_at: workflow.updated_at ?? null,
    ...(workflow.actions
      ? { actions: workflow.actions.map((a) => ({ id: a.id, name: a.name })) }
      : {})
  }
}

/** One log line, numbered within its execution. */
export function toLogLine(seq: number, entry: LogEntry): LogLine {
  return {
    seq,
    // Lenient reading keeps a line without a time or level; the dashboard shows what there is.
    timestamp: entry.timestamp ?? '',
    level: entry.level ?? 'info',
    message: entry.message,
    action_id: entry.action_id ?? null
  }
}

/** What the dashboard may know about a stored token (never the token). */
export function toTokenInfo(status: TokenStatus, now: number): TokenInfo {
  const info: TokenInfo = {
    present: status.present,
    expired: false,
    expiring_soon: false
  }
  if (!status.present) return info
  info.storage = status.persistent ? 'keychain' : 'memory'
  if (status.subject !== undefined) info.subject = status.subject
  if (status.expiresAt !== undefined) {
    info.expires_at = status.expiresAt
    const left = Date.parse(status.expiresAt) - now
    info.expired = left <= 0
    info.expiring_soon = left > 0 && left <= 24 * 60 * 60 * 1000
  }
  return info
}
