import type { Execution } from '@shared/protocol'
import type { RestClient } from './rest-client'

export interface ReconcileInput {
  /** Newest `started_at` seen before the gap; null when this server was never seen. */
  watermark: string | null
  /** Executions that were not terminal when last seen. */
  trackedIds: readonly string[]
}

export interface ReconcileResult {
  executions: Execution[]
  /** True when a listing hit the page limit: more may have happened than was read. */
  truncated: boolean
}

// Failures are what must never be missed; running ones are fetched so they are tracked.
const LISTED_STATUSES = ['failed', 'timed_out', 'running'] as const
const PAGE_SIZE = 100
const FETCH_CONCURRENCY = 4

/**
 * What happened while the socket was down, over REST: failed, timed-out and running executions
 * newer than the watermark (newest first, paging until older), plus a fresh look at every
 * execution that was still open. The caller feeds the results through the same pipeline as
 * pushed events, where duplicates fall away.
 */
export async function reconcile(rest: RestClient, input: ReconcileInput): Promise<ReconcileResult> {
  const found = new Map<string, Execution>()
  let truncated = false
  const since = input.watermark ? Date.parse(input.watermark) : NaN
  for (const status of LISTED_STATUSES) {
    for (let page = 0, offset = 0; ; page++) {
      if (page >= rest.pageLimit) {
        truncated = true
        break
      }
      const body = await rest.listExecutions({ status, limit: PAGE_SIZE, offset })
      let reachedOlder = false
      for (const execution of body.data) {
        const started = execution.started_at ? Date.parse(execution.started_at) : NaN
        if (Number.isFinite(since) && Number.isFinite(started) && started < since) {
          reachedOlder = true
          continue
        }
        found.set(execution.id, execution)
      }
      // Without a watermark one page is enough: there is no gap to cover, only a baseline.
      if (
        reachedOlder ||
        !body.pagination.has_more ||
        body.data.length === 0 ||
        !Number.isFinite(since)
      )
        break
      offset += body.data.length
    }
  }
  const toFetch = input.trackedIds.filter((id) => !found.has(id))
  for (let i = 0; i < toFetch.length; i += FETCH_CONCURRENCY) {
    const batch = toFetch.slice(i, i + FETCH_CONCURRENCY)
    const results = await Promise.all(batch.map((id) => rest.getExecution(id)))
    for (const execution of results) if (execution) found.set(execution.id, execution)
  }
  return { executions: [...found.values()], truncated }
}

/** The later of two ISO timestamps (null-safe). */
export function laterOf(a: string | null, b: string | null | undefined): string | null {
  if (!b) return a
  if (!a) return b
  return Date.parse(b) > Date.parse(a) ? b : a
}
