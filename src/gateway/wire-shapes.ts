import type { ActionExecution, Execution, LogEntry } from '@shared/protocol'

/**
 * How executions and log lines are written on the wire, over WebSocket and REST alike. Ours is
 * the gateway's own shape; the foreign one (`foreignShapes`) reshapes only the fields the
 * protocol document does not define, so a client can be tested against a server whose
 * undocumented fields differ from ours while its documented ones stay as the document shows.
 */
export interface WireShapes {
  execution(execution: Execution): object
  log(entry: LogEntry): object
}

const OURS: WireShapes = {
  execution: (execution) => execution,
  log: (entry) => entry
}

/** 2 of 3 → 66.7 (one decimal), where ours rounds to a whole number. */
function fractionalPercentage(progress: NonNullable<Execution['progress']>): number {
  const { current_action: current, total_actions: total, percentage } = progress
  return total > 0 ? Math.round((1000 * current) / total) / 10 : percentage
}

function foreignAction(action: ActionExecution): object {
  const { error, ...rest } = action
  return error ? { ...rest, error: error.message } : rest
}

function foreignExecution(execution: Execution): object {
  const shaped: Record<string, unknown> = { ...execution }
  delete shaped.workflow_name
  if (execution.progress) {
    shaped.progress = {
      ...execution.progress,
      percentage: fractionalPercentage(execution.progress)
    }
  }
  if (execution.actions_executed)
    shaped.actions_executed = execution.actions_executed.map(foreignAction)
  if (typeof execution.updated_at === 'string') shaped.updated_at = Date.parse(execution.updated_at)
  if (execution.error) shaped.error = execution.error.message
  return shaped
}

function foreignLog(entry: LogEntry): object {
  if (entry.metadata === undefined || entry.metadata === null) return entry
  return { ...entry, metadata: JSON.stringify(entry.metadata) }
}

const FOREIGN: WireShapes = { execution: foreignExecution, log: foreignLog }

/** The shapes to write: foreign ones when `foreign`, else the gateway's own. */
export function wireShapes(foreign: boolean): WireShapes {
  return foreign ? FOREIGN : OURS
}
