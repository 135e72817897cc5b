import { useEffect, useState } from 'react'

/**
 * The time, refreshed every `intervalMs` while `active`; frozen (no timer) otherwise, so callers
 * clamp it to the newest timestamp they know about.
 */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [active, intervalMs])
  return now
}
