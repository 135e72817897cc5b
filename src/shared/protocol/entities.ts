import { z } from 'zod'
import { InstantInputSchema, errorInput, lenient, lenientNullable } from './lenient'

// Every object schema is loose: unknown extra fields pass through untouched, so a newer
// server can add fields without breaking this client. Only the fields the monitor depends on
// are strict (an execution's id, workflow_id and status; a log's execution_id and message; a
// workflow's id); every other field is read leniently (lenient.ts): normalized where the
// meaning is obvious, else dropped and noted, never failing the message it is in.

/** An ISO-8601 timestamp as sent on the wire (kept as a string; not re-parsed). */
export const TimestampSchema = z.string().min(1)

/** Any status string: known ones are listed in status.ts, unknown ones are kept. */
export const StatusSchema = z.string().min(1)

const finite = z.number().finite()
const instant = (name: string) => lenientNullable(InstantInputSchema, name)

/** Progress as numbers; any finite value is kept (a fractional percentage too). */
export const ProgressSchema = z.looseObject({
  current_action: finite,
  total_actions: finite,
  percentage: finite
})
export type Progress = z.infer<typeof ProgressSchema>

export const ActionErrorSchema = z.looseObject({
  message: z.string(),
  code: lenientNullable(z.string(), 'action.error.code')
})

export const ActionExecutionSchema = z.looseObject({
  action_id: z.string().min(1),
  status: StatusSchema,
  name: lenient(z.string(), 'action.name'),
  started_at: instant('action.started_at'),
  completed_at: instant('action.completed_at'),
  duration_ms: lenientNullable(finite, 'action.duration_ms'),
  result: z.unknown().optional(),
  error: lenientNullable(errorInput(ActionErrorSchema), 'action.error')
})
export type ActionExecution = z.infer<typeof ActionExecutionSchema>

/** Why an execution failed: the failing action and its message, where the server knows them. */
export const ExecutionErrorSchema = z.looseObject({
  message: z.string(),
  action_id: lenientNullable(z.string(), 'execution.error.action_id'),
  action_name: lenientNullable(z.string(), 'execution.error.action_name'),
  code: lenientNullable(z.string(), 'execution.error.code')
})
export type ExecutionError = z.infer<typeof ExecutionErrorSchema>

/** A list whose unreadable entries are dropped one by one (each noted), never the whole list. */
const lenientList = <S extends z.ZodType>(item: S, name: string) =>
  lenient(
    z
      .array(lenient(item, `${name}[]`))
      .transform((items) => items.filter((entry): entry is z.output<S> => entry !== undefined)),
    name
  )

/** One execution: the payload of `execution_update` and of the REST execution endpoints. */
export const ExecutionSchema = z.looseObject({
  id: z.string().min(1),
  workflow_id: z.string().min(1),
  status: StatusSchema,
  workflow_name: lenientNullable(z.string(), 'execution.workflow_name'),
  started_at: instant('execution.started_at'),
  completed_at: instant('execution.completed_at'),
  updated_at: instant('execution.updated_at'),
  progress: lenient(ProgressSchema, 'execution.progress'),
  actions_executed: lenientList(ActionExecutionSchema, 'execution.actions_executed'),
  error: lenientNullable(errorInput(ExecutionErrorSchema), 'execution.error'),
  input: z.unknown().optional()
})
export type Execution = z.infer<typeof ExecutionSchema>

/** A workflow's action; an unreadable one is dropped from the list (`lenientList`). */
export const WorkflowActionSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string()
})
export type WorkflowAction = z.infer<typeof WorkflowActionSchema>

/** A workflow definition as sent in `workflow_event` and by the REST workflow endpoints. */
export const WorkflowSchema = z.looseObject({
  id: z.string().min(1),
  name: lenient(z.string(), 'workflow.name'),
  status: lenient(z.string(), 'workflow.status'),
  version: lenient(finite, 'workflow.version'),
  description: lenientNullable(z.string(), 'workflow.description'),
  actions: lenientList(WorkflowActionSchema, 'workflow.actions'),
  created_at: instant('workflow.created_at'),
  updated_at: instant('workflow.updated_at'),
  updated_by: lenientNullable(z.string(), 'workflow.updated_by')
})
export type Workflow = z.infer<typeof WorkflowSchema>

/** `created`, `updated`, `deleted`; other event types are kept. */
export const WorkflowEventSchema = z.looseObject({
  event_type: z.string().min(1),
  workflow: WorkflowSchema
})
export type WorkflowEvent = z.infer<typeof WorkflowEventSchema>

export const LogEntrySchema = z.looseObject({
  execution_id: z.string().min(1),
  message: z.string(),
  timestamp: lenient(InstantInputSchema, 'log.timestamp'),
  level: lenient(z.string().min(1), 'log.level'),
  action_id: lenientNullable(z.string(), 'log.action_id'),
  metadata: lenientNullable(z.record(z.string(), z.unknown()), 'log.metadata')
})
export type LogEntry = z.infer<typeof LogEntrySchema>
