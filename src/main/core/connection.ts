import WebSocket from 'ws'
import type { IncomingMessage } from 'node:http'
import { CloseCode, decodeServerFrame } from '@shared/protocol'
import type { ClientMessage, Rejected, ServerMessage } from '@shared/protocol'
import type { ConnectionState } from '@shared/connection-state'
import { DEFAULT_BACKOFF, fullJitterDelay } from './backoff'
import type { BackoffPolicy } from './backoff'
import { Emitter } from '@shared/emitter'
import { DEFAULT_PACING, Outbox, Priority } from './outbox'
import type { PacingPolicy, PriorityValue } from './outbox'
import { describeError, redact } from '@shared/redact'
import { resolveServerEndpoints } from './server-url'
import type { ServerEndpoints } from './server-url'

export interface ConnectionOptions {
  /** Server base URL (http, https, ws or wss) or already-resolved endpoints. */
  server: string | ServerEndpoints
  /** Returns the current token, or null when there is none. Called before every attempt. */
  getToken: () => Promise<string | null> | string | null
  /** `query` (the document's recommended `?token=`) or `message` (an `authenticate` frame). */
  authMethod?: 'query' | 'message'
  /** Interval between `ping` messages. */
  heartbeatMs?: number
  /** Silence after a ping that marks the socket a zombie. */
  pongTimeoutMs?: number
  /** Limit for the TCP + TLS + upgrade handshake. */
  connectTimeoutMs?: number
  backoff?: Partial<BackoffPolicy>
  pacing?: Partial<PacingPolicy>
  /** Source of randomness for jitter (tests pass a seeded one). */
  random?: () => number
  /** Diagnostics sink; lines are already redacted. */
  log?: (line: string) => void
}

export type ConnectionEvents = {
  state: (state: ConnectionState) => void
  /** A socket opened (and was authenticated, for the `message` method): re-subscribe now. */
  open: () => void
  message: (message: ServerMessage) => void
  invalid: (rejected: Rejected) => void
}

/** How long a closing socket may wait for the peer's close frame before it is cut. */
const CLOSE_GRACE_MS = 1_000

/** How an ended socket is handled. */
type Verdict = 'retry' | 'auth_failed' | 'refused'

/** Sorts a close code or HTTP status into retry, terminal or auth (see docs/PROTOCOL.md). */
export function classifyEnd(code: number | undefined, httpStatus: number | undefined): Verdict {
  if (httpStatus === 401 || code === CloseCode.Unauthorized) return 'auth_failed'
  if (httpStatus === 403 || code === CloseCode.Forbidden) return 'auth_failed'
  if (code === CloseCode.PolicyViolation) return 'refused'
  return 'retry'
}

interface Attempt {
  ws: WebSocket
  opened: boolean
  ended: boolean
  connectTimer?: NodeJS.Timeout
  heartbeat?: NodeJS.Timeout
  pongTimer?: NodeJS.Timeout
  stableTimer?: NodeJS.Timeout
  lastError?: string
}

/**
 * One resilient WebSocket connection to a Nebula server: an explicit, observable state machine
 * with backoff, a heartbeat that tears down zombie sockets, close-code handling, and paced
 * sending. Exactly one socket exists at a time; events from a superseded socket are ignored.
 */
export class NebulaConnection extends Emitter<ConnectionEvents> {
  readonly endpoints: ServerEndpoints
  private readonly options: Required<
    Pick<ConnectionOptions, 'authMethod' | 'heartbeatMs' | 'pongTimeoutMs' | 'connectTimeoutMs'>
  >
  private readonly backoff: BackoffPolicy
  private readonly random: () => number
  private readonly log: (line: string) => void
  private readonly outbox: Outbox
  private current: Attempt | undefined
  private retryTimer: NodeJS.Timeout | undefined
  /** Ends since the last stable connection: drives the backoff delay. */
  private failures = 0
  /** Attempts in a row that never opened: decides when to give up the fast loop. */
  private unopened = 0
  /** Numbers each connect() so one that was overtaken while reading the token gives up. */
  private connectSeq = 0
  private token: string | null = null
  private status: ConnectionState = { state: 'closed' }
  private started = false

  constructor(private readonly config: ConnectionOptions) {
    super((error) => config.log?.(`listener failed: ${describeError(error, this.secrets())}`))
    this.endpoints =
      typeof config.server === 'string' ? resolveServerEndpoints(config.server) : config.server
    this.options = {
      authMethod: config.authMethod ?? 'query',
      heartbeatMs: config.heartbeatMs ?? 30_000,
      pongTimeoutMs: config.pongTimeoutMs ?? 10_000,
      connectTimeoutMs: config.connectTimeoutMs ?? 10_000
    }
    this.backoff = { ...DEFAULT_BACKOFF, ...config.backoff }
    this.random = config.random ?? Math.random
    this.log = config.log ?? (() => {})
    this.outbox = new Outbox({ ...DEFAULT_PACING, ...config.pacing }, (m) => this.transmit(m))
  }

  /** The latest published state. */
  get state(): ConnectionState {
    return this.status
  }

  /** Starts connecting (idempotent). */
  start(): void {
    if (this.started) return
    this.started = true
    void this.connect()
  }

  /** Retry now: network came back, the system resumed, or the user asked. No-op unless waiting. */
  nudge(): void {
    const { state } = this.status
    if (state !== 'reconnecting' && state !== 'offline') return
    if (state === 'offline') this.failures = this.unopened = 0
    this.clearRetry()
    void this.connect()
  }

  /** The token changed (set, refreshed or deleted): reconnect with the new one. */
  tokenChanged(): void {
    if (!this.started) return
    this.failures = this.unopened = 0
    this.clearRetry()
    this.dropCurrent(CloseCode.Normal, 'token changed')
    void this.connect()
  }

  /** Queues a message; it goes out paced, once a socket is open. */
  send(message: ClientMessage, priority: PriorityValue, onSent?: () => void): void {
    this.outbox.enqueue(message, priority, onSent)
  }

  /** Drops queued, unsent messages that match. */
  discardQueued(predicate: (message: ClientMessage) => boolean): void {
    this.outbox.discard(predicate)
  }

  /** Messages sent within the current pacing window. */
  sentInWindow(): number {
    return this.outbox.sentInWindow()
  }

  /** Closes for good (code 1000) and releases every timer. */
  close(): void {
    this.started = false
    this.clearRetry()
    this.outbox.dispose()
    this.dropCurrent(CloseCode.Normal, 'client closing')
    this.setState({ state: 'closed', reason: 'closed by client', code: CloseCode.Normal })
  }

  /** True while timers or a socket are still alive (for leak checks in tests). */
  hasLiveResources(): boolean {
    return this.current !== undefined || this.retryTimer !== undefined
  }

  private secrets(): string[] {
    return this.token ? [this.token] : []
  }

  private setState(next: ConnectionState): void {
    this.status = next
    this.emit('state', next)
  }

  private async connect(): Promise<void> {
    const seq = ++this.connectSeq
    // A newer connect() (the token changed while this one read it) or close() supersedes this
    // one: without the check both would open a socket.
    const superseded = (): boolean => seq !== this.connectSeq || !this.started
    this.setState({ state: 'connecting', attempt: this.failures + 1 })
    let token: string | null
    try {
      token = await this.config.getToken()
    } catch (error) {
      if (superseded()) return
      this.fail('auth_failed', `could not read the token: ${describeError(error)}`)
      return
    }
    if (superseded() || this.status.state !== 'connecting') return
    if (!token) {
      this.fail('auth_failed', 'no token for this server')
      return
    }
    this.token = token
    const url =
      this.options.authMethod === 'query'
        ? `${this.endpoints.wsUrl}?token=${encodeURIComponent(token)}`
        : this.endpoints.wsUrl
    let ws: WebSocket
    try {
      ws = new WebSocket(url, {
        handshakeTimeout: this.options.connectTimeoutMs,
        maxPayload: 16 * 1024 * 1024
      })
    } catch (error) {
      this.handleEnd(undefined, undefined, describeError(error, this.secrets()), false)
      return
    }
    const attempt: Attempt = { ws, opened: false, ended: false }
    this.current = attempt
    attempt.connectTimer = setTimeout(() => {
      this.endAttempt(attempt, undefined, undefined, 'connect timeout')
    }, this.options.connectTimeoutMs)

    ws.on('unexpected-response', (req, res: IncomingMessage) => {
      res.resume()
      req.destroy()
      this.endAttempt(attempt, undefined, res.statusCode, `server answered HTTP ${res.statusCode}`)
    })
    ws.on('open', () => this.onOpen(attempt))
    ws.on('message', (data, isBinary) => this.onFrame(attempt, data, isBinary))
    ws.on('pong', () => this.onAlive(attempt))
    ws.on('error', (error) => {
      // 'close' follows; keep the most useful reason for it.
      attempt.lastError = describeError(error, this.secrets())
    })
    ws.on('close', (code, reason) => {
      const text = reason.toString('utf8')
      this.endAttempt(attempt, code, undefined, text || attempt.lastError || `closed with ${code}`)
    })
  }

  private onOpen(attempt: Attempt): void {
    if (attempt !== this.current || attempt.ended) return
    clearTimeout(attempt.connectTimer)
    attempt.opened = true
    this.unopened = 0
    if (this.options.authMethod === 'message' && this.token) {
      this.outbox.enqueue({ type: 'authenticate', token: this.token }, Priority.Control)
    }
    this.outbox.setOpen(true)
    attempt.stableTimer = setTimeout(() => {
      this.failures = 0
    }, this.backoff.stableAfterMs)
    attempt.heartbeat = setInterval(() => this.heartbeat(attempt), this.options.heartbeatMs)
    this.setState({ state: 'open' })
    this.emit('open')
  }

  private heartbeat(attempt: Attempt): void {
    if (attempt !== this.current || attempt.ended || attempt.pongTimer) return
    this.outbox.enqueue({ type: 'ping' }, Priority.Control, () => {
      if (attempt.ended || attempt.pongTimer) return
      attempt.pongTimer = setTimeout(() => {
        this.log('no answer to ping: dropping the zombie connection')
        this.endAttempt(attempt, CloseCode.AbnormalClosure, undefined, 'heartbeat timeout')
      }, this.options.pongTimeoutMs)
    })
  }

  private onAlive(attempt: Attempt): void {
    if (attempt.pongTimer) clearTimeout(attempt.pongTimer)
    attempt.pongTimer = undefined
  }

  private onFrame(attempt: Attempt, data: WebSocket.RawData, isBinary: boolean): void {
    if (attempt !== this.current || attempt.ended) return
    this.onAlive(attempt)
    if (isBinary) {
      this.emit('invalid', { reason: 'invalid', detail: 'binary frame' })
      return
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString()
    const decoded = decodeServerFrame(text)
    for (const rejected of decoded.rejected) this.emit('invalid', rejected)
    for (const message of decoded.messages) {
      if (attempt !== this.current) return
      this.emit('message', message)
    }
  }

  private transmit(message: ClientMessage): boolean {
    const attempt = this.current
    if (!attempt || !attempt.opened || attempt.ended || attempt.ws.readyState !== WebSocket.OPEN) {
      return false
    }
    try {
      attempt.ws.send(JSON.stringify(message))
      return true
    } catch (error) {
      this.log(`send failed: ${describeError(error, this.secrets())}`)
      return false
    }
  }

  /** Ends one socket's life exactly once, then decides what happens next. */
  private endAttempt(
    attempt: Attempt,
    code: number | undefined,
    httpStatus: number | undefined,
    reason: string
  ): void {
    if (attempt.ended) return
    attempt.ended = true
    this.release(attempt)
    if (attempt.ws.readyState !== WebSocket.CLOSED) attempt.ws.terminate()
    if (attempt !== this.current) return
    this.current = undefined
    this.outbox.setOpen(false)
    // Subscriptions and heartbeats are re-derived on the next socket; commands wait.
    this.outbox.discard((m) => m.type !== 'execute_workflow')
    if (!this.started) return
    this.handleEnd(code, httpStatus, redact(reason, this.secrets()), attempt.opened)
  }

  private handleEnd(
    code: number | undefined,
    httpStatus: number | undefined,
    reason: string,
    opened: boolean
  ): void {
    const verdict = classifyEnd(code, httpStatus)
    const detail = {
      reason,
      ...((httpStatus ?? code) !== undefined ? { code: httpStatus ?? code } : {})
    }
    if (verdict === 'auth_failed') {
      this.fail('auth_failed', reason, httpStatus ?? code)
      return
    }
    if (verdict === 'refused') {
      this.started = false
      this.setState({ state: 'closed', ...detail })
      return
    }
    this.failures++
    // A socket that opened is not a failed attempt: a server restarting again and again is
    // followed with backoff, never given up on; only attempts that never open count here.
    if (!opened) this.unopened++
    if (this.unopened >= this.backoff.maxFastAttempts) {
      this.scheduleRetry(this.backoff.slowRetryMs, {
        state: 'offline',
        attempt: this.failures,
        ...detail
      })
      return
    }
    const delay = fullJitterDelay(this.failures, this.backoff, this.random)
    this.scheduleRetry(delay, { state: 'reconnecting', attempt: this.failures, ...detail })
  }

  private fail(state: 'auth_failed', reason: string, code?: number): void {
    this.setState({ state, reason, ...(code !== undefined ? { code } : {}) })
  }

  private scheduleRetry(delay: number, state: ConnectionState): void {
    this.clearRetry()
    this.setState({ ...state, retry_in_ms: delay })
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      void this.connect()
    }, delay)
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = undefined
  }

  private release(attempt: Attempt): void {
    clearTimeout(attempt.connectTimer)
    clearInterval(attempt.heartbeat)
    clearTimeout(attempt.pongTimer)
    clearTimeout(attempt.stableTimer)
    attempt.ws.removeAllListeners('message')
    attempt.ws.removeAllListeners('open')
    attempt.ws.removeAllListeners('pong')
    attempt.ws.removeAllListeners('unexpected-response')
    // Keep an error listener: a late socket error must never become an uncaught exception.
    attempt.ws.on('error', () => {})
  }

  private dropCurrent(code: number, reason: string): void {
    const attempt = this.current
    if (!attempt) return
    attempt.ended = true
    this.release(attempt)
    this.current = undefined
    this.outbox.setOpen(false)
    const { ws } = attempt
    if (ws.readyState !== WebSocket.OPEN) {
      ws.terminate()
      return
    }
    ws.close(code, reason)
    // A frozen peer never answers the close frame, and ws would hold the socket for 30 s
    // (keeping a stopping `watch` alive): give it a moment, then cut it.
    const cut = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS)
    ws.once('close', () => clearTimeout(cut))
  }
}
