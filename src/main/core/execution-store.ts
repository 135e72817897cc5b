import { isTerminalStatus } from '@shared/protocol'
import type { Execution, LogEntry, Workflow } from '@shared/protocol'
import { compareInstants } from './instant-order'

/** A status change of one execution, deduplicated: `from` is null the first time it is seen. */
export interface Transition {
  execution: Execution
  from: string | null
  to: string
}

export interface StoreLimits {
  maxExecutions: number
  maxLogsPerExecution: number
}

const DEFAULT_LIMITS: StoreLimits = { maxExecutions: 2000, maxLogsPerExecution: 200 }

/**
 * Latest known state per execution, the workflows, and a bounded ring of logs per execution.
 * Pushed events and REST snapshots both land here; stale snapshots never move an execution
 * backwards, so the order in which the two arrive does not matter.
 */
export class ExecutionStore {
  private readonly executions = new Map<string, Execution>()
  private readonly workflows = new Map<string, Workflow>()
  private readonly logs = new Map<string, LogEntry[]>()
  private readonly limits: StoreLimits

  constructor(limits: Partial<StoreLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits }
  }

  /** Merges an execution snapshot; returns the transition when its status changed. */
  upsertExecution(incoming: Execution): Transition | null {
    const existing = this.executions.get(incoming.id)
    if (existing && isStale(existing, incoming)) return null
    const merged: Execution =
      existing && !coversAll(incoming, existing) ? { ...existing, ...incoming } : incoming
    this.executions.set(incoming.id, merged)
    if (!existing) this.evict()
    if (existing?.status === merged.status) return null
    return { execution: merged, from: existing?.status ?? null, to: merged.status }
  }

  /** The latest snapshot of one execution. */
  getExecution(id: string): Execution | undefined {
    return this.executions.get(id)
  }

  /** All executions, oldest first. */
  listExecutions(): Execution[] {
    return [...this.executions.values()]
  }

  /** Executions not yet in a terminal status. */
  openExecutions(): Execution[] {
    return this.listExecutions().filter((e) => !isTerminalStatus(e.status))
  }

  /** Ids of executions not yet in a terminal status. */
  openExecutionIds(): string[] {
    return this.openExecutions().map((e) => e.id)
  }

  /** Adds or replaces a workflow definition. */
  upsertWorkflow(workflow: Workflow): void {
    const existing = this.workflows.get(workflow.id)
    this.workflows.set(workflow.id, existing ? { ...existing, ...workflow } : workflow)
  }

  /** Forgets a deleted workflow. */
  removeWorkflow(id: string): void {
    this.workflows.delete(id)
  }

  /** All known workflows. */
  listWorkflows(): Workflow[] {
    return [...this.workflows.values()]
  }

  /** The best display name for a workflow id. */
  workflowName(workflowId: string, execution?: Execution): string {
    return this.workflows.get(workflowId)?.name ?? execution?.workflow_name ?? workflowId
  }

  /** Appends a log line to its execution's ring. */
  addLog(log: LogEntry): void {
    let ring = this.logs.get(log.execution_id)
    if (!ring) this.logs.set(log.execution_id, (ring = []))
    ring.push(log)
    if (ring.length > this.limits.maxLogsPerExecution)
      ring.splice(0, ring.length - this.limits.maxLogsPerExecution)
  }

  /** Replaces an execution's ring with what is now known of its log (e.g. read over REST). */
  replaceLogs(executionId: string, entries: readonly LogEntry[]): void {
    this.logs.set(executionId, entries.slice(-this.limits.maxLogsPerExecution))
  }

  /** The retained log lines of one execution, oldest first. */
  logsOf(executionId: string): readonly LogEntry[] {
    return this.logs.get(executionId) ?? []
  }

  /** Counts, for diagnostics and benchmarks. */
  size(): { executions: number; workflows: number; logs: number } {
    let logs = 0
    for (const ring of this.logs.values()) logs += ring.length
    return { executions: this.executions.size, workflows: this.workflows.size, logs }
  }

  private evict(): void {
    if (this.executions.size <= this.limits.maxExecutions) return
    // Evict down to 90% in one pass, so the scan is amortised over many inserts.
    const target = Math.floor(this.limits.maxExecutions * 0.9)
    // Oldest terminal executions go first; open ones are still being watched.
    for (const [id, execution] of this.executions) {
      if (this.executions.size <= target) break
      if (isTerminalStatus(execution.status)) this.forget(id)
    }
    // Everything open and still too many: drop the oldest regardless, memory must stay bounded.
    for (const id of this.executions.keys()) {
      if (this.executions.size <= target) break
      this.forget(id)
    }
  }

  private forget(id: string): void {
    this.executions.delete(id)
    this.logs.delete(id)
  }
}

const hasOwn = Object.prototype.hasOwnProperty

/**
 * True when `incoming` has every field `existing` has: merging would then give a copy equal to
 * `incoming` (a full snapshot, as servers send them), so it is kept as it is.
 */
function coversAll(incoming: Execution, existing: Execution): boolean {
  for (const key in existing) if (!hasOwn.call(incoming, key)) return false
  return true
}

function isStale(existing: Execution, incoming: Execution): boolean {
  // A terminal execution never goes back to running, whatever a late snapshot says.
  if (isTerminalStatus(existing.status) && !isTerminalStatus(incoming.status)) return true
  const a = existing.updated_at
  const b = incoming.updated_at
  // Older by the server's clock; unreadable or missing timestamps never make it stale.
  return !!a && !!b && compareInstants(b, a) < 0
}
