// Channel names of the main ↔ renderer bridge. Kept free of zod so the sandboxed preload, which
// can load nothing but `electron`, bundles only these strings.

/** Request/response channels: the renderer invokes, main answers. */
export const InvokeChannel = {
  AppGetInfo: 'app:get-info'
} as const
export type InvokeChannelName = (typeof InvokeChannel)[keyof typeof InvokeChannel]

/** Event channels: main pushes, the renderer listens. */
export const EventChannel = {
  SessionState: 'session:state'
} as const
export type EventChannelName = (typeof EventChannel)[keyof typeof EventChannel]

/** The global the preload defines in the renderer's main world (`window.nebula`). */
export const BRIDGE_GLOBAL = 'nebula'
