import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { ErrorCode, REST_PATH, WS_PATH } from '@shared/protocol'
import type { ApiErrorBody } from '@shared/protocol'
import type { TokenAuthority, TokenClaims } from './auth'
import type { RateLimiter } from './rate-limiter'
import { HttpError } from './rest-routes'
import type { RestResponse, Route } from './rest-routes'
import { describeError } from '@shared/redact'

export interface HttpServerOptions {
  routes: Route[]
  auth: TokenAuthority
  /** Per-user REST request limit (429 beyond it). */
  restLimiter: RateLimiter
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  log: (line: string) => void
}

/** Largest request body accepted (413 beyond). */
export const MAX_BODY_BYTES = 1024 * 1024
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/

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

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(tooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        done = true
        reject(tooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (done) return
      done = true
      const text = Buffer.concat(chunks).toString('utf8')
      if (text.trim() === '') return resolve(undefined)
      try {
        resolve(JSON.parse(text))
      } catch {
        reject(new HttpError(422, ErrorCode.ValidationError, 'request body is not valid JSON'))
      }
    })
    req.on('error', (error) => {
      if (done) return
      done = true
      reject(error)
    })
  })
}

function tooLarge(): HttpError {
  return new HttpError(
    413,
    ErrorCode.ValidationError,
    `request body larger than ${MAX_BODY_BYTES} bytes`
  )
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

/**
 * The gateway's HTTP server: REST under /api/v1 with Bearer auth, JSON error bodies and
 * X-Request-ID echo; upgrades are handed to the WebSocket side.
 */
export function createHttpServer(opts: HttpServerOptions): Server {
  const compiled = opts.routes.map(compile)

  async function authenticate(req: IncomingMessage): Promise<TokenClaims> {
    const token = bearer(req)
    const challenge = { 'WWW-Authenticate': 'Bearer realm="nebula"' }
    if (!token) {
      throw new HttpError(401, ErrorCode.Unauthorized, 'missing bearer token', undefined, challenge)
    }
    const result = await opts.auth.verify(token)
    if (!result.ok) {
      throw new HttpError(401, ErrorCode.Unauthorized, 'invalid or expired token', undefined, {
        'WWW-Authenticate': 'Bearer realm="nebula", error="invalid_token"'
      })
    }
    return result.claims
  }

  async function route(req: IncomingMessage, path: string): Promise<RestResponse> {
    if (path === WS_PATH) {
      throw new HttpError(426, 'UPGRADE_REQUIRED', 'this endpoint speaks WebSocket', undefined, {
        Upgrade: 'websocket'
      })
    }
    if (!path.startsWith(`${REST_PATH}/`)) {
      throw new HttpError(404, ErrorCode.NotFound, `no such endpoint: ${path.slice(0, 200)}`)
    }
    let sub = path.slice(REST_PATH.length)
    if (sub.length > 1 && sub.endsWith('/')) sub = sub.slice(0, -1)
    const allowed: string[] = []
    for (const { route: r, pattern, keys } of compiled) {
      const match = pattern.exec(sub)
      if (!match) continue
      if (r.method !== req.method) {
        allowed.push(r.method)
        continue
      }
      const params: Record<string, string> = {}
      keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(match[i + 1] as string)
        } catch {
          throw new HttpError(404, ErrorCode.NotFound, 'malformed path segment')
        }
      })
      const user = r.auth ? await authenticate(req) : undefined
      if (user && !opts.restLimiter.tryConsume(user.sub)) {
        const retry = Math.ceil(opts.restLimiter.retryAfterMs(user.sub) / 1000)
        throw new HttpError(
          429,
          ErrorCode.RateLimitExceeded,
          `rate limit exceeded: at most ${opts.restLimiter.limit.maxMessages} requests per ${opts.restLimiter.limit.windowMs / 1000}s per user`,
          undefined,
          { 'Retry-After': String(Math.max(1, retry)) }
        )
      }
      const body = r.readsBody ? await readBody(req) : undefined
      return r.handle({
        params,
        query: new URL(req.url ?? '/', 'http://gateway.invalid').searchParams,
        body,
        user,
        remoteAddress: req.socket.remoteAddress ?? 'unknown'
      })
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
    throw new HttpError(404, ErrorCode.NotFound, `no such endpoint: ${path.slice(0, 200)}`)
  }

  const server = createServer(
    { requestTimeout: 30_000, headersTimeout: 10_000 },
    (req: IncomingMessage, res: ServerResponse) => {
      const requestId = requestIdOf(req)
      res.setHeader('X-Request-ID', requestId)
      let path = '/'
      try {
        path = new URL(req.url ?? '/', 'http://gateway.invalid').pathname
      } catch {
        // Falls through to a 404 for '/'.
      }
      route(req, path)
        .then((response) => write(res, response))
        .catch((error: unknown) => {
          if (error instanceof HttpError) {
            if (error.status === 413) {
              // Stop reading an oversized upload: answer, then drop the connection.
              res.setHeader('Connection', 'close')
              res.once('finish', () => req.socket.destroy())
            }
            write(res, errorResponse(error, requestId))
            return
          }
          // Only the path is logged: query strings and headers may carry secrets.
          opts.log(`rest: ${req.method ?? '?'} ${path} failed: ${describeError(error)}`)
          write(
            res,
            errorResponse(new HttpError(500, ErrorCode.InternalError, 'internal error'), requestId)
          )
        })
    }
  )
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
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
