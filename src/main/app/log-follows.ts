import type { LogLine } from '@shared/bridge/views'
import type { Disposer } from '@shared/disposable'
import type { LogEntry } from '@shared/protocol'
import { toLogLine } from './view-mapping'

// Logs flow to the dashboard only for executions it follows. Following subscribes the profile's
// session to the execution (the protocol sends logs to `execution` subscribers only) and
// numbers every line within its execution (`seq`), so the backlog a follow answers with and
// the live lines after it join without gaps or duplicates. While the backlog is being read
// from the server, live lines are held and merged into that answer instead.

/** Most executions whose line counts are remembered (least recently logged forgotten first). */
const MAX_COUNTED = 10_000
/** Most executions followed at once (a page that went away without unfollowing is dropped). */
const MAX_FOLLOWED = 100

/** Subscribes a profile's session to one execution; the disposer unsubscribes. */
export type ExecutionSubscriber = (executionId: string) => Disposer | undefined

interface Follow {
  profileId: string
  executionId: string
  followers: number
  release: Disposer | undefined
}

const keyOf = (profileId: string, executionId: string): string => `${profileId}\u0000${executionId}`

/** Identity of a line across the server's log and the live stream. */
const lineId = (e: LogEntry): string =>
  JSON.stringify([e.timestamp, e.level, e.message, e.action_id ?? null])

/** Line numbering, the followed executions and their subscriptions. */
export class LogFollows {
  private readonly counts = new Map<string, number>()
  private readonly followed = new Map<string, Follow>()
  /** Live lines held while a follow reads its backlog from the server. */
  private readonly held = new Map<string, LogEntry[]>()

  /** Counts a line; returns it numbered when its execution is followed (and not held). */
  onLog(profileId: string, entry: LogEntry): LogLine | undefined {
    const key = keyOf(profileId, entry.execution_id)
    const held = this.held.get(key)
    if (held) return void held.push(entry)
    const seq = this.counts.get(key) ?? 0
    this.counts.delete(key)
    this.counts.set(key, seq + 1)
    if (this.counts.size > MAX_COUNTED) {
      this.counts.delete(this.counts.keys().next().value as string)
    }
    return this.followed.has(key) ? toLogLine(seq, entry) : undefined
  }

  /** Adds a follower (subscribing on the first); answers the retained lines, numbered. */
  follow(
    profileId: string,
    executionId: string,
    retained: readonly LogEntry[],
    subscribe: ExecutionSubscriber
  ): { lines: LogLine[]; truncated: boolean } {
    const key = this.addFollower(profileId, executionId, subscribe)
    const total = Math.max(this.counts.get(key) ?? 0, retained.length)
    const first = total - retained.length
    return {
      lines: retained.map((entry, i) => toLogLine(first + i, entry)),
      truncated: first > 0
    }
  }

  /** Starts a follow whose backlog comes from the server: live lines are held meanwhile. */
  beginFetch(profileId: string, executionId: string, subscribe: ExecutionSubscriber): void {
    const key = this.addFollower(profileId, executionId, subscribe)
    if (!this.held.has(key)) this.held.set(key, [])
  }

  /**
   * The server's lines arrived: merged with those held, numbered from 0; live lines go on after.
   * `merged` is the whole log as now known, for the session's store to keep (a later follow,
   * e.g. after a reload, answers from there).
   */
  finishFetch(
    profileId: string,
    executionId: string,
    fetched: readonly LogEntry[]
  ): { lines: LogLine[]; truncated: boolean; merged: LogEntry[] } {
    const key = keyOf(profileId, executionId)
    const held = this.held.get(key) ?? []
    this.held.delete(key)
    const known = new Set(fetched.map(lineId))
    const merged = [...fetched, ...held.filter((entry) => !known.has(lineId(entry)))]
    this.counts.set(key, Math.max(this.counts.get(key) ?? 0, merged.length))
    return { lines: merged.map((entry, i) => toLogLine(i, entry)), truncated: false, merged }
  }

  /** Lines counted so far for one execution. */
  countOf(profileId: string, executionId: string): number {
    return this.counts.get(keyOf(profileId, executionId)) ?? 0
  }

  /** Removes a follower; the last one unsubscribes and the lines stop. */
  unfollow(profileId: string, executionId: string): void {
    const key = keyOf(profileId, executionId)
    const follow = this.followed.get(key)
    if (!follow) return
    if (follow.followers > 1) {
      follow.followers--
      return
    }
    this.drop(key, follow)
  }

  /** A profile's session (re)started: subscribe it to what is followed. */
  resubscribe(profileId: string, subscribe: ExecutionSubscriber): void {
    for (const follow of this.followed.values()) {
      if (follow.profileId !== profileId) continue
      follow.release?.()
      follow.release = subscribe(follow.executionId)
    }
  }

  /** Forgets a removed profile. */
  removeProfile(profileId: string): void {
    for (const [key, follow] of [...this.followed]) {
      if (follow.profileId === profileId) this.drop(key, follow)
    }
    const prefix = `${profileId}\u0000`
    for (const key of [...this.counts.keys()]) if (key.startsWith(prefix)) this.counts.delete(key)
  }

  /** Releases every subscription. */
  dispose(): void {
    for (const [key, follow] of [...this.followed]) this.drop(key, follow)
  }

  private addFollower(
    profileId: string,
    executionId: string,
    subscribe: ExecutionSubscriber
  ): string {
    const key = keyOf(profileId, executionId)
    const existing = this.followed.get(key)
    if (existing) {
      existing.followers++
      // Most recently followed last, so the bound drops the stalest follow.
      this.followed.delete(key)
      this.followed.set(key, existing)
      return key
    }
    this.followed.set(key, {
      profileId,
      executionId,
      followers: 1,
      release: subscribe(executionId)
    })
    if (this.followed.size > MAX_FOLLOWED) {
      const [oldKey, oldest] = this.followed.entries().next().value as [string, Follow]
      this.drop(oldKey, oldest)
    }
    return key
  }

  private drop(key: string, follow: Follow): void {
    this.followed.delete(key)
    this.held.delete(key)
    follow.release?.()
  }
}
