import type { ActionExecution, Execution, LogEntry, Workflow } from '@shared/protocol'
import { isTerminalStatus } from '@shared/protocol'
import { DisposableStore } from '@shared/disposable'
import { behaviorFor } from './demo-workflows'
import type { ActionBehavior } from './demo-workflows'
import type { Random } from './random'

/** Forces the outcome of one execution (tests); otherwise `failureRate` decides. */
type ExecutionOutcome = 'succeed' | 'fail' | 'time_out'

export interface StartExecutionOptions {
  outcome?: ExecutionOutcome
  /** Who or what started it, recorded in the first log line. */
  triggeredBy?: string
}

/** What the simulation needs: its randomness, its pace, its bounds and where news goes. */
interface RunSimulationOptions {
  rng: Random
  failureRate: number
  actionDelayMs: [number, number]
  maxExecutions: number
  maxLogsPerExecution: number
  onExecution: (execution: Execution) => void
  onLog: (entry: LogEntry) => void
}

/** Share of failures that are timeouts rather than errors. */
const TIMEOUT_SHARE = 0.2

interface PlannedAction {
  id: string
  name: string
  behavior: ActionBehavior
}

interface Run {
  exec: Execution & { actions_executed: ActionExecution[] }
  actions: PlannedAction[]
  /** Index of the action that fails, or -1. */
  failAt: number
  failKind: 'fail' | 'time_out'
  rng: Random
  timer: ReturnType<typeof setTimeout> | undefined
  actionStartedMs: number
  startedMs: number
  auto: boolean
}

const now = (): string => new Date().toISOString()

function copyExecution(e: Execution): Execution {
  return {
    ...e,
    progress: e.progress && { ...e.progress },
    actions_executed: e.actions_executed?.map((a) => ({ ...a })),
    ...(e.error ? { error: { ...e.error } } : {})
  }
}

function pickWeighted(rng: Random, actions: readonly PlannedAction[]): number {
  const weights = actions.map((a) => Math.max(0, a.behavior.failureWeight ?? 1))
  const total = weights.reduce((s, w) => s + w, 0)
  if (total <= 0) return rng.int(0, actions.length - 1)
  let roll = rng.next() * total
  for (let i = 0; i < weights.length; i++) {
    roll -= weights[i] as number
    if (roll < 0) return i
  }
  return actions.length - 1
}

/** Executions advancing action by action on timers, with their logs and bounded history. */
export class RunSimulation {
  /** Insertion order = creation order, so iteration is oldest first. */
  private readonly runs = new Map<string, Run>()
  private readonly logs = new Map<string, LogEntry[]>()
  /** Every run's timer. */
  private readonly timers = new DisposableStore()

  constructor(private readonly opts: RunSimulationOptions) {}

  /** Starts an execution of `workflow` and announces it (status `pending`). */
  start(workflow: Workflow, input: unknown, opts: StartExecutionOptions, auto: boolean): Execution {
    const { rng: engineRng, failureRate, actionDelayMs } = this.opts
    let id: string
    do id = `exec_${engineRng.hex(12)}`
    while (this.runs.has(id))
    // Each execution draws from its own stream, so outcomes depend only on creation order,
    // not on how the timers of concurrent executions happen to interleave.
    const rng = engineRng.fork()
    const actions: PlannedAction[] = (workflow.actions ?? []).map((a) => ({
      id: a.id,
      name: a.name,
      behavior: behaviorFor(workflow.id, a.name)
    }))
    const outcome: ExecutionOutcome =
      opts.outcome ??
      (rng.chance(failureRate) ? (rng.chance(TIMEOUT_SHARE) ? 'time_out' : 'fail') : 'succeed')
    const run: Run = {
      exec: newExecution(id, workflow, actions.length, input),
      actions,
      failAt: outcome === 'succeed' || actions.length === 0 ? -1 : pickWeighted(rng, actions),
      failKind: outcome === 'time_out' ? 'time_out' : 'fail',
      rng,
      timer: undefined,
      actionStartedMs: 0,
      startedMs: Date.now(),
      auto
    }
    this.runs.set(id, run)
    this.logs.set(id, [])
    this.evictOldRuns()
    this.opts.onExecution(copyExecution(run.exec))
    this.log(run, 'info', `Execution queued for workflow '${run.exec.workflow_name}'`, null, {
      workflow_id: workflow.id,
      workflow_version: workflow.version,
      triggered_by: opts.triggeredBy ?? (auto ? 'schedule' : 'api')
    })
    this.schedule(run, Math.max(1, Math.round(actionDelayMs[0] / 5)), () => this.begin(run))
    return copyExecution(run.exec)
  }

  /** Keeps an execution that finished before the engine started (history.ts), with its logs. */
  adopt(workflow: Workflow, execution: Execution, logs: LogEntry[]): void {
    const exec = { ...execution, actions_executed: execution.actions_executed ?? [] }
    const actions = (workflow.actions ?? []).map((a) => ({
      id: a.id,
      name: a.name,
      behavior: behaviorFor(workflow.id, a.name)
    }))
    const startedMs = Date.parse(execution.started_at ?? '') || Date.now()
    this.runs.set(execution.id, {
      exec,
      actions,
      failAt: -1,
      failKind: 'fail',
      rng: this.opts.rng,
      timer: undefined,
      actionStartedMs: startedMs,
      startedMs,
      auto: false
    })
    this.logs.set(execution.id, logs.slice(-this.opts.maxLogsPerExecution))
    this.evictOldRuns()
  }

  /** Requests cancellation; undefined when unknown. A finished execution is returned unchanged. */
  cancel(id: string): Execution | undefined {
    const run = this.runs.get(id)
    if (!run) return undefined
    if (isTerminalStatus(run.exec.status) || run.exec.status === 'cancelling') {
      return copyExecution(run.exec)
    }
    this.timers.clear(run.timer)
    run.exec.status = 'cancelling'
    run.exec.updated_at = now()
    this.log(run, 'warn', 'Cancellation requested', this.currentAction(run)?.action_id ?? null)
    this.opts.onExecution(copyExecution(run.exec))
    // A real engine lets the running action reach a safe point first; a short pause stands in.
    this.schedule(run, Math.max(1, Math.round(this.opts.actionDelayMs[0] / 2)), () => {
      const action = this.currentAction(run)
      if (action && action.status === 'running') this.finishAction(run, action, 'cancelled')
      this.finishRun(run, 'cancelled')
      this.log(run, 'warn', 'Execution cancelled', action?.action_id ?? null)
      this.opts.onExecution(copyExecution(run.exec))
    })
    return copyExecution(run.exec)
  }

  get(id: string): Execution | undefined {
    const run = this.runs.get(id)
    return run && copyExecution(run.exec)
  }

  /** Newest first. */
  list(filter: { workflowId?: string; status?: string } = {}): Execution[] {
    const out: Execution[] = []
    const all = [...this.runs.values()]
    for (let i = all.length - 1; i >= 0; i--) {
      const e = (all[i] as Run).exec
      if (filter.workflowId !== undefined && e.workflow_id !== filter.workflowId) continue
      if (filter.status !== undefined && e.status !== filter.status) continue
      out.push(copyExecution(e))
    }
    return out
  }

  getLogs(executionId: string): LogEntry[] | undefined {
    return this.logs.get(executionId)?.map((l) => ({ ...l }))
  }

  /** Background executions still running. */
  activeAutoRuns(): number {
    let active = 0
    for (const run of this.runs.values()) {
      if (run.auto && !isTerminalStatus(run.exec.status)) active++
    }
    return active
  }

  /** True while a run's timer is pending (something can still happen on its own). */
  hasLiveTimers(): boolean {
    return this.timers.hasLive()
  }

  /** Stops every run's timer for good. */
  dispose(): void {
    this.timers.dispose()
  }

  private begin(run: Run): void {
    run.exec.status = 'running'
    this.log(run, 'info', `Execution started (${run.actions.length} actions)`, null)
    if (run.actions.length === 0) this.finishRun(run, 'completed')
    else this.startAction(run, 0)
    this.opts.onExecution(copyExecution(run.exec))
  }

  /** Marks action `index` running and schedules its end; the caller announces the update. */
  private startAction(run: Run, index: number): void {
    const planned = run.actions[index] as PlannedAction
    const at = now()
    run.actionStartedMs = Date.now()
    run.exec.actions_executed.push({
      action_id: planned.id,
      name: planned.name,
      status: 'running',
      started_at: at
    })
    const total = run.actions.length
    run.exec.progress = {
      current_action: index + 1,
      total_actions: total,
      percentage: Math.round(((index + 1) / total) * 100)
    }
    run.exec.updated_at = at
    this.log(run, 'info', `Starting action '${planned.name}'`, planned.id, {
      action_index: index + 1,
      total_actions: total
    })
    for (const line of planned.behavior.progress?.(run.rng) ?? []) {
      this.log(run, line.level, line.message, planned.id, line.metadata)
    }
    const [min, max] = this.opts.actionDelayMs
    this.schedule(run, run.rng.int(min, max), () => this.endAction(run, index))
  }

  private endAction(run: Run, index: number): void {
    const planned = run.actions[index] as PlannedAction
    const action = this.currentAction(run)
    if (!action) return
    if (index === run.failAt) {
      this.failAction(run, planned, action)
    } else {
      this.finishAction(run, action, 'completed')
      action.result = planned.behavior.result(run.rng)
      const took = `Action '${planned.name}' completed in ${action.duration_ms}ms`
      this.log(run, 'info', took, planned.id, { result: action.result })
      if (index + 1 < run.actions.length) {
        this.startAction(run, index + 1)
      } else {
        this.finishRun(run, 'completed')
        this.log(run, 'info', `Execution completed in ${Date.now() - run.startedMs}ms`, null)
      }
    }
    this.opts.onExecution(copyExecution(run.exec))
  }

  /** The planned failure: the action and then the execution fail (or time out). */
  private failAction(run: Run, planned: PlannedAction, action: ActionExecution): void {
    const timedOut = run.failKind === 'time_out'
    const timeoutMs = planned.behavior.timeoutMs ?? 30_000
    const message = timedOut
      ? `Action '${planned.name}' timed out after ${timeoutMs}ms`
      : run.rng.pick(planned.behavior.failures)
    const code = timedOut ? 'ACTION_TIMEOUT' : 'ACTION_FAILED'
    this.finishAction(run, action, timedOut ? 'timed_out' : 'failed')
    action.error = { message, code }
    run.exec.error = { message, action_id: planned.id, action_name: planned.name, code }
    this.log(run, 'error', message, planned.id, {
      action_name: planned.name,
      duration_ms: action.duration_ms,
      ...(timedOut ? { timeout_ms: timeoutMs } : {})
    })
    this.finishRun(run, timedOut ? 'timed_out' : 'failed')
  }

  private finishAction(run: Run, action: ActionExecution, status: string): void {
    action.status = status
    action.completed_at = now()
    action.duration_ms = Date.now() - run.actionStartedMs
  }

  private finishRun(run: Run, status: string): void {
    const at = now()
    run.exec.status = status
    run.exec.completed_at = at
    run.exec.updated_at = at
    run.timer = undefined
    if (status === 'completed' && run.exec.progress) {
      run.exec.progress = { ...run.exec.progress, percentage: 100 }
    }
  }

  private currentAction(run: Run): ActionExecution | undefined {
    return run.exec.actions_executed[run.exec.actions_executed.length - 1]
  }

  private schedule(run: Run, ms: number, fn: () => void): void {
    this.timers.clear(run.timer)
    run.timer = this.timers.setTimeout(() => {
      run.timer = undefined
      if (this.runs.has(run.exec.id)) fn()
    }, ms)
  }

  private log(
    run: Run,
    level: string,
    message: string,
    actionId: string | null,
    metadata?: Record<string, unknown>
  ): void {
    const entry: LogEntry = {
      execution_id: run.exec.id,
      action_id: actionId,
      timestamp: now(),
      level,
      message,
      ...(metadata ? { metadata } : {})
    }
    const lines = this.logs.get(run.exec.id)
    if (lines) {
      lines.push(entry)
      const max = this.opts.maxLogsPerExecution
      if (lines.length > max) lines.splice(0, lines.length - max)
    }
    this.opts.onLog({ ...entry })
  }

  /** Keeps history bounded: drops the oldest finished executions first, then the oldest. */
  private evictOldRuns(): void {
    while (this.runs.size > this.opts.maxExecutions) {
      let victim: Run | undefined
      for (const run of this.runs.values()) {
        if (isTerminalStatus(run.exec.status)) {
          victim = run
          break
        }
      }
      victim ??= this.runs.values().next().value as Run
      this.timers.clear(victim.timer)
      this.runs.delete(victim.exec.id)
      this.logs.delete(victim.exec.id)
    }
  }
}

function newExecution(
  id: string,
  workflow: Workflow,
  totalActions: number,
  input: unknown
): Run['exec'] {
  const at = now()
  return {
    id,
    workflow_id: workflow.id,
    workflow_name: workflow.name ?? workflow.id,
    status: 'pending',
    started_at: at,
    completed_at: null,
    updated_at: at,
    progress: { current_action: 0, total_actions: totalActions, percentage: 0 },
    actions_executed: [],
    input: input === undefined ? {} : input
  }
}
