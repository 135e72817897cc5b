import type { z } from 'zod'
import {
  ApiErrorBodySchema,
  ExecutionSchema,
  RawPageSchema,
  WorkflowSchema,
  collectDropped
} from '@shared/protocol'
import type { Execution, Workflow } from '@shared/protocol'
import { redact } from '@shared/redact'
import { describeNetworkError } from './network-error'

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
  /** Fields read leniently and dropped, and records that could not be read at all. */
  onDropped?: (fields: string[]) => void
  onUnreadable?: (record: UnreadableRecord) => void
}

/** A record a listing could not read (its id when it had a readable one). */
export interface UnreadableRecord {
  id?: string
  detail: string
}

/** One page of records that could be read, and whether the server has more. */
export interface Page<T> {
  data: T[]
  hasMore: boolean
  /** The server's count of matching records, where it gives one. */
  total?: number
  /** Records on this page that could not be read (skipped; the others are unaffected). */
  unreadable: UnreadableRecord[]
}

export interface ExecutionQuery {
  status?: string
  workflowId?: string
  limit?: number
  offset?: number
}

/**
 * A client for the REST endpoints the monitor needs. Records are read one by one and
 * leniently (see protocol/lenient.ts): an unreadable one is skipped and reported, never the
 * page; error text never carries the token.
 */
export class RestClient {
  private readonly timeoutMs: number
  private readonly maxPages: number

  constructor(
    private readonly restBase: string,
    private readonly getToken: () => Promise<string | null> | string | null,
    private readonly options: RestClientOptions = {}
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.maxPages = options.maxPages ?? 50
  }

  /** Every workflow that could be read, following pagination. */
  async listWorkflows(): Promise<Workflow[]> {
    const all: Workflow[] = []
    for (let page = 0, offset = 0; page < this.maxPages; page++) {
      const body = await this.page(`/workflows?limit=100&offset=${offset}`, WorkflowSchema)
      all.push(...body.data)
      const read = body.data.length + body.unreadable.length
      if (!body.hasMore || read === 0) break
      offset += read
    }
    return all
  }

  /** One page of executions, newest first; unreadable records are skipped and reported. */
  listExecutions(query: ExecutionQuery): Promise<Page<Execution>> {
    const params = new URLSearchParams()
    if (query.status) params.set('status', query.status)
    if (query.workflowId) params.set('workflow_id', query.workflowId)
    params.set('limit', String(query.limit ?? 100))
    params.set('offset', String(query.offset ?? 0))
    return this.page(`/executions?${params}`, ExecutionSchema)
  }

  /**
   * One execution, or null when the server no longer has it. A record that cannot be read
   * throws a RestError with code `UNREADABLE_RECORD` (and is reported as unreadable).
   */
  async getExecution(id: string): Promise<Execution | null> {
    let body: unknown
    try {
      body = await this.get(`/executions/${encodeURIComponent(id)}`)
    } catch (error) {
      if (error instanceof RestError && error.status === 404) return null
      throw error
    }
    const record = this.read(body, ExecutionSchema)
    if (record.ok) return record.value
    this.options.onUnreadable?.({ id, detail: record.detail })
    throw new RestError(`GET /executions/${id}: ${record.detail}`, 200, 'UNREADABLE_RECORD')
  }

  /** The page limit this client follows listings to. */
  get pageLimit(): number {
    return this.maxPages
  }

  /** A page whose records are read one by one: the unreadable ones are skipped, not fatal. */
  private async page<S extends z.ZodType>(path: string, schema: S): Promise<Page<z.output<S>>> {
    const raw = RawPageSchema.safeParse(await this.get(path))
    if (!raw.success) {
      throw new RestError(
        `GET ${path}: unexpected response (no data list)`,
        200,
        'INVALID_RESPONSE'
      )
    }
    const page: Page<z.output<S>> = {
      data: [],
      hasMore: raw.data.pagination?.has_more ?? false,
      unreadable: []
    }
    const total = raw.data.pagination?.total
    if (typeof total === 'number' && Number.isInteger(total) && total >= 0) page.total = total
    for (const item of raw.data.data) {
      const record = this.read(item, schema)
      if (record.ok) {
        page.data.push(record.value)
        continue
      }
      const id = (item as { id?: unknown } | null)?.id
      const unreadable = { ...(typeof id === 'string' && id ? { id } : {}), detail: record.detail }
      page.unreadable.push(unreadable)
      this.options.onUnreadable?.(unreadable)
    }
    return page
  }

  /** Reads one record leniently, reporting the fields it had to drop. */
  private read<S extends z.ZodType>(
    value: unknown,
    schema: S
  ): { ok: true; value: z.output<S> } | { ok: false; detail: string } {
    const { value: parsed, dropped } = collectDropped(() => schema.safeParse(value))
    if (dropped.length > 0) this.options.onDropped?.(dropped)
    if (parsed.success) return { ok: true, value: parsed.data }
    const issue = parsed.error.issues[0]
    return { ok: false, detail: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid' }
  }

  private async get(path: string): Promise<unknown> {
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
        `GET ${path} failed: ${describeNetworkError(error, secrets)}`,
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
    return body
  }
}
