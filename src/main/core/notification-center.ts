import type { Alert, Notification } from '@shared/alerts'
import { DisposableStore } from '@shared/disposable'
import type { Disposer } from '@shared/disposable'
import { Emitter } from '@shared/emitter'
import type { ExecutionTransition } from './alert-policy'
import { NotificationPolicy } from './notification-policy'
import type { NotificationPolicyOptions } from './notification-policy'

type CenterEvents = { notification: (notification: Notification) => void }

/**
 * The pure NotificationPolicy with a clock and the one timer it needs: whatever the policy
 * holds back (a summary, the end of do-not-disturb) comes out at `nextTickAt()`. Several
 * sessions (profiles) may share one policy, each through its own center: the policy returns
 * each decision once, to whichever center asked, so nothing is shown twice and the budget
 * spans them all.
 */
export class NotificationCenter {
  readonly policy: NotificationPolicy
  private readonly events: Emitter<CenterEvents>
  private readonly timers = new DisposableStore()
  private tickTimer: ReturnType<typeof setTimeout> | undefined
  /** When the armed timer fires (the policy's `nextTickAt()` when it was armed). */
  private tickAt: number | undefined

  constructor(
    policy: NotificationPolicyOptions | NotificationPolicy = {},
    private readonly now: () => number = Date.now,
    log: (line: string) => void = () => {},
    /** The profile of the session using this center, named on its notices. */
    private readonly profile?: string
  ) {
    this.policy = policy instanceof NotificationPolicy ? policy : new NotificationPolicy(policy)
    this.events = new Emitter((error) => log(`notification listener failed: ${String(error)}`))
  }

  /** Adds a listener; returns its disposer. */
  on<K extends keyof CenterEvents>(event: K, listener: CenterEvents[K]): Disposer {
    return this.events.on(event, listener)
  }

  /** A new alert. */
  alert(alert: Alert): void {
    this.deliver(this.policy.onAlert(alert, this.now(), this.profile))
  }

  /** An execution completed: maybe a workflow recovers. */
  completed(transition: ExecutionTransition): void {
    this.deliver(this.policy.onCompleted(transition, this.now(), this.profile))
  }

  /** Failures that happened while the monitor was closed. */
  missed(alerts: readonly Alert[]): void {
    if (alerts.length > 0)
      this.deliver(this.policy.onMissedFailures(alerts, this.now(), this.profile))
  }

  /** The server refused the token: the user must sign in again. */
  authFailed(reason?: string): void {
    this.deliver(this.policy.onAuthFailed(this.now(), this.profile, reason))
  }

  /** The session is live again after an auth failure. */
  authRestored(): void {
    this.policy.onAuthRestored(this.profile)
  }

  /** Suppresses notifications until `until` (ms), or ends do-not-disturb (null). */
  setDoNotDisturb(until: number | null): void {
    this.deliver(this.policy.setDoNotDisturb(until, this.now()))
  }

  /** True while the tick timer runs (leak checks). */
  hasLiveTimers(): boolean {
    return this.timers.hasLive()
  }

  /** Stops the timer and drops every listener. */
  dispose(): void {
    this.timers.dispose()
    this.events.removeAll()
  }

  private deliver(notifications: Notification[]): void {
    for (const notification of notifications) this.events.emit('notification', notification)
    this.scheduleTick()
  }

  private scheduleTick(): void {
    const at = this.timers.isDisposed ? undefined : this.policy.nextTickAt()
    // Every alert and completion lands here: re-arm only when the due time moved (a storm of
    // failures would otherwise cancel and create a timer per failure).
    if (at === this.tickAt && (at === undefined || this.tickTimer)) return
    this.timers.clear(this.tickTimer)
    this.tickTimer = undefined
    this.tickAt = at
    if (at === undefined) return
    this.tickTimer = this.timers.setTimeout(
      () => {
        this.tickTimer = undefined
        this.tickAt = undefined
        this.deliver(this.policy.tick(this.now()))
      },
      Math.max(0, at - this.now())
    )
  }
}
