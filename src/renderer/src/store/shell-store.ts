import type { AppInfo, NebulaBridge, SessionState } from '@shared/bridge'

// The renderer's one store for the shell, fed only by the preload bridge. Plain TypeScript (no
// React) so it can be driven by any bridge, including none: a page opened in a plain browser.

/** The app-info request's progress; `unavailable` when there is no bridge to ask. */
export type AppInfoState =
  | { status: 'unavailable' }
  | { status: 'loading' }
  | { status: 'ready'; info: AppInfo }
  | { status: 'failed'; message: string }

/** The latest connection state and when it arrived (for retry countdowns). */
export interface ReceivedSessionState {
  state: SessionState
  receivedAt: number
}

/** Everything the shell renders; replaced (never mutated) on every change. */
export interface ShellSnapshot {
  /** False when no `window.nebula` exists; nothing else will then ever change. */
  bridgeAvailable: boolean
  appInfo: AppInfoState
  /** Null until main reports a connection state. */
  session: ReceivedSessionState | null
}

/** A minimal external store for `useSyncExternalStore`, plus its wiring to the bridge. */
export interface ShellStore {
  getSnapshot(): ShellSnapshot
  subscribe(onChange: () => void): () => void
  /** Requests the app info and listens for connection states; returns a function that stops. */
  connect(): () => void
}

/** Creates the shell store over `bridge` (undefined outside Nebula Desktop). */
export function createShellStore(
  bridge: NebulaBridge | undefined,
  now: () => number = Date.now
): ShellStore {
  let snapshot: ShellSnapshot = {
    bridgeAvailable: bridge !== undefined,
    appInfo: bridge ? { status: 'loading' } : { status: 'unavailable' },
    session: null
  }
  const listeners = new Set<() => void>()
  // Each connect() gets a generation; answers for an older one arrive too late and are dropped.
  let generation = 0

  const update = (change: Partial<ShellSnapshot>): void => {
    snapshot = { ...snapshot, ...change }
    for (const listener of listeners) listener()
  }

  return {
    getSnapshot: () => snapshot,
    subscribe(onChange) {
      listeners.add(onChange)
      return () => {
        listeners.delete(onChange)
      }
    },
    connect() {
      if (!bridge) return () => {}
      const current = ++generation
      const unsubscribe = bridge.onSessionState((state) => {
        if (current === generation) update({ session: { state, receivedAt: now() } })
      })
      bridge.getAppInfo().then(
        (info) => {
          if (current === generation) update({ appInfo: { status: 'ready', info } })
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error)
          if (current === generation) update({ appInfo: { status: 'failed', message } })
        }
      )
      return () => {
        if (current === generation) generation++
        unsubscribe()
      }
    }
  }
}
