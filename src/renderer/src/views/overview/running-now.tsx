import type { ExecutionView } from '@shared/bridge'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { ProgressBar } from '@renderer/components/progress-bar'
import { StatusBadge } from '@renderer/components/status-badge'
import { useNow } from '@renderer/lib/clock'
import { durationBetween } from '@renderer/lib/format'
import { hrefOf, navigate } from '@renderer/lib/use-route'
import {
  useActiveExecutions,
  useManyProfiles,
  useProfileNames,
  workflowLabel
} from '@renderer/store/selectors'
import { Panel } from '@renderer/components/panel'

/** What is running now, with progress. */
export function RunningNow() {
  const active = useActiveExecutions()
  return (
    <Panel
      id="running-title"
      className="running"
      testId="running-now"
      title={<>Running now {active.length > 0 && <span className="count">{active.length}</span>}</>}
      actions={
        <button
          type="button"
          className="btn btn--small"
          onClick={() => navigate({ view: 'workflows', run: null })}
        >
          <Icon name="play" /> Run a workflow
        </button>
      }
    >
      {active.length === 0 ? (
        <EmptyState icon="clock" title="Nothing is running">
          <p>Executions appear here while they run, with their progress.</p>
        </EmptyState>
      ) : (
        <ul className="running__list">
          {active.slice(0, 50).map((e) => (
            <RunningItem key={`${e.profile_id}/${e.id}`} execution={e} />
          ))}
        </ul>
      )}
    </Panel>
  )
}

function RunningItem({ execution: e }: { execution: ExecutionView }) {
  const now = useNow()
  const names = useProfileNames()
  const many = useManyProfiles()
  return (
    <li className="running__item" data-testid="running-item">
      <div className="running__top">
        <a
          className="running__name"
          href={hrefOf({ view: 'execution', profile_id: e.profile_id, execution_id: e.id })}
        >
          {workflowLabel(e)}
        </a>
        {many && <span className="tag">{names.get(e.profile_id) ?? e.profile_id}</span>}
        <span className="running__elapsed">{durationBetween(e.started_at, null, now)}</span>
      </div>
      <div className="running__bottom">
        <ProgressBar execution={e} />
        <StatusBadge status={e.status} compact />
      </div>
    </li>
  )
}
