import { useMemo } from 'react'
import type { ExecutionView } from '@shared/bridge'
import { isActiveStatus } from '@renderer/lib/format'
import { startedAt } from './dashboard-state'
import { useDashboard } from './use-dashboard'

// Derived views of the state, memoized on the identity of what they read.

/** Profile id → the name to show ("Local" for local dev mode). */
export function useProfileNames(): ReadonlyMap<string, string> {
  const profiles = useDashboard((s) => s.profiles)
  return useMemo(() => new Map(profiles.map((p) => [p.id, p.local ? 'Local' : p.name])), [profiles])
}

/** True when more than one profile is shown (then rows name their profile). */
export function useManyProfiles(): boolean {
  const profiles = useDashboard((s) => s.profiles)
  return profiles.filter((p) => p.enabled || p.local).length > 1
}

/** Recent executions, newest first. */
export function useSortedExecutions(): readonly ExecutionView[] {
  const executions = useDashboard((s) => s.executions)
  return useMemo(() => sortNewestFirst([...executions.values()]), [executions])
}

/** Executions that may still change, newest first. */
export function useActiveExecutions(): readonly ExecutionView[] {
  const sorted = useSortedExecutions()
  return useMemo(() => sorted.filter((e) => isActiveStatus(e.status)), [sorted])
}

/** Newest first by start time (not started yet counts as newest), then by id. */
export function sortNewestFirst(executions: ExecutionView[]): ExecutionView[] {
  // Each start time read once: this runs on every frame that changes an execution.
  const keyed = executions.map((execution) => ({ execution, at: startedAt(execution) }))
  keyed.sort((a, b) => b.at - a.at || b.execution.id.localeCompare(a.execution.id))
  for (let i = 0; i < keyed.length; i++) executions[i] = keyed[i]!.execution
  return executions
}

/** The name of an execution's workflow, falling back to its id. */
export function workflowLabel(
  execution: Pick<ExecutionView, 'workflow_name' | 'workflow_id'>
): string {
  return execution.workflow_name || execution.workflow_id
}
