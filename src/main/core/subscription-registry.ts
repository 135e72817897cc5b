import { ErrorCode } from '@shared/protocol'
import type { ServerMessage } from '@shared/protocol'
import { DisposableStore } from '@shared/disposable'
import type { Disposer } from '@shared/disposable'
import { Emitter } from '@shared/emitter'
import { subscriptionKey } from './answer-correlator'
import type { Outstanding } from './answer-correlator'
import { equalJitterDelay } from './backoff'
import type { BackoffPolicy } from './backoff'
import { Priority } from './outbox'
import type { NebulaConnection } from './connection'

export type SubscriptionStatus = 'pending' | 'active' | 'failed'

/** One subscription as the registry tracks it. */
export interface SubscriptionInfo {
  resource: string
  id: string
  refs: number
  status: SubscriptionStatus
  error?: { code: string; message: string }
}

/** The code recorded on a subscription the server left unanswered past the bound. */
export const NO_ANSWER = 'NO_ANSWER'

export interface SubscriptionRegistryOptions {
  /** How long a sent subscribe may go unanswered (default 5 s). */
  confirmTimeoutMs?: number
  /** Subscriptions whose silence counts as a refusal; the others are asked again. */
  refuseOnSilence?: (resource: string, id: string) => boolean
  /** Delay between repeated asks for one subscription (default 2 s doubling to 60 s). */
  retry?: Pick<BackoffPolicy, 'baseMs' | 'capMs'>
  random?: () => number
  log?: (line: string) => void
}

type RegistryEvents = {
  /** A subscription was added or its status (or error) changed. */
  change: (info: SubscriptionInfo) => void
  /** The last hold on a subscription was released; it is no longer tracked. */
  removed: (info: SubscriptionInfo) => void
}

// Errors that say the subscription can never succeed: surfaced, and not retried on reconnect.
const PERMANENT = new Set<string>([
  ErrorCode.SubscriptionFailed,
  ErrorCode.InvalidResource,
  ErrorCode.NotFound,
  ErrorCode.Forbidden,
  ErrorCode.Unauthorized,
  ErrorCode.InvalidMessage
])

interface Entry extends SubscriptionInfo {
  /** Asks in a row without a confirmation (drives the retry delay). */
  asks: number
  /** The confirm-timeout or retry timer running for this entry. */
  timer?: ReturnType<typeof setTimeout>
}

/**
 * Subscriptions as state, not commands: reference-counted, re-established on every connect,
 * confirmed by `subscribed`. Answers arrive already tied to their request (answer-correlator.ts).
 * A subscribe left unanswered past the bound is refused or asked again, with backoff.
 */
export class SubscriptionRegistry {
  private readonly events: Emitter<RegistryEvents>
  private readonly entries = new Map<string, Entry>()
  private readonly timers = new DisposableStore()
  private readonly confirmTimeoutMs: number
  private readonly retry: Pick<BackoffPolicy, 'baseMs' | 'capMs'>
  private readonly random: () => number
  private readonly log: (line: string) => void
  private seq = 0
  private open = false

  constructor(
    private readonly connection: NebulaConnection,
    private readonly options: SubscriptionRegistryOptions = {}
  ) {
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 5_000
    this.retry = options.retry ?? { baseMs: 2_000, capMs: 60_000 }
    this.random = options.random ?? Math.random
    this.log = options.log ?? (() => {})
    this.events = new Emitter((error) => this.log(`subscription listener failed: ${String(error)}`))
  }

  /** Adds a listener; returns its disposer. */
  on<K extends keyof RegistryEvents>(event: K, listener: RegistryEvents[K]): Disposer {
    return this.events.on(event, listener)
  }

  /** Holds a subscription; returns the function that releases this hold. */
  add(resource: string, id: string): Disposer {
    const key = subscriptionKey(resource, id)
    let entry = this.entries.get(key)
    if (!entry) {
      entry = { resource, id, refs: 1, status: 'pending', asks: 0 }
      this.entries.set(key, entry)
      // Announced, so observers know something is unconfirmed from now on.
      this.emitChange(entry)
      if (this.open) this.request('subscribe', entry)
    } else {
      entry.refs++
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.release(key)
    }
  }

  /** The tracked subscription for a resource and id. */
  get(resource: string, id: string): SubscriptionInfo | undefined {
    const entry = this.entries.get(subscriptionKey(resource, id))
    return entry ? snapshot(entry) : undefined
  }

  /** Every tracked subscription. */
  list(): SubscriptionInfo[] {
    return [...this.entries.values()].map(snapshot)
  }

  /** True while any subscription still waits for its confirmation. */
  hasPending(): boolean {
    for (const entry of this.entries.values()) if (entry.status === 'pending') return true
    return false
  }

  /**
   * True while a subscription sent on this socket (or to be asked again) waits for its answer.
   * Those still queued behind the pacing window are not counted: nothing can answer them before
   * the window frees up (a minute, under the document's limit).
   */
  hasUnanswered(): boolean {
    for (const entry of this.entries.values()) {
      if (entry.status === 'pending' && entry.asks > 0) return true
    }
    return false
  }

  /** A socket opened: every subscription not refused is pending again and is re-sent. */
  connected(): void {
    this.open = true
    for (const entry of this.entries.values()) {
      if (entry.status === 'failed') continue
      entry.asks = 0
      this.setStatus(entry, 'pending')
      this.request('subscribe', entry)
    }
  }

  /** The socket closed: nothing is confirmed any more, and nothing is waited for. */
  disconnected(): void {
    this.open = false
    for (const entry of this.entries.values()) {
      this.clearTimer(entry)
      if (entry.status === 'active') this.setStatus(entry, 'pending')
    }
  }

  /** Applies an answer the correlator tied to one of this registry's requests. */
  answer(request: Outstanding, message: ServerMessage): void {
    if (request.kind !== 'subscribe' || !request.key) {
      if (message.type === 'error')
        this.log(`unsubscribe ${request.key ?? ''} answered ${message.code}: ${message.message}`)
      return
    }
    const entry = this.entries.get(request.key)
    if (!entry || entry.status === 'failed') return
    if (message.type === 'subscribed') {
      this.clearTimer(entry)
      entry.asks = 0
      delete entry.error
      this.setStatus(entry, 'active')
      return
    }
    if (message.type !== 'error') return
    this.clearTimer(entry)
    entry.error = { code: message.code, message: message.message }
    if (PERMANENT.has(message.code)) {
      this.setStatus(entry, 'failed')
      return
    }
    // Transient (rate limit, internal error): ask again a little later.
    this.setStatus(entry, 'pending', true)
    this.askAgainLater(entry)
  }

  /** Stops every timer and forgets every subscription and listener. */
  dispose(): void {
    this.open = false
    this.timers.dispose()
    this.entries.clear()
    this.events.removeAll()
  }

  /** Listeners attached (leak checks: repeated syncs must not accumulate them). */
  listenerCount(): number {
    return this.events.listenerCount()
  }

  /** True while a confirm or retry timer runs (leak checks). */
  hasLiveTimers(): boolean {
    return this.timers.hasLive()
  }

  private release(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    entry.refs--
    if (entry.refs > 0) return
    this.clearTimer(entry)
    this.entries.delete(key)
    if (this.open && entry.status !== 'failed') this.request('unsubscribe', entry)
    this.events.emit('removed', snapshot(entry))
  }

  private request(type: 'subscribe' | 'unsubscribe', entry: Entry): void {
    const requestId = `${type === 'subscribe' ? 'sub' : 'unsub'}-${++this.seq}`
    const onSent =
      type === 'subscribe'
        ? () => {
            entry.asks++
            this.clearTimer(entry)
            entry.timer = this.timers.setTimeout(() => this.onSilence(entry), this.confirmTimeoutMs)
          }
        : undefined
    this.connection.send(
      { type, resource: entry.resource, id: entry.id, request_id: requestId },
      Priority.Subscription,
      onSent
    )
  }

  /** A sent subscribe got no answer within the bound. */
  private onSilence(entry: Entry): void {
    entry.timer = undefined
    if (!this.open || this.entries.get(subscriptionKey(entry.resource, entry.id)) !== entry) return
    if (entry.status !== 'pending') return
    const seconds = this.confirmTimeoutMs / 1000
    entry.error = { code: NO_ANSWER, message: `no answer within ${seconds} s` }
    if (this.options.refuseOnSilence?.(entry.resource, entry.id)) {
      this.setStatus(entry, 'failed')
      return
    }
    this.log(`no answer to subscribe ${entry.resource}:${entry.id}; asking again`)
    this.setStatus(entry, 'pending', true)
    this.askAgainLater(entry)
  }

  private askAgainLater(entry: Entry): void {
    const delay = equalJitterDelay(Math.max(entry.asks, 1), this.retry, this.random)
    entry.timer = this.timers.setTimeout(() => {
      entry.timer = undefined
      if (this.open && this.entries.get(subscriptionKey(entry.resource, entry.id)) === entry) {
        if (entry.status === 'pending') this.request('subscribe', entry)
      }
    }, delay)
  }

  private clearTimer(entry: Entry): void {
    this.timers.clear(entry.timer)
    entry.timer = undefined
  }

  private setStatus(entry: Entry, status: SubscriptionStatus, always = false): void {
    if (entry.status === status && !always) return
    entry.status = status
    this.emitChange(entry)
  }

  private emitChange(entry: Entry): void {
    this.events.emit('change', snapshot(entry))
  }
}

function snapshot(entry: Entry): SubscriptionInfo {
  const info: SubscriptionInfo = {
    resource: entry.resource,
    id: entry.id,
    refs: entry.refs,
    status: entry.status
  }
  if (entry.error) info.error = { ...entry.error }
  return info
}
