import type { ActionView } from '@shared/bridge'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { JsonView } from '@renderer/components/json-view'
import { StatusBadge } from '@renderer/components/status-badge'
import { useNow } from '@renderer/lib/clock'
import {
  durationBetween,
  formatClock,
  formatDuration,
  formatFull,
  toMs
} from '@renderer/lib/format'
import { Panel } from '@renderer/components/panel'

/** The actions timeline: name, status, start, duration, and the result or the error. */
export function ActionsTimeline({
  actions,
  running
}: {
  actions: readonly ActionView[]
  running: boolean
}) {
  return (
    <Panel id="timeline-title" className="timeline" testId="actions-timeline" title="Actions">
      {actions.length === 0 ? (
        <EmptyState
          icon="workflow"
          title={running ? 'No action has started yet' : 'No actions were recorded'}
        />
      ) : (
        // Long workflows scroll inside the panel, so the logs below stay in place.
        <div className="timeline__scroll" tabIndex={0} role="region" aria-label="Actions list">
          <ol className="timeline__list">
            {actions.map((action, i) => (
              <ActionItem key={`${action.action_id}-${i}`} action={action} index={i + 1} />
            ))}
          </ol>
        </div>
      )}
    </Panel>
  )
}

function ActionItem({ action, index }: { action: ActionView; index: number }) {
  const now = useNow()
  const duration =
    action.duration_ms != null
      ? formatDuration(action.duration_ms)
      : action.started_at
        ? durationBetween(action.started_at, action.completed_at, now)
        : '—'
  return (
    <li
      className={`timeline__item timeline__item--${action.status}`}
      data-testid="action-item"
      data-status={action.status}
    >
      <div className="timeline__row">
        <span className="timeline__index" aria-hidden="true">
          {index}
        </span>
        <span className="timeline__name">{action.name}</span>
        <StatusBadge status={action.status} compact />
        <span className="timeline__time muted" title={formatFull(action.started_at)}>
          {action.started_at ? formatClock(toMs(action.started_at)) : 'not started'}
        </span>
        <span className="timeline__duration">{duration}</span>
      </div>
      {action.error ? (
        <p className="timeline__error" data-testid="action-error">
          <Icon name="failed" />
          {/* One flex item, so the code follows the message's last word instead of a column. */}
          <span>
            {action.error.message}
            {action.error.code && (
              <span className="timeline__code muted"> ({action.error.code})</span>
            )}
          </span>
        </p>
      ) : action.result !== undefined ? (
        <JsonView title="Result" value={action.result} openByDefault={false} />
      ) : null}
    </li>
  )
}
