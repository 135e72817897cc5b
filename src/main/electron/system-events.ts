import type { PowerMonitor } from 'electron'
import type { Disposer } from '@shared/disposable'

// When to retry at once instead of waiting out the backoff: the system resumed from sleep, the
// screen was unlocked (a laptop opened at a desk), or the network came back. Electron's main
// process has no portable "network changed" event (navigator.onLine lives in renderers, and
// powerMonitor knows only power), so the network is sampled: `net.isOnline()` every
// NETWORK_POLL_MS, and a change from offline to online nudges. A nudge only makes waiting
// sessions retry now; a healthy connection is left alone.

/** How often the network state is sampled (cheap: Chromium's own cached state). */
export const NETWORK_POLL_MS = 5_000

export interface SystemEventsOptions {
  powerMonitor: Pick<PowerMonitor, 'on' | 'off'>
  /** Electron's `net.isOnline`. */
  isOnline: () => boolean
  /** The app service's nudge(): every session retries now. */
  nudge: (why: string) => void
  pollMs?: number
}

/** Starts watching; returns a disposer that removes every listener and the timer. */
export function watchSystemEvents(options: SystemEventsOptions): Disposer {
  const { powerMonitor } = options
  const onResume = (): void => options.nudge('the system resumed')
  const onUnlock = (): void => options.nudge('the screen was unlocked')
  powerMonitor.on('resume', onResume)
  powerMonitor.on('unlock-screen', onUnlock)
  let online = options.isOnline()
  const timer = setInterval(() => {
    const now = options.isOnline()
    if (now && !online) options.nudge('the network came back')
    online = now
  }, options.pollMs ?? NETWORK_POLL_MS)
  // The sampling never keeps the process alive on its own.
  timer.unref()
  return () => {
    clearInterval(timer)
    powerMonitor.off('resume', onResume)
    powerMonitor.off('unlock-screen', onUnlock)
  }
}
