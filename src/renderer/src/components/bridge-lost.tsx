import { useSyncExternalStore } from 'react'
import { Icon } from './icon'

// The browser transport marks the page `<html data-bridge="lost">` (and fires `nebula-bridge`)
// when its connection to main drops; it reloads by itself once main answers again. Until then
// the dashboard says that what it shows is frozen. (In Electron this never happens.)

function subscribe(listener: () => void): () => void {
  window.addEventListener('nebula-bridge', listener)
  return () => window.removeEventListener('nebula-bridge', listener)
}

const isLost = (): boolean => document.documentElement.dataset.bridge === 'lost'

/** A banner while the page has lost its connection to the app. */
export function BridgeLost() {
  const lost = useSyncExternalStore(subscribe, isLost)
  if (!lost) return null
  return (
    <div className="bridge-lost" role="alert" data-testid="bridge-lost">
      <Icon name="offline" />
      Lost the connection to Nebula Desktop. What you see is frozen; the page reloads as soon as it
      is back.
    </div>
  )
}
