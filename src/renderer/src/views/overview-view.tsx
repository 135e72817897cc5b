import { memo, useMemo } from 'react'
import type { ExecutionView, FailureView } from '@shared/bridge'
import { ConnectionBanner } from '@renderer/components/connection-banner'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { NoServer, useNoServer } from '@renderer/components/no-server'
import { ProgressBar } from '@renderer/components/progress-bar'
import { StatusBadge, ToneIcon } from '@renderer/components/status-badge'
import { useNow } from '@renderer/lib/clock'
import { durationBetween, formatAgo, formatFull, toMs } from '@renderer/lib/format'
import { NO_FILTERS } from '@renderer/lib/route'
import { call } from '@renderer/lib/call'
import { useCommand } from '@renderer/lib/use-command'
import { hrefOf, navigate } from '@renderer/lib/use-route'
import {
  useActiveExecutions,
  useManyProfiles,
  useProfileNames,
  useSortedExecutions,
  workflowLabel
} from '@renderer/store/selectors'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'
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
            <RunningNow />
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
  const link = (status: string) =>
    hrefOf({ view: 'executions', filters: { ...NO_FILTERS, status } })
  return (
    <section className="stats" aria-label="Last hour">
      <a className="stat stat--running" href={link('running')} data-testid="count-running">
        <span className="stat__label">
          <ToneIcon tone="running" /> Running now
        </span>
        <span className="stat__value">{active.length}</span>
      </a>
      <a className="stat stat--failed" href={link('failed')} data-testid="count-failed">
        <span className="stat__label">
          <ToneIcon tone="failed" /> Failed · last hour
        </span>
        <span className="stat__value">{counts.failed}</span>
      </a>
      <a className="stat stat--ok" href={link('completed')} data-testid="count-completed">
        <span className="stat__label">
          <ToneIcon tone="ok" /> Completed · last hour
        </span>
        <span className="stat__value">{counts.completed}</span>
      </a>
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

function FailureFeed() {
  const failures = useDashboard((s) => s.failures)
  const bridge = useBridge()
  const markAll = useCommand()
  const unseen = failures.filter((f) => !f.seen).length
  return (
    <section className="panel feed" aria-labelledby="feed-title" data-testid="failure-feed">
      <div className="panel__head">
        <h2 id="feed-title" className="panel__title">
          Failures
          {unseen > 0 && <span className="count count--failed">{unseen} new</span>}
        </h2>
        <button
          type="button"
          className="btn btn--small"
          disabled={unseen === 0 || markAll.pending}
          onClick={() => void markAll.run(() => bridge.markFailuresSeen({}))}
          data-testid="mark-all-seen"
        >
          <Icon name="check" /> Mark all seen
        </button>
      </div>
      {failures.length === 0 ? (
        <EmptyState icon="ok" title="No failures">
          <p>Failed and timed-out executions show up here the moment they happen.</p>
        </EmptyState>
      ) : (
        <ol className="feed__list">
          {failures.slice(0, 100).map((failure) => (
            <FailureItem key={`${failure.profile_id}/${failure.execution_id}`} failure={failure} />
          ))}
        </ol>
      )}
    </section>
  )
}

const FailureItem = memo(function FailureItem({ failure }: { failure: FailureView }) {
  const now = useNow()
  const bridge = useBridge()
  const names = useProfileNames()
  const many = useManyProfiles()
  const ref = { profile_id: failure.profile_id, execution_id: failure.execution_id }
  const open = () => {
    if (!failure.seen) void call(() => bridge.markFailuresSeen({ failures: [ref] }))
  }
  return (
    <li
      className={`feed__item${failure.seen ? '' : ' feed__item--unseen'}`}
      data-testid="failure-item"
      data-seen={failure.seen}
    >
      <a className="feed__link" href={hrefOf({ view: 'execution', ...ref })} onClick={open}>
        <span className="feed__line">
          <StatusBadge status={failure.status} compact />
          <span className="feed__workflow">{failure.workflow_name}</span>
          {!failure.seen && <span className="tag tag--new">New</span>}
          {many && (
            <span className="tag">{names.get(failure.profile_id) ?? failure.profile_id}</span>
          )}
          <time className="feed__time" dateTime={failure.at} title={formatFull(failure.at)}>
            {formatAgo(failure.at, now)}
          </time>
        </span>
        <span className="feed__error">
          {failure.failed_action?.name && (
            <span className="feed__action">{failure.failed_action.name}: </span>
          )}
          {failure.error_message ?? 'No error message was sent.'}
        </span>
      </a>
      {!failure.seen && (
        <button
          type="button"
          className="btn btn--ghost btn--small feed__seen"
          onClick={() => void call(() => bridge.markFailuresSeen({ failures: [ref] }))}
          aria-label={`Mark ${failure.workflow_name} failure seen`}
        >
          <Icon name="check" /> Seen
        </button>
      )}
    </li>
  )
})

function RunningNow() {
  const active = useActiveExecutions()
  const now = useNow()
  return (
    <section className="panel running" aria-labelledby="running-title" data-testid="running-now">
      <div className="panel__head">
        <h2 id="running-title" className="panel__title">
          Running now {active.length > 0 && <span className="count">{active.length}</span>}
        </h2>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => navigate({ view: 'workflows', run: null })}
        >
          <Icon name="play" /> Run a workflow
        </button>
      </div>
      {active.length === 0 ? (
        <EmptyState icon="clock" title="Nothing is running">
          <p>Executions appear here while they run, with their progress.</p>
        </EmptyState>
      ) : (
        <ul className="running__list">
          {active.slice(0, 50).map((e) => (
            <li
              key={`${e.profile_id}/${e.id}`}
              className="running__item"
              data-testid="running-item"
            >
              <a
                className="running__link"
                href={hrefOf({ view: 'execution', profile_id: e.profile_id, execution_id: e.id })}
              >
                <span className="running__name">{workflowLabel(e)}</span>
                <span className="running__id mono">{e.id}</span>
                <span className="running__elapsed">{durationBetween(e.started_at, null, now)}</span>
              </a>
              <ProgressBar execution={e} />
              <StatusBadge status={e.status} compact />
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
