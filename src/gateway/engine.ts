import type {
  ActionExecution,
  Execution,
  LogEntry,
  Workflow,
  WorkflowCreate,
  WorkflowEvent,
  WorkflowUpdate
} from '@shared/protocol'
import { isTerminalStatus } from '@shared/protocol'
import { DEMO_WORKFLOWS, behaviorFor } from './demo-workflows'
import type { ActionBehavior, SimulatedLog } from './demo-workflows'
import { createRandom } from './random'
import type { Random } from './random'
import { Emitter } from '@shared/emitter'

/** What the engine announces: every execution change, every log line, every workflow change. */
export interface EngineEvents {
  execution: Execution
  log: LogEntry
  workflow: WorkflowEvent
}

type EngineListeners = { [K in keyof EngineEvents]: (payload: EngineEvents[K]) => void }

/** Forces the outcome of one execution (tests); otherwise `failureRate` decides. */
export type ExecutionOutcome = 'succeed' | 'fail' | 'time_out'

export interface StartExecutionOptions {
  outcome?: ExecutionOutcome
  /** Who or what started it, recorded in the first log line. */
  triggeredBy?: string
}

export interface EngineOptions {
  /** Seed for a deterministic simulation (ids, durations, outcomes, messages). */
  seed?: number
  /** Probability (0..1) that an execution fails or times out. Default 0.2. */
  failureRate?: number
  /** Start background executions so a dashboard is alive. Default true. */
  autoRun?: boolean
  /** Min/max simulated duration of one action, in ms. Default [300, 2500]. */
  actionDelayMs?: [number, number]
  /** Executions kept (oldest finished ones are dropped first). Default 500. */
  maxExecutions?: number
  /** Log lines kept per execution (oldest dropped). Default 200. */
  maxLogsPerExecution?: number
  /** Where a throwing event listener's error goes. Default: console.error. */
  onListenerError?: (error: unknown) => void
}

/** The in-memory simulated Nebula engine the gateway serves. */
export interface Engine {
  listWorkflows(): Workflow[]
  getWorkflow(id: string): Workflow | undefined
  createWorkflow(body: WorkflowCreate, actor?: string): Workflow
  updateWorkflow(id: string, body: WorkflowUpdate, actor?: string): Workflow | undefined
  deleteWorkflow(id: string, actor?: string): boolean
  /** Starts an execution; undefined when there is no such workflow. */
  startExecution(
    workflowId: string,
    input?: unknown,
    opts?: StartExecutionOptions
  ): Execution | undefined
  /** Requests cancellation; undefined when unknown. A finished execution is returned unchanged. */
  cancelExecution(id: string): Execution | undefined
  getExecution(id: string): Execution | undefined
  /** Newest first. */
  listExecutions(filter?: { workflowId?: string; status?: string }): Execution[]
  getLogs(executionId: string): LogEntry[] | undefined
  /** Subscribes to engine events; returns an unsubscribe function. Payloads must not be mutated. */
  on<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void): () => void
  off<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void): void
  setAutoRun(on: boolean): void
  /** Stops every timer for good; no further events. Idempotent. */
  stop(): void
}

export const DEFAULT_ACTION_DELAY_MS: [number, number] = [300, 2500]
export const DEFAULT_FAILURE_RATE = 0.2
/** Largest accepted execution input, as JSON text (history is bounded, so inputs must be too). */
export const MAX_INPUT_JSON_CHARS = 64 * 1024
/** Actions given to a workflow created without any. */
const DEFAULT_ACTIONS = ['Prepare', 'Execute', 'Finalize']
/** Share of failures that are timeouts rather than errors. */
const TIMEOUT_SHARE = 0.2
/** Background executions running at once, at most. */
const MAX_AUTO_ACTIVE = 4

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
  timer: NodeJS.Timeout | undefined
  actionStartedMs: number
  startedMs: number
  auto: boolean
}

const now = (): string => new Date().toISOString()

/** Why an input is refused, or undefined when it is acceptable. */
export function checkExecutionInput(input: unknown): string | undefined {
  if (input === undefined) return undefined
  let text: string | undefined
  try {
    text = JSON.stringify(input)
  } catch {
    return 'input is not JSON-serializable'
  }
  if (text !== undefined && text.length > MAX_INPUT_JSON_CHARS) {
    return `input larger than ${MAX_INPUT_JSON_CHARS} characters of JSON`
  }
  return undefined
}

function copyExecution(e: Execution): Execution {
  return {
    ...e,
    progress: e.progress && { ...e.progress },
    actions_executed: e.actions_executed?.map((a) => ({ ...a })),
    ...(e.error ? { error: { ...e.error } } : {})
  }
}

function copyWorkflow(w: Workflow): Workflow {
  return { ...w, actions: w.actions?.map((a) => ({ ...a })) }
}

function actionIds(names: readonly string[]): { id: string; name: string }[] {
  return names.map((name, i) => ({ id: `act_${String(i + 1).padStart(3, '0')}`, name }))
}

/** The simulated engine: demo workflows, executions advancing on timers, bounded history. */
export class SimulatedEngine implements Engine {
  private readonly rng: Random
  private readonly failureRate: number
  private readonly delay: [number, number]
  private readonly maxExecutions: number
  private readonly maxLogs: number
  private readonly events: Emitter<EngineListeners>
  private readonly workflows = new Map<string, Workflow>()
  /** Insertion order = creation order, so iteration is oldest first. */
  private readonly runs = new Map<string, Run>()
  private readonly logs = new Map<string, LogEntry[]>()
  private autoTimer: NodeJS.Timeout | undefined
  private autoRun = false
  private stopped = false

  constructor(options: EngineOptions = {}) {
    const failureRate = options.failureRate ?? DEFAULT_FAILURE_RATE
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw new RangeError('failureRate must be between 0 and 1')
    }
    const [min, max] = options.actionDelayMs ?? DEFAULT_ACTION_DELAY_MS
    if (!(min >= 0 && max >= min && Number.isFinite(max))) {
      throw new RangeError('actionDelayMs must be [min, max] with 0 <= min <= max')
    }
    this.rng = createRandom(options.seed)
    this.failureRate = failureRate
    this.delay = [min, max]
    this.maxExecutions = Math.max(1, options.maxExecutions ?? 500)
    this.maxLogs = Math.max(1, options.maxLogsPerExecution ?? 200)
    this.events = new Emitter<EngineListeners>(
      options.onListenerError ??
        ((error) => console.error('nebula engine: an event listener threw:', error))
    )
    const created = now()
    for (const demo of DEMO_WORKFLOWS) {
      this.workflows.set(demo.id, {
        id: demo.id,
        name: demo.name,
        description: demo.description,
        status: 'active',
        version: 1,
        actions: demo.actions.map((a) => ({ id: a.id, name: a.name })),
        created_at: created,
        updated_at: created,
        updated_by: 'system'
      })
    }
    this.setAutoRun(options.autoRun ?? true)
  }

  // ---- events ----

  on<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void): () => void {
    return this.events.on(event, fn as EngineListeners[K])
  }

  off<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void): void {
    this.events.off(event, fn as EngineListeners[K])
  }

  private emit<K extends keyof EngineEvents>(event: K, payload: EngineEvents[K]): void {
    if (!this.stopped) this.events.emit(event, ...([payload] as Parameters<EngineListeners[K]>))
  }

  // ---- workflows ----

  listWorkflows(): Workflow[] {
    return [...this.workflows.values()].map(copyWorkflow)
  }

  getWorkflow(id: string): Workflow | undefined {
    const w = this.workflows.get(id)
    return w && copyWorkflow(w)
  }

  createWorkflow(body: WorkflowCreate, actor = 'system'): Workflow {
    let id: string
    do id = `wf_${this.rng.hex(10)}`
    while (this.workflows.has(id))
    const at = now()
    const workflow: Workflow = {
      id,
      name: body.name,
      description: body.description ?? null,
      status: body.status ?? 'active',
      version: 1,
      actions: actionIds(body.actions ?? DEFAULT_ACTIONS),
      created_at: at,
      updated_at: at,
      updated_by: actor
    }
    this.workflows.set(id, workflow)
    this.emit('workflow', { event_type: 'created', workflow: copyWorkflow(workflow) })
    return copyWorkflow(workflow)
  }

  updateWorkflow(id: string, body: WorkflowUpdate, actor = 'system'): Workflow | undefined {
    const workflow = this.workflows.get(id)
    if (!workflow) return undefined
    if (body.name !== undefined) workflow.name = body.name
    if (body.description !== undefined) workflow.description = body.description
    if (body.status !== undefined) workflow.status = body.status
    if (body.actions !== undefined) workflow.actions = actionIds(body.actions)
    workflow.version = (workflow.version ?? 0) + 1
    workflow.updated_at = now()
    workflow.updated_by = actor
    this.emit('workflow', { event_type: 'updated', workflow: copyWorkflow(workflow) })
    return copyWorkflow(workflow)
  }

  deleteWorkflow(id: string, actor = 'system'): boolean {
    const workflow = this.workflows.get(id)
    if (!workflow) return false
    this.workflows.delete(id)
    // Executions already running finish on their own; the event carries the last known state.
    const last = { ...copyWorkflow(workflow), updated_at: now(), updated_by: actor }
    this.emit('workflow', { event_type: 'deleted', workflow: last })
    return true
  }

  // ---- executions ----

  startExecution(
    workflowId: string,
    input?: unknown,
    opts: StartExecutionOptions = {}
  ): Execution | undefined {
    return this.start(workflowId, input, opts, false)
  }

  private start(
    workflowId: string,
    input: unknown,
    opts: StartExecutionOptions,
    auto: boolean
  ): Execution | undefined {
    const workflow = this.workflows.get(workflowId)
    if (!workflow) return undefined
    let id: string
    do id = `exec_${this.rng.hex(12)}`
    while (this.runs.has(id))
    // Each execution draws from its own stream, so outcomes depend only on creation order,
    // not on how the timers of concurrent executions happen to interleave.
    const rng = this.rng.fork()
    const actions: PlannedAction[] = (workflow.actions ?? []).map((a) => ({
      id: a.id,
      name: a.name,
      behavior: behaviorFor(workflow.id, a.name)
    }))
    const outcome: ExecutionOutcome =
      opts.outcome ??
      (rng.chance(this.failureRate) ? (rng.chance(TIMEOUT_SHARE) ? 'time_out' : 'fail') : 'succeed')
    const failAt = outcome === 'succeed' || actions.length === 0 ? -1 : pickWeighted(rng, actions)
    const at = now()
    const run: Run = {
      exec: {
        id,
        workflow_id: workflow.id,
        workflow_name: workflow.name ?? workflow.id,
        status: 'pending',
        started_at: at,
        completed_at: null,
        updated_at: at,
        progress: { current_action: 0, total_actions: actions.length, percentage: 0 },
        actions_executed: [],
        input: input === undefined ? {} : input
      },
      actions,
      failAt,
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
    this.emit('execution', copyExecution(run.exec))
    this.log(run, 'info', `Execution queued for workflow '${run.exec.workflow_name}'`, null, {
      workflow_id: workflow.id,
      workflow_version: workflow.version,
      triggered_by: opts.triggeredBy ?? (auto ? 'schedule' : 'api')
    })
    this.schedule(run, Math.max(1, Math.round(this.delay[0] / 5)), () => this.begin(run))
    return copyExecution(run.exec)
  }

  cancelExecution(id: string): Execution | undefined {
    const run = this.runs.get(id)
    if (!run) return undefined
    if (isTerminalStatus(run.exec.status) || run.exec.status === 'cancelling') {
      return copyExecution(run.exec)
    }
    clearTimeout(run.timer)
    run.exec.status = 'cancelling'
    run.exec.updated_at = now()
    this.log(run, 'warn', 'Cancellation requested', this.currentAction(run)?.action_id ?? null)
    this.emit('execution', copyExecution(run.exec))
    // A real engine lets the running action reach a safe point first; a short pause stands in.
    this.schedule(run, Math.max(1, Math.round(this.delay[0] / 2)), () => {
      const action = this.currentAction(run)
      if (action && action.status === 'running') this.finishAction(run, action, 'cancelled')
      this.finishRun(run, 'cancelled')
      this.log(run, 'warn', 'Execution cancelled', action?.action_id ?? null)
      this.emit('execution', copyExecution(run.exec))
    })
    return copyExecution(run.exec)
  }

  getExecution(id: string): Execution | undefined {
    const run = this.runs.get(id)
    return run && copyExecution(run.exec)
  }

  listExecutions(filter: { workflowId?: string; status?: string } = {}): Execution[] {
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

  // ---- lifecycle ----

  setAutoRun(on: boolean): void {
    this.autoRun = on && !this.stopped
    if (!this.autoRun) {
      clearTimeout(this.autoTimer)
      this.autoTimer = undefined
    } else if (!this.autoTimer) {
      // The first background run comes soon, so a fresh dashboard has something to show.
      this.scheduleAutoRun(Math.min(500, this.autoInterval()))
    }
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.setAutoRun(false)
    for (const run of this.runs.values()) clearTimeout(run.timer)
    this.events.removeAll()
  }

  // ---- simulation ----

  private begin(run: Run): void {
    run.exec.status = 'running'
    this.log(run, 'info', `Execution started (${run.actions.length} actions)`, null)
    if (run.actions.length === 0) {
      this.finishRun(run, 'completed')
      this.emit('execution', copyExecution(run.exec))
      return
    }
    this.startAction(run, 0)
    this.emit('execution', copyExecution(run.exec))
  }

  /** Marks action `index` running and schedules its end; the caller emits the update. */
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
      this.logSimulated(run, line, planned.id)
    }
    this.schedule(run, run.rng.int(this.delay[0], this.delay[1]), () => this.endAction(run, index))
  }

  private endAction(run: Run, index: number): void {
    const planned = run.actions[index] as PlannedAction
    const action = this.currentAction(run)
    if (!action) return
    if (index === run.failAt) {
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
      this.emit('execution', copyExecution(run.exec))
      return
    }
    this.finishAction(run, action, 'completed')
    action.result = planned.behavior.result(run.rng)
    this.log(
      run,
      'info',
      `Action '${planned.name}' completed in ${action.duration_ms}ms`,
      planned.id,
      { result: action.result }
    )
    if (index + 1 < run.actions.length) {
      this.startAction(run, index + 1)
    } else {
      this.finishRun(run, 'completed')
      this.log(run, 'info', `Execution completed in ${Date.now() - run.startedMs}ms`, null)
    }
    this.emit('execution', copyExecution(run.exec))
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
    if (this.stopped) return
    clearTimeout(run.timer)
    run.timer = setTimeout(() => {
      run.timer = undefined
      if (!this.stopped && this.runs.has(run.exec.id)) fn()
    }, ms)
  }

  private logSimulated(run: Run, line: SimulatedLog, actionId: string): void {
    this.log(run, line.level, line.message, actionId, line.metadata)
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
      if (lines.length > this.maxLogs) lines.splice(0, lines.length - this.maxLogs)
    }
    this.emit('log', { ...entry })
  }

  /** Keeps history bounded: drops the oldest finished executions first, then the oldest. */
  private evictOldRuns(): void {
    while (this.runs.size > this.maxExecutions) {
      let victim: Run | undefined
      for (const run of this.runs.values()) {
        if (isTerminalStatus(run.exec.status)) {
          victim = run
          break
        }
      }
      victim ??= this.runs.values().next().value as Run
      clearTimeout(victim.timer)
      this.runs.delete(victim.exec.id)
      this.logs.delete(victim.exec.id)
    }
  }

  private autoInterval(): number {
    const avg = (this.delay[0] + this.delay[1]) / 2
    return Math.max(50, this.rng.int(avg, avg * 3))
  }

  private scheduleAutoRun(ms: number): void {
    this.autoTimer = setTimeout(() => {
      this.autoTimer = undefined
      if (!this.autoRun) return
      let active = 0
      for (const run of this.runs.values()) {
        if (run.auto && !isTerminalStatus(run.exec.status)) active++
      }
      const candidates = [...this.workflows.values()].filter((w) => w.status !== 'inactive')
      if (active < MAX_AUTO_ACTIVE && candidates.length > 0) {
        const workflow = this.rng.pick(candidates)
        this.start(workflow.id, { source: 'auto-run' }, {}, true)
      }
      if (this.autoRun) this.scheduleAutoRun(this.autoInterval())
    }, ms)
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

/** Creates a simulated engine (see EngineOptions for the defaults). */
export function createEngine(options: EngineOptions = {}): Engine {
  return new SimulatedEngine(options)
}
