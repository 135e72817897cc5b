import { memo, useMemo } from 'react'
import type { ExecutionView, WorkflowView } from '@shared/bridge'
import { EmptyState } from '@renderer/components/empty-state'
import { Icon } from '@renderer/components/icon'
import { NoServer, useNoServer } from '@renderer/components/no-server'
import { StatusBadge, ToneIcon } from '@renderer/components/status-badge'
import { useNow } from '@renderer/lib/clock'
import { formatAgo, formatFull } from '@renderer/lib/format'
import { NO_FILTERS } from '@renderer/lib/route'
import { hrefOf, navigate } from '@renderer/lib/use-route'
import { useManyProfiles, useProfileNames, useSortedExecutions } from '@renderer/store/selectors'
import { useDashboard } from '@renderer/store/use-dashboard'
import { workflowKey } from '@renderer/store/keys'
import { RunDialog } from './run/run-dialog'
import { ViewHeader } from './view-header'

/** The workflows of every profile, kept current by `workflow_event`s, each with "Run". */
export function WorkflowsView({
  run
}: {
  run: { profile_id: string; workflow_id: string } | null
}) {
  const noServer = useNoServer()
  const workflows = useDashboard((s) => s.workflows)
  const phase = useDashboard((s) => s.phase)
  const sorted = useMemo(
    () =>
      [...workflows.values()].sort(
        (a, b) =>
          (a.name || a.id).localeCompare(b.name || b.id) || a.profile_id.localeCompare(b.profile_id)
      ),
    [workflows]
  )
  const runTarget = run
    ? (workflows.get(workflowKey(run.profile_id, run.workflow_id)) ?? null)
    : null

  return (
    <div className="view view--workflows">
      <ViewHeader
        title="Workflows"
        subtitle={`${sorted.length} ${sorted.length === 1 ? 'workflow' : 'workflows'}`}
      />
      {noServer ? (
        <NoServer />
      ) : sorted.length === 0 && phase === 'ready' ? (
        <EmptyState icon="workflow" title="No workflows yet" testId="workflows-empty">
          <p>
            Workflows appear here as soon as the server lists them, and stay current as they change.
          </p>
        </EmptyState>
      ) : (
        <WorkflowsTable workflows={sorted} />
      )}
      {run && (
        <RunDialog
          key={workflowKey(run.profile_id, run.workflow_id)}
          target={run}
          workflow={runTarget}
          onClose={() => navigate({ view: 'workflows', run: null }, { replace: true })}
        />
      )}
    </div>
  )
}

/** The workflows, each with its latest run and "Run". */
function WorkflowsTable({ workflows }: { workflows: readonly WorkflowView[] }) {
  const executions = useSortedExecutions()
  const many = useManyProfiles()
  const lastRun = useMemo(() => {
    const latest = new Map<string, ExecutionView>()
    for (const e of executions) {
      const key = workflowKey(e.profile_id, e.workflow_id)
      if (!latest.has(key)) latest.set(key, e)
    }
    return latest
  }, [executions])
  return (
    <div className="table-wrap">
      <table className="table" data-testid="workflows-table">
        <thead>
          <tr>
            <th scope="col">Workflow</th>
            <th scope="col">Status</th>
            <th scope="col" className="col-num">
              Version
            </th>
            <th scope="col">Updated</th>
            <th scope="col">Last run</th>
            {many && <th scope="col">Profile</th>}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {workflows.map((w) => (
            <WorkflowRow
              key={workflowKey(w.profile_id, w.id)}
              workflow={w}
              lastRun={lastRun.get(workflowKey(w.profile_id, w.id)) ?? null}
              many={many}
            />
          ))}
        </tbody>
      </table>
    </div>
  )
}

const WorkflowRow = memo(function WorkflowRow({
  workflow: w,
  lastRun,
  many
}: {
  workflow: WorkflowView
  lastRun: ExecutionView | null
  many: boolean
}) {
  const now = useNow()
  const names = useProfileNames()
  const active = (w.status ?? 'active') === 'active'
  return (
    <tr className="table__row" data-testid="workflow-row" data-workflow-id={w.id}>
      <td className="cell-strong">
        <div className="cell-stack">
          <span>{w.name || w.id}</span>
          <span className="mono muted cell-sub">{w.id}</span>
        </div>
      </td>
      <td>
        <span className={`status status--${active ? 'ok' : 'neutral'}`}>
          <ToneIcon tone={active ? 'ok' : 'neutral'} />
          {w.status ? w.status.charAt(0).toUpperCase() + w.status.slice(1) : 'Active'}
        </span>
      </td>
      <td className="col-num mono" data-testid="workflow-version">
        {w.version != null ? `v${w.version}` : '—'}
      </td>
      <td title={formatFull(w.updated_at)}>{formatAgo(w.updated_at, now)}</td>
      <td>
        {lastRun ? (
          <a
            className="row-link"
            href={hrefOf({
              view: 'execution',
              profile_id: lastRun.profile_id,
              execution_id: lastRun.id
            })}
          >
            <StatusBadge status={lastRun.status} compact />
            <span className="visually-hidden"> last run {lastRun.id}</span>
          </a>
        ) : (
          <a
            className="muted row-link"
            href={hrefOf({ view: 'executions', filters: { ...NO_FILTERS, workflow: w.id } })}
          >
            History
          </a>
        )}
      </td>
      {many && <td className="muted">{names.get(w.profile_id) ?? w.profile_id}</td>}
      <td className="col-actions">
        <button
          type="button"
          className="btn btn--small"
          onClick={() =>
            navigate({ view: 'workflows', run: { profile_id: w.profile_id, workflow_id: w.id } })
          }
          aria-label={`Run ${w.name || w.id}`}
          data-testid="run-workflow"
        >
          <Icon name="play" /> Run
        </button>
      </td>
    </tr>
  )
})
