import { z } from 'zod'
import { AlertSchema } from '@shared/alerts'
import { ConnectionStateSchema } from '@shared/connection-state'
import {
  AppSettingsSchema,
  InstantSchema,
  NotificationSettingsSchema,
  ProfileIdSchema,
  ProfileSettingsSchema
} from '@shared/settings'

// What the dashboard is shown: the snapshot it loads on (re)connect and the events that keep it
// current. Plain `z.object` strips unknown keys, so main sends exactly these fields and nothing
// else (no token, no raw server frame) reaches the renderer.

/** A JSON value from the server (action results, execution input and output), passed through. */
const JsonValueSchema = z.unknown()

/** Name, version and platform of the running app, and how the dashboard is connected to it. */
export const AppInfoSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  platform: z.string().min(1),
  /** `electron`: the desktop app; `browser`: `nebula-desktop ui` serving a local browser. */
  transport: z.enum(['electron', 'browser'])
})
export type AppInfo = z.infer<typeof AppInfoSchema>

/** What is known about a profile's token; never the token itself. */
export const TokenInfoSchema = z.object({
  present: z.boolean(),
  /** `keychain`, `memory` (no keychain: this run only) or `minted` (local dev mode). */
  storage: z.enum(['keychain', 'memory', 'minted']).optional(),
  subject: z.string().optional(),
  expires_at: InstantSchema.optional(),
  expired: z.boolean().default(false),
  expiring_soon: z.boolean().default(false)
})
export type TokenInfo = z.infer<typeof TokenInfoSchema>

/**
 * One profile's connection state: the core's state (with coverage) plus when main published it
 * (`at`, ms since the epoch, for retry countdowns) and the server's base URL.
 */
export const SessionStateSchema = ConnectionStateSchema.extend({
  server_url: z.string().optional(),
  at: z.number().int().nonnegative()
})
export type SessionState = z.infer<typeof SessionStateSchema>

/** A profile as the dashboard shows it: its settings, token facts and live connection. */
export const ProfileViewSchema = ProfileSettingsSchema.extend({
  /** True for the built-in local dev mode profile. */
  local: z.boolean(),
  token: TokenInfoSchema,
  connection: SessionStateSchema
})
export type ProfileView = z.infer<typeof ProfileViewSchema>

export const ProgressViewSchema = z.object({
  current_action: z.number().nonnegative(),
  total_actions: z.number().nonnegative(),
  percentage: z.number().min(0).max(100)
})

export const ActionViewSchema = z.object({
  action_id: z.string(),
  name: z.string(),
  status: z.string(),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  duration_ms: z.number().nullish(),
  result: JsonValueSchema.optional(),
  error: z.object({ message: z.string(), code: z.string().nullish() }).nullish()
})
export type ActionView = z.infer<typeof ActionViewSchema>

/** One execution as the dashboard shows it (tables, feed, detail). */
export const ExecutionViewSchema = z.object({
  profile_id: ProfileIdSchema,
  id: z.string().min(1),
  workflow_id: z.string().min(1),
  workflow_name: z.string().nullish(),
  status: z.string().min(1),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  progress: ProgressViewSchema.optional(),
  actions: z.array(ActionViewSchema).optional(),
  error: z
    .object({
      message: z.string(),
      action_id: z.string().nullish(),
      action_name: z.string().nullish(),
      code: z.string().nullish()
    })
    .nullish(),
  input: JsonValueSchema.optional(),
  output: JsonValueSchema.optional()
})
export type ExecutionView = z.infer<typeof ExecutionViewSchema>

export const WorkflowViewSchema = z.object({
  profile_id: ProfileIdSchema,
  id: z.string().min(1),
  name: z.string().nullish(),
  status: z.string().nullish(),
  version: z.number().nullish(),
  description: z.string().nullish(),
  updated_at: z.string().nullish(),
  actions: z.array(z.object({ id: z.string(), name: z.string() })).optional()
})
export type WorkflowView = z.infer<typeof WorkflowViewSchema>

/** An alert in the failure feed: exactly one per failed execution, with its seen flag. */
export const FailureViewSchema = AlertSchema.extend({
  profile_id: ProfileIdSchema,
  seen: z.boolean()
})
export type FailureView = z.infer<typeof FailureViewSchema>

/** One log line of a followed execution; `seq` orders lines and keys list rows. */
export const LogLineSchema = z.object({
  seq: z.number().int().nonnegative(),
  timestamp: z.string(),
  level: z.string(),
  message: z.string(),
  action_id: z.string().nullish()
})
export type LogLine = z.infer<typeof LogLineSchema>

/** Something the person should know that belongs to no field (e.g. settings reset). */
export const NoticeSchema = z.object({
  id: z.string().min(1),
  level: z.enum(['info', 'warning', 'error']),
  message: z.string().min(1),
  at: InstantSchema
})
export type Notice = z.infer<typeof NoticeSchema>

/** Settings as the dashboard sees and edits them (profiles travel as ProfileView instead). */
export const SettingsViewSchema = AppSettingsSchema.omit({ profiles: true, version: true })
export type SettingsView = z.infer<typeof SettingsViewSchema>
export { NotificationSettingsSchema }

/** Everything the dashboard needs to render at once, after a load or reload. */
export const SnapshotSchema = z.object({
  /** The last event batch this snapshot includes; later batches apply on top of it. */
  seq: z.number().int().nonnegative(),
  info: AppInfoSchema,
  settings: SettingsViewSchema,
  profiles: z.array(ProfileViewSchema),
  /** Recent executions across profiles, newest first (bounded). */
  executions: z.array(ExecutionViewSchema),
  workflows: z.array(WorkflowViewSchema),
  /** The failure feed, newest first (bounded). */
  failures: z.array(FailureViewSchema),
  notices: z.array(NoticeSchema)
})
export type Snapshot = z.infer<typeof SnapshotSchema>

/** One change; a batch carries many, in order. */
export const BridgeEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('connection'),
    profile_id: ProfileIdSchema,
    state: SessionStateSchema
  }),
  z.object({ type: z.literal('execution'), execution: ExecutionViewSchema }),
  z.object({ type: z.literal('workflow'), workflow: WorkflowViewSchema }),
  z.object({
    type: z.literal('workflow_removed'),
    profile_id: ProfileIdSchema,
    workflow_id: z.string().min(1)
  }),
  z.object({
    type: z.literal('logs'),
    profile_id: ProfileIdSchema,
    execution_id: z.string().min(1),
    lines: z.array(LogLineSchema)
  }),
  z.object({ type: z.literal('failure'), failure: FailureViewSchema }),
  /** These failures (by `profile_id` + `execution_id`) were marked seen. */
  z.object({
    type: z.literal('failures_seen'),
    failures: z.array(z.object({ profile_id: ProfileIdSchema, execution_id: z.string() }))
  }),
  z.object({ type: z.literal('profiles'), profiles: z.array(ProfileViewSchema) }),
  z.object({ type: z.literal('settings'), settings: SettingsViewSchema }),
  z.object({ type: z.literal('notice'), notice: NoticeSchema }),
  /** A tray or notification click: open this execution. */
  z.object({
    type: z.literal('show_execution'),
    profile_id: ProfileIdSchema,
    execution_id: z.string().min(1)
  })
])
export type BridgeEvent = z.infer<typeof BridgeEventSchema>

/** Events coalesced in main and delivered together (about one batch per animation frame). */
export const EventBatchSchema = z.object({
  seq: z.number().int().positive(),
  events: z.array(BridgeEventSchema)
})
export type EventBatch = z.infer<typeof EventBatchSchema>
