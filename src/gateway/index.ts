import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WS_PATH } from '@shared/protocol'
import { describeError } from '@shared/redact'
import { createTokenAuthority, resolveSecret } from './auth'
import type { MintClaims, TokenAuthority } from './auth'
import { SYSTEM_CLOCK } from './clock'
import type { Clock } from './clock'
import { Dialect } from './dialect'
import type { DialectName } from './dialect'
import { createEngine } from './engine'
import type { Engine } from './engine'
import type { HistoryOptions } from './history'
import { createHttpServer } from './http-server'
import { RateLimiter } from './rate-limiter'
import type { RateLimit } from './rate-limiter'
import { RequestGuard } from './request-guard'
import { createRoutes } from './routes'
import { GATEWAY_VERSION } from './version'
import { wireShapes } from './wire-shapes'
import { WsServer } from './ws-server'

export { createEngine } from './engine'
export { DEMO_WORKFLOW_IDS } from './demo-workflows'
export { DIALECT_NAMES, isDialectName } from './dialect'
export type { DialectName } from './dialect'
export type { Clock } from './clock'
export type { Engine, EngineOptions } from './engine'
export type { HistoryOptions } from './history'
export { GATEWAY_VERSION } from './version'

export interface GatewayOptions {
  /** Interface to bind; default '127.0.0.1' (loopback only). */
  host?: string
  /** Default 8000; 0 picks a free port. */
  port?: number
  /** HS256 secret; default NEBULA_GATEWAY_SECRET, else 32 random bytes per run. */
  secret?: string
  /** 'extended' (default: the document plus our extensions) or 'document' (the document only). */
  dialect?: DialectName
  /** Shape undocumented execution and log fields unlike ours (WS and REST); default false. */
  foreignShapes?: boolean
  /** Enable `POST /api/v1/auth/login` with the fixed dev/dev account; default false. */
  devLogin?: boolean
  /** Share an engine across restarts (close() then leaves it running); default: a new one. */
  engine?: Engine
  /** For the engine the gateway creates: deterministic simulation. */
  seed?: number
  /** For the engine the gateway creates: 0..1, default 0.2. */
  failureRate?: number
  /** For the engine the gateway creates: background executions, default true. */
  autoRun?: boolean
  /** For the engine the gateway creates: min/max action duration, default [300, 2500]. */
  actionDelayMs?: [number, number]
  /** For the engine the gateway creates: a past to start from (see EngineOptions.history). */
  history?: HistoryOptions
  /** WebSocket messages per user; default 100 per 60 000 ms. */
  rateLimit?: RateLimit
  /** REST requests per user; default 1200 per 60 000 ms. */
  restRateLimit?: RateLimit
  /** Time to send `authenticate` when connecting without ?token=; default 5000 ms. */
  authTimeoutMs?: number
  /** Sockets without ?token= allowed to await `authenticate` at once; default 100. */
  maxPendingAuth?: number
  /** Protocol-level ping interval; a client that misses one is dropped. Default 30 000 ms. */
  heartbeatIntervalMs?: number
  /** Largest inbound frame; larger ones close with 1009. Default 1 MiB. */
  maxPayloadBytes?: number
  /** Unsent bytes per socket before updates coalesce; default 1 MiB. */
  maxBufferedBytes?: number
  /** Accept `workflow_executions:all` (extended dialect only); default true. */
  allowAllExecutions?: boolean
  /** The clock for token times and rate windows (tests); default the system clock. */
  clock?: Clock
  /** Diagnostics sink; default: nothing. Never receives a token. */
  log?: (line: string) => void
}

/** Counters for tests and benchmarks. */
interface GatewayStats {
  connections: number
  authenticatedConnections: number
  subscriptions: number
  messagesReceived: number
  invalidMessages: number
  rateLimitedMessages: number
  /** execution_update messages replaced by a newer one while a consumer was slow. */
  droppedUpdates: number
  /** log messages dropped while a consumer was slow. */
  droppedLogs: number
  /** Consumers closed with 1013 because they fell hopelessly behind. */
  slowConsumerDisconnects: number
  /** Connections terminated for missing a protocol-level pong. */
  heartbeatTerminations: number
  /** Open sockets without ?token= still waiting to send `authenticate`. */
  awaitingAuthentication: number
  /** Upgrades without ?token= refused (503) because too many were awaiting authentication. */
  pendingAuthRefusals: number
}

export interface Gateway {
  /** 'http://HOST:PORT' */
  url: string
  /** 'ws://HOST:PORT/api/v1/ws' */
  wsUrl: string
  port: number
  engine: Engine
  /** The dialect this gateway speaks. */
  dialect: DialectName
  /** Mints a token this gateway accepts; default sub 'dev-user', roles ['admin'], 1 h. */
  mintToken(claims?: MintClaims): Promise<string>
  stats(): GatewayStats
  /** Closes all sockets (1001) and the HTTP server; stops the engine it created. Idempotent. */
  close(): Promise<void>
}

const DEFAULT_RATE_LIMIT: RateLimit = { maxMessages: 100, windowMs: 60_000 }
const DEFAULT_REST_RATE_LIMIT: RateLimit = { maxMessages: 1200, windowMs: 60_000 }
const LOGIN_RATE_LIMIT: RateLimit = { maxMessages: 30, windowMs: 60_000 }

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be > 0`)
  return value
}

function ownEngine(options: GatewayOptions, log: (line: string) => void): Engine {
  return createEngine({
    seed: options.seed,
    failureRate: options.failureRate,
    autoRun: options.autoRun,
    actionDelayMs: options.actionDelayMs,
    history: options.history,
    onListenerError: (error) => log(`engine: a listener threw: ${describeError(error)}`)
  })
}

function createWsServer(
  options: GatewayOptions,
  parts: { engine: Engine; auth: TokenAuthority; clock: Clock; log: (line: string) => void }
): WsServer {
  const dialect = new Dialect(options.dialect ?? 'extended')
  return new WsServer({
    ...parts,
    dialect,
    shapes: wireShapes(options.foreignShapes ?? false),
    rateLimiter: new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, () => parts.clock.now()),
    authTimeoutMs: positive('authTimeoutMs', options.authTimeoutMs ?? 5000),
    maxPendingAuth: positive('maxPendingAuth', options.maxPendingAuth ?? 100),
    heartbeatIntervalMs: positive('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 30_000),
    maxPayloadBytes: positive('maxPayloadBytes', options.maxPayloadBytes ?? 1024 * 1024),
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes ?? 1024 * 1024),
    allowAllExecutions: options.allowAllExecutions ?? true
  })
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** Starts the local Nebula gateway (HTTP REST + WebSocket) and resolves once it accepts. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 8000
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError('port must be an integer 0..65535')
  }
  const log = options.log ?? (() => {})
  const clock = options.clock ?? SYSTEM_CLOCK
  const auth = createTokenAuthority(resolveSecret(options.secret), clock)
  const ownsEngine = options.engine === undefined
  const engine = options.engine ?? ownEngine(options, log)
  const ws = createWsServer(options, { engine, auth, clock, log })
  const server = createHttpServer({
    routes: createRoutes({
      engine,
      auth,
      shapes: wireShapes(options.foreignShapes ?? false),
      loginLimiter: new RateLimiter(LOGIN_RATE_LIMIT, () => clock.now()),
      devLogin: options.devLogin ?? false,
      version: GATEWAY_VERSION,
      startedAtMs: Date.now()
    }),
    auth,
    guard: new RequestGuard(host, () => (server.address() as AddressInfo).port),
    restLimiter: new RateLimiter(options.restRateLimit ?? DEFAULT_REST_RATE_LIMIT, () =>
      clock.now()
    ),
    onUpgrade: (req, socket, head) => ws.handleUpgrade(req, socket, head),
    log
  })

  try {
    await listen(server, port, host)
  } catch (error) {
    await ws.dispose()
    if (ownsEngine) engine.dispose()
    throw error
  }
  server.on('error', (error) => log(`http: server error: ${describeError(error)}`))

  const bound = (server.address() as AddressInfo).port
  const base = `${hostForUrl(host)}:${bound}`
  let closing: Promise<void> | undefined

  const close = async (): Promise<void> => {
    await ws.dispose()
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    if (ownsEngine) engine.dispose()
  }

  return {
    url: `http://${base}`,
    wsUrl: `ws://${base}${WS_PATH}`,
    port: bound,
    engine,
    dialect: options.dialect ?? 'extended',
    mintToken: (claims) => auth.mint(claims),
    stats: () => statsOf(ws),
    close: () => (closing ??= close())
  }
}

function statsOf(ws: WsServer): GatewayStats {
  const counts = ws.connectionCounts()
  const c = ws.counters
  return {
    connections: counts.connections,
    authenticatedConnections: counts.authenticated,
    subscriptions: counts.subscriptions,
    messagesReceived: c.messagesReceived,
    invalidMessages: c.invalidMessages,
    rateLimitedMessages: c.rateLimited,
    droppedUpdates: c.droppedUpdates,
    droppedLogs: c.droppedLogs,
    slowConsumerDisconnects: c.slowConsumerDisconnects,
    heartbeatTerminations: c.heartbeatTerminations,
    awaitingAuthentication: counts.awaitingAuthentication,
    pendingAuthRefusals: c.pendingAuthRefusals
  }
}
