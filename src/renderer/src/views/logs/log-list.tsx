import { useMemo, useRef, useState } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { formatCount, formatLogTime } from '@renderer/lib/format'
import type { LogBuffer } from '@renderer/store/log-buffer'
import { escapeRegExp } from '@renderer/store/log-filter'
import type { LogFilter } from '@renderer/store/log-filter'
import { useFollowTail } from './use-follow-tail'
import type { FollowTail } from './use-follow-tail'

const ROW_HEIGHT = 20

/** The virtualized list of matching lines, its follow-tail state and the selected line. */
export function LogList({
  buffer,
  filter,
  count,
  query,
  running
}: {
  buffer: LogBuffer
  filter: LogFilter
  count: number
  query: string
  running: boolean
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const tail = useFollowTail(scrollRef, count, ROW_HEIGHT)
  const [selected, setSelected] = useState<number | null>(null)
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

  if (buffer.length === 0) return <NoLines running={running} truncated={buffer.truncated} />
  return (
    <div className="logs__body">
      {buffer.truncated && (
        <p className="logs__note muted">Older lines were not kept; the newest are shown.</p>
      )}
      <div
        ref={scrollRef}
        className="logs__scroll"
        {...tail.handlers}
        tabIndex={0}
        role="region"
        aria-label="Log lines"
        data-testid="log-scroll"
        data-following={tail.following}
      >
        {count === 0 ? (
          <p className="logs__none">No line matches the filter.</p>
        ) : (
          <div className="logs__inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const index = filter.lineAt(item.index)
              return (
                <LogRow
                  key={item.key}
                  buffer={buffer}
                  index={index}
                  top={item.start}
                  pattern={pattern}
                  selected={selected === index}
                  onSelect={() => setSelected(index === selected ? null : index)}
                />
              )
            })}
          </div>
        )}
      </div>
      <LogFooter
        buffer={buffer}
        tail={tail}
        running={running}
        selected={selected}
        onJump={() => {
          tail.resume()
          scrollRef.current?.focus({ preventScroll: true })
        }}
      />
    </div>
  )
}

function NoLines({ running, truncated }: { running: boolean; truncated: boolean }) {
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

function LogRow({
  buffer,
  index,
  top,
  pattern,
  selected,
  onSelect
}: {
  buffer: LogBuffer
  index: number
  top: number
  pattern: RegExp | null
  selected: boolean
  onSelect: () => void
}) {
  const row = buffer.row(index)
  return (
    <div
      className={`log-row log-row--${row.level}${selected ? ' log-row--selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      data-testid="log-row"
      onClick={onSelect}
    >
      <span className="log-row__time">{formatLogTime(row.time)}</span>
      <span className="log-row__level">{row.level}</span>
      <span className="log-row__action">{row.actionId ?? ''}</span>
      <span className="log-row__message">{highlight(row.message, pattern)}</span>
    </div>
  )
}

/** Following or paused (with "Jump to latest"), and the selected line in full. */
function LogFooter({
  buffer,
  tail,
  running,
  selected,
  onJump
}: {
  buffer: LogBuffer
  tail: FollowTail
  running: boolean
  selected: number | null
  onJump: () => void
}) {
  const line = selected !== null && selected < buffer.length ? buffer.row(selected) : null
  const { newLines } = tail
  return (
    <div className="logs__foot">
      {tail.following ? (
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
            onClick={onJump}
            data-testid="jump-to-latest"
          >
            <Icon name="down" /> Jump to latest
          </button>
        </>
      )}
      {line && (
        <p className="logs__selected" data-testid="log-selected">
          <span className="mono">{formatLogTime(line.time)}</span> <strong>{line.level}</strong>{' '}
          {line.actionId && <span className="mono">{line.actionId} </span>}
          {line.message}
        </p>
      )}
    </div>
  )
}

/** The message with every match of `pattern` marked. */
function highlight(message: string, pattern: RegExp | null) {
  if (!pattern) return message
  const parts = message.split(pattern)
  return parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part))
}
