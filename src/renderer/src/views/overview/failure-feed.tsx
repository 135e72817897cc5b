import { memo } from 'react'
import type { FailureView } from '@shared/bridge'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { StatusBadge } from '@renderer/components/status-badge'
import { call } from '@renderer/lib/call'
import { useNow } from '@renderer/lib/clock'
import { formatAgo, formatFull } from '@renderer/lib/format'
import { useCommand } from '@renderer/lib/use-command'
import { hrefOf } from '@renderer/lib/use-route'
import { useManyProfiles, useProfileNames } from '@renderer/store/selectors'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'
import { Panel } from '@renderer/components/panel'

/** The failure feed: newest first, unseen ones marked, one click from the failed action. */
export function FailureFeed() {
  const failures = useDashboard((s) => s.failures)
  const bridge = useBridge()
  const markAll = useCommand()
  const unseen = failures.filter((f) => !f.seen).length
  return (
    <Panel
      id="feed-title"
      className="feed"
      testId="failure-feed"
      title={
        <>
          Failures
          {unseen > 0 && <span className="count count--failed">{unseen} new</span>}
        </>
      }
      actions={
        <button
          type="button"
          className="btn btn--small"
          disabled={unseen === 0 || markAll.pending}
          onClick={() => void markAll.run(() => bridge.markFailuresSeen({}))}
          data-testid="mark-all-seen"
        >
          <Icon name="check" /> Mark all seen
        </button>
      }
    >
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
    </Panel>
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
