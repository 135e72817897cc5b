import { Resource, isTerminalStatus } from '@shared/protocol'
import type { OutboundKind } from './outbound-queue'
import type { ClientConnection } from './ws-connection'

/** Subscriptions one connection may hold. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 5000

/** The key of one subscription: `resource:id`. */
export function subscriptionKey(resource: string, id: string): string {
  return `${resource}:${id}`
}

const EXECUTION_PREFIX = subscriptionKey(Resource.Execution, '')

/** Who is subscribed to what: each connection's keys, and key → connections for the fan-out. */
export class SubscriptionIndex {
  /** `resource:id` → subscribed connections; changed only with `conn.subscriptions`, here. */
  private readonly index = new Map<string, Set<ClientConnection>>()
  private stampSeq = 0

  /** `executionStatus` is undefined for an execution the engine has forgotten. */
  constructor(private readonly executionStatus: (executionId: string) => string | undefined) {}

  /** True when at least one connection is subscribed to `key`. */
  hasSubscribers(key: string): boolean {
    return this.index.has(key)
  }

  /** True when `key` would be a new subscription for `conn` and it already holds its maximum. */
  isFull(conn: ClientConnection, key: string): boolean {
    return (
      !conn.subscriptions.has(key) && conn.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION
    )
  }

  /** Subscribes `conn` to `key` (no limit check: see `isFull`). */
  add(conn: ClientConnection, key: string): void {
    conn.subscriptions.add(key)
    let set = this.index.get(key)
    if (!set) {
      set = new Set()
      this.index.set(key, set)
    }
    set.add(conn)
  }

  /** Unsubscribes `conn` from `key`; nothing to do when it was not subscribed. */
  remove(conn: ClientConnection, key: string): void {
    if (conn.subscriptions.delete(key)) this.unindex(key, conn)
  }

  /** Drops every subscription of a connection that is gone. */
  removeAll(conn: ClientConnection): void {
    for (const key of conn.subscriptions) this.unindex(key, conn)
    conn.subscriptions.clear()
  }

  /**
   * Subscribes the requester of `execute_workflow` to its execution. At the per-connection cap
   * the oldest finished (or forgotten) execution subscription makes room, so a long session that
   * keeps executing stays bounded.
   */
  addImplicit(conn: ClientConnection, executionId: string): void {
    const key = subscriptionKey(Resource.Execution, executionId)
    if (conn.subscriptions.has(key)) return
    if (conn.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      let victim: string | undefined
      for (const candidate of conn.subscriptions) {
        if (!candidate.startsWith(EXECUTION_PREFIX)) continue
        victim ??= candidate
        const status = this.executionStatus(candidate.slice(EXECUTION_PREFIX.length))
        if (status === undefined || isTerminalStatus(status)) {
          victim = candidate
          break
        }
      }
      if (victim) this.remove(conn, victim)
    }
    this.add(conn, key)
  }

  /**
   * Sends `frame` once to every connection subscribed to any of `keys`, except `skip`. A
   * connection is stamped with the broadcast's number as it gets the frame, so one subscribed to
   * several of the keys is not sent it twice, without building a set of recipients per event.
   */
  deliver(
    keys: readonly string[],
    frame: Buffer,
    kind: OutboundKind,
    skip?: ClientConnection
  ): void {
    const stamp = ++this.stampSeq
    if (skip) skip.stamp = stamp
    for (const key of keys) {
      const set = this.index.get(key)
      if (!set) continue
      for (const conn of set) {
        if (conn.stamp === stamp) continue
        conn.stamp = stamp
        conn.sendFrame(frame, kind)
      }
    }
  }

  private unindex(key: string, conn: ClientConnection): void {
    const set = this.index.get(key)
    if (!set) return
    set.delete(conn)
    if (set.size === 0) this.index.delete(key)
  }
}
