import {
  useCallback,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore
} from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { formatCount, formatLogTime } from '@renderer/lib/format'
import type { FollowedLogs } from '@renderer/store/followed-logs'
import type { LogBuffer } from '@renderer/store/log-buffer'
import { escapeRegExp, LogFilter } from '@renderer/store/log-filter'
import type { LogCriteria } from '@renderer/store/log-filter'
import type { ExecutionRef } from '@renderer/store/keys'
import { useStore } from '@renderer/store/use-dashboard'

// An execution's live logs: level filter, text search, and a follow-tail that pauses as soon as
// the person scrolls up and resumes on "Jump to latest" (or on scrolling back to the bottom).
// Only the rows in view are in the DOM, so 100,000 lines scroll as smoothly as 100.

const ROW_HEIGHT = 20
const STANDARD_LEVELS = ['debug', 'info', 'warn', 'error']

/** Follows `ref`'s logs while mounted. */
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
  const [filter] = useState(() => new LogFilter())
  const count = filter.update(buffer, criteria)
  const levelCount = buffer.levels().length
  const levelNames = useMemo(
    () => mergeLevels(buffer.levels().slice(0, levelCount)),
    [buffer, levelCount]
  )

  const toggleLevel = (level: string) => {
    const all = levelNames
    const current = new Set(levels ?? all)
    if (current.has(level)) current.delete(level)
    else current.add(level)
    setLevels(current.size === all.length && all.every((l) => current.has(l)) ? null : current)
  }

  return (
    <section className="panel logs" aria-labelledby="logs-title" data-testid="logs">
      <div className="panel__head logs__head">
        <h2 id="logs-title" className="panel__title">
          Logs
        </h2>
        <div className="logs__levels" role="group" aria-label="Levels shown">
          {levelNames.map((level) => {
            const on = levels === null || levels.has(level)
            return (
              <button
                key={level}
                type="button"
                className={`chip chip--level chip--${level}`}
                aria-pressed={on}
                onClick={() => toggleLevel(level)}
                data-testid={`level-${level}`}
              >
                <span className="chip__check" aria-hidden="true">
                  {on ? <Icon name="check" /> : null}
                </span>
                {level}
              </button>
            )
          })}
        </div>
        <label className="field field--inline field--search logs__search">
          <span className="visually-hidden">Search logs</span>
          <Icon name="search" />
          <input
            type="search"
            className="input"
            placeholder="Search logs"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            data-testid="log-search"
            spellCheck={false}
          />
        </label>
        <span
          className="logs__count muted"
          data-testid="log-count"
          aria-live="polite"
          aria-atomic="true"
        >
          {filter.passesAll
            ? `${formatCount(buffer.length)} ${buffer.length === 1 ? 'line' : 'lines'}`
            : `${formatCount(count)} of ${formatCount(buffer.length)} lines`}
        </span>
      </div>
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
          truncated={buffer.truncated}
        />
      )}
    </section>
  )
}

function mergeLevels(seen: readonly string[]): string[] {
  return [...STANDARD_LEVELS, ...seen.filter((l) => !STANDARD_LEVELS.includes(l))]
}

function LogList({
  buffer,
  filter,
  count,
  query,
  running,
  truncated
}: {
  buffer: LogBuffer
  filter: LogFilter
  count: number
  query: string
  running: boolean
  truncated: boolean
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const [following, setFollowingState] = useState(true)
  // Mirrors `following` for event handlers and the scroll effect, which must see a pause at once.
  const followingRef = useRef(true)
  const [selected, setSelected] = useState<number | null>(null)
  const lastTop = useRef(0)
  const countWhenPaused = useRef(0)
  // The virtualizer's functions are not memoizable; this app does not use the React Compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 24
  })
  const pattern = useMemo(
    () => (query ? new RegExp(`(${escapeRegExp(query)})`, 'gi') : null),
    [query]
  )

  const setFollowing = useCallback((on: boolean) => {
    followingRef.current = on
    setFollowingState(on)
  }, [])
  const pause = useCallback(() => {
    if (!followingRef.current) return
    countWhenPaused.current = count
    setFollowing(false)
  }, [count, setFollowing])

  const onScroll = useCallback(() => {
    const el = scrollRef.current
    if (!el) return
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT
    // Only a move up is the person's doing: following scrolls down, and growth moves nothing.
    if (el.scrollTop < lastTop.current - 1 && !atBottom) pause()
    else if (atBottom && !followingRef.current) setFollowing(true)
    lastTop.current = el.scrollTop
  }, [pause, setFollowing])

  useLayoutEffect(() => {
    const el = scrollRef.current
    if (!el || !following || !followingRef.current) return
    el.scrollTop = el.scrollHeight
    lastTop.current = el.scrollTop
  }, [following, count, buffer.length])

  const jump = () => {
    setFollowing(true)
    scrollRef.current?.focus({ preventScroll: true })
  }
  const newLines = following ? 0 : Math.max(0, count - countWhenPaused.current)

  if (buffer.length === 0) {
    const title = running
      ? 'No log lines yet'
      : truncated
        ? 'Its earlier lines were not kept'
        : 'This execution wrote no logs'
    return (
      <EmptyState icon="list" title={title} testId="logs-empty">
        {running && <p>Lines appear here as the execution writes them.</p>}
      </EmptyState>
    )
  }
  const selectedRow = selected !== null && selected < buffer.length ? buffer.row(selected) : null
  return (
    <div className="logs__body">
      {truncated && (
        <p className="logs__note muted">Older lines were not kept; the newest are shown.</p>
      )}
      <div
        ref={scrollRef}
        className="logs__scroll"
        onScroll={onScroll}
        onWheel={(event) => {
          // Pause on the intent to scroll up, before a new line could pull the view down again.
          if (event.deltaY < 0) pause()
        }}
        onKeyDown={(event) => {
          if (['ArrowUp', 'PageUp', 'Home'].includes(event.key)) pause()
        }}
        // Grabbing the scrollbar or clicking a line: keep the view still while the person looks.
        onPointerDown={pause}
        tabIndex={0}
        role="region"
        aria-label="Log lines"
        data-testid="log-scroll"
        data-following={following}
      >
        {count === 0 ? (
          <p className="logs__none">No line matches the filter.</p>
        ) : (
          <div className="logs__inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const index = filter.lineAt(item.index)
              const row = buffer.row(index)
              return (
                <div
                  key={item.key}
                  className={`log-row log-row--${row.level}${selected === index ? ' log-row--selected' : ''}`}
                  style={{ transform: `translateY(${item.start}px)` }}
                  data-testid="log-row"
                  onClick={() => setSelected(index === selected ? null : index)}
                >
                  <span className="log-row__time">{formatLogTime(row.time)}</span>
                  <span className="log-row__level">{row.level}</span>
                  <span className="log-row__action">{row.actionId ?? ''}</span>
                  <span className="log-row__message">{highlight(row.message, pattern)}</span>
                </div>
              )
            })}
          </div>
        )}
      </div>
      <div className="logs__foot">
        {following ? (
          <span className="logs__state" data-testid="follow-state">
            <Icon name="down" /> {running ? 'Following new lines' : 'At the latest line'}
          </span>
        ) : (
          <>
            <span className="logs__state logs__state--paused" data-testid="follow-state">
              <Icon name="stop" /> Paused
              {newLines > 0
                ? ` · ${formatCount(newLines)} new ${newLines === 1 ? 'line' : 'lines'}`
                : ''}
            </span>
            <button
              type="button"
              className="btn btn--small btn--primary"
              onClick={jump}
              data-testid="jump-to-latest"
            >
              <Icon name="down" /> Jump to latest
            </button>
          </>
        )}
        {selectedRow && (
          <p className="logs__selected" data-testid="log-selected">
            <span className="mono">{formatLogTime(selectedRow.time)}</span>{' '}
            <strong>{selectedRow.level}</strong>{' '}
            {selectedRow.actionId && <span className="mono">{selectedRow.actionId} </span>}
            {selectedRow.message}
          </p>
        )}
      </div>
    </div>
  )
}

function highlight(message: string, pattern: RegExp | null) {
  if (!pattern) return message
  const parts = message.split(pattern)
  return parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part))
}
