import { useDeferredValue, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import type { FollowedLogs } from '@renderer/store/followed-logs'
import { LogFilter } from '@renderer/store/log-filter'
import type { LogCriteria } from '@renderer/store/log-filter'
import type { ExecutionRef } from '@renderer/store/keys'
import { useStore } from '@renderer/store/use-dashboard'
import { LogList } from './log-list'
import { LogToolbar } from './log-toolbar'

// An execution's live logs: level filter, text search, and a follow-tail that pauses as soon as
// the person scrolls up and resumes on "Jump to latest" (or on scrolling back to the bottom).
// Only the rows in view are in the DOM, so 100,000 lines scroll as smoothly as 100.

/** Follows `target`'s logs while mounted. */
export function LogViewer({ target, running }: { target: ExecutionRef; running: boolean }) {
  const store = useStore()
  const { profile_id, execution_id } = target
  const logs = useMemo(
    () => store.logsFor({ profile_id, execution_id }),
    [store, profile_id, execution_id]
  )
  useEffect(() => store.holdLogs(logs), [store, logs])
  return <LogPanel key={`${profile_id}/${execution_id}`} logs={logs} running={running} />
}

function LogPanel({ logs, running }: { logs: FollowedLogs; running: boolean }) {
  useSyncExternalStore(logs.subscribe, logs.getVersion)
  const buffer = logs.buffer
  const [levels, setLevels] = useState<ReadonlySet<string> | null>(null)
  const [query, setQuery] = useState('')
  const deferredQuery = useDeferredValue(query)
  const criteria = useMemo<LogCriteria>(
    () => ({ levels, query: deferredQuery }),
    [levels, deferredQuery]
  )
  // Matches are extended in place as lines arrive (see LogFilter), once per render.
  const [filter] = useState(() => new LogFilter())
  const count = filter.update(buffer, criteria)

  return (
    <section className="panel logs" aria-labelledby="logs-title" data-testid="logs">
      <LogToolbar
        buffer={buffer}
        levels={levels}
        onLevels={setLevels}
        query={query}
        onQuery={setQuery}
        shown={filter.passesAll ? null : count}
      />
      {logs.status === 'loading' && buffer.length === 0 ? (
        <EmptyState tone="loading" title="Loading logs…" />
      ) : logs.status === 'failed' ? (
        <EmptyState
          tone="error"
          icon="warning"
          title="The logs could not be loaded"
          actions={
            <button type="button" className="btn" onClick={() => logs.retry()}>
              <Icon name="retry" /> Try again
            </button>
          }
        >
          <p>{logs.error}</p>
        </EmptyState>
      ) : (
        <LogList
          buffer={buffer}
          filter={filter}
          count={count}
          query={deferredQuery}
          running={running}
        />
      )}
    </section>
  )
}
