import type { ExecutionView } from '@shared/bridge'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { JsonView } from '@renderer/components/json-view'
import { ProgressBar } from '@renderer/components/progress-bar'
import { StatusBadge } from '@renderer/components/status-badge'
import { isActiveStatus } from '@renderer/lib/format'
import { NO_FILTERS } from '@renderer/lib/route'
import { hrefOf } from '@renderer/lib/use-route'
import { workflowLabel } from '@renderer/store/selectors'
import type { ExecutionRef } from '@renderer/store/keys'
import { ActionsTimeline } from './detail/actions-timeline'
import { DetailActions, Facts } from './detail/detail-header'
import { LogViewer } from './logs/log-viewer'
import { useExecution } from './use-execution'
import type { ExecutionLookup } from './use-execution'
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
  const execution = lookup.execution
  // One tree whether the execution is known yet or not, so the heading (which takes the focus
  // after navigating) stays the same element when it arrives.
  return (
    <div
      className="view view--detail"
      data-testid={execution ? 'execution-detail' : undefined}
      data-status={execution?.status}
    >
      <ViewHeader
        before={back}
        title={execution ? workflowLabel(execution) : 'Execution'}
        subtitle={execution && <Facts execution={execution} />}
        actions={execution && <DetailActions execution={execution} />}
      />
      {execution ? <DetailBody execution={execution} /> : <ExecutionMissing lookup={lookup} />}
    </div>
  )
}

function DetailBody({ execution }: { execution: ExecutionView }) {
  const running = isActiveStatus(execution.status)
  return (
    <>
      <ProgressSummary execution={execution} running={running} />
      <FailureCallout execution={execution} />
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
    </>
  )
}

function ExecutionMissing({ lookup }: { lookup: ExecutionLookup }) {
  if (lookup.loading) return <EmptyState tone="loading" title="Loading the execution…" />
  return (
    <EmptyState
      tone="error"
      icon="warning"
      title={lookup.notFound ? 'This execution is not known' : 'The execution could not be loaded'}
      testId="execution-missing"
    >
      <p>{lookup.error}</p>
    </EmptyState>
  )
}

function ProgressSummary({ execution, running }: { execution: ExecutionView; running: boolean }) {
  const progress = execution.progress
  return (
    <section className="detail-summary" aria-label="Progress">
      <StatusBadge status={execution.status} />
      <ProgressBar execution={execution} showText={false} />
      <span className="detail-summary__text" data-testid="detail-progress">
        {progress
          ? `Action ${progress.current_action} of ${progress.total_actions} · ${Math.round(progress.percentage)}%`
          : running
            ? 'Waiting for progress'
            : ''}
      </span>
    </section>
  )
}

/** Where and why it failed, first thing on the page. */
function FailureCallout({ execution }: { execution: ExecutionView }) {
  const error = execution.error
  if (!error) return null
  return (
    <div className="callout callout--failed" role="note" data-testid="detail-error">
      <Icon name="failed" />
      <div>
        <p className="callout__title">
          {execution.status === 'timed_out' ? 'Timed out' : 'Failed'}
          {error.action_name ? ` at “${error.action_name}”` : ''}
          {error.code ? <span className="mono muted"> · {error.code}</span> : null}
        </p>
        <p className="callout__body">{error.message}</p>
      </div>
    </div>
  )
}
