import WebSocket from 'ws'
import type { ServerMessage } from '@shared/protocol'
import { DisposableStore } from '@shared/disposable'
import type { Disposer } from '@shared/disposable'
import type { TokenClaims } from './auth'
import type { Clock } from './clock'
import { CONTROL, OutboundQueue } from './outbound-queue'
import type { OutboundHooks, OutboundKind, OutboundLimits } from './outbound-queue'

/** Where a connection is in its life. */
export type ConnectionState = 'awaiting_auth' | 'authenticating' | 'authenticated' | 'closed'

/** Longest close reason the protocol allows (bytes). */
const MAX_CLOSE_REASON = 123
/** setTimeout's largest delay; longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * One server message as the UTF-8 bytes of its JSON text. Fan-out passes objects whose
 * payloads may be foreign-shaped (see wire-shapes.ts), hence `object` rather than ServerMessage.
 */
export function encodeFrame(message: object): Buffer {
  return Buffer.from(JSON.stringify(message))
}

/** One client socket and its per-connection state (auth, subscriptions, outbound queue). */
export class ClientConnection {
  state: ConnectionState = 'awaiting_auth'
  claims: TokenClaims | undefined
  /** `resource:id` keys this connection is subscribed to. */
  readonly subscriptions = new Set<string>()
  /** Messages that arrived while a token was being verified, handled in order afterwards. */
  readonly backlog: string[] = []
  /** Answered a protocol ping (or sent anything) since the last heartbeat. */
  alive = true
  /** Fan-out marker: equal to the broadcast's stamp once this connection got it. */
  stamp = 0
  readonly queue: OutboundQueue
  /** The queue and both timers; released together in `dispose()`. */
  private readonly owned = new DisposableStore()
  private authTimer: ReturnType<typeof setTimeout> | undefined
  private stopExpiry: Disposer | undefined

  constructor(
    readonly socket: WebSocket,
    readonly id: number,
    limits: OutboundLimits,
    hooks: OutboundHooks,
    private readonly clock: Clock,
    /** Called before each frame is written (the server batches writes per turn: write-batch.ts). */
    beforeWrite: () => void = () => {}
  ) {
    // Frames are already UTF-8: ws sends a Buffer with binary:false as a text frame as-is.
    this.queue = new OutboundQueue(
      {
        get bufferedAmount() {
          return socket.bufferedAmount
        },
        send: (frame) => {
          beforeWrite()
          socket.send(frame, { binary: false })
        }
      },
      limits,
      hooks
    )
    this.owned.add(this.queue)
  }

  get userId(): string | undefined {
    return this.claims?.sub
  }

  get isOpen(): boolean {
    return this.state !== 'closed' && this.socket.readyState === WebSocket.OPEN
  }

  /** True once the token's `exp` has passed by the gateway's clock. */
  get isExpired(): boolean {
    return this.claims !== undefined && this.claims.exp * 1000 <= this.clock.now()
  }

  /** Serializes and sends one message through the outbound queue. */
  send(message: ServerMessage, kind: OutboundKind = CONTROL): void {
    if (this.isOpen) this.queue.push(encodeFrame(message), kind)
  }

  /** Sends an already encoded message (fan-out encodes once for every subscriber). */
  sendFrame(frame: Buffer, kind: OutboundKind): void {
    if (this.isOpen) this.queue.push(frame, kind)
  }

  /** Starts the deadline for an `authenticate` message (real time). */
  armAuthTimeout(ms: number, onTimeout: () => void): void {
    this.clearAuthTimeout()
    this.authTimer = this.owned.setTimeout(onTimeout, ms)
  }

  clearAuthTimeout(): void {
    this.owned.clear(this.authTimer)
    this.authTimer = undefined
  }

  /** Calls `onExpired` when the token's `exp` passes by the gateway's clock (long waits in steps). */
  armExpiry(expSeconds: number, onExpired: () => void): void {
    this.stopExpiry?.()
    let handle: unknown
    const wait = (): void => {
      const remaining = expSeconds * 1000 - this.clock.now()
      if (remaining <= 0) {
        this.stopExpiry?.()
        onExpired()
        return
      }
      handle = this.clock.setTimeout(wait, Math.min(remaining, MAX_TIMER_MS))
    }
    this.stopExpiry = this.owned.add(() => this.clock.clearTimeout(handle))
    wait()
  }

  /**
   * Closes with `code`: anything still queued is dropped, `last` (an error explaining why) is
   * written just before the close frame.
   */
  close(code: number, reason: string, last?: ServerMessage): void {
    if (this.state === 'closed') return
    this.dispose()
    if (this.socket.readyState !== WebSocket.OPEN) return
    if (last) this.socket.send(JSON.stringify(last))
    this.socket.close(code, Buffer.from(reason).subarray(0, MAX_CLOSE_REASON).toString())
  }

  /** Marks the connection closed and releases its timers and queue. Idempotent. */
  dispose(): void {
    this.state = 'closed'
    this.owned.dispose()
    this.backlog.length = 0
  }
}
