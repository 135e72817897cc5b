import type { Alert } from '@shared/alerts'
import type { ConnectionState, Coverage } from '@shared/connection-state'
import { DisposableStore } from '@shared/disposable'
import type { Disposer } from '@shared/disposable'
import { Emitter } from '@shared/emitter'
import { ALL_ID, Resource } from '@shared/protocol'
import type { Execution, ServerMessage } from '@shared/protocol'
import { describeError, redact } from '@shared/redact'
import { AlertPipeline } from './alert-pipeline'
import { AnswerCorrelator } from './answer-correlator'
import { CommandQueue } from './command-queue'
import { NebulaConnection } from './connection'
import { computeCoverage, followsExecution, isEmptyScope, uncoveredScope } from './coverage'
import type { FollowMode } from './coverage'
import { ExecutionStore } from './execution-store'
import { FollowAll } from './follow-all'
import { GapWatermark } from './gap-watermark'
import { Leniency } from './leniency'
import type { LeniencyCounts } from './leniency'
import { Lifecycle } from './lifecycle'
import { NotificationCenter } from './notification-center'
import { ProfileStateFile, ProfileStateSaver, emptyProfileState } from './profile-state'
import type { ProfileState } from './profile-state'
import { RestClient } from './rest-client'
import { SubscriptionRegistry } from './subscription-registry'
import { CoveragePoller } from './poller'
import { Synchronizer } from './sync'
import type { MonitorSessionOptions, SessionEvents } from './session-options'

export type { MonitorSessionOptions, SessionEvents } from './session-options'

/** A coverage change is published at most this often while the state stays the same. */
const COVERAGE_REPUBLISH_MS = 1_000

/**
 * The monitor: one connection, its subscriptions, the execution store, REST reconciliation
 * after every gap, and the alert and notification policies. Plain Node; the Electron shell and
 * the `watch` CLI both drive this same object. It owns everything it creates and releases all
 * of it in `dispose()`.
 */
export class MonitorSession {
  readonly connection: NebulaConnection
  readonly store: ExecutionStore
  readonly subscriptions: SubscriptionRegistry
  readonly notifications: NotificationCenter
  /** The server's REST API with this session's token (history, single executions). */
  readonly rest: RestClient
  private readonly lifecycle: Lifecycle
  private readonly events: Emitter<SessionEvents>
  private readonly owned = new DisposableStore()
  private readonly correlator = new AnswerCorrelator()
  private readonly leniency: Leniency
  private readonly pipeline: AlertPipeline
  private readonly commands: CommandQueue
  private readonly followAll: FollowAll | undefined
  private readonly sync: Synchronizer
  private readonly poller: CoveragePoller
  private readonly saver: ProfileStateSaver | undefined
  private readonly log: (line: string) => void
  private readonly now: () => number
  private readonly watermark: GapWatermark
  private readonly persisted: ProfileState
  /** Executions open when the app last stopped, until a sync has looked at them again. */
  private unchecked: string[]
  private coverageTimer: ReturnType<typeof setTimeout> | undefined
  private disposed = false

  constructor(private readonly options: MonitorSessionOptions) {
    this.log = options.log ?? (() => {})
    this.now = options.now ?? Date.now
    this.events = new Emitter((error) => this.log(`listener failed: ${describeError(error)}`))
    this.lifecycle = new Lifecycle({ onInvalid: options.onInvalidTransition, log: this.log })
    this.connection = new NebulaConnection({
      ...options.connection,
      server: options.server,
      allowInsecure: options.allowInsecure,
      getToken: options.getToken,
      lifecycle: this.lifecycle,
      log: this.log
    })
    this.leniency = new Leniency(this.log)
    this.rest = new RestClient(this.connection.endpoints.restBase, options.getToken, {
      onDropped: (fields) => this.leniency.droppedFields(fields),
      onUnreadable: (record) => this.leniency.unreadableRecord(record)
    })
    this.store = new ExecutionStore(options.store)
    this.subscriptions = new SubscriptionRegistry(this.connection, {
      ...options.subscriptions,
      // Silence about `all` is how a server that does not know it may answer: fall back.
      refuseOnSilence: (resource, id) =>
        options.follow === 'all' && resource === Resource.WorkflowExecutions && id === ALL_ID,
      log: this.log
    })
    this.commands = new CommandQueue(this.connection)
    this.notifications = new NotificationCenter(
      options.notifications,
      this.now,
      this.log,
      options.profile
    )
    this.pipeline = new AlertPipeline(
      this.store,
      this.notifications,
      {
        transition: (t) => this.events.emit('transition', t),
        alert: (a) => this.events.emit('alert', a)
      },
      this.now
    )
    const httpBase = this.connection.endpoints.httpBase
    const stateFile = options.stateDir
      ? new ProfileStateFile(options.stateDir, options.profile, this.log)
      : undefined
    this.persisted = stateFile?.load(httpBase) ?? emptyProfileState(httpBase)
    this.saver = stateFile && new ProfileStateSaver(stateFile, () => this.snapshot())
    this.pipeline.markAlerted(this.persisted.alerted_ids)
    this.watermark = new GapWatermark(this.persisted.watermark)
    this.unchecked = this.persisted.open_execution_ids
    this.followAll =
      options.follow === 'all'
        ? new FollowAll(this.subscriptions, this.rest, this.log, (workflows) => {
            for (const workflow of workflows) this.store.upsertWorkflow(workflow)
          })
        : undefined
    this.sync = this.createSync()
    this.poller = this.createPoller()
    this.wire()
    // Every syncing/open state carries coverage, also for a session that follows nothing.
    this.lifecycle.setCoverage(this.coverage, false)
  }

  /** The sync of each socket (sync.ts), fed from this session's parts. */
  private createSync(): Synchronizer {
    return new Synchronizer({
      lifecycle: this.lifecycle,
      registry: this.subscriptions,
      rest: this.rest,
      watermark: this.watermark,
      followAll: this.followAll,
      uncovered: () => !isEmptyScope(uncoveredScope(this.subscriptions.list(), this.followMode)),
      trackedIds: () => this.trackedIds(),
      ingest: (executions, baseline, missed) => this.ingestReconciled(executions, baseline, missed),
      unreadable: (ids) => this.leniency.unreadableIds(ids),
      missed: (alerts) => this.notifications.missed(alerts),
      reconciled: () => {
        this.unchecked = []
        this.saver?.schedule()
        this.poller.update()
      },
      log: this.log,
      now: this.now,
      settleTimeoutMs: this.options.settleTimeoutMs ?? 10_000,
      resyncDelayMs: this.options.resyncDelayMs ?? 5_000
    })
  }

  /** REST polling for what no live subscription covers (poller.ts). */
  private createPoller(): CoveragePoller {
    return new CoveragePoller({
      rest: this.rest,
      watermark: this.watermark,
      subscriptions: () => this.subscriptions.list(),
      followMode: () => this.followMode,
      reconciled: () => this.sync.isReconciled,
      openExecutions: () => this.store.openExecutions(),
      ingest: (executions) => this.ingestReconciled(executions, false),
      unreadable: (ids) => this.leniency.unreadableIds(ids),
      changed: () => this.coverageChanged(),
      log: this.log,
      intervalMs: this.options.pollIntervalMs ?? 15_000
    })
  }

  /** Adds a listener; returns its disposer. */
  on<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): Disposer {
    return this.events.on(event, listener)
  }

  /** Starts connecting and following. */
  start(): void {
    if (this.disposed) return
    if (this.followAll) this.followAll.start()
    else {
      for (const { resource, id } of this.options.follow as Array<{ resource: string; id: string }>)
        this.owned.add(this.subscriptions.add(resource, id))
    }
    this.connection.start()
  }

  /** Retry now (network back, system resumed, user clicked Retry). */
  nudge(): void {
    this.connection.nudge()
  }

  /** The token changed: reconnect with it (also leaves `auth_failed`). */
  tokenChanged(): void {
    this.connection.tokenChanged()
  }

  /** Runs a workflow over the socket; waits (bounded) while disconnected. */
  executeWorkflow(workflowId: string, input?: unknown): Promise<Execution> {
    return this.commands.executeWorkflow(workflowId, input)
  }

  /** The latest published state. */
  get state(): ConnectionState {
    return this.lifecycle.state
  }

  /** Which subscriptions are live, waiting or refused, and whether REST polling covers the rest. */
  get coverage(): Coverage {
    return computeCoverage(this.subscriptions.list(), this.followMode, this.poller.isPolling)
  }

  /** What had to be read leniently so far: fields dropped, REST records skipped. */
  get leniencyCounts(): LeniencyCounts {
    return this.leniency.counts()
  }

  /** True while `open`: the gap reconciled, everything followed covered (live or polled). */
  get isLive(): boolean {
    return this.lifecycle.name === 'open'
  }

  /** The follow-all strategy in use, when following everything. */
  get followStrategy(): 'all' | 'per_workflow' | undefined {
    return this.followAll?.strategy
  }

  /** Closes the connection, saves state and releases every timer and listener it owns. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.poller.dispose()
    this.sync.dispose()
    this.commands.dispose()
    // Forget subscriptions before the socket closes: nothing is unsubscribed one by one (the
    // close ends them all server-side).
    this.subscriptions.dispose()
    this.followAll?.dispose()
    // Publishes `closed` through the lifecycle, while this session still forwards states.
    this.connection.dispose()
    this.owned.dispose()
    this.saver?.dispose()
    this.notifications.dispose()
    this.lifecycle.dispose()
    this.events.removeAll()
  }

  /** True while any timer or socket the session owns is alive (leak checks in tests). */
  hasLiveResources(): boolean {
    return (
      this.connection.hasLiveResources() ||
      this.subscriptions.hasLiveTimers() ||
      this.commands.hasLiveTimers() ||
      this.sync.hasLiveTimers() ||
      this.poller.hasLiveTimers() ||
      this.saver?.hasLiveTimer() === true ||
      this.notifications.hasLiveTimers() ||
      this.owned.liveTimers > 0
    )
  }

  private get followMode(): FollowMode {
    return this.followAll?.strategy ?? 'chosen'
  }

  private wire(): void {
    const { connection, owned } = this
    owned.add(
      this.lifecycle.on('state', (state) => {
        // Coverage only rides on syncing and open: nothing to republish in any other state.
        if (state.state !== 'syncing' && state.state !== 'open') this.stopCoverageTimer()
        this.events.emit('state', state)
        if (state.state === 'auth_failed') this.notifications.authFailed(state.reason)
        else if (state.state === 'open') this.notifications.authRestored()
      })
    )
    owned.add(
      this.subscriptions.on('change', (info) => {
        this.events.emit('subscription', info)
        this.poller.update()
        this.coverageChanged()
      })
    )
    owned.add(
      this.subscriptions.on('removed', () => {
        this.poller.update()
        this.coverageChanged()
      })
    )
    owned.add(connection.on('opened', () => this.onOpened()))
    owned.add(connection.on('dropped', () => this.onDropped()))
    owned.add(connection.on('sent', (message) => this.correlator.sent(message)))
    owned.add(connection.on('message', (message) => this.onMessage(message)))
    owned.add(connection.on('invalid', (rejected) => this.events.emit('invalid', rejected)))
    owned.add(connection.on('fields_dropped', (fields) => this.leniency.droppedFields(fields)))
    owned.add(this.notifications.on('notification', (n) => this.events.emit('notification', n)))
  }

  private onOpened(): void {
    this.subscriptions.connected()
    this.sync.opened()
  }

  private onDropped(): void {
    this.correlator.reset()
    this.sync.dropped()
    this.poller.update()
    this.subscriptions.disconnected()
    this.commands.disconnected()
  }

  /** Coverage rides on every state at once; a change alone is republished, throttled. */
  private coverageChanged(): void {
    if (this.disposed) return
    this.lifecycle.setCoverage(this.coverage, false)
    if (this.coverageTimer) return
    this.coverageTimer = this.owned.setTimeout(() => {
      this.coverageTimer = undefined
      this.lifecycle.setCoverage(this.coverage, true)
    }, COVERAGE_REPUBLISH_MS)
  }

  private stopCoverageTimer(): void {
    this.owned.clear(this.coverageTimer)
    this.coverageTimer = undefined
  }

  private onMessage(received: ServerMessage): void {
    const message = this.sanitize(received)
    // Only an answer to `execute_workflow` can be an update of an execution never seen before.
    const isNew =
      message.type === 'execution_update' &&
      this.correlator.awaitsCommand &&
      !this.store.getExecution(message.execution.id)
    const answer = this.correlator.match(message, isNew)
    const kind = answer?.request.kind
    if (answer && (kind === 'subscribe' || kind === 'unsubscribe')) {
      this.subscriptions.answer(answer.request, message)
    } else if (answer && kind === 'execute_workflow') {
      this.commands.answer(answer.request, message)
    } else if (message.type === 'error') {
      this.log(`server error ${message.code}: ${message.message}`)
    }
    switch (message.type) {
      case 'execution_update':
        this.ingest(message.execution)
        break
      case 'workflow_event':
        if (message.event.event_type === 'deleted')
          this.store.removeWorkflow(message.event.workflow.id)
        else this.store.upsertWorkflow(message.event.workflow)
        this.followAll?.onWorkflowEvent(message.event)
        break
      case 'log':
        this.store.addLog(message.log)
        break
    }
    this.events.emit('message', message)
  }

  /** A server may quote what it was sent: its error text never carries the token onwards. */
  private sanitize(message: ServerMessage): ServerMessage {
    if (message.type !== 'error') return message
    const text = this.connection.redactSecrets(message.message)
    return text === message.message ? message : { ...message, message: redact(text) }
  }

  /** One pipeline for pushed and reconciled executions; the watermark follows while live. */
  private ingest(execution: Execution, baseline = false, missed?: Alert[]): void {
    this.watermark.observe(execution.started_at, this.isLive)
    if (this.pipeline.ingest(execution, baseline, missed)) this.saver?.schedule()
  }

  /** Reconciled executions, within what this session follows. */
  private ingestReconciled(executions: Execution[], baseline: boolean, missed?: Alert[]): void {
    for (const execution of executions) {
      this.leniency.read(execution.id)
      if (followsExecution(this.options.follow, execution)) this.ingest(execution, baseline, missed)
    }
  }

  /** Executions worth a fresh look: open (also when the last run stopped), or unread last time. */
  private trackedIds(): string[] {
    const ids = [...this.unchecked, ...this.store.openExecutionIds(), ...this.leniency.retryIds]
    return [...new Set(ids)]
  }

  private snapshot(): ProfileState {
    return {
      ...this.persisted,
      watermark: this.watermark.committed,
      open_execution_ids: [...new Set([...this.unchecked, ...this.store.openExecutionIds()])],
      alerted_ids: this.pipeline.recentAlertIds()
    }
  }
}
