import type { ActionExecution, Execution, LogEntry, Workflow } from '@shared/protocol'
import { behaviorFor } from './demo-workflows'
import type { Random } from './random'

// A past to start from (benchmarks and tests): more workflows than the demo set, and finished
// executions spread over the last hour or so, as if the engine had been running for a while.
// Built with the engine's own randomness, so a seed fixes the history too.

/** The history an engine starts with. */
export interface HistoryOptions {
  /** Workflows in all, the demo ones included; more are created as "Workflow N". Default: none added. */
  workflows?: number
  /** Finished executions across all workflows. Default 0. */
  executions?: number
  /** They started within this long before now, evenly spread. Default one hour. */
  spanMs?: number
  /** Share that failed or timed out. Default: the engine's failure rate. */
  failureRate?: number
}

/** A finished execution and its log lines, ready for the engine to keep. */
export interface PastRun {
  workflow: Workflow
  execution: Execution
  logs: LogEntry[]
}

const HOUR_MS = 60 * 60_000

/** Checks the options; the count of workflows and executions to create. */
export function historySize(options: HistoryOptions): { workflows: number; executions: number } {
  const workflows = options.workflows ?? 0
  const executions = options.executions ?? 0
  const valid = (n: number): boolean => Number.isInteger(n) && n >= 0
  if (!valid(workflows) || !valid(executions)) {
    throw new RangeError('history workflows and executions must be whole numbers >= 0')
  }
  if (options.spanMs !== undefined && !(options.spanMs > 0)) {
    throw new RangeError('history spanMs must be > 0')
  }
  return { workflows, executions }
}

/**
 * `count` finished executions of `workflows` (round robin), oldest first, ending `nowMs`:
 * completed, or failed/timed out at a random action (a fifth of failures time out).
 */
export function pastRuns(
  workflows: readonly Workflow[],
  count: number,
  options: HistoryOptions & { failureRate: number; nowMs: number; rng: Random }
): PastRun[] {
  const span = options.spanMs ?? HOUR_MS
  const failureRate = options.failureRate
  const runs: PastRun[] = []
  for (let i = 0; i < count && workflows.length > 0; i++) {
    const workflow = workflows[i % workflows.length]!
    // The newest still had time to finish before now (a run takes up to ~15 s).
    const startedMs =
      options.nowMs - span + Math.floor(((i + 1) * Math.max(0, span - 15_000)) / (count + 1))
    const fails = options.rng.chance(failureRate)
    const kind = fails ? (options.rng.chance(0.2) ? 'timed_out' : 'failed') : 'completed'
    runs.push(pastRun(workflow, startedMs, kind, options.rng))
  }
  return runs
}

function pastRun(
  workflow: Workflow,
  startedMs: number,
  outcome: 'completed' | 'failed' | 'timed_out',
  rng: Random
): PastRun {
  const id = `exec_${rng.hex(12)}`
  const planned = workflow.actions ?? []
  // A workflow without actions has nothing that could fail.
  const kind = planned.length === 0 ? 'completed' : outcome
  const failAt = kind === 'completed' ? -1 : rng.int(0, planned.length - 1)
  const iso = (ms: number): string => new Date(ms).toISOString()
  const log = (ms: number, level: string, message: string, actionId: string | null): LogEntry => ({
    execution_id: id,
    action_id: actionId,
    timestamp: iso(ms),
    level,
    message
  })
  const logs = [log(startedMs, 'info', `Execution started (${planned.length} actions)`, null)]
  const actions: ActionExecution[] = []
  let at = startedMs + 5
  let error: Execution['error'] = null
  for (const [index, step] of planned.entries()) {
    const behavior = behaviorFor(workflow.id, step.name)
    const took = rng.int(300, 2500)
    const action: ActionExecution = {
      action_id: step.id,
      name: step.name,
      status: 'completed',
      started_at: iso(at),
      completed_at: iso(at + took),
      duration_ms: took
    }
    at += took
    actions.push(action)
    if (index !== failAt) {
      action.result = behavior.result(rng)
      continue
    }
    const message =
      kind === 'timed_out'
        ? `Action '${step.name}' timed out after ${behavior.timeoutMs ?? 30_000}ms`
        : rng.pick(behavior.failures)
    const code = kind === 'timed_out' ? 'ACTION_TIMEOUT' : 'ACTION_FAILED'
    action.status = kind
    action.error = { message, code }
    error = { message, action_id: step.id, action_name: step.name, code }
    logs.push(log(at, 'error', message, step.id))
    break
  }
  const total = planned.length
  const execution: Execution = {
    id,
    workflow_id: workflow.id,
    workflow_name: workflow.name ?? workflow.id,
    status: kind,
    started_at: iso(startedMs),
    completed_at: iso(at),
    updated_at: iso(at),
    progress: {
      current_action: actions.length,
      total_actions: total,
      percentage: kind === 'completed' ? 100 : Math.round((actions.length / total) * 100)
    },
    actions_executed: actions,
    input: {},
    ...(error ? { error } : {})
  }
  return { workflow, execution, logs }
}
