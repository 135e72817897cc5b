import { useMemo } from 'react'
import { Icon } from '@renderer/components/icon'
import { formatCount } from '@renderer/lib/format'
import type { LogBuffer } from '@renderer/store/log-buffer'

const STANDARD_LEVELS = ['debug', 'info', 'warn', 'error']

/** Level chips (toggle buttons), the search field and the line count above the log list. */
export function LogToolbar({
  buffer,
  levels,
  onLevels,
  query,
  onQuery,
  shown
}: {
  buffer: LogBuffer
  /** The levels shown; null: all. */
  levels: ReadonlySet<string> | null
  onLevels: (levels: ReadonlySet<string> | null) => void
  query: string
  onQuery: (query: string) => void
  /** Lines matching the filter, or null when nothing is filtered. */
  shown: number | null
}) {
  const levelCount = buffer.levels().length
  const names = useMemo(
    () => mergeLevels(buffer.levels().slice(0, levelCount)),
    [buffer, levelCount]
  )
  const toggle = (level: string) => {
    const current = new Set(levels ?? names)
    if (current.has(level)) current.delete(level)
    else current.add(level)
    onLevels(names.every((l) => current.has(l)) ? null : current)
  }
  return (
    <div className="panel__head logs__head">
      <h2 id="logs-title" className="panel__title">
        Logs
      </h2>
      <div className="logs__levels" role="group" aria-label="Levels shown">
        {names.map((level) => {
          const on = levels === null || levels.has(level)
          return (
            <button
              key={level}
              type="button"
              className={`chip chip--level chip--${level}`}
              aria-pressed={on}
              onClick={() => toggle(level)}
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
          onChange={(event) => onQuery(event.target.value)}
          data-testid="log-search"
          spellCheck={false}
        />
      </label>
      <span className="logs__count muted" data-testid="log-count">
        {shown === null
          ? `${formatCount(buffer.length)} ${buffer.length === 1 ? 'line' : 'lines'}`
          : `${formatCount(shown)} of ${formatCount(buffer.length)} lines`}
      </span>
    </div>
  )
}

/** The standard levels first, then any other the server used. */
function mergeLevels(seen: readonly string[]): string[] {
  return [...STANDARD_LEVELS, ...seen.filter((l) => !STANDARD_LEVELS.includes(l))]
}
