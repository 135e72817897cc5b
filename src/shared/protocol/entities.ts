import { z } from 'zod'

// Every object schema is loose: unknown extra fields pass through untouched, so a newer
// server can add fields without breaking this client. Required fields stay required.

/** An ISO-8601 timestamp as sent on the wire (kept as a string; not re-parsed). */
export const TimestampSchema = z.string().min(1)

/** Any status string: known ones are listed in status.ts, unknown ones are kept. */
export const StatusSchema = z.string().min(1)

export const ProgressSchema = z.looseObject({
  current_action: z.number().int().nonnegative(),
  total_actions: z.number().int().nonnegative(),
  percentage: z.number().min(0).max(100)
})
export type Progress = z.infer<typeof ProgressSchema>

export const ActionErrorSchema = z.looseObject({
  message: z.string(),
  code: z.string().optional()
})

export const ActionExecutionSchema = z.looseObject({
  action_id: z.string().min(1),
  name: z.string(),
  status: StatusSchema,
  started_at: TimestampSchema.nullish(),
  completed_at: TimestampSchema.nullish(),
  duration_ms: z.number().nonnegative().nullish(),
  result: z.unknown().optional(),
  error: ActionErrorSchema.nullish()
})
export type ActionExecution = z.infer<typeof ActionExecutionSchema>

/** Why an execution failed: the failing action and its message, where the server knows them. */
export const ExecutionErrorSchema = z.looseObject({
  message: z.string(),
  action_id: z.string().nullish(),
  action_name: z.string().nullish(),
  code: z.string().nullish()
})
export type ExecutionError = z.infer<typeof ExecutionErrorSchema>

/** One execution: the payload of `execution_update` and of the REST execution endpoints. */
export const ExecutionSchema = z.looseObject({
  id: z.string().min(1),
  workflow_id: z.string().min(1),
  status: StatusSchema,
  workflow_name: z.string().nullish(),
  started_at: TimestampSchema.nullish(),
  completed_at: TimestampSchema.nullish(),
  updated_at: TimestampSchema.nullish(),
  progress: ProgressSchema.optional(),
  actions_executed: z.array(ActionExecutionSchema).optional(),
  error: ExecutionErrorSchema.nullish(),
  input: z.unknown().optional()
})
export type Execution = z.infer<typeof ExecutionSchema>

export const WorkflowActionSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string()
})
export type WorkflowAction = z.infer<typeof WorkflowActionSchema>

/** A workflow definition as sent in `workflow_event` and by the REST workflow endpoints. */
export const WorkflowSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  status: z.string().optional(),
  version: z.number().int().optional(),
  description: z.string().nullish(),
  actions: z.array(WorkflowActionSchema).optional(),
  created_at: TimestampSchema.nullish(),
  updated_at: TimestampSchema.nullish(),
  updated_by: z.string().nullish()
})
export type Workflow = z.infer<typeof WorkflowSchema>

/** `created`, `updated`, `deleted`; other event types are kept. */
export const WorkflowEventSchema = z.looseObject({
  event_type: z.string().min(1),
  workflow: WorkflowSchema
})
export type WorkflowEvent = z.infer<typeof WorkflowEventSchema>

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const

export const LogEntrySchema = z.looseObject({
  execution_id: z.string().min(1),
  action_id: z.string().nullish(),
  timestamp: TimestampSchema,
  level: z.string().min(1),
  message: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullish()
})
export type LogEntry = z.infer<typeof LogEntrySchema>
