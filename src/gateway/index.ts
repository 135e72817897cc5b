import type { AddressInfo } from 'node:net'
import { WS_PATH } from '@shared/protocol'
import { createTokenAuthority, resolveSecret } from './auth'
import type { MintClaims } from './auth'
import { createEngine } from './engine'
import type { Engine } from './engine'
import { createHttpServer } from './http-server'
import { RateLimiter } from './rate-limiter'
import type { RateLimit } from './rate-limiter'
import { createRoutes } from './rest-routes'
import { GATEWAY_VERSION } from './version'
import { WsServer } from './ws-server'

export { createEngine } from './engine'
export { DEMO_WORKFLOW_IDS } from './demo-workflows'
export type {
  Engine,
  EngineEvents,
  EngineOptions,
  ExecutionOutcome,
  StartExecutionOptions
} from './engine'
export type { MintClaims, TokenClaims } from './auth'
export type { RateLimit } from './rate-limiter'
export { GATEWAY_VERSION } from './version'

export interface GatewayOptions {
  /** Interface to bind; default '127.0.0.1' (loopback only). */
  host?: string
  /** Default 8000; 0 picks a free port. */
  port?: number
  /** HS256 secret; default NEBULA_GATEWAY_SECRET, else 32 random bytes per run. */
  secret?: string
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
  /** WebSocket messages per user; default 100 per 60 000 ms. */
  rateLimit?: RateLimit
  /** REST requests per user; default 1200 per 60 000 ms. */
  restRateLimit?: RateLimit
  /** Time to send `authenticate` when connecting without ?token=; default 5000 ms. */
  authTimeoutMs?: number
  /** Protocol-level ping interval; a client that misses one is dropped. Default 30 000 ms. */
  heartbeatIntervalMs?: number
  /** Largest inbound frame; larger ones close with 1009. Default 1 MiB. */
  maxPayloadBytes?: number
  /** Unsent bytes per socket before updates coalesce; default 1 MiB. */
  maxBufferedBytes?: number
  /** Accept `workflow_executions:all` (extension); default true. */
  allowAllExecutions?: boolean
  /** Diagnostics sink; default: nothing. Never receives a token. */
  log?: (line: string) => void
}

/** Counters for tests and benchmarks. */
export interface GatewayStats {
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
}

export interface Gateway {
  /** 'http://HOST:PORT' */
  url: string
  /** 'ws://HOST:PORT/api/v1/ws' */
  wsUrl: string
  port: number
  engine: Engine
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

/** Starts the local Nebula gateway (HTTP REST + WebSocket) and resolves once it accepts. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 8000
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError('port must be an integer 0..65535')
  }
  const log = options.log ?? (() => {})
  const auth = createTokenAuthority(resolveSecret(options.secret))
  const ownsEngine = options.engine === undefined
  const engine =
    options.engine ??
    createEngine({
      seed: options.seed,
      failureRate: options.failureRate,
      autoRun: options.autoRun,
      actionDelayMs: options.actionDelayMs,
      onListenerError: (error) => log(`engine: a listener threw: ${String(error)}`)
    })
  const ws = new WsServer({
    engine,
    auth,
    rateLimiter: new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT),
    authTimeoutMs: positive('authTimeoutMs', options.authTimeoutMs ?? 5000),
    heartbeatIntervalMs: positive('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 30_000),
    maxPayloadBytes: positive('maxPayloadBytes', options.maxPayloadBytes ?? 1024 * 1024),
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes ?? 1024 * 1024),
    allowAllExecutions: options.allowAllExecutions ?? true,
    log
  })
  const startedAtMs = Date.now()
  const server = createHttpServer({
    routes: createRoutes({
      engine,
      auth,
      loginLimiter: new RateLimiter(LOGIN_RATE_LIMIT),
      version: GATEWAY_VERSION,
      startedAtMs
    }),
    auth,
    restLimiter: new RateLimiter(options.restRateLimit ?? DEFAULT_REST_RATE_LIMIT),
    onUpgrade: (req, socket, head) => ws.handleUpgrade(req, socket, head),
    log
  })

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    await ws.close()
    if (ownsEngine) engine.stop()
    throw error
  }
  server.on('error', (error) => log(`http: server error: ${error.message}`))

  const bound = (server.address() as AddressInfo).port
  const base = `${hostForUrl(host)}:${bound}`
  let closing: Promise<void> | undefined

  const close = async (): Promise<void> => {
    await ws.close()
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    if (ownsEngine) engine.stop()
  }

  return {
    url: `http://${base}`,
    wsUrl: `ws://${base}${WS_PATH}`,
    port: bound,
    engine,
    mintToken: (claims) => auth.mint(claims),
    stats: () => {
      const counts = ws.connectionCounts()
      return {
        connections: counts.connections,
        authenticatedConnections: counts.authenticated,
        subscriptions: counts.subscriptions,
        messagesReceived: ws.counters.messagesReceived,
        invalidMessages: ws.counters.invalidMessages,
        rateLimitedMessages: ws.counters.rateLimited,
        droppedUpdates: ws.counters.droppedUpdates,
        droppedLogs: ws.counters.droppedLogs,
        slowConsumerDisconnects: ws.counters.slowConsumerDisconnects,
        heartbeatTerminations: ws.counters.heartbeatTerminations
      }
    },
    close: () => (closing ??= close())
  }
}
