import type { ExecutionView } from '@shared/bridge'
import { StatusBadge } from '@renderer/components/status-badge'
import { useNow } from '@renderer/lib/clock'
import { durationBetween, formatAgo, formatFull, isActiveStatus } from '@renderer/lib/format'
import { NO_FILTERS } from '@renderer/lib/route'
import { hrefOf } from '@renderer/lib/use-route'
import { useSortedExecutions, workflowLabel } from '@renderer/store/selectors'
import { Panel } from '@renderer/components/panel'

const SHOWN = 8

/** The latest finished executions, so a quiet overview still says what just happened. */
export function RecentActivity() {
  const sorted = useSortedExecutions()
  const recent = sorted.filter((e) => !isActiveStatus(e.status)).slice(0, SHOWN)
  const now = useNow()
  if (recent.length === 0) return null
  return (
    <Panel
      id="recent-title"
      className="recent"
      testId="recent-activity"
      title="Recently finished"
      actions={
        <a className="panel__link" href={hrefOf({ view: 'executions', filters: NO_FILTERS })}>
          All executions
        </a>
      }
    >
      <ul className="recent__list">
        {recent.map((e) => (
          <RecentItem key={`${e.profile_id}/${e.id}`} execution={e} now={now} />
        ))}
      </ul>
    </Panel>
  )
}

function RecentItem({ execution: e, now }: { execution: ExecutionView; now: number }) {
  const at = e.completed_at ?? e.started_at
  return (
    <li className="recent__item">
      <StatusBadge status={e.status} compact />
      <a
        className="recent__name"
        href={hrefOf({ view: 'execution', profile_id: e.profile_id, execution_id: e.id })}
      >
        {workflowLabel(e)}
      </a>
      <span className="recent__duration muted">
        {durationBetween(e.started_at, e.completed_at, now)}
      </span>
      <time className="recent__time muted" dateTime={at ?? undefined} title={formatFull(at)}>
        {formatAgo(at, now)}
      </time>
    </li>
  )
}
