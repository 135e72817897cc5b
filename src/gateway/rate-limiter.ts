/** At most `maxMessages` per sliding `windowMs`. */
export interface RateLimit {
  maxMessages: number
  windowMs: number
}

/** How often (in calls) idle keys are swept, so the map stays bounded by active users. */
const SWEEP_EVERY = 1024

/**
 * A sliding-window limiter per key (a user id, an address). Memory per key is bounded by
 * `maxMessages` timestamps; keys idle for a whole window are swept away.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>()
  private calls = 0

  constructor(
    readonly limit: RateLimit,
    private readonly clock: () => number = Date.now
  ) {
    if (!(limit.maxMessages >= 1 && limit.windowMs > 0)) {
      throw new RangeError('rate limit needs maxMessages >= 1 and windowMs > 0')
    }
  }

  /** Counts one message for `key`; false (and not counted) when the key is over its limit. */
  tryConsume(key: string): boolean {
    const now = this.clock()
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now)
    let times = this.hits.get(key)
    if (!times) {
      times = []
      this.hits.set(key, times)
    }
    this.expire(times, now)
    if (times.length >= this.limit.maxMessages) return false
    times.push(now)
    return true
  }

  /** Milliseconds until `key` may send again (0 when it may now). */
  retryAfterMs(key: string): number {
    const times = this.hits.get(key)
    if (!times) return 0
    const now = this.clock()
    this.expire(times, now)
    if (times.length < this.limit.maxMessages) return 0
    return Math.max(0, (times[0] as number) + this.limit.windowMs - now)
  }

  /** Number of keys currently tracked (for tests). */
  get size(): number {
    return this.hits.size
  }

  private expire(times: number[], now: number): void {
    const cutoff = now - this.limit.windowMs
    let drop = 0
    while (drop < times.length && (times[drop] as number) <= cutoff) drop++
    if (drop > 0) times.splice(0, drop)
  }

  private sweep(now: number): void {
    for (const [key, times] of this.hits) {
      this.expire(times, now)
      if (times.length === 0) this.hits.delete(key)
    }
  }
}
