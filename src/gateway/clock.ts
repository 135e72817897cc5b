/**
 * The wall clock the gateway judges time-of-day matters by: token issue and expiry, and rate
 * windows. Tests inject a manual clock to expire tokens and roll rate windows deterministically;
 * short protocol timers (the auth deadline, heartbeats, flushes) always run on real time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Calls `fn` once the clock has advanced by `ms`; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The real clock: Date.now and Node's timers. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout)
}
