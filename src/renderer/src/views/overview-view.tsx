import { useMemo } from 'react'
import type { ExecutionView } from '@shared/bridge'
import { ConnectionBanner } from '@renderer/components/connection-banner'
import { Icon } from '@renderer/components/icon'
import { NoServer, useNoServer } from '@renderer/components/no-server'
import { ToneIcon } from '@renderer/components/status-badge'
import { useNow } from '@renderer/lib/clock'
import { toMs } from '@renderer/lib/format'
import type { Tone } from '@renderer/lib/format'
import { NO_FILTERS } from '@renderer/lib/route'
import { hrefOf } from '@renderer/lib/use-route'
import { useActiveExecutions, useSortedExecutions } from '@renderer/store/selectors'
import { FailureFeed } from './overview/failure-feed'
import { RecentActivity } from './overview/recent-activity'
import { RunningNow } from './overview/running-now'
import { ViewHeader } from './view-header'

const HOUR = 3_600_000

/** The landing view: last-hour counts, the failure feed, and what is running now. */
export function OverviewView() {
  const noServer = useNoServer()
  return (
    <div className="view view--overview">
      <ViewHeader title="Overview" />
      {noServer ? (
        <NoServer />
      ) : (
        <>
          <ConnectionBanner />
          <HourCounts />
          <div className="overview-grid">
            <FailureFeed />
            <div className="overview-side">
              <RunningNow />
              <RecentActivity />
            </div>
          </div>
        </>
      )}
    </div>
  )
}

function HourCounts() {
  const executions = useSortedExecutions()
  const active = useActiveExecutions()
  const now = useNow()
  const counts = useMemo(() => countLastHour(executions, now), [executions, now])
  return (
    <section className="stats" aria-label="Last hour">
      <StatLink status="running" tone="running" label="Running now" value={active.length} />
      <StatLink status="failed" tone="failed" label="Failed · last hour" value={counts.failed} />
      <StatLink
        status="completed"
        tone="ok"
        label="Completed · last hour"
        value={counts.completed}
      />
      <div className="stat stat--rate">
        <span className="stat__label">
          <Icon name="check" /> Success rate · last hour
        </span>
        <span className="stat__value">
          {counts.completed + counts.failed === 0
            ? '—'
            : `${Math.round((100 * counts.completed) / (counts.completed + counts.failed))}%`}
        </span>
      </div>
    </section>
  )
}

/** One count of the stats row, linking to the executions with that status. */
function StatLink({
  status,
  tone,
  label,
  value
}: {
  status: string
  tone: Tone
  label: string
  value: number
}) {
  return (
    <a
      className={`stat stat--${tone}`}
      href={hrefOf({ view: 'executions', filters: { ...NO_FILTERS, status } })}
      data-testid={`count-${status}`}
    >
      <span className="stat__label">
        <ToneIcon tone={tone} /> {label}
      </span>
      <span className="stat__value">{value}</span>
    </a>
  )
}

function countLastHour(executions: readonly ExecutionView[], now: number) {
  const counts = { failed: 0, completed: 0 }
  for (const e of executions) {
    const at = toMs(e.completed_at ?? e.started_at)
    if (!(now - at <= HOUR)) continue
    if (e.status === 'failed' || e.status === 'timed_out') counts.failed++
    else if (e.status === 'completed') counts.completed++
  }
  return counts
}
