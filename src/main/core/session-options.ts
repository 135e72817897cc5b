import type { Alert, Notification } from '@shared/alerts'
import type { ConnectionState } from '@shared/connection-state'
import type { Rejected, ServerMessage } from '@shared/protocol'
import type { ConnectionOptions } from './connection'
import type { StoreLimits, Transition } from './execution-store'
import type { InvalidTransitionMode } from './lifecycle'
import type { NotificationPolicy, NotificationPolicyOptions } from './notification-policy'
import type { SubscriptionInfo, SubscriptionRegistryOptions } from './subscription-registry'

// The public contract of a MonitorSession (session.ts): what it is given, and what it reports.

export interface MonitorSessionOptions {
  /** Server base URL (http, https, ws or wss). */
  server: string
  /** Allow `http`/`ws` to a host that is not loopback (the token travels in clear text). */
  allowInsecure?: boolean
  /** Server profile id: keys the keychain entry and the persisted state. */
  profile: string
  getToken: () => Promise<string | null> | string | null
  /** Where per-profile state lives; null keeps nothing between runs. */
  stateDir: string | null
  /** `all` follows every execution; otherwise exactly these subscriptions. */
  follow: 'all' | Array<{ resource: string; id: string }>
  connection?: Omit<
    ConnectionOptions,
    'server' | 'getToken' | 'log' | 'lifecycle' | 'allowInsecure' | 'onInvalidTransition'
  >
  /** Subscription answers: the confirm bound and the retry backoff. */
  subscriptions?: Omit<SubscriptionRegistryOptions, 'refuseOnSilence' | 'log'>
  /**
   * The notification policy's options, or a policy instance shared with other sessions (one
   * budget across profiles). Each decision comes out once, as a `notification` event of the
   * session whose call (or tick) produced it.
   */
  notifications?: NotificationPolicyOptions | NotificationPolicy
  store?: Partial<StoreLimits>
  /** How long to wait for subscription answers before reconciling anyway. */
  settleTimeoutMs?: number
  /** Delay before a failed reconciliation is tried again. */
  resyncDelayMs?: number
  /** REST polling interval for what no live subscription covers (default 15 s). */
  pollIntervalMs?: number
  /** What an invalid lifecycle transition does: `throw` (tests) or `log` (default). */
  onInvalidTransition?: InvalidTransitionMode
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
