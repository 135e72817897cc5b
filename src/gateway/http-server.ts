import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { ErrorCode, REST_PATH, WS_PATH } from '@shared/protocol'
import type { ApiErrorBody } from '@shared/protocol'
import { describeError } from '@shared/redact'
import type { TokenAuthority, TokenClaims } from './auth'
import { readJsonBody } from './http-body'
import type { RateLimiter } from './rate-limiter'
import type { RequestGuard } from './request-guard'
import { HttpError } from './routes'
import type { RestResponse, Route } from './routes'
import { rejectUpgrade } from './upgrade-rejection'

interface HttpServerOptions {
  routes: Route[]
  auth: TokenAuthority
  /** Host and Origin checks that come before anything else. */
  guard: RequestGuard
  /** Per-user REST request limit (429 beyond it). */
  restLimiter: RateLimiter
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  log: (line: string) => void
}

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/
/** Refusals answered before any body was read: the connection closes rather than read it. */
const UNREAD_BODY_STATUSES = new Set([413, 415, 421])

interface CompiledRoute {
  route: Route
  pattern: RegExp
  keys: string[]
}

function compile(route: Route): CompiledRoute {
  const keys: string[] = []
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      keys.push(segment.slice(1))
      return '([^/]+)'
    })
    .join('/')
  return { route, pattern: new RegExp(`^${source}$`), keys }
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given)
    ? given
    : `req_${randomBytes(8).toString('hex')}`
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (typeof header !== 'string') return undefined
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header)
  return match?.[1]
}

function write(res: ServerResponse, response: RestResponse): void {
  if (res.headersSent || res.destroyed) return
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value)
  res.setHeader('Cache-Control', 'no-store')
  if (response.status === 204 || response.body === undefined) {
    res.writeHead(response.status)
    res.end()
    return
  }
  const text = JSON.stringify(response.body)
  res.writeHead(response.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text)
  })
  res.end(text)
}

function errorResponse(error: HttpError, requestId: string): RestResponse {
  const body: ApiErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      request_id: requestId,
      ...(error.details === undefined ? {} : { details: error.details })
    }
  }
  return { status: error.status, body, headers: error.headers }
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://gateway.invalid').pathname
  } catch {
    return '/' // answered with a 404
  }
}

/** Routes one REST request: auth, rate limit and body as the matched route asks. */
class Router {
  private readonly compiled: CompiledRoute[]

  constructor(private readonly opts: HttpServerOptions) {
    this.compiled = opts.routes.map(compile)
  }

  async route(req: IncomingMessage, path: string): Promise<RestResponse> {
    if (path === WS_PATH) {
      throw new HttpError(426, 'UPGRADE_REQUIRED', 'this endpoint speaks WebSocket', undefined, {
        Upgrade: 'websocket'
      })
    }
    if (!path.startsWith(`${REST_PATH}/`)) throw this.noSuchEndpoint(path)
    let sub = path.slice(REST_PATH.length)
    if (sub.length > 1 && sub.endsWith('/')) sub = sub.slice(0, -1)
    const allowed: string[] = []
    for (const { route, pattern, keys } of this.compiled) {
      const match = pattern.exec(sub)
      if (!match) continue
      if (route.method !== req.method) {
        allowed.push(route.method)
        continue
      }
      return this.handle(req, route, paramsOf(keys, match))
    }
    if (allowed.length > 0) {
      throw new HttpError(
        405,
        'METHOD_NOT_ALLOWED',
        `${req.method ?? '?'} is not allowed here`,
        undefined,
        { Allow: allowed.join(', ') }
      )
    }
    throw this.noSuchEndpoint(path)
  }

  private async handle(
    req: IncomingMessage,
    route: Route,
    params: Record<string, string>
  ): Promise<RestResponse> {
    const user = route.auth ? await this.authenticate(req) : undefined
    if (user) this.consumeRate(user.sub)
    const body = route.readsBody ? await readJsonBody(req) : undefined
    return route.handle({
      params,
      query: new URL(req.url ?? '/', 'http://gateway.invalid').searchParams,
      body,
      user,
      remoteAddress: req.socket.remoteAddress ?? 'unknown'
    })
  }

  private async authenticate(req: IncomingMessage): Promise<TokenClaims> {
    const token = bearer(req)
    if (!token) {
      throw new HttpError(401, ErrorCode.Unauthorized, 'missing bearer token', undefined, {
        'WWW-Authenticate': 'Bearer realm="nebula"'
      })
    }
    const result = await this.opts.auth.verify(token)
    if (!result.ok) {
      throw new HttpError(401, ErrorCode.Unauthorized, 'invalid or expired token', undefined, {
        'WWW-Authenticate': 'Bearer realm="nebula", error="invalid_token"'
      })
    }
    return result.claims
  }

  private consumeRate(user: string): void {
    const limiter = this.opts.restLimiter
    if (limiter.tryConsume(user)) return
    const retry = Math.ceil(limiter.retryAfterMs(user) / 1000)
    const { maxMessages, windowMs } = limiter.limit
    throw new HttpError(
      429,
      ErrorCode.RateLimitExceeded,
      `rate limit exceeded: at most ${maxMessages} requests per ${windowMs / 1000}s per user`,
      undefined,
      { 'Retry-After': String(Math.max(1, retry)) }
    )
  }

  private noSuchEndpoint(path: string): HttpError {
    return new HttpError(404, ErrorCode.NotFound, `no such endpoint: ${path.slice(0, 200)}`)
  }
}

function paramsOf(keys: string[], match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {}
  keys.forEach((key, i) => {
    try {
      params[key] = decodeURIComponent(match[i + 1] as string)
    } catch {
      throw new HttpError(404, ErrorCode.NotFound, 'malformed path segment')
    }
  })
  return params
}

/**
 * The gateway's HTTP server: REST under /api/v1 with Bearer auth, JSON error bodies and
 * X-Request-ID echo; upgrades are handed to the WebSocket side. Every request and upgrade
 * passes the Host check first, and upgrades the Origin check.
 */
export function createHttpServer(opts: HttpServerOptions): Server {
  const router = new Router(opts)

  const answerError = (error: unknown, req: IncomingMessage, res: ServerResponse, path: string) => {
    const requestId = res.getHeader('X-Request-ID') as string
    if (!(error instanceof HttpError)) {
      // Only the path is logged: query strings and headers may carry secrets.
      opts.log(`rest: ${req.method ?? '?'} ${path} failed: ${describeError(error)}`)
      error = new HttpError(500, ErrorCode.InternalError, 'internal error')
    }
    const refusal = error as HttpError
    if (UNREAD_BODY_STATUSES.has(refusal.status)) {
      res.setHeader('Connection', 'close')
      res.once('finish', () => req.socket.destroy())
    }
    write(res, errorResponse(refusal, requestId))
  }

  const server = createServer(
    { requestTimeout: 30_000, headersTimeout: 10_000 },
    (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('X-Request-ID', requestIdOf(req))
      const path = pathOf(req)
      const misdirected = opts.guard.checkHost(req)
      if (misdirected) {
        const { status, code, message } = misdirected
        answerError(new HttpError(status, code, message), req, res, path)
        return
      }
      router
        .route(req, path)
        .then((response) => write(res, response))
        .catch((error: unknown) => answerError(error, req, res, path))
    }
  )
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = opts.guard.checkHost(req) ?? opts.guard.checkOrigin(req)
    if (refusal) {
      socket.on('error', () => socket.destroy())
      rejectUpgrade(socket, refusal.status, refusal.code, refusal.message)
      return
    }
    try {
      opts.onUpgrade(req, socket, head)
    } catch (error) {
      opts.log(`ws: upgrade failed: ${describeError(error)}`)
      socket.destroy()
    }
  })
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })
  return server
}
