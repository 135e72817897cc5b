import { useCallback, useState } from 'react'
import type { ExecutionView } from '@shared/bridge'
import { call, describeFailure } from '@renderer/lib/call'
import type { ExecutionFilters } from '@renderer/lib/route'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'

const PAGE_SIZE = 50

/** Older executions paged from the server's REST API, for the current filters. */
export interface History {
  rows: readonly ExecutionView[]
  loading: boolean
  error: string | null
  /** Another page can be asked for. */
  canLoad: boolean
  /** The server said there is nothing older. */
  exhausted: boolean
  profileName: string | null
  loadMore: () => void
}

interface PagedState {
  key: string
  rows: ExecutionView[]
  offset: number
  hasMore: boolean
  loading: boolean
  error: string | null
}

function emptyPages(key: string): PagedState {
  return { key, rows: [], offset: 0, hasMore: true, loading: false, error: null }
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
  // Pages belong to one (profile, status, workflow): other filters start from the top again.
  const key = `${profileId ?? ''}|${status}|${workflow}`
  const [stored, setState] = useState<PagedState>(() => emptyPages(key))
  const state = stored.key === key ? stored : emptyPages(key)

  const loadMore = useCallback(() => {
    if (!profileId) return
    const offset = state.offset
    setState({ ...state, loading: true, error: null })
    void call(() =>
      bridge.listExecutions({
        profile_id: profileId,
        offset,
        limit: PAGE_SIZE,
        ...(status ? { status } : {}),
        ...(workflow ? { workflow_id: workflow } : {})
      })
    ).then((result) => {
      setState((s) =>
        s.key !== key
          ? s
          : result.ok
            ? {
                key,
                rows: [...s.rows, ...result.value.executions],
                offset: offset + result.value.executions.length,
                hasMore: result.value.has_more && result.value.executions.length > 0,
                loading: false,
                error: null
              }
            : { ...s, loading: false, error: describeFailure(result.error) }
      )
    })
  }, [bridge, profileId, status, workflow, key, state])

  return {
    rows: state.rows,
    loading: state.loading,
    error: state.error,
    canLoad: profileId !== null && state.hasMore,
    exhausted: !state.hasMore,
    profileName: running.length > 1 && profile ? (profile.local ? 'Local' : profile.name) : null,
    loadMore
  }
}
