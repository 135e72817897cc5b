import { z } from 'zod'
import { ConnectionStateSchema } from '../connection-state'
import { EventChannel, InvokeChannel } from './channels'
import type { EventChannelName, InvokeChannelName } from './channels'

// The one typed IPC contract between main, preload and renderer: every payload crossing the
// bridge has a zod schema here, and every TypeScript type for it is inferred from that schema.
// Main validates what it receives and what it sends; downstream trusts these types.
// Plain `z.object` strips unknown keys, so nothing beyond the contract reaches the renderer.

/** What the renderer shows about the running app (`app:get-info`). */
export const AppInfoSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  platform: z.string().min(1)
})
export type AppInfo = z.infer<typeof AppInfoSchema>

export { ConnectionStateNameSchema } from '../connection-state'
export type { ConnectionStateName } from '../connection-state'

/**
 * One connection-state change (`session:state`): the core's ConnectionState plus the server's
 * base URL, never with a token in it. The URL is absent only when the monitor could not start
 * (e.g. a malformed NEBULA_SERVER_URL), and `reason` then says why.
 */
export const SessionStateSchema = ConnectionStateSchema.extend({ server_url: z.url().optional() })
export type SessionState = z.infer<typeof SessionStateSchema>

/** Request and response schema per invoke channel; a missing channel fails to compile. */
export const invokeContract = {
  [InvokeChannel.AppGetInfo]: { request: z.undefined(), response: AppInfoSchema }
} as const satisfies Record<InvokeChannelName, { request: z.ZodType; response: z.ZodType }>

/** Payload schema per event channel. */
export const eventContract = {
  [EventChannel.SessionState]: SessionStateSchema
} as const satisfies Record<EventChannelName, z.ZodType>

export type InvokeRequest<C extends InvokeChannelName> = z.infer<
  (typeof invokeContract)[C]['request']
>
export type InvokeResponse<C extends InvokeChannelName> = z.infer<
  (typeof invokeContract)[C]['response']
>
export type EventPayload<C extends EventChannelName> = z.infer<(typeof eventContract)[C]>
