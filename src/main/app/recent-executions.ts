import type { ExecutionView, WorkflowView } from '@shared/bridge/views'
import { isTerminalStatus } from '@shared/protocol'

// What the dashboard's tables start from: the latest view of recent executions across all
// profiles (bounded; the oldest finished ones go first) and every profile's workflows. Kept by
// the app service rather than read from each session's store, so a profile whose session
// restarts (an edit) does not blank the table.

export const DEFAULT_RECENT_CAPACITY = 1000

const keyOf = (profileId: string, id: string): string => `${profileId}\u0000${id}`

/** Latest execution views, most recently updated last. */
export class RecentExecutions {
  private readonly byKey = new Map<string, ExecutionView>()

  constructor(private readonly capacity = DEFAULT_RECENT_CAPACITY) {}

  /** Records the latest view (moving it to the most recent end). */
  put(view: ExecutionView): void {
    const key = keyOf(view.profile_id, view.id)
    this.byKey.delete(key)
    this.byKey.set(key, view)
    if (this.byKey.size <= this.capacity) return
    for (const [k, v] of this.byKey) {
      if (this.byKey.size <= this.capacity) return
      if (isTerminalStatus(v.status)) this.byKey.delete(k)
    }
    for (const k of this.byKey.keys()) {
      if (this.byKey.size <= this.capacity) return
      this.byKey.delete(k)
    }
  }

  get(profileId: string, id: string): ExecutionView | undefined {
    return this.byKey.get(keyOf(profileId, id))
  }

  /** Newest started first (updates without a start time sort by arrival), at most `limit`. */
  list(limit = this.capacity): ExecutionView[] {
    const all = [...this.byKey.values()].reverse()
    const started = (v: ExecutionView): number => (v.started_at ? Date.parse(v.started_at) : NaN)
    return all
      .map((view, arrival) => ({ view, arrival, at: started(view) }))
      .sort((a, b) => {
        if (Number.isFinite(a.at) && Number.isFinite(b.at) && a.at !== b.at) return b.at - a.at
        return a.arrival - b.arrival
      })
      .slice(0, limit)
      .map((entry) => entry.view)
  }

  /** Executions not finished yet. */
  runningCount(): number {
    let n = 0
    for (const view of this.byKey.values()) if (!isTerminalStatus(view.status)) n++
    return n
  }

  removeProfile(profileId: string): void {
    for (const [key, view] of this.byKey) if (view.profile_id === profileId) this.byKey.delete(key)
  }
}

/** Each profile's workflows. */
export class WorkflowCatalog {
  private readonly byProfile = new Map<string, Map<string, WorkflowView>>()

  put(view: WorkflowView): void {
    let map = this.byProfile.get(view.profile_id)
    if (!map) this.byProfile.set(view.profile_id, (map = new Map()))
    map.set(view.id, view)
  }

  /** Forgets one workflow; true when it was known. */
  remove(profileId: string, id: string): boolean {
    return this.byProfile.get(profileId)?.delete(id) ?? false
  }

  removeProfile(profileId: string): void {
    this.byProfile.delete(profileId)
  }

  list(): WorkflowView[] {
    return [...this.byProfile.values()].flatMap((map) => [...map.values()])
  }
}
