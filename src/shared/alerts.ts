import { z } from 'zod'

// Alerts and notifications travel from the main process to the bridge and the CLI (`watch
// --format json`), so they are defined once here; the types come from the schemas.

/** The execution statuses that raise an alert. */
export const AlertStatusSchema = z.enum(['failed', 'timed_out'])
export type AlertStatus = z.infer<typeof AlertStatusSchema>

/** An ISO-8601 instant produced by this client (always `Date#toISOString()` output). */
const InstantSchema = z.iso.datetime()

/** The action that failed, as far as the server told us. */
export const FailedActionSchema = z.object({
  id: z.string().min(1).optional(),
  name: z.string().min(1).optional()
})
export type FailedAction = z.infer<typeof FailedActionSchema>

/** Exactly one per execution that entered `failed` or `timed_out`. */
export const AlertSchema = z.object({
  execution_id: z.string().min(1),
  workflow_id: z.string().min(1),
  /** The workflow's name, or its id where the name is unknown. */
  workflow_name: z.string().min(1),
  status: AlertStatusSchema,
  failed_action: FailedActionSchema.optional(),
  error_message: z.string().optional(),
  /** When the execution failed (its completion time where the server sent one). */
  at: InstantSchema
})
export type Alert = z.infer<typeof AlertSchema>

/** Notifications list at most this many execution ids; `count` is always exact. */
export const MAX_NOTIFIED_EXECUTION_IDS = 50

const notificationBase = {
  title: z.string().min(1),
  body: z.string(),
  /** The executions behind this notification (first MAX_NOTIFIED_EXECUTION_IDS of them). */
  execution_ids: z.array(z.string().min(1)).max(MAX_NOTIFIED_EXECUTION_IDS),
  /** How many executions this notification stands for. */
  count: z.number().int().nonnegative(),
  /** When the policy decided it. */
  at: InstantSchema
}

const oneWorkflow = {
  workflow_id: z.string().min(1),
  workflow_name: z.string().min(1)
}

/** Per-workflow tally used by the summary notifications. */
export const WorkflowFailureCountSchema = z.object({
  ...oneWorkflow,
  count: z.number().int().positive()
})
export type WorkflowFailureCount = z.infer<typeof WorkflowFailureCountSchema>

/** What the shell should show; every kind is decided by src/main/core/notification-policy.ts. */
export const NotificationSchema = z.discriminatedUnion('kind', [
  /** One failed execution. */
  z.object({
    kind: z.literal('failure'),
    ...notificationBase,
    ...oneWorkflow,
    status: AlertStatusSchema
  }),
  /** The failures of one workflow folded together during a burst. */
  z.object({ kind: z.literal('failure_group'), ...notificationBase, ...oneWorkflow }),
  /** A workflow that last failed has completed an execution again. */
  z.object({ kind: z.literal('recovered'), ...notificationBase, ...oneWorkflow }),
  /** What failed while do-not-disturb was on, shown once when it ends. */
  z.object({
    kind: z.literal('dnd_summary'),
    ...notificationBase,
    workflows: z.array(WorkflowFailureCountSchema)
  }),
  /** What failed while the app was closed, shown once at start. */
  z.object({
    kind: z.literal('startup_summary'),
    ...notificationBase,
    workflows: z.array(WorkflowFailureCountSchema)
  })
])
export type Notification = z.infer<typeof NotificationSchema>
export type NotificationKind = Notification['kind']
