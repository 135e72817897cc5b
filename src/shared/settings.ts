import { z } from 'zod'

// The app's settings: server profiles and preferences, never a secret. Main keeps them in one
// JSON file in the user-data folder (validated with these schemas on load); the dashboard sees
// them through the bridge. Defaults live here so a missing or corrupt file and a fresh install
// start the same way.

/** Profile ids double as keychain account names: 1-64 of A-Z a-z 0-9 . _ - */
export const PROFILE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/
export const ProfileIdSchema = z
  .string()
  .regex(PROFILE_ID_PATTERN, 'use 1 to 64 characters from A-Z a-z 0-9 . _ -')
export type ProfileId = z.infer<typeof ProfileIdSchema>

/** The built-in local dev mode profile (the bundled gateway, in-process). */
export const LOCAL_PROFILE_ID = 'local'

/** An ISO-8601 instant written by this app. */
export const InstantSchema = z.iso.datetime({ offset: true })

/** A server base URL as a person types it: http(s) or ws(s), no credentials, query or fragment. */
export const ServerUrlSchema = z
  .string()
  .trim()
  .min(1, 'enter the server address')
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value)
      return ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && url.hostname !== ''
    } catch {
      return false
    }
  }, 'enter an http(s):// or ws(s):// address')

/** One server the app watches. */
export const ProfileSettingsSchema = z.object({
  id: ProfileIdSchema,
  name: z.string().trim().min(1, 'give the profile a name').max(80),
  server_url: ServerUrlSchema,
  enabled: z.boolean().default(true),
  /** How the token is presented: the document's `?token=` (default) or an `authenticate` frame. */
  auth_method: z.enum(['query', 'message']).default('query'),
  /** Send the token over plain http/ws to a non-loopback host (a warning is shown). */
  allow_insecure: z.boolean().default(false)
})
export type ProfileSettings = z.infer<typeof ProfileSettingsSchema>

/** A workflow whose failures notify nothing (they are still alerted in the tray and feed). */
export const MutedWorkflowSchema = z.object({
  profile_id: ProfileIdSchema,
  workflow_id: z.string().min(1).max(200)
})
export type MutedWorkflow = z.infer<typeof MutedWorkflowSchema>

export const NotificationSettingsSchema = z.object({
  /** Notifications are paused until this instant; null when not paused. */
  paused_until: InstantSchema.nullable().default(null),
  muted: z.array(MutedWorkflowSchema).max(1000).default([]),
  /** Single failure notices per minute before they are summarized in one notice. */
  singles_per_minute: z.number().int().min(0).max(20).default(3),
  /** Tell when a workflow that failed has stayed healthy again. */
  notify_recovered: z.boolean().default(true)
})
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>

export const SETTINGS_VERSION = 1

/** Everything in the settings file. */
export const AppSettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
  profiles: z.array(ProfileSettingsSchema).max(50).default([]),
  /** The profile the dashboard acts on by default (run, history); null: the first enabled one. */
  active_profile_id: ProfileIdSchema.nullable().default(null),
  /** The built-in local profile runs (on by default, so a first start shows live data). */
  local_dev_mode: z.boolean().default(true),
  notifications: NotificationSettingsSchema.default(NotificationSettingsSchema.parse({})),
  launch_at_login: z.boolean().default(false),
  /** Closing the window keeps the app in the tray (Quit quits). */
  close_to_tray: z.boolean().default(true)
})
export type AppSettings = z.infer<typeof AppSettingsSchema>

/** The settings of a fresh install. */
export function defaultSettings(): AppSettings {
  return AppSettingsSchema.parse({})
}
