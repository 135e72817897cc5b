import { ErrorCode } from '@shared/protocol'
import type { ServerMessage } from '@shared/protocol'
import { Emitter } from '@shared/emitter'
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

type RegistryEvents = {
  change: (info: SubscriptionInfo) => void
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
const RETRY_AFTER_MS = 5_000

const keyOf = (resource: string, id: string): string => `${resource}:${id}`

/**
 * Subscriptions as state, not commands: reference-counted, re-established on every connect,
 * confirmed by `subscribed`, with `error` answers attached to the subscription they are about.
 */
export class SubscriptionRegistry extends Emitter<RegistryEvents> {
  private readonly entries = new Map<string, SubscriptionInfo>()
  private readonly byRequest = new Map<string, string>()
  private readonly retryTimers = new Set<NodeJS.Timeout>()
  private seq = 0
  private open = false

  constructor(private readonly connection: NebulaConnection) {
    super()
  }

  /** Holds a subscription; returns the function that releases this hold. */
  add(resource: string, id: string): () => void {
    const key = keyOf(resource, id)
    let entry = this.entries.get(key)
    if (!entry) {
      entry = { resource, id, refs: 1, status: 'pending' }
      this.entries.set(key, entry)
      // Announced, so observers know something is unconfirmed from now on (the session holds
      // its watermark until it has looked back over this subscription's gap).
      this.emit('change', { ...entry })
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
    const entry = this.entries.get(keyOf(resource, id))
    return entry ? { ...entry } : undefined
  }

  /** Every tracked subscription. */
  list(): SubscriptionInfo[] {
    return [...this.entries.values()].map((e) => ({ ...e }))
  }

  /** True while any subscription still waits for its confirmation. */
  hasPending(): boolean {
    for (const entry of this.entries.values()) if (entry.status === 'pending') return true
    return false
  }

  /** A socket opened: every live subscription is pending again and is re-sent. */
  connected(): void {
    this.open = true
    this.byRequest.clear()
    for (const entry of this.entries.values()) {
      if (entry.status === 'failed') continue
      this.setStatus(entry, 'pending')
      this.request('subscribe', entry)
    }
  }

  /** The socket closed: nothing is confirmed any more. */
  disconnected(): void {
    this.open = false
    this.byRequest.clear()
    for (const timer of this.retryTimers) clearTimeout(timer)
    this.retryTimers.clear()
    for (const entry of this.entries.values()) {
      if (entry.status === 'active') this.setStatus(entry, 'pending')
    }
  }

  /** Applies `subscribed`, `unsubscribed` and `error` answers; returns true when it used the message. */
  handle(message: ServerMessage): boolean {
    if (message.type === 'subscribed') {
      const key = this.resolveKey(message.request_id, message.resource, message.id)
      const entry = key ? this.entries.get(key) : undefined
      if (entry) {
        delete entry.error
        this.setStatus(entry, 'active')
      }
      return true
    }
    if (message.type === 'unsubscribed') {
      if (message.request_id) this.byRequest.delete(message.request_id)
      return true
    }
    if (message.type === 'error') {
      const key = this.resolveKey(message.request_id, message.resource, message.id)
      const entry = key ? this.entries.get(key) : undefined
      if (!key || !entry) return false
      entry.error = { code: message.code, message: message.message }
      if (PERMANENT.has(message.code)) {
        this.setStatus(entry, 'failed')
      } else {
        // Transient (rate limit, internal error): ask again a little later.
        this.emit('change', { ...entry })
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer)
          if (this.open && this.entries.get(key) === entry && entry.status === 'pending') {
            this.request('subscribe', entry)
          }
        }, RETRY_AFTER_MS)
        this.retryTimers.add(timer)
      }
      return true
    }
    return false
  }

  /** Stops retry timers and forgets every subscription. */
  dispose(): void {
    this.disconnected()
    this.entries.clear()
    this.removeAll()
  }

  private release(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    entry.refs--
    if (entry.refs > 0) return
    this.entries.delete(key)
    if (this.open && entry.status !== 'failed') this.request('unsubscribe', entry)
  }

  private request(type: 'subscribe' | 'unsubscribe', entry: SubscriptionInfo): void {
    const requestId = `${type === 'subscribe' ? 'sub' : 'unsub'}-${++this.seq}`
    this.byRequest.set(requestId, keyOf(entry.resource, entry.id))
    this.connection.send(
      { type, resource: entry.resource, id: entry.id, request_id: requestId },
      Priority.Subscription
    )
  }

  private resolveKey(requestId?: string, resource?: string, id?: string): string | undefined {
    if (requestId && this.byRequest.has(requestId)) {
      const key = this.byRequest.get(requestId)!
      this.byRequest.delete(requestId)
      return key
    }
    return resource && id ? keyOf(resource, id) : undefined
  }

  private setStatus(entry: SubscriptionInfo, status: SubscriptionStatus): void {
    if (entry.status === status) return
    entry.status = status
    this.emit('change', { ...entry })
  }
}
