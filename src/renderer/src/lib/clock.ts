import { useSyncExternalStore } from 'react'

// One shared one-second clock for countdowns and "5 min ago" labels. It ticks only while some
// component reads it, so an idle dashboard runs no timer.

const listeners = new Set<() => void>()
let now = Date.now()
let timer: ReturnType<typeof setInterval> | null = null

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (!timer) {
    now = Date.now()
    timer = setInterval(() => {
      now = Date.now()
      for (const l of [...listeners]) l()
    }, 1000)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  }
}

const getNow = (): number => now

/** The time in ms, refreshed every second while the calling component is mounted. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow)
}
