import { useMemo } from 'react'
import { Icon } from '@renderer/components/icon'
import { KNOWN_EXECUTION_STATUSES } from '@shared/protocol/status'
import { statusInfo } from '@renderer/lib/format'
import type { ExecutionFilters } from '@renderer/lib/route'
import { NO_FILTERS } from '@renderer/lib/route'
import { useProfileNames, useManyProfiles } from '@renderer/store/selectors'
import { useDashboard } from '@renderer/store/use-dashboard'

/** Status, workflow and profile filters and the id search above the executions table. */
export function ExecutionFiltersBar({
  filters,
  onChange
}: {
  filters: ExecutionFilters
  onChange: (filters: ExecutionFilters) => void
}) {
  const workflows = useDashboard((s) => s.workflows)
  const executions = useDashboard((s) => s.executions)
  const names = useProfileNames()
  const many = useManyProfiles()
  const workflowOptions = useMemo(() => {
    const options = new Map<string, string>()
    for (const w of workflows.values()) options.set(w.id, w.name || w.id)
    for (const e of executions.values())
      if (!options.has(e.workflow_id)) options.set(e.workflow_id, e.workflow_name || e.workflow_id)
    return [...options.entries()].sort((a, b) => a[1].localeCompare(b[1]))
  }, [workflows, executions])
  const set = (change: Partial<ExecutionFilters>) => onChange({ ...filters, ...change })
  const active = Object.values(filters).some(Boolean)
  return (
    <div className="filters" role="search" aria-label="Filter executions">
      <label className="field field--inline field--search">
        <span className="visually-hidden">Search by execution id</span>
        <Icon name="search" />
        <input
          type="search"
          className="input"
          placeholder="Search by execution id"
          value={filters.query}
          onChange={(event) => set({ query: event.target.value })}
          data-testid="filter-query"
          spellCheck={false}
        />
      </label>
      <FilterSelect
        label="Status"
        value={filters.status}
        options={statusOptions}
        onChange={(status) => set({ status })}
        testId="filter-status"
      />
      <FilterSelect
        label="Workflow"
        value={filters.workflow}
        options={workflowOptions}
        onChange={(workflow) => set({ workflow })}
        testId="filter-workflow"
      />
      {(many || filters.profile) && (
        <FilterSelect
          label="Profile"
          value={filters.profile}
          options={[...names.entries()]}
          onChange={(profile) => set({ profile })}
          testId="filter-profile"
        />
      )}
      {active && (
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => onChange(NO_FILTERS)}
        >
          <Icon name="close" /> Clear filters
        </button>
      )}
    </div>
  )
}

const statusOptions: Array<[string, string]> = KNOWN_EXECUTION_STATUSES.map((status) => [
  status,
  statusInfo(status).label
])

/** One labelled <select> of the filter bar; the empty value means "Any". */
function FilterSelect({
  label,
  value,
  options,
  onChange,
  testId
}: {
  label: string
  value: string
  options: ReadonlyArray<[value: string, label: string]>
  onChange: (value: string) => void
  testId: string
}) {
  return (
    <label className="field field--inline">
      <span className="field__label">{label}</span>
      <select
        className="select"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      >
        <option value="">Any</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </label>
  )
}
