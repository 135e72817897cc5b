import { z } from 'zod'
import { ExecutionSchema, LogEntrySchema, TimestampSchema, WorkflowSchema } from './entities'

// REST bodies under /api/v1. Same forward-compatibility rule as the WS messages.

export const ApiErrorBodySchema = z.looseObject({
  error: z.looseObject({
    code: z.string().min(1),
    message: z.string(),
    request_id: z.string().optional(),
    details: z.unknown().optional()
  })
})
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>

export const LoginRequestSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1)
})
export type LoginRequest = z.infer<typeof LoginRequestSchema>

export const LoginResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive()
})
export type LoginResponse = z.infer<typeof LoginResponseSchema>

export const PaginationSchema = z.looseObject({
  total: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
  has_more: z.boolean()
})
export type Pagination = z.infer<typeof PaginationSchema>

/** A page of items: `{data, pagination}`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({ data: z.array(item), pagination: PaginationSchema })

/**
 * A page as a client reads it: the records unread (each is read on its own, so one odd record
 * never costs the others) and only `has_more` from the pagination.
 */
export const RawPageSchema = z.looseObject({
  data: z.array(z.unknown()),
  pagination: z
    .looseObject({ has_more: z.boolean().catch(false) })
    .optional()
    .catch(undefined)
})
export type RawPage = z.infer<typeof RawPageSchema>

/** Largest `limit` the list endpoints honour; larger values are clamped to it. */
export const MAX_PAGE_LIMIT = 100
/** `limit` when the query has none. */
export const DEFAULT_PAGE_LIMIT = 20

/** Query of the paged list endpoints: `limit` (>= 1, clamped to MAX_PAGE_LIMIT) and `offset`. */
export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_PAGE_LIMIT)
    .transform((n) => Math.min(n, MAX_PAGE_LIMIT)),
  offset: z.coerce.number().int().min(0).default(0)
})
export type PageQuery = z.infer<typeof PageQuerySchema>

/** Query of `GET /executions`: paging plus optional `workflow_id` and `status` filters. */
export const ExecutionQuerySchema = PageQuerySchema.extend({
  workflow_id: z.string().min(1).optional(),
  status: z.string().min(1).optional()
})
export type ExecutionQuery = z.infer<typeof ExecutionQuerySchema>

export const WorkflowListSchema = pageOf(WorkflowSchema)
export type WorkflowList = z.infer<typeof WorkflowListSchema>

export const ExecutionListSchema = pageOf(ExecutionSchema)
export type ExecutionList = z.infer<typeof ExecutionListSchema>

export const LogListSchema = z.looseObject({ data: z.array(LogEntrySchema) })
export type LogList = z.infer<typeof LogListSchema>

/** Body of `POST /workflows`: a name and the ordered action names. */
export const WorkflowCreateSchema = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  status: z.enum(['active', 'inactive']).optional(),
  actions: z.array(z.string().trim().min(1).max(200)).min(1).max(100).optional()
})
export type WorkflowCreate = z.infer<typeof WorkflowCreateSchema>

/** Body of `PUT /workflows/{id}`: any subset of the create fields. */
export const WorkflowUpdateSchema = WorkflowCreateSchema.partial()
export type WorkflowUpdate = z.infer<typeof WorkflowUpdateSchema>

export const ExecuteRequestSchema = z.object({ input: z.unknown().optional() })
export type ExecuteRequest = z.infer<typeof ExecuteRequestSchema>

export const ExecuteResponseSchema = z.looseObject({
  execution_id: z.string().min(1),
  workflow_id: z.string().min(1),
  status: z.string().min(1),
  started_at: TimestampSchema,
  input: z.unknown()
})
export type ExecuteResponse = z.infer<typeof ExecuteResponseSchema>

export const HealthSchema = z.looseObject({
  status: z.string(),
  version: z.string(),
  uptime_s: z.number().nonnegative()
})
export type Health = z.infer<typeof HealthSchema>
