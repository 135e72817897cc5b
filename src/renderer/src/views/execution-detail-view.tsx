import type { ActionView, ExecutionView } from '@shared/bridge'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { JsonView } from '@renderer/components/json-view'
import { ProgressBar } from '@renderer/components/progress-bar'
import { StatusBadge } from '@renderer/components/status-badge'
import { describeFailure } from '@renderer/lib/call'
import { useNow } from '@renderer/lib/clock'
import {
  durationBetween,
  formatClock,
  formatDuration,
  formatFull,
  isActiveStatus,
  toMs
} from '@renderer/lib/format'
import { NO_FILTERS } from '@renderer/lib/route'
import { useCommand } from '@renderer/lib/use-command'
import { hrefOf, navigate } from '@renderer/lib/use-route'
import { useProfileNames, workflowLabel } from '@renderer/store/selectors'
import type { ExecutionRef } from '@renderer/store/keys'
import { useBridge } from '@renderer/store/use-dashboard'
import { LogViewer } from './log-viewer'
import { useExecution } from './use-execution'
import { ViewHeader } from './view-header'

/** One execution: status, progress, the actions timeline, input and output, live logs. */
export function ExecutionDetailView({ target }: { target: ExecutionRef }) {
  const lookup = useExecution(target)
  const back = (
    <nav aria-label="Breadcrumb" className="crumbs">
      <a href={hrefOf({ view: 'executions', filters: NO_FILTERS })}>Executions</a>
      <Icon name="chevronRight" />
      <span className="mono" aria-current="page">
        {target.execution_id}
      </span>
    </nav>
  )
  if (!lookup.execution) {
    return (
      <div className="view view--detail">
        <ViewHeader before={back} title="Execution" />
        {lookup.loading ? (
          <EmptyState tone="loading" title="Loading the execution…" />
        ) : (
          <EmptyState
            tone="error"
            icon="warning"
            title={
              lookup.notFound ? 'This execution is not known' : 'The execution could not be loaded'
            }
            testId="execution-missing"
          >
            <p>{lookup.error}</p>
          </EmptyState>
        )}
      </div>
    )
  }
  const execution = lookup.execution
  const running = isActiveStatus(execution.status)
  return (
    <div
      className="view view--detail"
      data-testid="execution-detail"
      data-status={execution.status}
    >
      <ViewHeader
        before={back}
        title={workflowLabel(execution)}
        subtitle={<Facts execution={execution} />}
        actions={<DetailActions execution={execution} />}
      />
      <section className="detail-summary" aria-label="Progress">
        <StatusBadge status={execution.status} />
        <ProgressBar execution={execution} showText={false} />
        <span className="detail-summary__text" data-testid="detail-progress">
          {execution.progress
            ? `Action ${execution.progress.current_action} of ${execution.progress.total_actions} · ${Math.round(execution.progress.percentage)}%`
            : running
              ? 'Waiting for progress'
              : ''}
        </span>
      </section>
      {execution.error && (
        <div className="callout callout--failed" role="note" data-testid="detail-error">
          <Icon name="failed" />
          <div>
            <p className="callout__title">
              {execution.status === 'timed_out' ? 'Timed out' : 'Failed'}
              {execution.error.action_name ? ` at “${execution.error.action_name}”` : ''}
              {execution.error.code ? (
                <span className="mono muted"> · {execution.error.code}</span>
              ) : null}
            </p>
            <p className="callout__body">{execution.error.message}</p>
          </div>
        </div>
      )}
      <div className="detail-grid">
        <ActionsTimeline actions={execution.actions ?? []} running={running} />
        <section className="panel io" aria-label="Input and output">
          <JsonView title="Input" value={execution.input} testId="detail-input" />
          <JsonView title="Output" value={execution.output} testId="detail-output" />
        </section>
      </div>
      <LogViewer
        target={{ profile_id: execution.profile_id, execution_id: execution.id }}
        running={running}
      />
    </div>
  )
}

function Facts({ execution }: { execution: ExecutionView }) {
  const names = useProfileNames()
  const now = useNow()
  return (
    <dl className="facts">
      <div>
        <dt>Execution</dt>
        <dd className="mono" data-testid="detail-id">
          {execution.id}
        </dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd title={formatFull(execution.started_at)}>{formatClock(toMs(execution.started_at))}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>
          {execution.started_at
            ? durationBetween(execution.started_at, execution.completed_at, now)
            : '—'}
        </dd>
      </div>
      <div>
        <dt>Profile</dt>
        <dd>{names.get(execution.profile_id) ?? execution.profile_id}</dd>
      </div>
    </dl>
  )
}

function DetailActions({ execution }: { execution: ExecutionView }) {
  const bridge = useBridge()
  const cancel = useCommand()
  const again = useCommand()
  const ref = { profile_id: execution.profile_id, execution_id: execution.id }
  const runAgain = async () => {
    const result = await again.run(() =>
      bridge.executeWorkflow({
        profile_id: execution.profile_id,
        workflow_id: execution.workflow_id,
        input: execution.input ?? {}
      })
    )
    if (result.ok)
      navigate({
        view: 'execution',
        profile_id: result.value.profile_id,
        execution_id: result.value.id
      })
  }
  const error = cancel.error ?? again.error
  return (
    <div className="actions-row">
      {isActiveStatus(execution.status) && (
        <button
          type="button"
          className="btn btn--danger"
          disabled={cancel.pending || execution.status === 'cancelling'}
          onClick={() => void cancel.run(() => bridge.cancelExecution(ref))}
          data-testid="cancel-execution"
        >
          <Icon name="stop" /> {execution.status === 'cancelling' ? 'Cancelling…' : 'Cancel'}
        </button>
      )}
      <button
        type="button"
        className="btn"
        disabled={again.pending}
        onClick={() => void runAgain()}
        data-testid="run-again"
      >
        <Icon name="retry" /> {again.pending ? 'Starting…' : 'Run again'}
      </button>
      {error && (
        <p className="field-error" role="alert" data-testid="detail-action-error">
          {describeFailure(error)}
        </p>
      )}
    </div>
  )
}

function ActionsTimeline({
  actions,
  running
}: {
  actions: readonly ActionView[]
  running: boolean
}) {
  return (
    <section
      className="panel timeline"
      aria-labelledby="timeline-title"
      data-testid="actions-timeline"
    >
      <div className="panel__head">
        <h2 id="timeline-title" className="panel__title">
          Actions
        </h2>
      </div>
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
    </section>
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
          <Icon name="failed" /> {action.error.message}
          {action.error.code && <span className="mono muted"> ({action.error.code})</span>}
        </p>
      ) : action.result !== undefined ? (
        <JsonView title="Result" value={action.result} openByDefault={false} />
      ) : null}
    </li>
  )
}
