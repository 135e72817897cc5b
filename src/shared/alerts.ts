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
  at: InstantSchema,
  /** The server profile it is about, when it is about one (one policy can serve several). */
  profile: z.string().min(1).optional(),
  /**
   * A stable id: a notification with the same tag replaces the one shown before it in place
   * (the failure summary is updated, never stacked).
   */
  tag: z.string().min(1).optional()
}

const oneWorkflow = {
  workflow_id: z.string().min(1),
  workflow_name: z.string().min(1)
}

/** Per-workflow tally used by the summary notifications. */
export const WorkflowFailureCountSchema = z.object({
  ...oneWorkflow,
  profile: z.string().min(1).optional(),
  count: z.number().int().positive()
})
export type WorkflowFailureCount = z.infer<typeof WorkflowFailureCountSchema>

/** The tag of the one failure summary that is replaced in place. */
export const FAILURE_SUMMARY_TAG = 'failure-summary'

/** What the shell should show; every kind is decided by src/main/core/notification-policy.ts. */
export const NotificationSchema = z.discriminatedUnion('kind', [
  /** One failed execution (within the budget of single notices). */
  z.object({
    kind: z.literal('failure'),
    ...notificationBase,
    ...oneWorkflow,
    status: AlertStatusSchema
  }),
  /**
   * Failures beyond the budget, across workflows and profiles, since `since`: one notice,
   * updated in place (tag FAILURE_SUMMARY_TAG) at most once a minute; `count` is cumulative.
   */
  z.object({
    kind: z.literal('failure_summary'),
    ...notificationBase,
    since: InstantSchema,
    /** The busiest workflows first (at most 10); `workflow_count` is exact. */
    workflows: z.array(WorkflowFailureCountSchema).max(10),
    workflow_count: z.number().int().positive(),
    /** The most recent failure in it. */
    last: z.object({
      execution_id: z.string().min(1),
      ...oneWorkflow,
      status: AlertStatusSchema,
      profile: z.string().min(1).optional()
    })
  }),
  /** A workflow that keeps failing and recovering; said once, then quiet until it settles. */
  z.object({
    kind: z.literal('flapping'),
    ...notificationBase,
    ...oneWorkflow,
    /** Fail-and-recover cycles seen within the flapping window. */
    cycles: z.number().int().positive()
  }),
  /** A workflow that was notified as failing has stayed healthy for a while. */
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
  }),
  /** The server refused this profile's token: sign in again. */
  z.object({
    kind: z.literal('auth_failed'),
    ...notificationBase,
    reason: z.string().optional()
  })
])
export type Notification = z.infer<typeof NotificationSchema>
export type NotificationKind = Notification['kind']
