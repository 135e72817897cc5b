import { memo, useMemo, useRef, useState } from 'react'
import type { ExecutionView } from '@shared/bridge'
import { ConnectionBanner } from '@renderer/components/connection-banner'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { NoServer, useNoServer } from '@renderer/components/no-server'
import { ProgressBar } from '@renderer/components/progress-bar'
import { StatusBadge } from '@renderer/components/status-badge'
import { useNow } from '@renderer/lib/clock'
import { durationBetween, formatAgo, formatCount, formatFull } from '@renderer/lib/format'
import type { ExecutionFilters } from '@renderer/lib/route'
import { hrefOf, navigate } from '@renderer/lib/use-route'
import { executionKey } from '@renderer/store/keys'
import {
  useManyProfiles,
  useProfileNames,
  useSortedExecutions,
  workflowLabel
} from '@renderer/store/selectors'
import { useDashboard } from '@renderer/store/use-dashboard'
import { ExecutionFiltersBar } from './execution-filters'
import { useHistory } from './use-history'
import type { History } from './use-history'
import { useRowWindow } from './use-row-window'
import { ViewHeader } from './view-header'
import { ErrorAlert } from '@renderer/components/error-alert'

const PAGE = 200

/** The live table of executions, filtered, with older history paged from the server. */
export function ExecutionsView({ filters }: { filters: ExecutionFilters }) {
  const noServer = useNoServer()
  const live = useSortedExecutions()
  const phase = useDashboard((s) => s.phase)
  const history = useHistory(filters)
  // How many rows are rendered, counted per filter set (new filters start at one page again).
  const filterKey = JSON.stringify(filters)
  const [paging, setPaging] = useState({ key: filterKey, shown: PAGE })
  const shown = paging.key === filterKey ? paging.shown : PAGE
  const filtered = Object.values(filters).some(Boolean)
  const rows = useMemo(() => {
    // Runs on every frame that changes an execution: no copies while there is nothing to add.
    let all = live
    if (history.rows.length > 0) {
      const seen = new Set(live.map((e) => executionKey(e.profile_id, e.id)))
      const older = history.rows.filter((e) => !seen.has(executionKey(e.profile_id, e.id)))
      all = [...live, ...older]
    }
    return filtered ? all.filter((e) => matches(e, filters)) : all
  }, [live, history.rows, filters, filtered])

  return (
    <div className="view view--executions">
      <ViewHeader
        title="Executions"
        subtitle={
          <span data-testid="executions-count">
            {formatCount(rows.length)} {rows.length === 1 ? 'execution' : 'executions'}
            {filtered ? ' match' : ''}
          </span>
        }
      />
      {noServer ? (
        <NoServer />
      ) : (
        <>
          <ConnectionBanner />
          <ExecutionFiltersBar
            filters={filters}
            onChange={(next) => navigate({ view: 'executions', filters: next }, { replace: true })}
          />
          {rows.length === 0 && phase === 'ready' ? (
            <NoExecutions filtered={filtered} />
          ) : (
            <ExecutionsTable rows={rows.slice(0, shown)} />
          )}
          <TableFooter
            more={rows.length - shown}
            onMore={() => setPaging({ key: filterKey, shown: shown + PAGE })}
            history={history}
          />
        </>
      )}
    </div>
  )
}

function NoExecutions({ filtered }: { filtered: boolean }) {
  return (
    <EmptyState
      icon={filtered ? 'search' : 'list'}
      title={filtered ? 'No execution matches these filters' : 'No executions yet'}
      testId="executions-empty"
    >
      <p>
        {filtered
          ? 'Clear a filter, or load older executions from the server below.'
          : 'Executions show up here live as soon as a workflow runs. Start one from Workflows.'}
      </p>
    </EmptyState>
  )
}

/** "Show more" rows already here, and older history from the server. */
function TableFooter({
  more,
  onMore,
  history
}: {
  more: number
  onMore: () => void
  history: History
}) {
  return (
    <div className="table-footer">
      {more > 0 && (
        <button type="button" className="btn" onClick={onMore}>
          Show {Math.min(PAGE, more)} more
        </button>
      )}
      {history.canLoad && (
        <button
          type="button"
          className="btn"
          onClick={history.loadMore}
          disabled={history.loading}
          data-testid="load-older"
        >
          <Icon name="down" />
          {history.loading
            ? 'Loading…'
            : `Load older executions${history.profileName ? ` from ${history.profileName}` : ''}`}
        </button>
      )}
      {history.exhausted && <span className="muted">No older executions on the server.</span>}
      <ErrorAlert message={history.error} inline />
    </div>
  )
}

function matches(e: ExecutionView, f: ExecutionFilters): boolean {
  if (f.status && e.status !== f.status) return false
  if (f.workflow && e.workflow_id !== f.workflow) return false
  if (f.profile && e.profile_id !== f.profile) return false
  if (f.query && !e.id.toLowerCase().includes(f.query.trim().toLowerCase())) return false
  return true
}

function ExecutionsTable({ rows }: { rows: readonly ExecutionView[] }) {
  const many = useManyProfiles()
  const names = useProfileNames()
  const body = useRef<HTMLTableSectionElement>(null)
  const rowWindow = useRowWindow(rows.length, body)
  const columns = many ? 7 : 6
  return (
    <div className="table-wrap">
      <table
        className="table table--fixed"
        data-testid="executions-table"
        aria-rowcount={rowWindow.windowed ? rows.length + 1 : undefined}
      >
        {/* Fixed widths (table-layout: fixed): a row changing never re-measures the table. */}
        <colgroup>
          <col className="col-w-status" />
          <col />
          <col className="col-w-id" />
          <col className="col-w-progress" />
          <col className="col-w-started" />
          <col className="col-w-duration" />
          {many && <col className="col-w-profile" />}
        </colgroup>
        <thead>
          <tr>
            <th scope="col" className="col-status">
              Status
            </th>
            <th scope="col">Workflow</th>
            <th scope="col">Execution</th>
            <th scope="col" className="col-progress">
              Progress
            </th>
            <th scope="col">Started</th>
            <th scope="col" className="col-num">
              Duration
            </th>
            {many && <th scope="col">Profile</th>}
          </tr>
        </thead>
        <tbody ref={body}>
          {rowWindow.before > 0 && <Spacer height={rowWindow.before} columns={columns} />}
          {rowWindow.indexes.map((index) => {
            const e = rows[index]!
            return (
              <ExecutionRow
                key={executionKey(e.profile_id, e.id)}
                execution={e}
                profileName={many ? (names.get(e.profile_id) ?? e.profile_id) : undefined}
                index={rowWindow.windowed ? index : undefined}
              />
            )
          })}
          {rowWindow.after > 0 && <Spacer height={rowWindow.after} columns={columns} />}
        </tbody>
      </table>
    </div>
  )
}

/** Stands in for the rows of a long table that are out of view (see use-row-window.ts). */
function Spacer({ height, columns }: { height: number; columns: number }) {
  return (
    <tr className="table__spacer" aria-hidden="true" style={{ height }}>
      <td colSpan={columns} />
    </tr>
  )
}

/**
 * One row. In a windowed table its index changes whenever rows are added above it, so the row
 * element (index attributes) re-renders then, and its cells only when the execution changed.
 */
function ExecutionRow({
  execution: e,
  profileName,
  index
}: {
  execution: ExecutionView
  /** Shown in a last column when several profiles are (absent otherwise). */
  profileName: string | undefined
  /** Its place in a windowed table (absent when every row is rendered). */
  index?: number
}) {
  return (
    <tr
      aria-rowindex={index === undefined ? undefined : index + 2}
      className={`table__row table__row--${e.status}`}
      data-testid="execution-row"
      data-execution-id={e.id}
      data-status={e.status}
      onClick={(event) => {
        if (!(event.target as HTMLElement).closest('a, button')) navigate(routeOf(e))
      }}
    >
      <ExecutionCells execution={e} profileName={profileName} />
    </tr>
  )
}

const routeOf = (e: ExecutionView) =>
  ({ view: 'execution', profile_id: e.profile_id, execution_id: e.id }) as const

const ExecutionCells = memo(function ExecutionCells({
  execution: e,
  profileName
}: {
  execution: ExecutionView
  profileName: string | undefined
}) {
  return (
    <>
      <td className="col-status">
        <StatusBadge status={e.status} />
      </td>
      <td className="cell-strong">
        <a className="row-link" href={hrefOf(routeOf(e))}>
          {workflowLabel(e)}
        </a>
      </td>
      <td className="mono cell-id">{e.id}</td>
      <td className="col-progress">
        <ProgressBar execution={e} />
      </td>
      <td>
        <Started iso={e.started_at} />
      </td>
      <td className="col-num">
        <Duration start={e.started_at} end={e.completed_at} />
      </td>
      {profileName !== undefined && <td className="muted">{profileName}</td>}
    </>
  )
})

// The time cells re-render with the clock, not with every status change of their row.
const Started = memo(function Started({ iso }: { iso: string | null | undefined }) {
  const now = useNow()
  const title = useMemo(() => formatFull(iso), [iso])
  return (
    <time dateTime={iso ?? undefined} title={title}>
      {formatAgo(iso, now)}
    </time>
  )
})

const Duration = memo(function Duration({
  start,
  end
}: {
  start: string | null | undefined
  end: string | null | undefined
}) {
  if (!start) return <>—</>
  if (end) return <>{durationBetween(start, end, 0)}</>
  return <RunningDuration start={start} />
})

function RunningDuration({ start }: { start: string }) {
  const now = useNow()
  return <>{durationBetween(start, null, now)}</>
}
