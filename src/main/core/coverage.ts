import type { Coverage } from '@shared/connection-state'
import { ALL_ID, Resource } from '@shared/protocol'
import type { Execution } from '@shared/protocol'
import type { SubscriptionInfo } from './subscription-registry'

/** What REST polling must cover while some subscriptions are not live. */
export interface UncoveredScope {
  /** Every workflow (`workflow_executions:all`, or the workflow list itself, is not live). */
  everything: boolean
  workflowIds: ReadonlySet<string>
  executionIds: ReadonlySet<string>
  /** How many subscriptions this scope stands in for (the `polled` count while polling). */
  subscriptions: number
}

export type FollowMode = Coverage['follow']

/** The part of what is followed that no live subscription delivers. */
export function uncoveredScope(
  list: readonly SubscriptionInfo[],
  follow: FollowMode
): UncoveredScope {
  let everything = false
  let subscriptions = 0
  const workflowIds = new Set<string>()
  const executionIds = new Set<string>()
  for (const { resource, id, status } of list) {
    if (status === 'active') continue
    if (resource === Resource.WorkflowExecutions) {
      if (id === ALL_ID) everything = true
      else workflowIds.add(id)
    } else if (resource === Resource.Execution) {
      executionIds.add(id)
    } else if (resource === Resource.Workflows && id === ALL_ID && follow !== 'chosen') {
      // Following each workflow without the workflow events: a new workflow would go unseen.
      everything = true
    } else {
      continue // workflow events alone cannot be polled for executions
    }
    subscriptions++
  }
  return { everything, workflowIds, executionIds, subscriptions }
}

/** True when the scope holds nothing to poll. */
export function isEmptyScope(scope: UncoveredScope): boolean {
  return !scope.everything && scope.workflowIds.size === 0 && scope.executionIds.size === 0
}

/** The coverage fact published with every `syncing` and `open` state. */
export function computeCoverage(
  list: readonly SubscriptionInfo[],
  follow: FollowMode,
  polling: boolean
): Coverage {
  let live = 0
  let pending = 0
  let refused = 0
  for (const { status } of list) {
    if (status === 'active') live++
    else if (status === 'pending') pending++
    else refused++
  }
  const polled = polling ? uncoveredScope(list, follow).subscriptions : 0
  const level: Coverage['level'] =
    pending + refused === 0 && live > 0
      ? 'live'
      : live > 0
        ? 'partial'
        : polled > 0
          ? 'polling'
          : 'none'
  return { level, follow, live, pending, refused, polled }
}

/**
 * True when `follow` (everything, or chosen subscriptions) covers the execution's updates:
 * reconciliation and polling keep only what the subscriptions would have pushed.
 */
export function followsExecution(
  follow: 'all' | ReadonlyArray<{ resource: string; id: string }>,
  execution: Execution
): boolean {
  if (follow === 'all') return true
  return follow.some(
    ({ resource, id }) =>
      (resource === Resource.Execution && id === execution.id) ||
      (resource === Resource.WorkflowExecutions && (id === ALL_ID || id === execution.workflow_id))
  )
}
