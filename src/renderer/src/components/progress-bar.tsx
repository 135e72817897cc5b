import type { ExecutionView } from '@shared/bridge'

/** An execution's progress as a bar (an ARIA progressbar) and "3/4" beside it. */
export function ProgressBar({
  execution,
  showText = true
}: {
  execution: Pick<ExecutionView, 'progress' | 'status' | 'workflow_name' | 'workflow_id'>
  showText?: boolean
}) {
  const progress = execution.progress
  const done = execution.status === 'completed'
  const percentage = progress ? Math.round(progress.percentage) : done ? 100 : 0
  const label = `Progress of ${execution.workflow_name ?? execution.workflow_id}`
  return (
    <span className="progress">
      <span
        role="progressbar"
        className={`progress__bar progress__bar--${execution.status}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percentage}
        aria-label={label}
      >
        <span className="progress__fill" style={{ width: `${percentage}%` }} />
      </span>
      {showText && (
        <span className="progress__text">
          {progress ? `${progress.current_action}/${progress.total_actions}` : `${percentage}%`}
        </span>
      )}
    </span>
  )
}
