import { DisposableStore } from '@shared/disposable'

/** The part of a socket the queue needs: unsent bytes, and a send of one UTF-8 text frame. */
interface OutboundSink {
  readonly bufferedAmount: number
  send(frame: Buffer): void
}

/**
 * How a message may be treated while the consumer is slow: `control` messages (answers, errors,
 * workflow events) are never dropped or coalesced; `log` lines may be dropped, oldest first; an
 * `update` replaces any still-pending update with the same key (the latest state wins). A
 * consumer past the hard limits is given up on altogether (`onOverflow`).
 */
export type OutboundKind = { kind: 'control' } | { kind: 'log' } | { kind: 'update'; key: string }

export interface OutboundLimits {
  /** While the socket has more than this many bytes unsent, new messages wait here. */
  maxBufferedBytes: number
  /** Pending log lines kept; older ones are dropped. */
  maxPendingLogs: number
  /** Pending messages of any kind beyond which the consumer is given up on. */
  maxPending: number
  /** Pending bytes beyond which the consumer is given up on. */
  maxPendingBytes: number
  /** How often a waiting queue re-checks the socket. */
  flushIntervalMs: number
}

export interface OutboundHooks {
  onDroppedUpdate(): void
  onDroppedLog(): void
  /** The consumer fell hopelessly behind; the queue is already cleared. */
  onOverflow(): void
}

export const DEFAULT_OUTBOUND_LIMITS: OutboundLimits = {
  maxBufferedBytes: 1024 * 1024,
  maxPendingLogs: 500,
  maxPending: 5000,
  maxPendingBytes: 16 * 1024 * 1024,
  flushIntervalMs: 20
}

export const CONTROL: OutboundKind = { kind: 'control' }
export const LOG: OutboundKind = { kind: 'log' }

/**
 * Per-connection send path with bounded memory. Messages go straight to the socket while it keeps
 * up; once its buffer passes the threshold they wait in an ordered map, where execution updates
 * coalesce per execution and logs are capped, and a timer flushes them as the socket drains.
 */
export class OutboundQueue {
  /** Insertion-ordered; keys are `u:<update key>` or `m:<sequence>`. */
  private readonly pending = new Map<string, Buffer>()
  /** Pending log keys, oldest first, from `logHead` on (entries may be stale). */
  private logKeys: string[] = []
  private logHead = 0
  private pendingLogs = 0
  private pendingBytes = 0
  private seq = 0
  /** The flush timer. */
  private readonly timers = new DisposableStore()
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly sink: OutboundSink,
    private readonly limits: OutboundLimits,
    private readonly hooks: OutboundHooks
  ) {}

  /** Messages waiting for the socket to drain. */
  get size(): number {
    return this.pending.size
  }

  /** Bytes waiting for the socket to drain. */
  get bytes(): number {
    return this.pendingBytes
  }

  /**
   * Sends now when the socket keeps up, else queues by `kind` (see OutboundKind). `frame` is the
   * UTF-8 text of one message; fan-out encodes it once and passes the same buffer to everyone.
   */
  push(frame: Buffer, kind: OutboundKind): void {
    if (this.timers.isDisposed) return
    if (this.pending.size > 0) this.flush()
    if (this.pending.size === 0 && this.sink.bufferedAmount <= this.limits.maxBufferedBytes) {
      this.sink.send(frame)
      return
    }
    if (kind.kind === 'update') {
      const key = `u:${kind.key}`
      // Delete then set: the latest state moves to the back, after anything it supersedes.
      if (this.remove(key)) this.hooks.onDroppedUpdate()
      this.add(key, frame)
    } else {
      const key = `m:${this.seq++}`
      this.add(key, frame)
      if (kind.kind === 'log') {
        this.logKeys.push(key)
        this.pendingLogs++
        if (this.pendingLogs > this.limits.maxPendingLogs) this.dropOldestLog()
      }
    }
    if (
      this.pending.size > this.limits.maxPending ||
      this.pendingBytes > this.limits.maxPendingBytes
    ) {
      this.clear()
      this.hooks.onOverflow()
      return
    }
    this.armTimer()
  }

  /** Sends pending messages while the socket has room. */
  flush(): void {
    while (this.pending.size > 0 && this.sink.bufferedAmount <= this.limits.maxBufferedBytes) {
      const first = this.pending.entries().next().value as [string, Buffer]
      this.remove(first[0])
      if (first[0].startsWith('m:') && this.isPendingLog(first[0])) this.pendingLogs--
      this.sink.send(first[1])
    }
    this.compactLogKeys()
  }

  /** Stops the timer and forgets everything pending. */
  dispose(): void {
    this.clear()
    this.timers.dispose()
  }

  private armTimer(): void {
    if (this.timer) return
    const tick = (): void => {
      this.timer = undefined
      this.flush()
      if (this.pending.size > 0) this.armTimer()
    }
    this.timer = this.timers.setTimeout(tick, this.limits.flushIntervalMs)
  }

  private isPendingLog(key: string): boolean {
    // Logs leave the map in order, so a pending log being sent is always the oldest live one.
    while (this.logHead < this.logKeys.length) {
      const head = this.logKeys[this.logHead] as string
      if (head === key) {
        this.logHead++
        return true
      }
      if (this.pending.has(head)) return false
      this.logHead++
    }
    return false
  }

  private dropOldestLog(): void {
    while (this.logHead < this.logKeys.length) {
      const key = this.logKeys[this.logHead++] as string
      if (this.remove(key)) {
        this.pendingLogs--
        this.hooks.onDroppedLog()
        return
      }
    }
  }

  private compactLogKeys(): void {
    if (this.logHead > 1024 && this.logHead * 2 > this.logKeys.length) {
      this.logKeys = this.logKeys.slice(this.logHead)
      this.logHead = 0
    }
  }

  private add(key: string, frame: Buffer): void {
    this.pending.set(key, frame)
    this.pendingBytes += frame.length
  }

  private remove(key: string): boolean {
    const frame = this.pending.get(key)
    if (!frame) return false
    this.pending.delete(key)
    this.pendingBytes -= frame.length
    return true
  }

  private clear(): void {
    this.pendingBytes = 0
    this.timers.clear(this.timer)
    this.timer = undefined
    this.pending.clear()
    this.logKeys = []
    this.logHead = 0
    this.pendingLogs = 0
  }
}
