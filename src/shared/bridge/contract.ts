import { z } from 'zod'
import {
  MutedWorkflowSchema,
  ProfileIdSchema,
  ProfileSettingsSchema,
  ServerUrlSchema
} from '@shared/settings'
import type { InvokeMethod } from './channels'
import {
  AppInfoSchema,
  ExecutionViewSchema,
  LogLineSchema,
  NotificationSettingsSchema,
  ProfileViewSchema,
  SettingsViewSchema,
  SnapshotSchema,
  TokenInfoSchema
} from './views'

// The one typed contract between main and the dashboard: every command's request and response
// has a zod schema here, and every TypeScript type for it is inferred from that schema. Main
// validates what it receives (whatever the transport: Electron IPC or the `ui` WebSocket) and
// what it answers; the dashboard trusts these types.

/** Why a command failed; `field` names the request field a person should correct. */
export const BridgeErrorSchema = z.object({
  code: z.enum([
    /** The request does not match the contract (the message says which field). */
    'invalid_request',
    /** The caller is not the dashboard (wrong frame, origin or session). */
    'not_allowed',
    'not_found',
    /** The server refused the token, or there is none. */
    'unauthorized',
    /** The profile is not connected and the command needs the connection. */
    'offline',
    /** The server answered with an error. */
    'server_error',
    'keychain_unavailable',
    /** The request conflicts with the current state (e.g. a duplicate profile id). */
    'conflict',
    'internal'
  ]),
  message: z.string(),
  field: z.string().optional()
})
export type BridgeError = z.infer<typeof BridgeErrorSchema>
export type BridgeErrorCode = BridgeError['code']

/** Every command answers with a result: a value, or a typed error (never a thrown exception). */
export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: BridgeError }

/** The schema of a command's result, for validation at the boundary. */
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: BridgeErrorSchema })
  ])
}

const ExecutionRef = { profile_id: ProfileIdSchema, execution_id: z.string().min(1).max(200) }
const Empty = z.undefined()
const Done = z.null()

/** A profile to add (no `id`: main derives one from the name) or to change (with `id`). */
export const ProfileInputSchema = ProfileSettingsSchema.extend({
  id: ProfileIdSchema.optional()
})
export type ProfileInput = z.infer<typeof ProfileInputSchema>

/** A page of older executions from the server's REST API. */
export const ExecutionPageSchema = z.object({
  executions: z.array(ExecutionViewSchema),
  has_more: z.boolean(),
  total: z.number().int().nonnegative().optional()
})
export type ExecutionPage = z.infer<typeof ExecutionPageSchema>

/** The outcome of "test connection": reachable and signed in, or why not. */
export const ConnectionTestSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  latency_ms: z.number().nonnegative().optional()
})
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>

/** Request and response schema per command; a missing command fails to compile. */
export const invokeContract = {
  getInfo: { request: Empty, response: AppInfoSchema },
  getSnapshot: { request: Empty, response: SnapshotSchema },
  /** Stores a token for a profile (write-only: no command ever returns a token). */
  signIn: {
    request: z.object({
      profile_id: ProfileIdSchema,
      token: z
        .string()
        .trim()
        .min(1, 'paste a token')
        .max(16 * 1024, 'that is too long to be a token')
        .refine((t) => !/\s/.test(t), 'a token has no spaces or line breaks')
    }),
    response: TokenInfoSchema
  },
  signOut: { request: z.object({ profile_id: ProfileIdSchema }), response: TokenInfoSchema },
  saveProfile: { request: z.object({ profile: ProfileInputSchema }), response: ProfileViewSchema },
  removeProfile: { request: z.object({ profile_id: ProfileIdSchema }), response: Done },
  /** The profile the dashboard acts on by default (running workflows, history). */
  switchProfile: { request: z.object({ profile_id: ProfileIdSchema }), response: Done },
  /** Tries a server (saved or not): reachable, and the token accepted. */
  testConnection: {
    request: z.object({
      server_url: ServerUrlSchema,
      allow_insecure: z.boolean().default(false),
      /** Use this saved profile's token. */
      profile_id: ProfileIdSchema.optional()
    }),
    response: ConnectionTestSchema
  },
  setLocalDevMode: { request: z.object({ enabled: z.boolean() }), response: Done },
  executeWorkflow: {
    request: z.object({
      profile_id: ProfileIdSchema,
      workflow_id: z.string().min(1).max(200),
      /** Any JSON value; the dashboard parses the text a person typed before sending. */
      input: z.unknown()
    }),
    response: ExecutionViewSchema
  },
  cancelExecution: { request: z.object(ExecutionRef), response: ExecutionViewSchema },
  /** The latest full state of one execution (the server's, when the profile is connected). */
  getExecution: { request: z.object(ExecutionRef), response: ExecutionViewSchema },
  /** Older history, paged from the server's REST API. */
  listExecutions: {
    request: z.object({
      profile_id: ProfileIdSchema,
      status: z.string().min(1).max(40).optional(),
      workflow_id: z.string().min(1).max(200).optional(),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(100).default(50)
    }),
    response: ExecutionPageSchema
  },
  /** Starts streaming an execution's logs (`logs` events); answers with what is kept so far. */
  followLogs: {
    request: z.object(ExecutionRef),
    response: z.object({ lines: z.array(LogLineSchema), truncated: z.boolean() })
  },
  unfollowLogs: { request: z.object(ExecutionRef), response: Done },
  /** Retry now (one profile, or every profile that is waiting to retry). */
  reconnect: { request: z.object({ profile_id: ProfileIdSchema.optional() }), response: Done },
  /** Marks failures seen (all of them when `failures` is absent). */
  markFailuresSeen: {
    request: z.object({
      failures: z.array(z.object(ExecutionRef)).max(10_000).optional()
    }),
    response: Done
  },
  setNotificationPrefs: {
    request: z.object({
      pause: z.enum(['1h', 'tomorrow', 'resume']).optional(),
      mute: MutedWorkflowSchema.extend({ muted: z.boolean() }).optional(),
      singles_per_minute: z.number().int().min(0).max(20).optional(),
      notify_recovered: z.boolean().optional()
    }),
    response: NotificationSettingsSchema
  },
  updateSettings: {
    request: z.object({
      launch_at_login: z.boolean().optional(),
      close_to_tray: z.boolean().optional()
    }),
    response: SettingsViewSchema
  }
} as const satisfies Record<InvokeMethod, { request: z.ZodType; response: z.ZodType }>

export type InvokeRequest<M extends InvokeMethod> = z.input<(typeof invokeContract)[M]['request']>
export type ParsedRequest<M extends InvokeMethod> = z.output<(typeof invokeContract)[M]['request']>
export type InvokeResponse<M extends InvokeMethod> = z.infer<(typeof invokeContract)[M]['response']>
