import type { Alert, Notification } from '@shared/alerts'
import type { SessionState } from '@shared/bridge/views'
import type { Disposer } from '@shared/disposable'
import { Emitter } from '@shared/emitter'
import type { ServerMessage } from '@shared/protocol'
import { ALL_ID, Resource } from '@shared/protocol/codes'
import { describeError } from '@shared/redact'
import { LOCAL_PROFILE_ID } from '@shared/settings'
import type { AppSettings, NotificationSettings, ProfileSettings } from '@shared/settings'
import type { Transition } from '@main/core/execution-store'
import type { LocalServer } from '@main/core/local-server'
import { resolveServerEndpoints } from '@main/core/server-url'
import { NotificationPolicy } from '@main/core/notification-policy'
import type { NotificationPolicyOptions } from '@main/core/notification-policy'
import { MonitorSession } from '@main/core/session'
import type { MonitorSessionOptions } from '@main/core/session'
import type { TokenVault } from '@main/core/token-vault'
import { localProfileSettings } from './local-profile'
import type { LocalServerFactory } from './local-profile'

// One MonitorSession per enabled profile, plus the built-in local dev mode profile when it is
// on. `apply(settings)` brings the running set in line with the settings: new profiles start,
// removed or disabled ones stop, a profile whose connection settings changed restarts.

/** Session options a caller may set for every profile (tests: fast backoff, short waits). */
export type SessionDefaults = Partial<
  Omit<
    MonitorSessionOptions,
    'server' | 'profile' | 'getToken' | 'stateDir' | 'follow' | 'log' | 'notifications'
  >
>

export interface ProfileSessionsOptions {
  vault: TokenVault
  /** Where remote profiles keep their watermark state; null keeps nothing between runs. */
  stateDir: string | null
  startLocal: LocalServerFactory
  /** Notification preferences when the shared policy is created (later: NotificationPrefsRuntime). */
  notificationPrefs: () => NotificationSettings
  /** Timing of the shared notification policy (tests shorten its windows). */
  policy?: NotificationPolicyOptions
  session?: SessionDefaults
  now: () => number
  log: (line: string) => void
}

export type ProfileSessionsEvents = {
  state: (profileId: string, state: SessionState) => void
  transition: (profileId: string, transition: Transition) => void
  message: (profileId: string, message: ServerMessage) => void
  alert: (profileId: string, alert: Alert) => void
  notification: (profileId: string, notification: Notification) => void
  /** A profile's session started or stopped (its executions and workflows start over). */
  lifecycle: (profileId: string, running: boolean) => void
  /** Something a person should know (e.g. local dev mode could not start). */
  problem: (message: string) => void
}

/** One running profile. `session` is absent when it could not be created (see `state`). */
export interface ProfileRuntime {
  readonly id: string
  readonly local: boolean
  readonly settings: ProfileSettings
  readonly session: MonitorSession | undefined
  readonly localServer: LocalServer | undefined
  state: SessionState
  /** The token this profile connects with (the minted one in local dev mode). */
  getToken(): Promise<string | null>
}

/** The connection facts that make a running session obsolete when they change. */
function connectionKey(profile: ProfileSettings): string {
  return JSON.stringify([profile.server_url, profile.auth_method, profile.allow_insecure])
}

/** Starts, restarts and stops the sessions of every profile. */
export class ProfileSessions {
  private readonly runtimes = new Map<string, ProfileRuntime>()
  private readonly releases = new Map<string, Disposer[]>()
  private readonly emitter: Emitter<ProfileSessionsEvents>
  private chain: Promise<void> = Promise.resolve()
  private localFailure: string | undefined
  private disposed = false
  /**
   * One notification policy for every profile: the budget of single notices and the summary
   * span all servers, so ten failing servers do not mean ten times the interruptions.
   */
  readonly policy: NotificationPolicy

  constructor(private readonly options: ProfileSessionsOptions) {
    this.emitter = new Emitter((error) =>
      options.log(`a session listener failed: ${describeError(error)}`)
    )
    const prefs = options.notificationPrefs()
    this.policy = new NotificationPolicy({
      ...options.policy,
      singleBudget: prefs.singles_per_minute,
      notifyRecovered: prefs.notify_recovered
    })
  }

  /** Adds a listener; returns a disposer. */
  on<K extends keyof ProfileSessionsEvents>(
    event: K,
    listener: ProfileSessionsEvents[K]
  ): Disposer {
    return this.emitter.on(event, listener)
  }

  /** The running profile with this id. */
  get(id: string): ProfileRuntime | undefined {
    return this.runtimes.get(id)
  }

  /** Every running profile, local first. */
  list(): ProfileRuntime[] {
    return [...this.runtimes.values()].sort((a, b) => Number(b.local) - Number(a.local))
  }

  /** Why local dev mode could not start, while it is on and not running. */
  get localProblem(): string | undefined {
    return this.localFailure
  }

  /** Brings the running sessions in line with `settings` (calls are serialized). */
  apply(settings: AppSettings): Promise<void> {
    const next = this.chain.then(() => this.reconcile(settings))
    this.chain = next.catch((error: unknown) =>
      this.options.log(`applying profiles failed: ${describeError(error)}`)
    )
    return next
  }

  /** Stops every session and the local gateway. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    await this.chain
    await Promise.all([...this.runtimes.keys()].map((id) => this.stop(id)))
    this.emitter.removeAll()
  }

  private async reconcile(settings: AppSettings): Promise<void> {
    if (this.disposed) return
    const wanted = new Map<string, ProfileSettings>()
    for (const profile of settings.profiles) if (profile.enabled) wanted.set(profile.id, profile)
    for (const [id, runtime] of [...this.runtimes]) {
      const profile = runtime.local
        ? settings.local_dev_mode
          ? runtime.settings
          : undefined
        : wanted.get(id)
      if (!profile || connectionKey(profile) !== connectionKey(runtime.settings))
        await this.stop(id)
      else if (!runtime.local) (runtime as { settings: ProfileSettings }).settings = profile
    }
    if (!settings.local_dev_mode) this.localFailure = undefined
    else if (!this.runtimes.has(LOCAL_PROFILE_ID)) await this.startLocal()
    for (const profile of wanted.values()) {
      if (!this.runtimes.has(profile.id)) this.startRemote(profile)
    }
  }

  private async startLocal(): Promise<void> {
    const log = (line: string): void => this.options.log(`[local] ${line}`)
    let server: LocalServer
    try {
      server = await this.options.startLocal(log)
    } catch (error) {
      const reason = `local dev mode could not start: ${describeError(error)}`
      this.localFailure = reason
      this.options.log(reason)
      this.emitter.emit('problem', reason)
      return
    }
    if (this.disposed) return void (await server.close())
    this.localFailure = undefined
    this.start(localProfileSettings(server.url), server)
  }

  private startRemote(profile: ProfileSettings): void {
    this.start(profile, undefined)
  }

  private start(profile: ProfileSettings, localServer: LocalServer | undefined): void {
    const { vault, now } = this.options
    const local = localServer !== undefined
    const getToken = local ? () => Promise.resolve(localServer.token) : () => vault.get(profile.id)
    let session: MonitorSession | undefined
    let state: SessionState
    let serverUrl: string | undefined
    try {
      serverUrl = resolveServerEndpoints(profile.server_url).httpBase
      session = this.createSession(profile, local, getToken)
      state = { ...session.connection.state, server_url: serverUrl, at: now() }
    } catch (error) {
      const reason = describeError(error)
      this.options.log(`profile ${profile.id} cannot start: ${reason}`)
      state = {
        state: 'closed',
        reason,
        at: now(),
        ...(serverUrl ? { server_url: serverUrl } : {})
      }
    }
    const runtime: ProfileRuntime = {
      id: profile.id,
      local,
      settings: profile,
      session,
      localServer,
      state,
      getToken
    }
    this.runtimes.set(profile.id, runtime)
    if (session) this.wire(runtime, session, serverUrl)
    this.emitter.emit('lifecycle', profile.id, true)
    this.emitter.emit('state', profile.id, state)
    session?.start()
  }

  private createSession(
    profile: ProfileSettings,
    local: boolean,
    getToken: () => Promise<string | null>
  ): MonitorSession {
    const defaults = this.options.session ?? {}
    const session = new MonitorSession({
      ...defaults,
      server: profile.server_url,
      profile: profile.id,
      getToken,
      // An in-process gateway starts empty every time: a watermark for it would mean nothing.
      stateDir: local ? null : this.options.stateDir,
      follow: 'all',
      connection: { ...defaults.connection, authMethod: profile.auth_method },
      notifications: this.policy,
      allowInsecure: profile.allow_insecure,
      log: (line) => this.options.log(`[${profile.id}] ${line}`)
    })
    return session
  }

  private wire(
    runtime: ProfileRuntime,
    session: MonitorSession,
    serverUrl: string | undefined
  ): void {
    const id = runtime.id
    const emit = this.emitter
    this.releases.set(id, [
      session.on('state', (state) => {
        runtime.state = {
          ...state,
          ...(serverUrl ? { server_url: serverUrl } : {}),
          at: this.options.now()
        }
        emit.emit('state', id, runtime.state)
      }),
      session.on('transition', (transition) => emit.emit('transition', id, transition)),
      session.on('message', (message) => emit.emit('message', id, message)),
      session.on('alert', (alert) => emit.emit('alert', id, alert)),
      session.on('notification', (notification) => emit.emit('notification', id, notification)),
      // The dashboard's workflow list follows `workflow_event`s; the core itself subscribes to
      // them only in its per-workflow fallback (reference-counted, so both can hold it).
      session.subscriptions.add(Resource.Workflows, ALL_ID)
    ])
  }

  private async stop(id: string): Promise<void> {
    const runtime = this.runtimes.get(id)
    if (!runtime) return
    this.runtimes.delete(id)
    for (const release of this.releases.get(id) ?? []) release()
    this.releases.delete(id)
    runtime.session?.dispose()
    await runtime.localServer
      ?.close()
      .catch((error: unknown) =>
        this.options.log(`closing the local gateway: ${describeError(error)}`)
      )
    this.emitter.emit('lifecycle', id, false)
  }
}
