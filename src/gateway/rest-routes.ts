import type { z } from 'zod'
import {
  ErrorCode,
  ExecuteRequestSchema,
  ExecutionQuerySchema,
  LoginRequestSchema,
  PageQuerySchema,
  REST_PATH,
  WorkflowCreateSchema,
  WorkflowUpdateSchema
} from '@shared/protocol'
import type { ExecuteResponse, Health, LoginResponse, Pagination } from '@shared/protocol'
import type { TokenAuthority, TokenClaims } from './auth'
import type { Engine } from './engine'
import { checkExecutionInput } from './engine'
import type { RateLimiter } from './rate-limiter'

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
export interface RestRequest {
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

export interface RouteDeps {
  engine: Engine
  auth: TokenAuthority
  loginLimiter: RateLimiter
  version: string
  startedAtMs: number
}

/** Workflows the gateway keeps at most (each is small, but memory stays bounded). */
export const MAX_WORKFLOWS = 1000
/** Lifetime of tokens from `POST /auth/login`. */
export const LOGIN_TOKEN_LIFETIME_S = 3600
/**
 * The one dev account of the local gateway: username `dev`, password `dev`. This is a local,
 * offline development server; it is not meant to guard anything real.
 */
const DEV_USER = { username: 'dev', password: 'dev', roles: ['admin'] }

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

function page<T>(items: T[], limit: number, offset: number): { data: T[]; pagination: Pagination } {
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

const notFound = (what: string, id: string): HttpError =>
  new HttpError(404, ErrorCode.NotFound, `${what} '${id.slice(0, 200)}' not found`)

/** The REST API under /api/v1 (see docs/PROTOCOL.md). */
export function createRoutes(deps: RouteDeps): Route[] {
  const { engine } = deps
  return [
    {
      method: 'GET',
      path: '/health',
      auth: false,
      readsBody: false,
      handle: () => {
        const body: Health = {
          status: 'ok',
          version: deps.version,
          uptime_s: Math.floor((Date.now() - deps.startedAtMs) / 1000)
        }
        return { status: 200, body }
      }
    },
    {
      method: 'POST',
      path: '/auth/login',
      auth: false,
      readsBody: true,
      handle: async (req) => {
        if (!deps.loginLimiter.tryConsume(req.remoteAddress)) {
          const retry = Math.ceil(deps.loginLimiter.retryAfterMs(req.remoteAddress) / 1000)
          throw new HttpError(
            429,
            ErrorCode.RateLimitExceeded,
            'too many login attempts',
            undefined,
            { 'Retry-After': String(Math.max(1, retry)) }
          )
        }
        const login = validate(LoginRequestSchema, req.body, 'login request')
        if (login.username !== DEV_USER.username || login.password !== DEV_USER.password) {
          throw new HttpError(401, ErrorCode.Unauthorized, 'invalid username or password')
        }
        const body: LoginResponse = {
          access_token: await deps.auth.mint({
            sub: DEV_USER.username,
            roles: DEV_USER.roles,
            expiresInSeconds: LOGIN_TOKEN_LIFETIME_S
          }),
          token_type: 'Bearer',
          expires_in: LOGIN_TOKEN_LIFETIME_S
        }
        return { status: 200, body }
      }
    },
    {
      method: 'GET',
      path: '/workflows',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const q = validate(PageQuerySchema, Object.fromEntries(req.query), 'query')
        return { status: 200, body: page(engine.listWorkflows(), q.limit, q.offset) }
      }
    },
    {
      method: 'POST',
      path: '/workflows',
      auth: true,
      readsBody: true,
      handle: (req) => {
        const body = validate(WorkflowCreateSchema, req.body, 'workflow')
        if (engine.listWorkflows().length >= MAX_WORKFLOWS) {
          throw new HttpError(
            422,
            ErrorCode.ValidationError,
            `workflow limit reached (${MAX_WORKFLOWS}); delete some first`
          )
        }
        const workflow = engine.createWorkflow(body, req.user?.sub)
        return {
          status: 201,
          body: workflow,
          headers: { Location: `${REST_PATH}/workflows/${encodeURIComponent(workflow.id)}` }
        }
      }
    },
    {
      method: 'GET',
      path: '/workflows/:id',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const id = req.params.id as string
        const workflow = engine.getWorkflow(id)
        if (!workflow) throw notFound('Workflow', id)
        return { status: 200, body: workflow }
      }
    },
    {
      method: 'PUT',
      path: '/workflows/:id',
      auth: true,
      readsBody: true,
      handle: (req) => {
        const id = req.params.id as string
        const body = validate(WorkflowUpdateSchema, req.body, 'workflow')
        const workflow = engine.updateWorkflow(id, body, req.user?.sub)
        if (!workflow) throw notFound('Workflow', id)
        return { status: 200, body: workflow }
      }
    },
    {
      method: 'DELETE',
      path: '/workflows/:id',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const id = req.params.id as string
        if (!engine.deleteWorkflow(id, req.user?.sub)) throw notFound('Workflow', id)
        return { status: 204 }
      }
    },
    {
      method: 'POST',
      path: '/workflows/:id/execute',
      auth: true,
      readsBody: true,
      handle: (req) => {
        const id = req.params.id as string
        const body = validate(ExecuteRequestSchema, req.body ?? {}, 'execute request')
        const problem = checkExecutionInput(body.input)
        if (problem) throw new HttpError(422, ErrorCode.ValidationError, problem)
        const execution = engine.startExecution(id, body.input, { triggeredBy: req.user?.sub })
        if (!execution) throw notFound('Workflow', id)
        const response: ExecuteResponse = {
          execution_id: execution.id,
          workflow_id: execution.workflow_id,
          status: execution.status,
          started_at: execution.started_at ?? new Date().toISOString(),
          input: execution.input
        }
        return {
          status: 202,
          body: response,
          headers: { Location: `${REST_PATH}/executions/${encodeURIComponent(execution.id)}` }
        }
      }
    },
    {
      method: 'GET',
      path: '/executions',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const q = validate(ExecutionQuerySchema, Object.fromEntries(req.query), 'query')
        const all = engine.listExecutions({ workflowId: q.workflow_id, status: q.status })
        return { status: 200, body: page(all, q.limit, q.offset) }
      }
    },
    {
      method: 'GET',
      path: '/executions/:id',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const id = req.params.id as string
        const execution = engine.getExecution(id)
        if (!execution) throw notFound('Execution', id)
        return { status: 200, body: execution }
      }
    },
    {
      method: 'DELETE',
      path: '/executions/:id',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const id = req.params.id as string
        const execution = engine.cancelExecution(id)
        if (!execution) throw notFound('Execution', id)
        return { status: 200, body: execution }
      }
    },
    {
      method: 'GET',
      path: '/executions/:id/logs',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const id = req.params.id as string
        const logs = engine.getLogs(id)
        if (!logs) throw notFound('Execution', id)
        return { status: 200, body: { data: logs } }
      }
    }
  ]
}
