import WebSocket from 'ws'
import { CloseCode, decodeServerFrame } from '@shared/protocol'
import type { ClientMessage, Rejected, ServerMessage } from '@shared/protocol'
import type { ConnectionState } from '@shared/connection-state'
import { DisposableStore } from '@shared/disposable'
import type { Disposer } from '@shared/disposable'
import { Emitter } from '@shared/emitter'
import type { BackoffPolicy } from './backoff'
import { Lifecycle } from './lifecycle'
import type { InvalidTransitionMode, LifecycleEvent } from './lifecycle'
import { DEFAULT_PACING, Outbox, Priority } from './outbox'
import type { PacingPolicy, PriorityValue } from './outbox'
import { describeError, redact } from '@shared/redact'
import { ReconnectPlan } from './reconnect-plan'
import { SocketCloser, silence } from './socket-closer'
import { resolveServerEndpoints } from './server-url'
import { describeNetworkError } from './network-error'
import type { ServerEndpoints } from './server-url'

export interface ConnectionOptions {
  /** Server base URL (http, https, ws or wss) or already-resolved endpoints. */
  server: string | ServerEndpoints
  /** Allow `http`/`ws` to a host that is not loopback (the token then travels in clear text). */
  allowInsecure?: boolean
  /** Returns the current token, or null when there is none. Called before every attempt. */
  getToken: () => Promise<string | null> | string | null
  /** `query` (the document's recommended `?token=`) or `message` (an `authenticate` frame). */
  authMethod?: 'query' | 'message'
  /** Interval between `ping`s; silence after one that marks a zombie; handshake limit. */
  heartbeatMs?: number
  pongTimeoutMs?: number
  connectTimeoutMs?: number
  backoff?: Partial<BackoffPolicy>
  pacing?: Partial<PacingPolicy>
  /** Source of randomness for jitter (tests pass a seeded one). */
  random?: () => number
  /** The lifecycle to feed (a session shares its own), else one of its own with this mode. */
  lifecycle?: Lifecycle
  onInvalidTransition?: InvalidTransitionMode
  /** Diagnostics sink; lines are already redacted. */
  log?: (line: string) => void
}

export type ConnectionEvents = {
  /** A socket opened (and was authenticated, for the `message` method): re-subscribe now. */
  opened: () => void
  /** The socket that had opened is gone (closed, dropped, replaced): nothing on it is confirmed. */
  dropped: () => void
  /** A message left on the open socket, in the order the server receives it. */
  sent: (message: ClientMessage) => void
  message: (message: ServerMessage) => void
  invalid: (rejected: Rejected) => void
  /** Fields of accepted messages that were read leniently and dropped (paths). */
  fields_dropped: (fields: string[]) => void
}

/** One socket's life; its timers and listeners belong to `owned`. */
interface Attempt {
  ws: WebSocket
  opened: boolean
  ended: boolean
  owned: DisposableStore
  connectTimer?: ReturnType<typeof setTimeout>
  pongTimer?: ReturnType<typeof setTimeout>
  lastError?: string
}

/**
 * One resilient WebSocket connection to a Nebula server: backoff, a heartbeat that tears down
 * zombie sockets, close-code handling and paced sending. It feeds its transport events to the
 * lifecycle (lifecycle.ts), which owns the published state. Exactly one socket exists at a
 * time; events from a superseded socket are ignored.
 */
export class NebulaConnection {
  readonly endpoints: ServerEndpoints
  readonly lifecycle: Lifecycle
  private readonly ownsLifecycle: boolean
  private readonly events: Emitter<ConnectionEvents>
  private readonly options: Required<
    Pick<ConnectionOptions, 'authMethod' | 'heartbeatMs' | 'pongTimeoutMs' | 'connectTimeoutMs'>
  >
  private readonly plan: ReconnectPlan
  private readonly log: (line: string) => void
  private readonly outbox: Outbox
  private readonly owned = new DisposableStore()
  /** Sockets closing politely after dispose or a token change, until closed or cut. */
  private readonly closer = new SocketCloser()
  private current: Attempt | undefined
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  /** Numbers each connect() so one that was overtaken while reading the token gives up. */
  private connectSeq = 0
  private token: string | null = null

  constructor(private readonly config: ConnectionOptions) {
    this.log = config.log ?? (() => {})
    this.events = new Emitter((error) =>
      this.log(`listener failed: ${describeError(error, this.secrets())}`)
    )
    this.endpoints =
      typeof config.server === 'string'
        ? resolveServerEndpoints(config.server, { allowInsecure: config.allowInsecure })
        : config.server
    this.options = {
      authMethod: config.authMethod ?? 'query',
      heartbeatMs: config.heartbeatMs ?? 30_000,
      pongTimeoutMs: config.pongTimeoutMs ?? 10_000,
      connectTimeoutMs: config.connectTimeoutMs ?? 10_000
    }
    this.plan = new ReconnectPlan(config.backoff, config.random)
    this.ownsLifecycle = config.lifecycle === undefined
    this.lifecycle =
      config.lifecycle ?? new Lifecycle({ onInvalid: config.onInvalidTransition, log: this.log })
    this.outbox = new Outbox({ ...DEFAULT_PACING, ...config.pacing }, (m) => this.transmit(m))
    this.owned.add(() => this.outbox.dispose())
  }

  /** The latest published state. */
  get state(): ConnectionState {
    return this.lifecycle.state
  }

  /** Adds a listener; returns its disposer. */
  on<K extends keyof ConnectionEvents>(event: K, listener: ConnectionEvents[K]): Disposer {
    return this.events.on(event, listener)
  }

  /** Starts connecting (idempotent). */
  start(): void {
    if (!this.lifecycle.can('start')) return
    this.lifecycle.dispatch({ type: 'start', attempt: 1 })
    void this.connect()
  }

  /** Retry now: network came back, the system resumed, or the user asked. No-op unless waiting. */
  nudge(): void {
    if (!this.lifecycle.can('nudge')) return
    if (this.lifecycle.name === 'offline') this.plan.reset()
    this.clearRetry()
    this.lifecycle.dispatch({ type: 'nudge', attempt: this.plan.nextAttempt })
    void this.connect()
  }

  /** The token changed (set, refreshed or deleted): reconnect with the new one. */
  tokenChanged(): void {
    if (!this.lifecycle.can('token_changed')) return
    this.plan.reset()
    this.clearRetry()
    this.lifecycle.dispatch({ type: 'token_changed', attempt: 1 })
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

  /** `text` without the current token (for what a server says back to us). */
  redactSecrets(text: string): string {
    return redact(text, this.secrets())
  }

  /** Messages sent within the current pacing window. */
  sentInWindow(): number {
    return this.outbox.sentInWindow()
  }

  /** Closes for good (code 1000) and releases every timer and listener it owns. */
  dispose(): void {
    if (this.lifecycle.can('close')) this.lifecycle.dispatch({ type: 'close' })
    this.clearRetry()
    this.dropCurrent(CloseCode.Normal, 'client closing')
    this.owned.dispose()
    this.events.removeAll()
    if (this.ownsLifecycle) this.lifecycle.dispose()
  }

  /** Listeners attached (leak checks: repeated syncs must not accumulate them). */
  listenerCount(): number {
    return this.events.listenerCount()
  }

  /** True while a timer or a socket (also one still closing) is alive, for leak checks. */
  hasLiveResources(): boolean {
    return (
      this.current !== undefined ||
      this.closer.pending > 0 ||
      this.owned.liveTimers > 0 ||
      this.outbox.hasLiveTimer()
    )
  }

  private secrets(): string[] {
    return this.token ? [this.token] : []
  }

  /** Feeds an event to the lifecycle, unless the connection was disposed meanwhile. */
  private dispatch(event: LifecycleEvent): void {
    if (!this.owned.isDisposed) this.lifecycle.dispatch(event)
  }

  private async connect(): Promise<void> {
    const seq = ++this.connectSeq
    // A newer connect() (the token changed while this one read it) or dispose() supersedes
    // this one: without the check both would open a socket.
    const superseded = (): boolean => seq !== this.connectSeq || this.owned.isDisposed
    let token: string | null
    try {
      token = await this.config.getToken()
    } catch (error) {
      if (superseded()) return
      const reason = `could not read the token: ${describeError(error)}`
      this.dispatch({ type: 'auth_rejected', reason })
      return
    }
    if (superseded() || this.lifecycle.name !== 'connecting') return
    if (!token) {
      this.dispatch({ type: 'auth_rejected', reason: 'no token for this server' })
      return
    }
    this.token = token
    this.open(token)
  }

  private open(token: string): void {
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
    const attempt: Attempt = { ws, opened: false, ended: false, owned: new DisposableStore() }
    this.current = attempt
    attempt.connectTimer = attempt.owned.setTimeout(() => {
      this.endAttempt(attempt, undefined, undefined, 'connect timeout')
    }, this.options.connectTimeoutMs)
    ws.on('unexpected-response', (req, res) => {
      res.resume()
      req.destroy()
      this.endAttempt(attempt, undefined, res.statusCode, `server answered HTTP ${res.statusCode}`)
    })
    ws.on('open', () => this.onOpen(attempt))
    ws.on('message', (data, isBinary) => this.onFrame(attempt, data, isBinary))
    ws.on('pong', () => this.onAlive(attempt))
    ws.on('error', (error) => {
      // 'close' follows; keep the most useful reason for it.
      attempt.lastError = describeNetworkError(error, this.secrets())
    })
    ws.on('close', (code, reason) => {
      const text = reason.toString('utf8')
      this.endAttempt(attempt, code, undefined, text || attempt.lastError || `closed with ${code}`)
    })
  }

  private onOpen(attempt: Attempt): void {
    if (attempt !== this.current || attempt.ended) return
    attempt.owned.clear(attempt.connectTimer)
    attempt.opened = true
    this.plan.opened()
    if (this.options.authMethod === 'message' && this.token) {
      this.outbox.enqueue({ type: 'authenticate', token: this.token }, Priority.Control)
    }
    attempt.owned.setTimeout(() => this.plan.stable(), this.plan.policy.stableAfterMs)
    attempt.owned.setInterval(() => this.heartbeat(attempt), this.options.heartbeatMs)
    this.dispatch({ type: 'socket_opened' })
    // Listeners queue their subscriptions first; then the outbox sends by priority, so the
    // subscriptions go out before commands that waited for this socket.
    this.events.emit('opened')
    if (attempt === this.current && !attempt.ended) this.outbox.setOpen(true)
  }

  private heartbeat(attempt: Attempt): void {
    if (attempt !== this.current || attempt.ended || attempt.pongTimer) return
    this.outbox.enqueue({ type: 'ping' }, Priority.Control, () => {
      if (attempt.ended || attempt.pongTimer) return
      attempt.pongTimer = attempt.owned.setTimeout(() => {
        this.log('no answer to ping: dropping the zombie connection')
        this.endAttempt(attempt, CloseCode.AbnormalClosure, undefined, 'heartbeat timeout')
      }, this.options.pongTimeoutMs)
    })
  }

  private onAlive(attempt: Attempt): void {
    attempt.owned.clear(attempt.pongTimer)
    attempt.pongTimer = undefined
  }

  private onFrame(attempt: Attempt, data: WebSocket.RawData, isBinary: boolean): void {
    if (attempt !== this.current || attempt.ended) return
    this.onAlive(attempt)
    if (isBinary) {
      this.events.emit('invalid', { reason: 'invalid', detail: 'binary frame' })
      return
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString()
    const decoded = decodeServerFrame(text)
    if (decoded.dropped.length > 0) this.events.emit('fields_dropped', decoded.dropped)
    for (const rejected of decoded.rejected) this.events.emit('invalid', rejected)
    for (const message of decoded.messages) {
      if (attempt !== this.current) return
      this.events.emit('message', message)
    }
  }

  private transmit(message: ClientMessage): boolean {
    const attempt = this.current
    if (!attempt || !attempt.opened || attempt.ended || attempt.ws.readyState !== WebSocket.OPEN) {
      return false
    }
    try {
      attempt.ws.send(JSON.stringify(message))
    } catch (error) {
      this.log(`send failed: ${describeError(error, this.secrets())}`)
      return false
    }
    this.events.emit('sent', message)
    return true
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
    this.detach(attempt)
    if (this.owned.isDisposed) return
    this.handleEnd(code, httpStatus, redact(reason, this.secrets()), attempt.opened)
  }

  /** Forgets the current socket: stop sending, and tell listeners when it had opened. */
  private detach(attempt: Attempt): void {
    this.current = undefined
    this.outbox.setOpen(false)
    // Subscriptions and heartbeats are re-derived on the next socket; commands wait.
    this.outbox.discard((m) => m.type !== 'execute_workflow')
    if (attempt.opened) this.events.emit('dropped')
  }

  private handleEnd(
    code: number | undefined,
    httpStatus: number | undefined,
    reason: string,
    opened: boolean
  ): void {
    const { event, retryInMs } = this.plan.ended(code, httpStatus, reason, opened)
    if (retryInMs !== undefined) this.scheduleRetry(retryInMs)
    this.dispatch(event)
  }

  private scheduleRetry(delay: number): void {
    this.clearRetry()
    this.retryTimer = this.owned.setTimeout(() => {
      this.retryTimer = undefined
      this.dispatch({ type: 'retry_due', attempt: this.plan.nextAttempt })
      void this.connect()
    }, delay)
  }

  private clearRetry(): void {
    this.owned.clear(this.retryTimer)
    this.retryTimer = undefined
  }

  private release(attempt: Attempt): void {
    attempt.owned.dispose()
    attempt.pongTimer = undefined
    silence(attempt.ws)
  }

  private dropCurrent(code: number, reason: string): void {
    const attempt = this.current
    if (!attempt) return
    attempt.ended = true
    this.release(attempt)
    this.detach(attempt)
    this.closer.close(attempt.ws, code, reason)
  }
}
