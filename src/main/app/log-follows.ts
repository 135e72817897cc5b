import type { LogLine } from '@shared/bridge/views'
import type { LogEntry } from '@shared/protocol'
import { toLogLine } from './view-mapping'

// Logs flow to the dashboard only for executions it follows. Every line gets a number within
// its execution (`seq`), counted from the first line this run saw, so the backlog a follow
// answers with and the live lines after it join without gaps or duplicates.

/** Most executions whose line counts are remembered (least recently logged forgotten first). */
const MAX_COUNTED = 10_000
/** Most executions followed at once (a page that went away without unfollowing is dropped). */
const MAX_FOLLOWED = 100

const keyOf = (profileId: string, executionId: string): string => `${profileId}\u0000${executionId}`

/** Line numbering and the set of followed executions. */
export class LogFollows {
  private readonly counts = new Map<string, number>()
  /** Followed executions with how many followers each (least recently followed first). */
  private readonly followed = new Map<string, number>()

  /** Counts a line; returns it numbered when its execution is followed. */
  onLog(profileId: string, entry: LogEntry): LogLine | undefined {
    const key = keyOf(profileId, entry.execution_id)
    const seq = this.counts.get(key) ?? 0
    this.counts.delete(key)
    this.counts.set(key, seq + 1)
    if (this.counts.size > MAX_COUNTED)
      this.counts.delete(this.counts.keys().next().value as string)
    return this.followed.has(key) ? toLogLine(seq, entry) : undefined
  }

  /** Starts following; answers the retained lines, numbered, and whether older ones were dropped. */
  follow(
    profileId: string,
    executionId: string,
    retained: readonly LogEntry[]
  ): { lines: LogLine[]; truncated: boolean } {
    const key = keyOf(profileId, executionId)
    const followers = this.followed.get(key) ?? 0
    this.followed.delete(key)
    this.followed.set(key, followers + 1)
    if (this.followed.size > MAX_FOLLOWED)
      this.followed.delete(this.followed.keys().next().value as string)
    const total = Math.max(this.counts.get(key) ?? 0, retained.length)
    const first = total - retained.length
    return {
      lines: retained.map((entry, i) => toLogLine(first + i, entry)),
      truncated: first > 0
    }
  }

  /**
   * Starts following an execution this run has no lines of, with the lines the server kept:
   * they are numbered from 0 and live lines continue after them.
   */
  followFetched(
    profileId: string,
    executionId: string,
    fetched: readonly LogEntry[]
  ): { lines: LogLine[]; truncated: boolean } {
    const key = keyOf(profileId, executionId)
    this.counts.set(key, Math.max(this.counts.get(key) ?? 0, fetched.length))
    return this.follow(profileId, executionId, fetched)
  }

  /** Lines counted so far for one execution. */
  countOf(profileId: string, executionId: string): number {
    return this.counts.get(keyOf(profileId, executionId)) ?? 0
  }

  /** Stops one follower; the lines stop when none is left. */
  unfollow(profileId: string, executionId: string): void {
    const key = keyOf(profileId, executionId)
    const followers = this.followed.get(key)
    if (followers === undefined) return
    if (followers <= 1) this.followed.delete(key)
    else this.followed.set(key, followers - 1)
  }

  /** Forgets a removed profile. */
  removeProfile(profileId: string): void {
    const prefix = `${profileId}\u0000`
    for (const key of [...this.followed.keys()])
      if (key.startsWith(prefix)) this.followed.delete(key)
    for (const key of [...this.counts.keys()]) if (key.startsWith(prefix)) this.counts.delete(key)
  }
}
