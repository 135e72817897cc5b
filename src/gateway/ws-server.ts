import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type WebSocket from 'ws'
import { CloseCode, ErrorCode, WS_PATH, decodeClientFrame } from '@shared/protocol'
import type { ClientMessage, ExecuteWorkflowMessage } from '@shared/protocol'
import { DisposableStore } from '@shared/disposable'
import { describeError } from '@shared/redact'
import type { TokenAuthority, TokenClaims } from './auth'
import type { Clock } from './clock'
import type { Dialect } from './dialect'
import type { Engine } from './engine'
import { checkExecutionInput } from './execution-input'
import { EngineFanout } from './engine-fanout'
import { DEFAULT_OUTBOUND_LIMITS } from './outbound-queue'
import type { OutboundLimits } from './outbound-queue'
import type { RateLimiter } from './rate-limiter'
import { clipEcho, peekRequestId } from './reply-fields'
import { SubscriptionIndex } from './subscription-index'
import { SubscriptionRequests } from './subscription-requests'
import { rejectUpgrade } from './upgrade-rejection'
import type { WireShapes } from './wire-shapes'
import { WriteBatch } from './write-batch'
import { ClientConnection } from './ws-connection'
import { AuthHandshake } from './ws-handshake'

interface WsServerOptions {
  engine: Engine
  auth: TokenAuthority
  dialect: Dialect
  shapes: WireShapes
  clock: Clock
  rateLimiter: RateLimiter
  authTimeoutMs: number
  /** Open sockets allowed to wait for an `authenticate` message at once; more get HTTP 503. */
  maxPendingAuth: number
  heartbeatIntervalMs: number
  maxPayloadBytes: number
  maxBufferedBytes: number
  allowAllExecutions: boolean
  log: (line: string) => void
}

/** Counters the WS side keeps for `Gateway.stats()`. */
interface WsCounters {
  messagesReceived: number
  rateLimited: number
  invalidMessages: number
  droppedUpdates: number
  droppedLogs: number
  slowConsumerDisconnects: number
  heartbeatTerminations: number
  pendingAuthRefusals: number
}

/** How long `close()` waits for clients to answer the close frame. */
const CLOSE_GRACE_MS = 1000

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}

/** The gateway's WebSocket side: takes upgrades, keeps connections alive, routes their messages. */
export class WsServer {
  readonly counters: WsCounters = {
    messagesReceived: 0,
    rateLimited: 0,
    invalidMessages: 0,
    droppedUpdates: 0,
    droppedLogs: 0,
    slowConsumerDisconnects: 0,
    heartbeatTerminations: 0,
    pendingAuthRefusals: 0
  }
  private readonly wss: WebSocketServer
  private readonly connections = new Set<ClientConnection>()
  private readonly subscriptions: SubscriptionIndex
  private readonly subscriptionRequests: SubscriptionRequests
  private readonly fanout: EngineFanout
  private readonly handshake: AuthHandshake
  private readonly limits: OutboundLimits
  /** The heartbeat, the fan-out's engine listeners, the handshake and the write batch. */
  private readonly owned = new DisposableStore()
  /** Each socket's writes of one event-loop turn leave together (write-batch.ts). */
  private readonly writes = new WriteBatch()
  private nextId = 1
  private closing: Promise<void> | undefined

  constructor(private readonly opts: WsServerOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxPayloadBytes,
      clientTracking: false,
      perMessageDeflate: false
    })
    this.limits = { ...DEFAULT_OUTBOUND_LIMITS, maxBufferedBytes: opts.maxBufferedBytes }
    this.subscriptions = new SubscriptionIndex((id) => opts.engine.getExecution(id)?.status)
    this.subscriptionRequests = new SubscriptionRequests({
      engine: opts.engine,
      subscriptions: this.subscriptions,
      dialect: opts.dialect,
      allowAllExecutions: opts.allowAllExecutions
    })
    this.fanout = new EngineFanout(opts.engine, this.subscriptions, opts.dialect, opts.shapes)
    this.owned.add(this.fanout)
    this.handshake = new AuthHandshake({
      auth: opts.auth,
      dialect: opts.dialect,
      authTimeoutMs: opts.authTimeoutMs,
      log: opts.log,
      onAuthenticatedFrame: (conn, text) => this.afterAuth(conn, text)
    })
    this.owned.add(this.handshake)
    this.owned.add(this.writes)
    this.owned.setInterval(() => this.beat(), opts.heartbeatIntervalMs).unref()
  }

  /** Open connections, how many are authenticated or still awaiting it, and subscriptions. */
  connectionCounts(): {
    connections: number
    authenticated: number
    awaitingAuthentication: number
    subscriptions: number
  } {
    let authenticated = 0
    let subscriptions = 0
    for (const c of this.connections) {
      if (c.claims) authenticated++
      subscriptions += c.subscriptions.size
    }
    return {
      connections: this.connections.size,
      authenticated,
      awaitingAuthentication: this.handshake.pendingCount,
      subscriptions
    }
  }

  /** Handles an HTTP upgrade on the gateway's server (`server.on('upgrade', ...)`). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Errors on a socket we have not handed to ws yet must not crash the process.
    socket.on('error', () => socket.destroy())
    if (this.closing) {
      rejectUpgrade(socket, 503, ErrorCode.InternalError, 'server is shutting down')
      return
    }
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://gateway.invalid')
    } catch {
      rejectUpgrade(socket, 400, ErrorCode.ValidationError, 'bad request URL')
      return
    }
    if (url.pathname !== WS_PATH) {
      rejectUpgrade(socket, 404, ErrorCode.NotFound, `no WebSocket endpoint at ${url.pathname}`)
      return
    }
    const token = url.searchParams.get('token')
    if (token !== null) {
      this.handshake.verifyUpgrade(socket, token, (claims) =>
        this.upgrade(req, socket, head, claims)
      )
    } else if (!this.opts.dialect.messageAuth) {
      // The document's server: the token comes on the upgrade or the upgrade is refused.
      rejectUpgrade(socket, 401, ErrorCode.Unauthorized, 'missing token: connect with ?token=')
    } else if (this.handshake.pendingCount >= this.opts.maxPendingAuth) {
      this.counters.pendingAuthRefusals++
      rejectUpgrade(
        socket,
        503,
        'TOO_MANY_PENDING',
        'too many connections awaiting authentication; connect with ?token= or retry later'
      )
    } else {
      this.upgrade(req, socket, head, undefined)
    }
  }

  /** Closes every connection (1001), stops listening to the engine; resolves once all closed. */
  dispose(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    this.owned.dispose()
    const closed = [...this.connections].map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.socket.readyState === conn.socket.CLOSED) return resolve()
          const timer = setTimeout(() => {
            conn.socket.terminate()
            resolve()
          }, CLOSE_GRACE_MS)
          conn.socket.once('close', () => {
            clearTimeout(timer)
            resolve()
          })
          conn.close(CloseCode.GoingAway, 'server shutting down')
        })
    )
    await Promise.all(closed)
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }

  private upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    claims: TokenClaims | undefined
  ): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, claims, socket))
  }

  private accept(ws: WebSocket, claims: TokenClaims | undefined, raw: Duplex): void {
    if (this.closing) {
      ws.close(CloseCode.GoingAway, 'server shutting down')
      return
    }
    const conn = new ClientConnection(
      ws,
      this.nextId++,
      this.limits,
      {
        onDroppedUpdate: () => this.counters.droppedUpdates++,
        onDroppedLog: () => this.counters.droppedLogs++,
        onOverflow: () => {
          this.counters.slowConsumerDisconnects++
          this.opts.log(`ws: connection ${conn.id} fell too far behind; closing it`)
          conn.close(CloseCode.TryAgainLater, 'slow consumer')
        }
      },
      this.opts.clock,
      () => this.writes.hold(raw)
    )
    this.connections.add(conn)
    ws.on('message', (data) => {
      conn.alive = true
      try {
        this.onFrame(conn, data)
      } catch (error) {
        // A bug here must cost one connection at most, never the process.
        this.opts.log(`ws: connection ${conn.id} message handling failed: ${describeError(error)}`)
        conn.close(CloseCode.InternalError, 'internal error')
      }
    })
    ws.on('pong', () => {
      conn.alive = true
    })
    ws.on('error', (error) => {
      this.opts.log(`ws: connection ${conn.id} error: ${describeError(error)}`)
    })
    ws.on('close', () => this.forget(conn))
    this.handshake.begin(conn, claims)
  }

  private forget(conn: ClientConnection): void {
    conn.dispose()
    this.connections.delete(conn)
    this.handshake.forget(conn)
    this.subscriptions.removeAll(conn)
  }

  private beat(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        // No pong since the last beat: the peer is gone or frozen.
        this.counters.heartbeatTerminations++
        conn.socket.terminate()
        continue
      }
      conn.alive = false
      try {
        conn.socket.ping()
      } catch {
        conn.socket.terminate()
      }
    }
  }

  // ---- routing ----

  private onFrame(conn: ClientConnection, data: WebSocket.RawData): void {
    this.counters.messagesReceived++
    const text = rawText(data)
    switch (conn.state) {
      case 'closed':
        return
      case 'awaiting_auth':
      case 'authenticating':
        this.handshake.receive(conn, text)
        return
      case 'authenticated':
        // A frame can beat the expiry timer (a suspended machine fires timers late).
        if (conn.isExpired) this.handshake.expire(conn)
        else this.afterAuth(conn, text)
    }
  }

  private afterAuth(conn: ClientConnection, text: string): void {
    const user = conn.userId as string
    const { dialect, rateLimiter } = this.opts
    if (!rateLimiter.tryConsume(user)) {
      this.counters.rateLimited++
      const retry = Math.ceil(rateLimiter.retryAfterMs(user) / 1000)
      const { maxMessages, windowMs } = rateLimiter.limit
      conn.send(
        dialect.error(
          ErrorCode.RateLimitExceeded,
          `rate limit exceeded: at most ${maxMessages} messages per ${windowMs / 1000}s per user; message dropped, retry in ${retry}s`,
          { requestId: peekRequestId(text) }
        )
      )
      return
    }
    const decoded = decodeClientFrame(text)
    if (!decoded.ok) {
      this.invalid(conn, `invalid message: ${decoded.rejected.detail}`, decoded.requestId)
      return
    }
    try {
      this.dispatch(conn, decoded.message)
    } catch (error) {
      this.opts.log(`ws: handling ${decoded.message.type} failed: ${describeError(error)}`)
      conn.send(
        dialect.error(ErrorCode.InternalError, 'internal error', {
          requestId: decoded.message.request_id
        })
      )
    }
  }

  private invalid(conn: ClientConnection, message: string, requestId: string | undefined): void {
    this.counters.invalidMessages++
    conn.send(this.opts.dialect.error(ErrorCode.InvalidMessage, message, { requestId }))
  }

  private dispatch(conn: ClientConnection, message: ClientMessage): void {
    switch (message.type) {
      case 'authenticate':
        if (this.opts.dialect.messageAuth) {
          this.handshake.authenticate(conn, message.token, message.request_id)
        } else {
          // The document's server authenticates on the upgrade only.
          this.invalid(conn, "unsupported message type 'authenticate'", message.request_id)
        }
        return
      case 'subscribe':
        this.subscriptionRequests.subscribe(conn, message)
        return
      case 'unsubscribe':
        this.subscriptionRequests.unsubscribe(conn, message)
        return
      case 'execute_workflow':
        this.execute(conn, message)
        return
      case 'ping':
        conn.send({ type: 'pong', ...this.opts.dialect.correlate(message.request_id) })
    }
  }

  private execute(conn: ClientConnection, message: ExecuteWorkflowMessage): void {
    const inputProblem = checkExecutionInput(message.input)
    if (inputProblem) {
      this.invalid(conn, `execute_workflow: ${inputProblem}`, message.request_id)
      return
    }
    const execution = this.fanout.startExecution(
      conn,
      message.workflow_id,
      message.input,
      message.request_id
    )
    if (!execution) {
      conn.send(
        this.opts.dialect.error(
          ErrorCode.NotFound,
          `Workflow '${clipEcho(message.workflow_id)}' not found`,
          { requestId: message.request_id }
        )
      )
    }
  }
}
