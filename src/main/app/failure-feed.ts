import type { Alert } from '@shared/alerts'
import type { FailureView } from '@shared/bridge/views'

// The failure feed: one entry per alert (the core's AlertPolicy raises exactly one per failed
// execution; the feed also ignores a repeat of the same (profile, execution), e.g. after a
// session restart), newest first, bounded, each with a seen flag. Kept for this run only: a
// failure seen in an earlier run is never alerted again, and one that happened while the app
// was closed is news, so there is nothing worth persisting.

export const DEFAULT_FEED_CAPACITY = 500

type Ref = { profile_id: string; execution_id: string }

const keyOf = (ref: Ref): string => `${ref.profile_id}\u0000${ref.execution_id}`

/** The bounded feed of failures with seen flags. */
export class FailureFeed {
  /** Oldest first (Map insertion order); the view reverses it. */
  private readonly entries = new Map<string, FailureView>()
  private unseenCount = 0

  constructor(private readonly capacity = DEFAULT_FEED_CAPACITY) {}

  /** Adds an alert's entry; returns it, or undefined when that execution is already in the feed. */
  add(profileId: string, alert: Alert): FailureView | undefined {
    const entry: FailureView = { ...alert, profile_id: profileId, seen: false }
    const key = keyOf(entry)
    if (this.entries.has(key)) return undefined
    this.entries.set(key, entry)
    this.unseenCount++
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, FailureView]
      this.entries.delete(oldestKey)
      if (!oldest.seen) this.unseenCount--
    }
    return entry
  }

  /** Marks these failures (or all) seen; returns the ones that changed. */
  markSeen(refs?: readonly Ref[]): Ref[] {
    const changed: Ref[] = []
    const targets = refs
      ? refs.map((ref) => this.entries.get(keyOf(ref)))
      : [...this.entries.values()]
    for (const entry of targets) {
      if (!entry || entry.seen) continue
      entry.seen = true
      this.unseenCount--
      changed.push({ profile_id: entry.profile_id, execution_id: entry.execution_id })
    }
    return changed
  }

  /** Drops a removed profile's failures. */
  removeProfile(profileId: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.profile_id !== profileId) continue
      this.entries.delete(key)
      if (!entry.seen) this.unseenCount--
    }
  }

  /** Newest first, at most `limit`. */
  list(limit = this.capacity): FailureView[] {
    const all = [...this.entries.values()]
    const out: FailureView[] = []
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) out.push({ ...all[i]! })
    return out
  }

  /** Failures not seen yet (the tray's count). */
  get unseen(): number {
    return this.unseenCount
  }

  get size(): number {
    return this.entries.size
  }
}
