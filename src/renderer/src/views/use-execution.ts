import { useEffect, useState } from 'react'
import type { ExecutionView } from '@shared/bridge'
import { call, describeFailure } from '@renderer/lib/call'
import { executionKey } from '@renderer/store/keys'
import type { ExecutionRef } from '@renderer/store/keys'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'

/** One execution for the detail view: live updates over a full copy fetched from main. */
export interface ExecutionLookup {
  execution: ExecutionView | null
  loading: boolean
  /** Why it could not be fetched (shown when nothing live is known either). */
  error: string | null
  notFound: boolean
}

/**
 * The execution `ref` names. Live events keep status and progress current; `getExecution`
 * fills in what events may leave out (actions, input, output), again whenever the status or the
 * current action changes.
 */
export function useExecution(ref: ExecutionRef): ExecutionLookup {
  const bridge = useBridge()
  const key = executionKey(ref.profile_id, ref.execution_id)
  const live = useDashboard((s) => s.executions.get(key))
  const [fetched, setFetched] = useState<{
    key: string
    value: ExecutionView | null
    error: string | null
    notFound: boolean
  } | null>(null)
  const trigger = `${live?.status ?? ''}|${live?.progress?.current_action ?? ''}`

  useEffect(() => {
    let current = true
    void call(() =>
      bridge.getExecution({ profile_id: ref.profile_id, execution_id: ref.execution_id })
    ).then((result) => {
      if (!current) return
      setFetched(
        result.ok
          ? { key, value: result.value, error: null, notFound: false }
          : {
              key,
              value: null,
              error: describeFailure(result.error),
              notFound: result.error.code === 'not_found'
            }
      )
    })
    return () => {
      current = false
    }
  }, [bridge, key, ref.profile_id, ref.execution_id, trigger])

  const mine = fetched?.key === key ? fetched : null
  const execution = merge(mine?.value ?? null, live ?? null)
  return {
    execution,
    loading: execution === null && mine === null,
    error: execution === null ? (mine?.error ?? null) : null,
    notFound: execution === null && (mine?.notFound ?? false)
  }
}

/** The live view with the fetched copy's fields where the live one has none. */
function merge(fetched: ExecutionView | null, live: ExecutionView | null): ExecutionView | null {
  if (!fetched) return live
  if (!live) return fetched
  const merged: Record<string, unknown> = { ...fetched }
  for (const [field, value] of Object.entries(live))
    if (value !== undefined && value !== null) merged[field] = value
  return merged as ExecutionView
}
