import type { ClientMessage } from '@shared/protocol'

/** Lower numbers go first: heartbeat and auth, then subscriptions, then commands. */
export const Priority = { Control: 0, Subscription: 1, Command: 2 } as const
export type PriorityValue = (typeof Priority)[keyof typeof Priority]

export interface PacingPolicy {
  /** Most messages sent within any `windowMs`; keep a margin under the server's limit. */
  limit: number
  /** The server's window. */
  windowMs: number
  /**
   * Extra time a sent message keeps its slot (default windowMs / 10). The server counts arrival
   * times: without this, a full window re-sent the moment the last one expires can land inside
   * the server's window when the earlier burst arrived later than the new one (latency jitter).
   */
  guardMs?: number
}

/** The server allows 100 client messages per minute per user: 90, each holding its slot 66 s. */
export const DEFAULT_PACING: PacingPolicy = { limit: 90, windowMs: 60_000 }

interface Entry {
  message: ClientMessage
  priority: PriorityValue
  onSent?: () => void
}

/**
 * Paces every outbound message through one sliding window, so the client never exceeds the
 * server's rate limit, even while re-subscribing to hundreds of resources. The window is kept
 * across reconnects because the server counts per user, not per socket.
 */
export class Outbox {
  private readonly queues: Entry[][] = [[], [], []]
  private readonly sentAt: number[] = []
  private timer: NodeJS.Timeout | undefined
  private open = false
  /** How long a sent message counts against the limit: the window plus the jitter guard. */
  private readonly spanMs: number

  constructor(
    private readonly policy: PacingPolicy,
    private readonly transmit: (message: ClientMessage) => boolean,
    private readonly now: () => number = Date.now
  ) {
    this.spanMs = policy.windowMs + (policy.guardMs ?? policy.windowMs / 10)
  }

  /** Queues a message; it is sent as soon as the socket is open and the window allows. */
  enqueue(message: ClientMessage, priority: PriorityValue, onSent?: () => void): void {
    this.queues[priority]!.push({ message, priority, onSent })
    this.drain()
  }

  /** The socket is open: start sending. */
  setOpen(open: boolean): void {
    this.open = open
    if (open) this.drain()
    else this.clearTimer()
  }

  /** Drops queued messages matching `predicate` (e.g. subscriptions, which are re-derived on connect). */
  discard(predicate: (message: ClientMessage) => boolean): void {
    for (let i = 0; i < this.queues.length; i++) {
      this.queues[i] = this.queues[i]!.filter((entry) => !predicate(entry.message))
    }
  }

  /** Messages waiting to be sent. */
  get size(): number {
    return this.queues.reduce((n, q) => n + q.length, 0)
  }

  /** Messages sent within the current window (for tests and diagnostics). */
  sentInWindow(): number {
    this.expire()
    return this.sentAt.length
  }

  /** True while the pacing timer runs (leak checks). */
  hasLiveTimer(): boolean {
    return this.timer !== undefined
  }

  /** Stops timers and forgets everything queued. */
  dispose(): void {
    this.clearTimer()
    for (const q of this.queues) q.length = 0
    this.open = false
  }

  private expire(): void {
    const cutoff = this.now() - this.spanMs
    while (this.sentAt.length > 0 && this.sentAt[0]! <= cutoff) this.sentAt.shift()
  }

  private next(): Entry | undefined {
    for (const q of this.queues) if (q.length > 0) return q.shift()
    return undefined
  }

  private drain(): void {
    if (!this.open || this.timer) return
    this.expire()
    while (this.size > 0 && this.sentAt.length < this.policy.limit) {
      const entry = this.next()!
      if (!this.transmit(entry.message)) {
        // The socket went away under us: keep the message for the next connection.
        this.queues[entry.priority]!.unshift(entry)
        return
      }
      this.sentAt.push(this.now())
      entry.onSent?.()
    }
    if (this.size > 0) {
      const wait = Math.max(1, this.sentAt[0]! + this.spanMs - this.now() + 1)
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.drain()
      }, wait)
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }
}
