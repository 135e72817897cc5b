import type { z } from 'zod'
import {
  ApiErrorBodySchema,
  ExecutionListSchema,
  ExecutionSchema,
  WorkflowListSchema
} from '@shared/protocol'
import type { Execution, ExecutionList, Workflow } from '@shared/protocol'
import { describeError, redact } from '@shared/redact'

/** A failed REST call: HTTP status (0 for network errors) and the server's error code. */
export class RestError extends Error {
  override name = 'RestError'
  constructor(
    message: string,
    readonly status: number,
    readonly code: string
  ) {
    super(message)
  }
}

export interface RestClientOptions {
  timeoutMs?: number
  /** Most pages read by one listing, so a huge server cannot stall the client. */
  maxPages?: number
}

export interface ExecutionQuery {
  status?: string
  workflowId?: string
  limit?: number
  offset?: number
}

/** A typed, validating client for the REST endpoints the monitor needs. */
export class RestClient {
  private readonly timeoutMs: number
  private readonly maxPages: number

  constructor(
    private readonly restBase: string,
    private readonly getToken: () => Promise<string | null> | string | null,
    options: RestClientOptions = {}
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.maxPages = options.maxPages ?? 50
  }

  /** Every workflow, following pagination. */
  async listWorkflows(): Promise<Workflow[]> {
    const all: Workflow[] = []
    for (let page = 0, offset = 0; page < this.maxPages; page++) {
      const body = await this.get(`/workflows?limit=100&offset=${offset}`, WorkflowListSchema)
      all.push(...body.data)
      if (!body.pagination.has_more || body.data.length === 0) break
      offset += body.data.length
    }
    return all
  }

  /** One page of executions, newest first. */
  listExecutions(query: ExecutionQuery): Promise<ExecutionList> {
    const params = new URLSearchParams()
    if (query.status) params.set('status', query.status)
    if (query.workflowId) params.set('workflow_id', query.workflowId)
    params.set('limit', String(query.limit ?? 100))
    params.set('offset', String(query.offset ?? 0))
    return this.get(`/executions?${params}`, ExecutionListSchema)
  }

  /** One execution, or null when the server no longer has it. */
  async getExecution(id: string): Promise<Execution | null> {
    try {
      return await this.get(`/executions/${encodeURIComponent(id)}`, ExecutionSchema)
    } catch (error) {
      if (error instanceof RestError && error.status === 404) return null
      throw error
    }
  }

  /** The page limit this client follows listings to. */
  get pageLimit(): number {
    return this.maxPages
  }

  private async get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    const token = await this.getToken()
    if (!token) throw new RestError('no token for this server', 401, 'UNAUTHORIZED')
    const secrets = [token]
    let response: Response
    try {
      response = await fetch(`${this.restBase}${path}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs)
      })
    } catch (error) {
      throw new RestError(
        `GET ${path} failed: ${describeError(error, secrets)}`,
        0,
        'NETWORK_ERROR'
      )
    }
    let body: unknown
    try {
      body = await response.json()
    } catch {
      body = undefined
    }
    if (!response.ok) {
      const parsed = ApiErrorBodySchema.safeParse(body)
      const code = parsed.success ? parsed.data.error.code : `HTTP_${response.status}`
      const message = parsed.success ? parsed.data.error.message : response.statusText
      throw new RestError(
        redact(`GET ${path}: ${response.status} ${code}: ${message}`, secrets),
        response.status,
        code
      )
    }
    const parsed = schema.safeParse(body)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new RestError(
        `GET ${path}: unexpected response (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`,
        response.status,
        'INVALID_RESPONSE'
      )
    }
    return parsed.data
  }
}
