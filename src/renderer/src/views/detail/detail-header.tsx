import type { ExecutionView } from '@shared/bridge'
import { Icon } from '@renderer/components/icon'
import { describeFailure } from '@renderer/lib/call'
import { useNow } from '@renderer/lib/clock'
import {
  durationBetween,
  formatClock,
  formatFull,
  isActiveStatus,
  toMs
} from '@renderer/lib/format'
import { useCommand } from '@renderer/lib/use-command'
import { navigate } from '@renderer/lib/use-route'
import { useProfileNames } from '@renderer/store/selectors'
import { useBridge } from '@renderer/store/use-dashboard'
import { ErrorAlert } from '@renderer/components/error-alert'

/** Id, start, duration and profile of an execution. */
export function Facts({ execution }: { execution: ExecutionView }) {
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

/** Cancel (while it may still change) and "Run again" with the same input. */
export function DetailActions({ execution }: { execution: ExecutionView }) {
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
      <ErrorAlert message={error && describeFailure(error)} testId="detail-action-error" />
    </div>
  )
}
