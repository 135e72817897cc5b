import { join } from 'node:path'
import type { Notification } from '@shared/alerts'
import type { BridgeEvent, EventBatch, Notice, Snapshot, TokenInfo } from '@shared/bridge/views'
import type { ProfileView } from '@shared/bridge/views'
import { DisposableStore } from '@shared/disposable'
import type { Disposer } from '@shared/disposable'
import { Emitter } from '@shared/emitter'
import { Resource } from '@shared/protocol'
import type { Execution } from '@shared/protocol'
import { describeError } from '@shared/redact'
import type { AppSettings } from '@shared/settings'
import type { AppContext } from './app-context'
import type { AppServiceOptions } from './app-service-options'
import { AppViews } from './app-views'
import type { AppServiceEvents, TrayInputs } from './app-views'
import { BridgeHost } from './bridge-host'
import type { BridgeHandlers } from './bridge-host'
import { EventBatcher } from './event-batcher'
import { executionCommands } from './execution-commands'
import { FailureFeed } from './failure-feed'
import { localGatewayFactory } from './local-profile'
import { LogFollows } from './log-follows'
import { NoticeBoard } from './notice-board'
import { NotificationPrefsRuntime } from './notification-runtime'
import { ProfileSessions } from './profile-sessions'
import { profileCommands } from './profile-commands'
import { RecentExecutions, WorkflowCatalog } from './recent-executions'
import { applyOverrides } from './run-overrides'
import type { RunOverrides } from './run-overrides'
import { SettingsStore } from './settings-store'
import { serviceCommands } from './service-commands'
import { toExecutionView, toTokenInfo } from './view-mapping'
import {
  onServerMessage,
  refreshRecentExecutions,
  refreshWorkflows,
  whenGoingLive
} from './live-updates'
import type { LiveUpdateSink } from './live-updates'

/*
 * The app service: everything the dashboard and the tray show, and every command, in plain Node
 * (no Electron). The Electron shell and `nebula-desktop ui` both run one of these.
 *
 * Start:    const service = await AppService.start({ settingsDir, vault, info, ... })
 * Bridge:   service.host — a BridgeHost. The shell's IPC adapter forwards every invoke to
 *           `host.invoke(method, payload)` (after its sender-frame check) and every batch from
 *           `host.onBatch(listener)` to the window; the `ui` server does the same over a
 *           WebSocket (src/main/ui/ui-server.ts). Both validate with the contract, in the host.
 * Streams for the shell (each `on` returns a disposer):
 *   - on('notification', ({ profile, notification }) => …): a native notification to show,
 *     exactly as the core's NotificationPolicy (one for every profile) decided; `profile` is
 *     absent for a summary across profiles. A click should call showExecution.
 *   - on('tray', (inputs: TrayInputs) => …): per-profile state, unseen failures, running count,
 *     the last 5 failures, pause and local dev mode; emitted when any of it changes.
 *     `service.trayInputs()` reads the current value.
 *   - on('show_execution', ({ profile_id, execution_id }) => …): a tray or notification click
 *     asked for this execution: bring the window forward (the dashboard gets the same request
 *     as a `show_execution` event).
 *   - on('settings', (settings: SettingsView) => …): launch at login, close to tray, etc.
 * Calls from the shell:
 *   - showExecution(profileId, executionId): tray / notification click.
 *   - nudge(): system resumed, unlocked or the network changed: every session retries now.
 *   - setNotificationPrefs via host.invoke('setNotificationPrefs', …) (tray "Pause" items) and
 *     host.invoke('setLocalDevMode', …), host.invoke('reconnect', {}) (tray items).
 *   - dispose(): on quit (awaits the sessions and the local gateway, flushes the settings file).
 * When `npm start` cannot launch Electron, its message should offer the browser dashboard:
 *   node bin/nebula-desktop.js ui --local --open        (or: npm run ui)
 */

export type { AppServiceEvents, ShellNotification, TrayInputs } from './app-views'
export type { AppServiceOptions } from './app-service-options'

/** The app's state, commands and streams; see the header for the shell's use of it. */
export class AppService {
  readonly host: BridgeHost
  private readonly store: SettingsStore
  private readonly sessions: ProfileSessions
  private readonly batcher: EventBatcher
  private readonly feed = new FailureFeed()
  private readonly executions = new RecentExecutions()
  private readonly workflows = new WorkflowCatalog()
  private readonly logs = new LogFollows()
  private readonly tokens = new Map<string, TokenInfo>()
  private readonly notices: NoticeBoard
  private readonly views: AppViews
  private readonly prefs: NotificationPrefsRuntime
  private readonly emitter: Emitter<AppServiceEvents>
  private readonly disposables = new DisposableStore()
  private readonly overrides: RunOverrides
  private readonly now: () => number
  private readonly log: (line: string) => void
  private readonly context: AppContext
  private readonly liveSink: LiveUpdateSink
  private lastTray = ''
  private disposed = false

  private constructor(private readonly options: AppServiceOptions) {
    this.now = options.now ?? Date.now
    this.log = options.log ?? (() => {})
    this.overrides = { ...options.overrides }
    this.emitter = new Emitter((error) => this.log(`a listener failed: ${describeError(error)}`))
    this.store = new SettingsStore({ dir: options.settingsDir, now: this.now, log: this.log })
    this.notices = new NoticeBoard(this.now)
    this.notices.keep(this.store.notices)
    ;(options.warnings ?? []).forEach((message, i) =>
      this.notices.add(`startup-${i}`, 'warning', message)
    )
    this.batcher = new EventBatcher({
      onListenerError: (error) => this.log(`a batch listener failed: ${describeError(error)}`),
      ...options.batcher
    })
    this.sessions = new ProfileSessions({
      vault: options.vault,
      stateDir:
        options.stateDir === undefined ? join(options.settingsDir, 'state') : options.stateDir,
      startLocal: options.startLocal ?? localGatewayFactory(),
      notificationPrefs: () => this.effective().notifications,
      ...(options.session ? { session: options.session } : {}),
      ...(options.notificationPolicy ? { policy: options.notificationPolicy } : {}),
      now: this.now,
      log: this.log
    })
    this.views = new AppViews({
      effective: () => this.effective(),
      sessions: this.sessions,
      tokens: this.tokens,
      feed: this.feed,
      executions: this.executions,
      now: this.now
    })
    this.prefs = new NotificationPrefsRuntime(this.sessions.policy, this.disposables, this.now, {
      notify: (notification) => this.notify(notification),
      expired: () => void this.endPause()
    })
    this.context = this.createContext()
    this.liveSink = this.createLiveSink()
    const handlers: BridgeHandlers = {
      ...profileCommands(this.context),
      ...executionCommands(this.context),
      ...serviceCommands(this.context, {
        info: options.info,
        snapshot: () => this.snapshot(),
        feed: this.feed,
        settingsView: () => this.views.settingsView()
      })
    }
    this.host = new BridgeHost(handlers, this.batcher, { log: this.log })
    this.disposables.add(this.batcher.onBatch(() => this.publishTray()))
    this.wireSessions()
  }

  /** Loads the settings and starts every enabled profile's session (and local dev mode). */
  static async start(options: AppServiceOptions): Promise<AppService> {
    const service = new AppService(options)
    try {
      await Promise.all(
        service.effective().profiles.map((p) =>
          service.refreshToken(p.id).catch((error: unknown) => {
            service.log(`token status of ${p.id}: ${describeError(error)}`)
          })
        )
      )
      await service.settingsChanged()
    } catch (error) {
      // Whatever started before the failure is stopped again.
      await service.dispose()
      throw error
    }
    return service
  }

  /** Adds a listener for the shell; returns a disposer. */
  on<K extends keyof AppServiceEvents>(event: K, listener: AppServiceEvents[K]): Disposer {
    return this.emitter.on(event, listener)
  }

  /** Every event batch, unvalidated (transports use `host.onBatch`, which validates). */
  onBatch(listener: (batch: EventBatch) => void): Disposer {
    return this.batcher.onBatch(listener)
  }

  /** Everything the dashboard shows, after delivering what was pending (see Snapshot.seq). */
  snapshot(): Snapshot {
    this.batcher.flush()
    return {
      seq: this.batcher.lastSeq,
      info: this.options.info,
      settings: this.views.settingsView(),
      profiles: this.views.profileViews(),
      executions: this.executions.list(500),
      workflows: this.workflows.list(),
      failures: this.feed.list(),
      notices: this.notices.list()
    }
  }

  /** What the tray shows now. */
  trayInputs(): TrayInputs {
    return this.views.trayInputs()
  }

  /** A tray or notification click: the dashboard (and the shell's window) show this execution. */
  showExecution(profileId: string, executionId: string): void {
    this.push({ type: 'show_execution', profile_id: profileId, execution_id: executionId })
    this.batcher.flush()
    this.emitter.emit('show_execution', { profile_id: profileId, execution_id: executionId })
  }

  /** The system resumed or the network changed: every session retries now. */
  nudge(): void {
    for (const runtime of this.sessions.list()) runtime.session?.nudge()
  }

  /** Stops every session and the local gateway, and writes pending settings. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.batcher.dispose()
    this.disposables.dispose()
    this.logs.dispose()
    await this.sessions.dispose()
    this.store.dispose()
    this.emitter.removeAll()
  }

  /** True while a session, timer or listener is alive (leak checks in tests). */
  hasLiveResources(): boolean {
    return (
      this.sessions.list().some((r) => r.session?.hasLiveResources()) ||
      this.disposables.liveTimers > 0
    )
  }

  private effective(): AppSettings {
    return applyOverrides(this.store.value, this.overrides)
  }

  private push(event: BridgeEvent): void {
    this.batcher.push(event)
  }

  private async settingsChanged(): Promise<void> {
    const effective = this.effective()
    await this.sessions.apply(effective)
    this.prefs.apply(effective.notifications)
    const settings = this.views.settingsView()
    this.push({ type: 'settings', settings })
    this.push({ type: 'profiles', profiles: this.views.profileViews() })
    this.emitter.emit('settings', settings)
  }

  /** The pause ran out: clear it in the settings (the dashboard and tray show it ended). */
  private async endPause(): Promise<void> {
    if (this.disposed) return
    this.store.update((s) => ({ ...s, notifications: { ...s.notifications, paused_until: null } }))
    await this.settingsChanged()
  }

  private async refreshToken(profileId: string): Promise<TokenInfo> {
    const info = toTokenInfo(await this.options.vault.status(profileId), this.now())
    this.tokens.set(profileId, info)
    const unavailable = this.options.vault.unavailable
    if (unavailable) {
      this.addNotice(
        'keychain',
        'warning',
        `${unavailable.reason}: tokens are kept in memory for this run only. ${unavailable.fix}.`
      )
    }
    this.push({ type: 'profiles', profiles: this.views.profileViews() })
    return info
  }

  private addNotice(id: string, level: Notice['level'], message: string): void {
    this.push({ type: 'notice', notice: this.notices.add(id, level, message) })
  }

  private recordExecution(profileId: string, execution: Execution) {
    const view = toExecutionView(profileId, execution)
    this.executions.put(view)
    this.push({ type: 'execution', execution: view })
    return view
  }

  private forgetProfile(profileId: string): void {
    this.executions.removeProfile(profileId)
    this.workflows.removeProfile(profileId)
    this.feed.removeProfile(profileId)
    this.logs.removeProfile(profileId)
    this.tokens.delete(profileId)
    this.push({ type: 'profiles', profiles: this.views.profileViews() })
  }

  private notify(notification: Notification): void {
    const id = notification.profile
    const name = id ? (this.views.profileViews().find((p) => p.id === id)?.name ?? id) : undefined
    this.emitter.emit('notification', {
      ...(id && name ? { profile: { id, name } } : {}),
      notification
    })
  }

  private publishTray(): void {
    const inputs = this.views.trayInputs()
    const json = JSON.stringify(inputs)
    if (json === this.lastTray) return
    this.lastTray = json
    this.emitter.emit('tray', inputs)
  }

  private wireSessions(): void {
    const s = this.sessions
    const goingLive = whenGoingLive((id) => {
      void refreshWorkflows(this.liveSink, id)
      void refreshRecentExecutions(this.liveSink, id)
    })
    const listeners = [
      s.on('state', (id, state) => {
        this.push({ type: 'connection', profile_id: id, state })
        goingLive(id, state)
      }),
      s.on('transition', (id, t) => void this.recordExecution(id, t.execution)),
      s.on('message', (id, message) => onServerMessage(this.liveSink, id, message)),
      s.on('alert', (id, alert) => {
        const failure = this.feed.add(id, alert)
        if (failure) this.push({ type: 'failure', failure })
      }),
      s.on('notification', (_id, n) => this.notify(n)),
      s.on('problem', (message) => this.addNotice('local-dev-mode', 'error', message)),
      s.on('lifecycle', (id, running) => this.onLifecycle(id, running))
    ]
    for (const dispose of listeners) this.disposables.add(dispose)
  }

  /** A profile's session started or stopped. */
  private onLifecycle(id: string, running: boolean): void {
    const exists =
      id === 'local'
        ? this.effective().local_dev_mode
        : this.effective().profiles.some((p) => p.id === id)
    if (!running && !exists) this.forgetProfile(id)
    else this.push({ type: 'profiles', profiles: this.views.profileViews() })
    const session = running ? this.sessions.get(id)?.session : undefined
    if (session) {
      this.logs.resubscribe(id, (executionId) =>
        session.subscriptions.add(Resource.Execution, executionId)
      )
    }
  }

  private createLiveSink(): LiveUpdateSink {
    return {
      sessions: this.sessions,
      workflows: this.workflows,
      logs: this.logs,
      push: (event) => this.push(event),
      recordExecution: (id, execution) => this.recordExecution(id, execution),
      log: this.log,
      isDisposed: () => this.disposed
    }
  }

  private createContext(): AppContext {
    return {
      store: this.store,
      sessions: this.sessions,
      vault: this.options.vault,
      executions: this.executions,
      logs: this.logs,
      now: this.now,
      overrides: this.overrides,
      effective: () => this.effective(),
      settingsChanged: () => this.settingsChanged(),
      push: (event) => this.push(event),
      refreshToken: (id) => this.refreshToken(id),
      profileView: (id): ProfileView | undefined =>
        this.views.profileViews().find((p) => p.id === id),
      recordExecution: (id, execution) => this.recordExecution(id, execution),
      forgetProfile: (id) => this.forgetProfile(id)
    }
  }
}
