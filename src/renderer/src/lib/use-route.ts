import { useMemo, useSyncExternalStore } from 'react'
import { formatRoute, parseRoute } from './route'
import type { Route } from './route'

// The current route from `location.hash`; navigating pushes a history entry, so back and
// forward move between views.

const REPLACED = 'nebula:route-replaced'

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener)
  window.addEventListener(REPLACED, listener)
  return () => {
    window.removeEventListener('hashchange', listener)
    window.removeEventListener(REPLACED, listener)
  }
}

const getHash = (): string => window.location.hash

/** The route of the current URL fragment. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, getHash)
  return useMemo(() => parseRoute(hash), [hash])
}

/** Goes to `route`; `replace` swaps the current history entry (filters typed into a field). */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = formatRoute(route)
  if (hash === window.location.hash) return
  if (options.replace) {
    window.history.replaceState(window.history.state, '', hash)
    window.dispatchEvent(new Event(REPLACED))
  } else {
    window.location.hash = hash
  }
}

/** The href of a link to `route` (for real <a> elements: middle-click and keyboard work). */
export function hrefOf(route: Route): string {
  return formatRoute(route)
}
