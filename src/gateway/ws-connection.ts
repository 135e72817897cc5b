import WebSocket from 'ws'
import type { ServerMessage } from '@shared/protocol'
import type { TokenClaims } from './auth'
import { CONTROL, OutboundQueue } from './outbound-queue'
import type { OutboundHooks, OutboundKind, OutboundLimits } from './outbound-queue'

/** Where a connection is in its life. */
export type ConnectionState = 'awaiting_auth' | 'authenticating' | 'authenticated' | 'closed'

/** Longest close reason the protocol allows (bytes). */
const MAX_CLOSE_REASON = 123
/** setTimeout's largest delay; longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** One server message as the UTF-8 bytes of its JSON text. */
export function encodeMessage(message: ServerMessage): Buffer {
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
  private authTimer: NodeJS.Timeout | undefined
  private expiryTimer: NodeJS.Timeout | undefined

  constructor(
    readonly socket: WebSocket,
    readonly id: number,
    limits: OutboundLimits,
    hooks: OutboundHooks
  ) {
    // Frames are already UTF-8: ws sends a Buffer with binary:false as a text frame as-is.
    this.queue = new OutboundQueue(
      {
        get bufferedAmount() {
          return socket.bufferedAmount
        },
        send: (frame) => socket.send(frame, { binary: false })
      },
      limits,
      hooks
    )
  }

  get userId(): string | undefined {
    return this.claims?.sub
  }

  get isOpen(): boolean {
    return this.state !== 'closed' && this.socket.readyState === WebSocket.OPEN
  }

  /** Serializes and sends one message through the outbound queue. */
  send(message: ServerMessage, kind: OutboundKind = CONTROL): void {
    if (this.isOpen) this.queue.push(encodeMessage(message), kind)
  }

  /** Sends an already encoded message (fan-out encodes once for every subscriber). */
  sendFrame(frame: Buffer, kind: OutboundKind): void {
    if (this.isOpen) this.queue.push(frame, kind)
  }

  /** Starts the deadline for an `authenticate` message. */
  armAuthTimeout(ms: number, onTimeout: () => void): void {
    clearTimeout(this.authTimer)
    this.authTimer = setTimeout(onTimeout, ms)
  }

  clearAuthTimeout(): void {
    clearTimeout(this.authTimer)
    this.authTimer = undefined
  }

  /** Calls `onExpired` when the token's `exp` passes (long lifetimes are waited out in steps). */
  armExpiry(expSeconds: number, onExpired: () => void): void {
    clearTimeout(this.expiryTimer)
    const wait = (): void => {
      const remaining = expSeconds * 1000 - Date.now()
      if (remaining <= 0) {
        this.expiryTimer = undefined
        onExpired()
        return
      }
      this.expiryTimer = setTimeout(wait, Math.min(remaining, MAX_TIMER_MS))
    }
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
    this.clearAuthTimeout()
    clearTimeout(this.expiryTimer)
    this.expiryTimer = undefined
    this.queue.dispose()
    this.backlog.length = 0
  }
}
