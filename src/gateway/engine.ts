import type {
  Execution,
  LogEntry,
  Workflow,
  WorkflowCreate,
  WorkflowEvent,
  WorkflowUpdate
} from '@shared/protocol'
import { Emitter } from '@shared/emitter'
import type { Disposer } from '@shared/disposable'
import { AutoRun } from './auto-run'
import { historySize, pastRuns } from './history'
import type { HistoryOptions } from './history'
import { createRandom } from './random'
import type { Random } from './random'
import { RunSimulation } from './run-simulation'
import type { StartExecutionOptions } from './run-simulation'
import { WorkflowCatalogue } from './workflow-catalogue'

/** What the engine announces: every execution change, every log line, every workflow change. */
interface EngineEvents {
  execution: Execution
  log: LogEntry
  workflow: WorkflowEvent
}

type EngineListeners = { [K in keyof EngineEvents]: (payload: EngineEvents[K]) => void }

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
  /**
   * A past to start from (benchmarks, tests): more workflows, finished executions of the last
   * hour. `maxExecutions` then defaults to at least the executions asked for.
   */
  history?: HistoryOptions
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
  /** Subscribes to engine events; returns the disposer. Payloads must not be mutated. */
  on<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void): Disposer
  setAutoRun(on: boolean): void
  /** True while a timer is pending, i.e. while an event can still come without an API call. */
  hasLiveResources(): boolean
  /** Stops every timer for good; no further events. Idempotent. */
  dispose(): void
}

const DEFAULT_ACTION_DELAY_MS: [number, number] = [300, 2500]
const DEFAULT_FAILURE_RATE = 0.2

/** The simulated engine: a workflow catalogue, runs advancing on timers, and background runs. */
class SimulatedEngine implements Engine {
  private readonly events: Emitter<EngineListeners>
  private readonly catalogue: WorkflowCatalogue
  private readonly runs: RunSimulation
  private readonly autoRun: AutoRun
  private disposed = false

  constructor(options: EngineOptions) {
    const failureRate = options.failureRate ?? DEFAULT_FAILURE_RATE
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw new RangeError('failureRate must be between 0 and 1')
    }
    const [min, max] = options.actionDelayMs ?? DEFAULT_ACTION_DELAY_MS
    if (!(min >= 0 && max >= min && Number.isFinite(max))) {
      throw new RangeError('actionDelayMs must be [min, max] with 0 <= min <= max')
    }
    const actionDelayMs: [number, number] = [min, max]
    const history = historySize(options.history ?? {})
    // One stream for the whole engine, so a seed fixes ids, outcomes and background picks alike.
    const rng = createRandom(options.seed)
    this.events = new Emitter<EngineListeners>(
      options.onListenerError ??
        ((error) => console.error('nebula engine: an event listener threw:', error))
    )
    this.catalogue = new WorkflowCatalogue(rng, (event) => this.emit('workflow', event))
    this.runs = new RunSimulation({
      rng,
      failureRate,
      actionDelayMs,
      maxExecutions: Math.max(1, options.maxExecutions ?? Math.max(500, history.executions)),
      maxLogsPerExecution: Math.max(1, options.maxLogsPerExecution ?? 200),
      onExecution: (execution) => this.emit('execution', execution),
      onLog: (entry) => this.emit('log', entry)
    })
    this.autoRun = new AutoRun({
      rng,
      actionDelayMs,
      runnable: () => this.catalogue.runnable(),
      active: () => this.runs.activeAutoRuns(),
      start: (workflow) => this.runs.start(workflow, { source: 'auto-run' }, {}, true)
    })
    if (options.history) this.seed(options.history, history.workflows, rng, failureRate)
    this.autoRun.set(options.autoRun ?? true)
  }

  /** Creates the history's extra workflows, then its finished executions, oldest first. */
  private seed(options: HistoryOptions, workflows: number, rng: Random, failureRate: number): void {
    for (let n = this.catalogue.list().length; n < workflows; n++) {
      this.catalogue.create({ name: `Workflow ${n + 1}` }, 'system')
    }
    const runs = pastRuns(this.catalogue.runnable(), options.executions ?? 0, {
      ...options,
      failureRate: options.failureRate ?? failureRate,
      nowMs: Date.now(),
      rng
    })
    for (const run of runs) this.runs.adopt(run.workflow, run.execution, run.logs)
  }

  on<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void): Disposer {
    return this.events.on(event, fn as EngineListeners[K])
  }

  listWorkflows(): Workflow[] {
    return this.catalogue.list()
  }

  getWorkflow(id: string): Workflow | undefined {
    return this.catalogue.get(id)
  }

  createWorkflow(body: WorkflowCreate, actor = 'system'): Workflow {
    return this.catalogue.create(body, actor)
  }

  updateWorkflow(id: string, body: WorkflowUpdate, actor = 'system'): Workflow | undefined {
    return this.catalogue.update(id, body, actor)
  }

  deleteWorkflow(id: string, actor = 'system'): boolean {
    return this.catalogue.delete(id, actor)
  }

  startExecution(
    workflowId: string,
    input?: unknown,
    opts: StartExecutionOptions = {}
  ): Execution | undefined {
    const workflow = this.catalogue.peek(workflowId)
    return workflow && this.runs.start(workflow, input, opts, false)
  }

  cancelExecution(id: string): Execution | undefined {
    return this.runs.cancel(id)
  }

  getExecution(id: string): Execution | undefined {
    return this.runs.get(id)
  }

  listExecutions(filter: { workflowId?: string; status?: string } = {}): Execution[] {
    return this.runs.list(filter)
  }

  getLogs(executionId: string): LogEntry[] | undefined {
    return this.runs.getLogs(executionId)
  }

  setAutoRun(on: boolean): void {
    this.autoRun.set(on)
  }

  hasLiveResources(): boolean {
    return this.runs.hasLiveTimers() || this.autoRun.isScheduled
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.autoRun.dispose()
    this.runs.dispose()
    this.events.removeAll()
  }

  private emit<K extends keyof EngineEvents>(event: K, payload: EngineEvents[K]): void {
    if (!this.disposed) this.events.emit(event, ...([payload] as Parameters<EngineListeners[K]>))
  }
}

/** Creates a simulated engine (see EngineOptions for the defaults). */
export function createEngine(options: EngineOptions = {}): Engine {
  return new SimulatedEngine(options)
}
