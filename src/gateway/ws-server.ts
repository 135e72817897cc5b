import type { IncomingMessage } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type WebSocket from 'ws'
import {
  ALL_ID,
  CloseCode,
  ErrorCode,
  KNOWN_RESOURCES,
  Resource,
  WS_PATH,
  decodeClientFrame,
  isTerminalStatus
} from '../shared/protocol'
import type {
  ClientMessage,
  ExecuteWorkflowMessage,
  Execution,
  LogEntry,
  ServerMessage,
  SubscribeMessage,
  WorkflowEvent
} from '../shared/protocol'
import type { TokenAuthority, TokenClaims } from './auth'
import type { Engine } from './engine'
import { checkExecutionInput } from './engine'
import { CONTROL, DEFAULT_OUTBOUND_LIMITS, LOG } from './outbound-queue'
import type { OutboundKind, OutboundLimits } from './outbound-queue'
import type { RateLimiter } from './rate-limiter'
import { ClientConnection, encodeMessage } from './ws-connection'

export interface WsServerOptions {
  engine: Engine
  auth: TokenAuthority
  rateLimiter: RateLimiter
  authTimeoutMs: number
  heartbeatIntervalMs: number
  maxPayloadBytes: number
  maxBufferedBytes: number
  allowAllExecutions: boolean
  log: (line: string) => void
}

/** Counters the WS side keeps for `Gateway.stats()`. */
export interface WsCounters {
  messagesReceived: number
  rateLimited: number
  invalidMessages: number
  droppedUpdates: number
  droppedLogs: number
  slowConsumerDisconnects: number
  heartbeatTerminations: number
}

/** Subscriptions one connection may hold. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 5000
/** Messages held while a token is being verified. */
const MAX_BACKLOG = 100
/** Longest resource or id echoed back in an answer. */
const MAX_ECHO = 256
/** How long `close()` waits for clients to answer the close frame. */
const CLOSE_GRACE_MS = 1000

type UnsubscribeMessage = Extract<ClientMessage, { type: 'unsubscribe' }>

const subKey = (resource: string, id: string): string => `${resource}:${id}`
const clip = (s: string): string => (s.length > MAX_ECHO ? `${s.slice(0, MAX_ECHO)}…` : s)

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A cheap look at a frame's `request_id` (for answers to messages that are not handled). */
function peekRequestId(text: string): string | undefined {
  if (text.length > 64 * 1024) return undefined
  try {
    const id = (JSON.parse(text) as { request_id?: unknown } | null)?.request_id
    return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined
  } catch {
    return undefined
  }
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } })
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(status === 401 ? ['WWW-Authenticate: Bearer realm="nebula"'] : [])
  ]
  socket.once('finish', () => socket.destroy())
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`)
}

/**
 * The WebSocket side of the gateway: authentication, subscriptions, commands and fan-out of
 * engine events. Each event is serialized once and the same string goes to every subscriber.
 */
export class WsServer {
  readonly counters: WsCounters = {
    messagesReceived: 0,
    rateLimited: 0,
    invalidMessages: 0,
    droppedUpdates: 0,
    droppedLogs: 0,
    slowConsumerDisconnects: 0,
    heartbeatTerminations: 0
  }
  private readonly wss: WebSocketServer
  private readonly connections = new Set<ClientConnection>()
  /** `resource:id` → subscribed connections. */
  private readonly index = new Map<string, Set<ClientConnection>>()
  /** Upgrade sockets whose token is still being verified. */
  private readonly pendingUpgrades = new Set<Duplex>()
  private readonly heartbeat: NodeJS.Timeout
  private readonly unlisten: Array<() => void>
  private readonly limits: OutboundLimits
  private nextId = 1
  private stampSeq = 0
  private closing: Promise<void> | undefined
  /** Set while `execute_workflow` starts an execution, to answer the requester in the fan-out. */
  private creating:
    { conn: ClientConnection; requestId: string | undefined; id?: string } | undefined

  constructor(private readonly opts: WsServerOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxPayloadBytes,
      clientTracking: false,
      perMessageDeflate: false
    })
    this.limits = { ...DEFAULT_OUTBOUND_LIMITS, maxBufferedBytes: opts.maxBufferedBytes }
    this.unlisten = [
      opts.engine.on('execution', (e) => this.onExecution(e)),
      opts.engine.on('log', (l) => this.onLog(l)),
      opts.engine.on('workflow', (w) => this.onWorkflow(w))
    ]
    this.heartbeat = setInterval(() => this.beat(), opts.heartbeatIntervalMs)
    this.heartbeat.unref()
  }

  /** Open connections, and how many of them are authenticated. */
  connectionCounts(): { connections: number; authenticated: number; subscriptions: number } {
    let authenticated = 0
    let subscriptions = 0
    for (const c of this.connections) {
      if (c.claims) authenticated++
      subscriptions += c.subscriptions.size
    }
    return { connections: this.connections.size, authenticated, subscriptions }
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
    if (token === null) {
      this.upgrade(req, socket, head, undefined)
      return
    }
    this.pendingUpgrades.add(socket)
    this.opts.auth
      .verify(token)
      .then((result) => {
        this.pendingUpgrades.delete(socket)
        if (this.closing || socket.destroyed) {
          socket.destroy()
          return
        }
        if (!result.ok) {
          this.opts.log(`ws: refused upgrade (token ${result.reason})`)
          rejectUpgrade(socket, 401, ErrorCode.Unauthorized, 'invalid or expired token')
          return
        }
        this.upgrade(req, socket, head, result.claims)
      })
      .catch((error: unknown) => {
        // Never an unhandled rejection: that would take the whole process down.
        this.pendingUpgrades.delete(socket)
        this.opts.log(`ws: upgrade failed: ${describe(error)}`)
        socket.destroy()
      })
  }

  /** Closes every connection (1001) and stops listening to the engine. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.heartbeat)
    for (const off of this.unlisten) off()
    for (const socket of this.pendingUpgrades) socket.destroy()
    this.pendingUpgrades.clear()
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
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, claims))
  }

  private accept(ws: WebSocket, claims: TokenClaims | undefined): void {
    if (this.closing) {
      ws.close(CloseCode.GoingAway, 'server shutting down')
      return
    }
    const conn = new ClientConnection(ws, this.nextId++, this.limits, {
      onDroppedUpdate: () => this.counters.droppedUpdates++,
      onDroppedLog: () => this.counters.droppedLogs++,
      onOverflow: () => {
        this.counters.slowConsumerDisconnects++
        this.opts.log(`ws: connection ${conn.id} fell too far behind; closing it`)
        conn.close(CloseCode.TryAgainLater, 'slow consumer')
      }
    })
    this.connections.add(conn)
    ws.on('message', (data, isBinary) => {
      conn.alive = true
      try {
        this.onFrame(conn, data, isBinary)
      } catch (error) {
        // A bug here must cost one connection at most, never the process.
        this.opts.log(`ws: connection ${conn.id} message handling failed: ${describe(error)}`)
        conn.close(CloseCode.InternalError, 'internal error')
      }
    })
    ws.on('pong', () => {
      conn.alive = true
    })
    ws.on('error', (error) => {
      this.opts.log(`ws: connection ${conn.id} error: ${error.message}`)
    })
    ws.on('close', () => this.forget(conn))
    if (claims) {
      this.authenticated(conn, claims, undefined)
    } else {
      conn.armAuthTimeout(this.opts.authTimeoutMs, () => {
        conn.close(CloseCode.Unauthorized, 'authentication timeout', {
          type: 'error',
          code: ErrorCode.Unauthorized,
          message: `no authenticate message within ${this.opts.authTimeoutMs}ms`
        })
      })
    }
  }

  private forget(conn: ClientConnection): void {
    conn.dispose()
    this.connections.delete(conn)
    for (const key of conn.subscriptions) this.unindex(key, conn)
    conn.subscriptions.clear()
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

  // ---- inbound ----

  private onFrame(conn: ClientConnection, data: WebSocket.RawData, _isBinary: boolean): void {
    this.counters.messagesReceived++
    const text = rawText(data)
    switch (conn.state) {
      case 'closed':
        return
      case 'authenticating':
        if (conn.backlog.length >= MAX_BACKLOG) {
          conn.close(CloseCode.PolicyViolation, 'too many messages before authentication')
          return
        }
        conn.backlog.push(text)
        return
      case 'awaiting_auth':
        this.beforeAuth(conn, text)
        return
      case 'authenticated':
        this.afterAuth(conn, text)
    }
  }

  private beforeAuth(conn: ClientConnection, text: string): void {
    const decoded = decodeClientFrame(text)
    if (decoded.ok && decoded.message.type === 'authenticate') {
      this.startAuthentication(conn, decoded.message.token, decoded.message.request_id)
      return
    }
    const requestId = decoded.ok ? decoded.message.request_id : decoded.requestId
    conn.close(CloseCode.Unauthorized, 'unauthorized', {
      type: 'error',
      code: ErrorCode.Unauthorized,
      message:
        'authenticate first: send {"type":"authenticate","token":...} or connect with ?token=',
      ...(requestId ? { request_id: requestId } : {})
    })
  }

  private afterAuth(conn: ClientConnection, text: string): void {
    const user = conn.userId as string
    if (!this.opts.rateLimiter.tryConsume(user)) {
      this.counters.rateLimited++
      const retry = Math.ceil(this.opts.rateLimiter.retryAfterMs(user) / 1000)
      const requestId = peekRequestId(text)
      conn.send({
        type: 'error',
        code: ErrorCode.RateLimitExceeded,
        message: `rate limit exceeded: at most ${this.opts.rateLimiter.limit.maxMessages} messages per ${this.opts.rateLimiter.limit.windowMs / 1000}s per user; message dropped, retry in ${retry}s`,
        ...(requestId ? { request_id: requestId } : {})
      })
      return
    }
    const decoded = decodeClientFrame(text)
    if (!decoded.ok) {
      this.counters.invalidMessages++
      conn.send({
        type: 'error',
        code: ErrorCode.InvalidMessage,
        message: `invalid message: ${decoded.rejected.detail}`,
        ...(decoded.requestId ? { request_id: decoded.requestId } : {})
      })
      return
    }
    try {
      this.dispatch(conn, decoded.message)
    } catch (error) {
      this.opts.log(`ws: handling ${decoded.message.type} failed: ${String(error)}`)
      conn.send({
        type: 'error',
        code: ErrorCode.InternalError,
        message: 'internal error',
        ...(decoded.message.request_id ? { request_id: decoded.message.request_id } : {})
      })
    }
  }

  private dispatch(conn: ClientConnection, message: ClientMessage): void {
    const requestId = message.request_id
    switch (message.type) {
      case 'authenticate':
        this.startAuthentication(conn, message.token, requestId)
        return
      case 'subscribe':
        this.subscribe(conn, message)
        return
      case 'unsubscribe':
        this.unsubscribe(conn, message)
        return
      case 'execute_workflow':
        this.execute(conn, message)
        return
      case 'ping':
        conn.send({ type: 'pong', ...(requestId ? { request_id: requestId } : {}) })
    }
  }

  private startAuthentication(
    conn: ClientConnection,
    token: string,
    requestId: string | undefined
  ): void {
    this.authenticate(conn, token, requestId).catch((error: unknown) => {
      this.opts.log(`ws: connection ${conn.id} authentication failed: ${describe(error)}`)
      conn.close(CloseCode.InternalError, 'internal error')
    })
  }

  /**
   * Verifies a token from an `authenticate` message. Before authentication a bad token closes
   * with 4401; on an authenticated connection it is a token refresh, and a bad one is refused
   * with an error while the session continues on the old token.
   */
  private async authenticate(
    conn: ClientConnection,
    token: string,
    requestId: string | undefined
  ): Promise<void> {
    const previous = conn.claims
    conn.state = 'authenticating'
    const result = await this.opts.auth.verify(token)
    if ((conn.state as string) === 'closed') return
    const withId = requestId ? { request_id: requestId } : {}
    if (!result.ok || (previous && result.claims.sub !== previous.sub)) {
      const message = result.ok
        ? 'token belongs to a different user'
        : `authentication failed: token ${result.reason.replace(/_/g, ' ')}`
      this.opts.log(`ws: connection ${conn.id} ${message}`)
      if (!previous) {
        conn.close(CloseCode.Unauthorized, 'unauthorized', {
          type: 'error',
          code: ErrorCode.Unauthorized,
          message,
          ...withId
        })
        return
      }
      conn.state = 'authenticated'
      conn.send({ type: 'error', code: ErrorCode.Unauthorized, message, ...withId })
      this.drainBacklog(conn)
      return
    }
    this.authenticated(conn, result.claims, requestId)
  }

  private authenticated(
    conn: ClientConnection,
    claims: TokenClaims,
    requestId: string | undefined
  ): void {
    conn.clearAuthTimeout()
    conn.claims = claims
    conn.state = 'authenticated'
    conn.armExpiry(claims.exp, () => {
      this.opts.log(`ws: connection ${conn.id} token expired; closing 4401`)
      conn.close(CloseCode.Unauthorized, 'token expired', {
        type: 'error',
        code: ErrorCode.Unauthorized,
        message: 'token expired'
      })
    })
    conn.send({
      type: 'authenticated',
      user_id: claims.sub,
      roles: claims.roles,
      ...(requestId ? { request_id: requestId } : {})
    })
    this.drainBacklog(conn)
  }

  private drainBacklog(conn: ClientConnection): void {
    while (conn.backlog.length > 0 && conn.state === 'authenticated') {
      this.afterAuth(conn, conn.backlog.shift() as string)
    }
  }

  /**
   * The fields every answer to a (un)subscribe echoes; undefined after answering
   * INVALID_RESOURCE for a resource this gateway does not know.
   */
  private answerFields(
    conn: ClientConnection,
    message: SubscribeMessage | UnsubscribeMessage
  ): { resource: string; id: string; request_id?: string } | undefined {
    const { resource, id, request_id: requestId } = message
    const about = {
      resource: clip(resource),
      id: clip(id),
      ...(requestId ? { request_id: requestId } : {})
    }
    if (KNOWN_RESOURCES.includes(resource)) return about
    conn.send({
      type: 'error',
      code: ErrorCode.InvalidResource,
      message: `unknown resource '${clip(resource)}' (known: ${KNOWN_RESOURCES.join(', ')})`,
      ...about
    })
    return undefined
  }

  private subscribe(conn: ClientConnection, message: SubscribeMessage): void {
    const about = this.answerFields(conn, message)
    if (!about) return
    const { resource, id } = message
    const problem = this.whyNotSubscribable(resource, id)
    const key = subKey(resource, id)
    const full =
      !conn.subscriptions.has(key) &&
      conn.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION &&
      `subscription limit (${MAX_SUBSCRIPTIONS_PER_CONNECTION}) reached`
    if (problem || full) {
      conn.send({
        type: 'error',
        code: ErrorCode.SubscriptionFailed,
        message: `Cannot subscribe to ${clip(resource)} '${clip(id)}': ${problem || full}`,
        ...about
      })
      return
    }
    this.addSubscription(conn, key)
    conn.send({ type: 'subscribed', ...about })
  }

  private whyNotSubscribable(resource: string, id: string): string | undefined {
    const { engine } = this.opts
    switch (resource) {
      case Resource.Execution:
        return engine.getExecution(id) ? undefined : 'not found'
      case Resource.WorkflowExecutions:
        if (id === ALL_ID) {
          return this.opts.allowAllExecutions
            ? undefined
            : "'all' is not supported here; subscribe per workflow"
        }
        return engine.getWorkflow(id) ? undefined : 'not found'
      case Resource.Workflows:
        return id === ALL_ID || engine.getWorkflow(id) ? undefined : 'not found'
      default:
        return 'unknown resource'
    }
  }

  private unsubscribe(conn: ClientConnection, message: UnsubscribeMessage): void {
    const about = this.answerFields(conn, message)
    if (!about) return
    // Idempotent: unsubscribing from something not subscribed is confirmed too.
    const key = subKey(message.resource, message.id)
    if (conn.subscriptions.delete(key)) this.unindex(key, conn)
    conn.send({ type: 'unsubscribed', ...about })
  }

  private execute(conn: ClientConnection, message: ExecuteWorkflowMessage): void {
    const requestId = message.request_id
    const withId = requestId ? { request_id: requestId } : {}
    const inputProblem = checkExecutionInput(message.input)
    if (inputProblem) {
      this.counters.invalidMessages++
      conn.send({
        type: 'error',
        code: ErrorCode.InvalidMessage,
        message: `execute_workflow: ${inputProblem}`,
        ...withId
      })
      return
    }
    const creating: { conn: ClientConnection; requestId: string | undefined; id?: string } = {
      conn,
      requestId
    }
    this.creating = creating
    let execution: Execution | undefined
    try {
      execution = this.opts.engine.startExecution(message.workflow_id, message.input, {
        triggeredBy: conn.userId
      })
    } finally {
      this.creating = undefined
    }
    if (!execution) {
      conn.send({
        type: 'error',
        code: ErrorCode.NotFound,
        message: `Workflow '${clip(message.workflow_id)}' not found`,
        ...withId
      })
      return
    }
    if (creating.id === undefined) {
      // An engine that announces new executions later: answer with what it returned.
      this.addImplicitSubscription(conn, execution.id)
      conn.send(
        { type: 'execution_update', execution, ...withId },
        requestId ? CONTROL : { kind: 'update', key: execution.id }
      )
    }
  }

  /**
   * Subscribes the requester of `execute_workflow` to its execution. At the per-connection cap
   * the oldest finished (or forgotten) execution subscription makes room, so a long session that
   * keeps executing stays bounded.
   */
  private addImplicitSubscription(conn: ClientConnection, executionId: string): void {
    const key = subKey(Resource.Execution, executionId)
    if (conn.subscriptions.has(key)) return
    if (conn.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      const prefix = `${Resource.Execution}:`
      let victim: string | undefined
      for (const candidate of conn.subscriptions) {
        if (!candidate.startsWith(prefix)) continue
        victim ??= candidate
        const status = this.opts.engine.getExecution(candidate.slice(prefix.length))?.status
        if (status === undefined || isTerminalStatus(status)) {
          victim = candidate
          break
        }
      }
      if (victim) {
        conn.subscriptions.delete(victim)
        this.unindex(victim, conn)
      }
    }
    this.addSubscription(conn, key)
  }

  private addSubscription(conn: ClientConnection, key: string): void {
    conn.subscriptions.add(key)
    let set = this.index.get(key)
    if (!set) {
      set = new Set()
      this.index.set(key, set)
    }
    set.add(conn)
  }

  private unindex(key: string, conn: ClientConnection): void {
    const set = this.index.get(key)
    if (!set) return
    set.delete(conn)
    if (set.size === 0) this.index.delete(key)
  }

  // ---- fan-out ----

  /** Sends `frame` once to every connection subscribed to any of `keys`. */
  private deliver(keys: readonly string[], frame: Buffer, kind: OutboundKind): void {
    const stamp = ++this.stampSeq
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

  private onExecution(execution: Execution): void {
    const kind = { kind: 'update', key: execution.id } as const
    const creating = this.creating
    if (creating && creating.id === undefined) {
      // The requester's copy carries its request_id and subscribes it to the new execution.
      creating.id = execution.id
      this.addImplicitSubscription(creating.conn, execution.id)
      const reply: ServerMessage = {
        type: 'execution_update',
        execution,
        ...(creating.requestId ? { request_id: creating.requestId } : {})
      }
      // An answer is never coalesced away: a slow client must still learn its request's outcome.
      creating.conn.sendFrame(encodeMessage(reply), creating.requestId ? CONTROL : kind)
      creating.conn.stamp = this.stampSeq + 1 // skipped by the broadcast below
    }
    const frame = encodeMessage({ type: 'execution_update', execution })
    this.deliver(
      [
        subKey(Resource.Execution, execution.id),
        subKey(Resource.WorkflowExecutions, execution.workflow_id),
        subKey(Resource.WorkflowExecutions, ALL_ID)
      ],
      frame,
      kind
    )
  }

  private onLog(log: LogEntry): void {
    const key = subKey(Resource.Execution, log.execution_id)
    if (!this.index.has(key)) return
    this.deliver([key], encodeMessage({ type: 'log', log }), LOG)
  }

  private onWorkflow(event: WorkflowEvent): void {
    const frame = encodeMessage({ type: 'workflow_event', event })
    this.deliver(
      [subKey(Resource.Workflows, ALL_ID), subKey(Resource.Workflows, event.workflow.id)],
      frame,
      { kind: 'control' }
    )
  }
}
