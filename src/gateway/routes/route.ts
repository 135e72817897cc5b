import type { z } from 'zod'
import { ErrorCode } from '@shared/protocol'
import type { Pagination } from '@shared/protocol'
import type { TokenAuthority, TokenClaims } from '../auth'
import type { Engine } from '../engine'
import type { RateLimiter } from '../rate-limiter'
import type { WireShapes } from '../wire-shapes'

/** An error that becomes a `{error:{code, message}}` response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>
  ) {
    super(message)
  }
}

/** What a route handler sees. */
interface RestRequest {
  params: Record<string, string>
  query: URLSearchParams
  /** The parsed JSON body (undefined when empty); only for routes that read one. */
  body: unknown
  /** The verified token's claims; set on every route that requires auth. */
  user: TokenClaims | undefined
  remoteAddress: string
}

export interface RestResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Path under REST_PATH, with `:name` segments. */
  path: string
  auth: boolean
  readsBody: boolean
  handle(req: RestRequest): Promise<RestResponse> | RestResponse
}

/** What the route tables need. */
export interface RouteDeps {
  engine: Engine
  auth: TokenAuthority
  shapes: WireShapes
  loginLimiter: RateLimiter
  /** `POST /auth/login` with the fixed dev account; off unless asked for. */
  devLogin: boolean
  version: string
  startedAtMs: number
}

/** Parses `value` with `schema`, or throws 422 VALIDATION_ERROR naming the first problem. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message
  }))
  const first = issues[0]
  const where = first?.path ? `${first.path}: ` : ''
  throw new HttpError(
    422,
    ErrorCode.ValidationError,
    `invalid ${what}: ${where}${first?.message ?? 'invalid'}`,
    { issues }
  )
}

/** One page of `items` with the document's pagination block. */
export function page<T>(
  items: T[],
  limit: number,
  offset: number
): { data: T[]; pagination: Pagination } {
  const data = items.slice(offset, offset + limit)
  return {
    data,
    pagination: {
      total: items.length,
      limit,
      offset,
      has_more: offset + data.length < items.length
    }
  }
}

/** 404 NOT_FOUND naming what was not found. */
export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, ErrorCode.NotFound, `${what} '${id.slice(0, 200)}' not found`)
}

/** The `:id` path parameter (every route that names one has it). */
export function idParam(req: RestRequest): string {
  return req.params.id as string
}
