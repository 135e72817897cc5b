import { MAX_NOTIFIED_EXECUTION_IDS } from '@shared/alerts'
import type { Alert, WorkflowFailureCount } from '@shared/alerts'

/** An alert together with the profile whose session raised it (several may share a policy). */
export type ProfiledAlert = Alert & { profile?: string }

/** One key per workflow per profile. */
export const workflowKey = (workflowId: string, profile?: string): string =>
  `${profile ?? ''}\u0000${workflowId}`

/** Failures folded together for a summary: an exact count, the first ids, counts per workflow. */
export class FailureTally {
  count = 0
  readonly ids: string[] = []
  last: ProfiledAlert | undefined
  private readonly perWorkflow = new Map<string, WorkflowFailureCount>()
  private readonly profiles = new Set<string | undefined>()

  add(alert: ProfiledAlert): void {
    this.count += 1
    this.last = alert
    this.profiles.add(alert.profile)
    if (this.ids.length < MAX_NOTIFIED_EXECUTION_IDS) this.ids.push(alert.execution_id)
    const key = workflowKey(alert.workflow_id, alert.profile)
    const entry = this.perWorkflow.get(key)
    if (entry) {
      entry.count += 1
      return
    }
    this.perWorkflow.set(key, {
      workflow_id: alert.workflow_id,
      workflow_name: alert.workflow_name,
      ...(alert.profile ? { profile: alert.profile } : {}),
      count: 1
    })
  }

  /** Adds everything another tally holds. */
  merge(other: FailureTally): void {
    this.count += other.count
    this.last = other.last ?? this.last
    for (const profile of other.profiles) this.profiles.add(profile)
    for (const id of other.ids) {
      if (this.ids.length < MAX_NOTIFIED_EXECUTION_IDS) this.ids.push(id)
    }
    for (const [key, entry] of other.perWorkflow) {
      const mine = this.perWorkflow.get(key)
      if (mine) mine.count += entry.count
      else this.perWorkflow.set(key, { ...entry })
    }
  }

  /** How many distinct workflows (per profile) failed. */
  get workflowCount(): number {
    return this.perWorkflow.size
  }

  /** The one profile all failures came from, when there is exactly one. */
  get profile(): string | undefined {
    return this.profiles.size === 1 ? [...this.profiles][0] : undefined
  }

  /** Workflows by descending count (ties keep first-seen order), at most `limit`. */
  workflows(limit = Infinity): WorkflowFailureCount[] {
    return [...this.perWorkflow.values()]
      .map((entry) => ({ ...entry }))
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
  }
}
