import { useCallback, useState } from 'react'
import type { ExecutionView } from '@shared/bridge'
import { call, describeFailure } from '@renderer/lib/call'
import type { ExecutionFilters } from '@renderer/lib/route'
import { executionKey } from '@renderer/store/keys'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'

const PAGE_SIZE = 50
/** Pages one click may read to get past executions the table already shows. */
const MAX_PAGES_PER_CLICK = 10

const keyOf = (e: ExecutionView): string => executionKey(e.profile_id, e.id)

/** Older executions paged from the server's REST API, for the current filters. */
export interface History {
  /** Every older execution loaded so far (the table filters them like live ones). */
  rows: readonly ExecutionView[]
  loading: boolean
  error: string | null
  /** Another page can be asked for. */
  canLoad: boolean
  /** The server said there is nothing older for these filters. */
  exhausted: boolean
  profileName: string | null
  loadMore: () => void
}

interface Paging {
  offset: number
  hasMore: boolean
}

interface HistoryState {
  rows: ExecutionView[]
  /** Paging per (profile, status, workflow): the server filters, so each has its own offsets. */
  pages: Record<string, Paging>
  loading: boolean
  error: string | null
}

/** Pages older history for `filters` (from the filtered profile, else the active one). */
export function useHistory(filters: ExecutionFilters): History {
  const bridge = useBridge()
  const profiles = useDashboard((s) => s.profiles)
  const activeId = useDashboard((s) => s.settings?.active_profile_id ?? null)
  const running = profiles.filter((p) => p.enabled || p.local)
  const profile =
    running.find((p) => p.id === filters.profile) ??
    (filters.profile ? undefined : (running.find((p) => p.id === activeId) ?? running[0]))
  const profileId = profile?.id ?? null
  const { status, workflow } = filters
  const key = `${profileId ?? ''}|${status}|${workflow}`
  const [state, setState] = useState<HistoryState>({
    rows: [],
    pages: {},
    loading: false,
    error: null
  })
  const paging = state.pages[key] ?? { offset: 0, hasMore: true }

  const live = useDashboard((s) => s.executions)
  const loadMore = useCallback(() => {
    if (!profileId) return
    setState((s) => ({ ...s, loading: true, error: null }))
    // What the table shows already (live and loaded): a page of only those is skipped, so a
    // click on "Load older" always brings something older when the server has it.
    const shown = new Set([...live.keys(), ...state.rows.map(keyOf)])
    void (async () => {
      let offset = paging.offset
      let hasMore = paging.hasMore
      const fresh: ExecutionView[] = []
      for (let page = 0; page < MAX_PAGES_PER_CLICK && hasMore && fresh.length === 0; page++) {
        const result = await call(() =>
          bridge.listExecutions({
            profile_id: profileId,
            offset,
            limit: PAGE_SIZE,
            ...(status ? { status } : {}),
            ...(workflow ? { workflow_id: workflow } : {})
          })
        )
        if (!result.ok) {
          setState((s) => ({ ...s, loading: false, error: describeFailure(result.error) }))
          return
        }
        const { executions, has_more } = result.value
        offset += executions.length
        hasMore = has_more && executions.length > 0
        fresh.push(...executions.filter((e) => !shown.has(keyOf(e))))
      }
      setState((s) => {
        const known = new Set(s.rows.map(keyOf))
        return {
          rows: [...s.rows, ...fresh.filter((e) => !known.has(keyOf(e)))],
          pages: { ...s.pages, [key]: { offset, hasMore } },
          loading: false,
          error: null
        }
      })
    })()
  }, [bridge, profileId, status, workflow, key, paging.offset, paging.hasMore, live, state.rows])

  return {
    rows: state.rows,
    loading: state.loading,
    error: state.error,
    canLoad: profileId !== null && paging.hasMore,
    exhausted: !paging.hasMore,
    profileName: running.length > 1 && profile ? (profile.local ? 'Local' : profile.name) : null,
    loadMore
  }
}
