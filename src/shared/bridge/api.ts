import type { AppInfo, SessionState } from './contract'

/** Stops an event subscription; calling it again does nothing. */
export type Unsubscribe = () => void

/**
 * What the preload exposes as `window.nebula`: the contract's channels as named methods,
 * nothing else (no generic send, no `ipcRenderer`).
 */
export interface NebulaBridge {
  /** Name, version and platform of the running app (`app:get-info`). */
  getAppInfo(): Promise<AppInfo>
  /** Calls `listener` with every connection-state change (`session:state`). */
  onSessionState(listener: (state: SessionState) => void): Unsubscribe
}
