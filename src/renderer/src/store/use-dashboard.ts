import { createContext, createElement, useContext, useSyncExternalStore } from 'react'
import type { ReactNode } from 'react'
import type { NebulaBridge } from '@shared/bridge'
import type { DashboardState } from './dashboard-state'
import type { DashboardStore } from './dashboard-store'

// React's view of the store: a context carries it, `useDashboard` reads a slice of its state
// with useSyncExternalStore (re-rendering only when that slice changes identity).

const StoreContext = createContext<DashboardStore | null>(null)

/** Makes `store` available to every view below. */
export function StoreProvider({ store, children }: { store: DashboardStore; children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: store }, children)
}

/** The store (for commands and log streams). */
export function useStore(): DashboardStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useStore outside <StoreProvider>')
  return store
}

/** The bridge, for commands (wrap calls in `call`/`useCommand`). */
export function useBridge(): NebulaBridge {
  return useStore().bridge
}

/** A slice of the state; `select` must return something already in the state (stable). */
export function useDashboard<T>(select: (state: DashboardState) => T): T {
  const store = useStore()
  return useSyncExternalStore(store.subscribe, () => select(store.getState()))
}
