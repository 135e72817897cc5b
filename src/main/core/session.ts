import type { Alert, Notification } from '@shared/alerts'
import type { ConnectionState } from '@shared/connection-state'
import { ALL_ID, Resource, isFailureStatus } from '@shared/protocol'
import type { Execution, Rejected, ServerMessage } from '@shared/protocol'
import { AlertPolicy } from './alert-policy'
import { CommandQueue } from './command-queue'
import { NebulaConnection } from './connection'
import type { ConnectionOptions } from './connection'
import { Emitter } from '@shared/emitter'
import { ExecutionStore } from './execution-store'
import type { StoreLimits, Transition } from './execution-store'
import { FollowAll } from './follow-all'
import { NotificationPolicy } from './notification-policy'
import type { NotificationPolicyOptions } from './notification-policy'
import { ProfileStateFile, emptyProfileState } from './profile-state'
import type { ProfileState } from './profile-state'
import { GapWatermark } from './gap-watermark'
import { reconcile } from './reconcile'
import { describeError } from '@shared/redact'
import { RestClient } from './rest-client'
import { SubscriptionRegistry } from './subscription-registry'
import type { SubscriptionInfo } from './subscription-registry'

export interface MonitorSessionOptions {
  /** Server base URL (http, https, ws or wss). */
  server: string
  /** Server profile id: keys the keychain entry and the persisted state. */
  profile: string
  getToken: () => Promise<string | null> | string | null
  /** Where per-profile state lives; null keeps nothing between runs. */
  stateDir: string | null
  /** `all` follows every execution; otherwise exactly these subscriptions. */
  follow: 'all' | Array<{ resource: string; id: string }>
  connection?: Omit<ConnectionOptions, 'server' | 'getToken' | 'log'>
  notifications?: NotificationPolicyOptions
  store?: Partial<StoreLimits>
  /** How long to wait for subscription confirmations before reconciling anyway. */
  settleTimeoutMs?: number
  /** Delay before a failed reconciliation is tried again. */
  resyncDelayMs?: number
  log?: (line: string) => void
  now?: () => number
}

export type SessionEvents = {
  state: (state: ConnectionState) => void
  message: (message: ServerMessage) => void
  invalid: (rejected: Rejected) => void
  transition: (transition: Transition) => void
  alert: (alert: Alert) => void
  notification: (notification: Notification) => void
  subscription: (info: SubscriptionInfo) => void
}

/**
 * The monitor: one connection, its subscriptions, the execution store, REST reconciliation
 * after every gap, and the alert and notification policies. Plain Node; the Electron shell and
 * the `watch` CLI both drive this same object.
 */
export class MonitorSession extends Emitter<SessionEvents> {
  readonly connection: NebulaConnection
  readonly store: ExecutionStore
  readonly subscriptions: SubscriptionRegistry
  readonly rest: RestClient
  readonly notifications: NotificationPolicy
  private readonly alerts = new AlertPolicy()
  private readonly commands: CommandQueue
  private readonly followAll: FollowAll | undefined
  private readonly stateFile: ProfileStateFile | undefined
  private readonly log: (line: string) => void
  private readonly now: () => number
  private readonly persisted: ProfileState
  /** Executions open when the app last stopped, until a sync has looked at them again. */
  private unchecked: string[]
  private readonly releases: Array<() => void> = []
  /** Incremented on every socket open and close: a sync from an older socket stops. */
  private generation = 0
  private readonly watermark: GapWatermark
  private firstSync = true
  private catchUpRunning = false
  private catchUpAgain = false
  private live = false
  private saveTimer: NodeJS.Timeout | undefined
  private tickTimer: NodeJS.Timeout | undefined
  private resyncTimer: NodeJS.Timeout | undefined
  private closed = false

  constructor(private readonly options: MonitorSessionOptions) {
    super((error) => options.log?.(`listener failed: ${describeError(error)}`))
    this.log = options.log ?? (() => {})
    this.now = options.now ?? Date.now
    this.connection = new NebulaConnection({
      ...options.connection,
      server: options.server,
      getToken: options.getToken,
      log: this.log
    })
    this.rest = new RestClient(this.connection.endpoints.restBase, options.getToken)
    this.store = new ExecutionStore(options.store)
    this.subscriptions = new SubscriptionRegistry(this.connection)
    this.commands = new CommandQueue(this.connection)
    this.notifications = new NotificationPolicy(options.notifications)
    this.stateFile = options.stateDir
      ? new ProfileStateFile(options.stateDir, options.profile, this.log)
      : undefined
    this.persisted =
      this.stateFile?.load(this.connection.endpoints.httpBase) ??
      emptyProfileState(this.connection.endpoints.httpBase)
    for (const id of this.persisted.alerted_ids) this.alerts.markAlerted(id)
    this.watermark = new GapWatermark(this.persisted.watermark)
    this.unchecked = this.persisted.open_execution_ids

    if (options.follow === 'all') {
      this.followAll = new FollowAll(this.subscriptions, this.rest, this.log)
    } else {
      for (const { resource, id } of options.follow)
        this.releases.push(this.subscriptions.add(resource, id))
    }
    this.subscriptions.on('change', (info) => {
      this.emit('subscription', info)
      this.onSubscriptionChange()
    })
    this.connection.on('state', (state) => this.onConnectionState(state))
    this.connection.on('open', () => this.onOpen())
    this.connection.on('message', (message) => this.onMessage(message))
    this.connection.on('invalid', (rejected) => this.emit('invalid', rejected))
  }

  /** Starts connecting and following. */
  start(): void {
    this.followAll?.start()
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

  /** True once the current connection has re-subscribed and reconciled. */
  get isLive(): boolean {
    return this.live
  }

  /** The follow-all strategy in use, when following everything. */
  get followStrategy(): 'all' | 'per_workflow' | undefined {
    return this.followAll?.strategy
  }

  /** Closes the connection, saves state and releases every timer and listener. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.generation++
    clearTimeout(this.resyncTimer)
    clearTimeout(this.tickTimer)
    clearTimeout(this.saveTimer)
    this.resyncTimer = this.tickTimer = this.saveTimer = undefined
    this.commands.dispose()
    this.followAll?.dispose()
    for (const release of this.releases.splice(0)) release()
    this.connection.close()
    this.subscriptions.dispose()
    this.saveNow()
    this.connection.removeAll()
    this.removeAll()
  }

  /** True while timers or sockets are alive (for leak checks in tests). */
  hasLiveResources(): boolean {
    return (
      this.connection.hasLiveResources() ||
      this.resyncTimer !== undefined ||
      this.tickTimer !== undefined ||
      this.saveTimer !== undefined
    )
  }

  private onConnectionState(state: ConnectionState): void {
    if (state.state === 'open') return // published as `syncing`, then `open` once reconciled
    // The socket is gone: nothing is confirmed, and sent commands cannot be answered. This
    // holds for `connecting` too: a token change replaces the socket with no state between,
    // also mid-sync, and that sync must not finish and declare the session open.
    this.generation++
    this.live = false
    clearTimeout(this.resyncTimer)
    this.resyncTimer = undefined
    this.subscriptions.disconnected()
    this.commands.disconnected()
    this.emit('state', state)
  }

  private onOpen(): void {
    const generation = ++this.generation
    this.live = false
    this.emit('state', { state: 'syncing' })
    this.subscriptions.connected()
    void this.sync(generation)
  }

  /** Re-subscribe, wait for confirmations, reconcile over REST, then declare the session live. */
  private async sync(generation: number): Promise<void> {
    const current = () => generation === this.generation && !this.closed
    await this.followAll?.connected()
    await this.settled(current)
    if (!current()) return
    const startup = this.firstSync
    const baseline = this.watermark.committed === null
    const gapWatermark = this.watermark.committed
    try {
      const trackedIds = [
        ...new Set([...this.persisted.open_execution_ids, ...this.store.openExecutionIds()])
      ]
      const result = await reconcile(this.rest, { watermark: gapWatermark, trackedIds })
      if (!current()) return
      if (result.truncated)
        this.log('reconciliation hit its page limit; older gaps may be incomplete')
      const missed: Alert[] = []
      this.ingestReconciled(result.executions, baseline, startup ? missed : undefined)
      if (missed.length > 0) this.deliver(this.notifications.onMissedFailures(missed, this.now()))
    } catch (error) {
      if (!current()) return
      const reason = `reconciliation failed: ${describeError(error)}`
      this.log(`${reason}; retrying`)
      this.emit('state', { state: 'syncing', reason })
      this.resyncTimer = setTimeout(() => {
        this.resyncTimer = undefined
        void this.sync(generation)
      }, this.options.resyncDelayMs ?? 5_000)
      return
    }
    this.firstSync = false
    this.unchecked = []
    this.live = true
    if (this.subscriptions.hasPending()) {
      // Some subscriptions are not confirmed yet (paced, or a slow server): what happens in
      // their scope until they are is neither pushed nor in this reconcile. Hold the watermark
      // and look at the same gap again once they are confirmed (onSubscriptionChange).
      this.watermark.hold(gapWatermark)
    } else {
      this.watermark.commit(this.now())
    }
    this.scheduleSave()
    this.emit('state', { state: 'open' })
  }

  /** While live: hold the watermark when a subscription is pending, catch up once none is. */
  private onSubscriptionChange(): void {
    if (!this.live || this.closed) return // a sync covers its own gap
    if (this.subscriptions.hasPending()) {
      // What happens in its scope until it is confirmed is neither pushed nor reconciled.
      this.watermark.hold()
      this.catchUpAgain ||= this.catchUpRunning
      return
    }
    if (this.watermark.isHeld) void this.catchUp()
  }

  /**
   * Reconciles the gap since the held watermark, after late subscriptions were confirmed. Even on
   * first contact nothing found here is history: every failure that already existed then was in
   * the first listing (newer ones only push it further down) and is marked already. A failure
   * leaves the watermark held, so the next connect looks at the gap again.
   */
  private async catchUp(): Promise<void> {
    if (this.catchUpRunning) {
      this.catchUpAgain = true
      return
    }
    this.catchUpRunning = true
    this.catchUpAgain = false
    const generation = this.generation
    const current = () => generation === this.generation && !this.closed
    try {
      const trackedIds = this.store.openExecutionIds()
      const result = await reconcile(this.rest, {
        watermark: this.watermark.catchUpFrom,
        trackedIds
      })
      if (current()) {
        this.ingestReconciled(result.executions, false)
        if (!this.catchUpAgain && !this.subscriptions.hasPending())
          this.watermark.commit(this.now())
        this.scheduleSave()
      }
    } catch (error) {
      if (current()) this.log(`catch-up reconciliation failed: ${describeError(error)}`)
    } finally {
      this.catchUpRunning = false
    }
    // Asked for again while this ran (a subscription went pending and was confirmed, or a newer
    // connection has its own late subscriptions): look once more.
    if (
      this.catchUpAgain &&
      this.live &&
      !this.closed &&
      this.watermark.isHeld &&
      !this.subscriptions.hasPending()
    ) {
      void this.catchUp()
    }
  }

  /** Feeds reconciled executions into the pipeline; on first contact old failures are history. */
  private ingestReconciled(executions: Execution[], baseline: boolean, missed?: Alert[]): void {
    for (const execution of executions) {
      // REST lists every workflow's executions; a session following chosen subscriptions
      // only takes what those subscriptions would have pushed.
      if (!this.followsExecution(execution)) continue
      if (baseline && isFailureStatus(execution.status)) {
        // First contact with this server: old failures are history, not news.
        this.alerts.markAlerted(execution.id)
      }
      this.ingest(execution, missed)
    }
  }

  /** True when this session's subscriptions cover the execution's updates. */
  private followsExecution(execution: Execution): boolean {
    if (this.options.follow === 'all') return true
    return this.options.follow.some(
      ({ resource, id }) =>
        (resource === Resource.Execution && id === execution.id) ||
        (resource === Resource.WorkflowExecutions &&
          (id === ALL_ID || id === execution.workflow_id))
    )
  }

  /** Resolves when no subscription is pending, or after a quiet period without progress. */
  private settled(current: () => boolean): Promise<void> {
    const quietMs = this.options.settleTimeoutMs ?? 10_000
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      let unlisten = (): void => {}
      const finish = (): void => {
        clearTimeout(timer)
        unlisten()
        resolve()
      }
      const check = (): void => {
        if (!current() || !this.subscriptions.hasPending()) return finish()
        clearTimeout(timer)
        timer = setTimeout(() => {
          if (current())
            this.log('some subscriptions were not confirmed in time; reconciling anyway')
          finish()
        }, quietMs)
      }
      unlisten = this.subscriptions.on('change', check)
      const unlistenState = this.connection.on('state', () => check())
      const base = unlisten
      unlisten = () => {
        base()
        unlistenState()
      }
      check()
    })
  }

  private onMessage(message: ServerMessage): void {
    this.subscriptions.handle(message)
    this.commands.handle(message)
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
      case 'error':
        if (!message.request_id) this.log(`server error ${message.code}: ${message.message}`)
        break
    }
    this.emit('message', message)
  }

  /** One pipeline for pushed and reconciled executions: store, transition, alert, notification. */
  private ingest(execution: Execution, missed?: Alert[]): void {
    this.watermark.observe(execution.started_at, this.live)
    const transition = this.store.upsertExecution(execution)
    if (!transition) return
    this.scheduleSave()
    this.emit('transition', transition)
    const now = this.now()
    const workflowName = this.store.workflowName(execution.workflow_id, transition.execution)
    const alert = this.alerts.observe({ ...transition, workflowName }, now)
    if (alert) {
      this.emit('alert', alert)
      if (missed) missed.push(alert)
      else this.deliver(this.notifications.onAlert(alert, now))
    } else if (transition.to === 'completed') {
      this.deliver(this.notifications.onCompleted({ ...transition, workflowName }, now))
    }
  }

  private deliver(notifications: Notification[]): void {
    for (const notification of notifications) this.emit('notification', notification)
    this.scheduleTick()
  }

  private scheduleTick(): void {
    clearTimeout(this.tickTimer)
    this.tickTimer = undefined
    const at = this.notifications.nextTickAt()
    if (at === undefined || this.closed) return
    this.tickTimer = setTimeout(
      () => {
        this.tickTimer = undefined
        this.deliver(this.notifications.tick(this.now()))
      },
      Math.max(0, at - this.now())
    )
  }

  private scheduleSave(): void {
    if (!this.stateFile || this.saveTimer || this.closed) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined
      this.saveNow()
    }, 1_000)
  }

  private saveNow(): void {
    if (!this.stateFile) return
    this.stateFile.save({
      ...this.persisted,
      watermark: this.watermark.committed,
      open_execution_ids: [...new Set([...this.unchecked, ...this.store.openExecutionIds()])],
      alerted_ids: this.alerts.recentIds()
    })
  }
}
