import type { Execution } from '@shared/protocol'
import { compareInstants } from './instant-order'
import { RestError } from './rest-client'
import type { Page, RestClient } from './rest-client'

export interface ReconcileInput {
  /** Newest `started_at` seen before the gap; null when this server was never seen. */
  watermark: string | null
  /** Executions that were not terminal when last seen, or could not be read last time. */
  trackedIds: readonly string[]
}

export interface ReconcileResult {
  executions: Execution[]
  /** True when a listing hit the page limit: more may have happened than was read. */
  truncated: boolean
  /** Ids of records that could not be read (skipped now; worth another look next time). */
  unreadableIds: string[]
  /** Records skipped because they could not be read, with or without an id. */
  unreadable: number
}

// Failures are what must never be missed; running ones are fetched so they are tracked.
const LISTED_STATUSES = ['failed', 'timed_out', 'running'] as const
const PAGE_SIZE = 100
const FETCH_CONCURRENCY = 4

/**
 * What happened while the socket was down, over REST: failed, timed-out and running executions
 * newer than the watermark (newest first, paging until older), plus a fresh look at every
 * execution that was still open. Record by record: one that cannot be read is skipped and
 * reported, never failing the others. The caller feeds the results through the same pipeline
 * as pushed events, where duplicates fall away.
 */
export async function reconcile(rest: RestClient, input: ReconcileInput): Promise<ReconcileResult> {
  const found = new Map<string, Execution>()
  const result: ReconcileResult = {
    executions: [],
    truncated: false,
    unreadableIds: [],
    unreadable: 0
  }
  const since = input.watermark ? Date.parse(input.watermark) : NaN
  const skip = (page: Page<Execution>): void => {
    result.unreadable += page.unreadable.length
    for (const { id } of page.unreadable) if (id) result.unreadableIds.push(id)
  }
  for (const status of LISTED_STATUSES) {
    for (let page = 0, offset = 0; ; page++) {
      if (page >= rest.pageLimit) {
        result.truncated = true
        break
      }
      const body = await rest.listExecutions({ status, limit: PAGE_SIZE, offset })
      skip(body)
      let reachedOlder = false
      for (const execution of body.data) {
        if (startedBefore(execution, since)) reachedOlder = true
        else found.set(execution.id, execution)
      }
      const read = body.data.length + body.unreadable.length
      // Without a watermark one page is enough: there is no gap to cover, only a baseline.
      if (reachedOlder || !body.hasMore || read === 0 || !Number.isFinite(since)) break
      offset += read
    }
  }
  const toFetch = input.trackedIds.filter((id) => !found.has(id))
  for (let i = 0; i < toFetch.length; i += FETCH_CONCURRENCY) {
    const batch = toFetch.slice(i, i + FETCH_CONCURRENCY)
    const fetched = await Promise.all(batch.map((id) => fetchReadable(rest, id, result)))
    for (const execution of fetched) if (execution) found.set(execution.id, execution)
  }
  result.executions = [...found.values()]
  return result
}

/** True when the execution started before `since` (both known). */
export function startedBefore(execution: Execution, since: number): boolean {
  const started = execution.started_at ? Date.parse(execution.started_at) : NaN
  return Number.isFinite(since) && Number.isFinite(started) && started < since
}

/** One execution by id; an unreadable record is noted and skipped, other errors throw. */
async function fetchReadable(
  rest: RestClient,
  id: string,
  result: ReconcileResult
): Promise<Execution | null> {
  try {
    return await rest.getExecution(id)
  } catch (error) {
    if (!(error instanceof RestError) || error.code !== 'UNREADABLE_RECORD') throw error
    result.unreadable++
    result.unreadableIds.push(id)
    return null
  }
}

/** The later of two ISO timestamps (null-safe). */
export function laterOf(a: string | null, b: string | null | undefined): string | null {
  if (!b) return a
  if (!a) return b
  return compareInstants(b, a) > 0 ? b : a
}
