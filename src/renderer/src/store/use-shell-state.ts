import { useSyncExternalStore } from 'react'
import type { ShellSnapshot, ShellStore } from './shell-store'

/** The shell store's current snapshot; re-renders on every change. */
export function useShellState(store: ShellStore): ShellSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot)
}
