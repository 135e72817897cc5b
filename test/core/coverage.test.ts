import { describe, expect, it } from 'vitest'
import { computeCoverage, isEmptyScope, uncoveredScope } from '@main/core/coverage'
import type { SubscriptionInfo, SubscriptionStatus } from '@main/core/subscription-registry'

// Coverage as a fact computed from the subscriptions: the level follows the counts, and the
// uncovered scope names exactly what REST polling must stand in for.

const s = (resource: string, id: string, status: SubscriptionStatus): SubscriptionInfo => ({
  resource,
  id,
  refs: 1,
  status
})

describe('coverage', () => {
  it('walks none → polling → partial → live as a fallback comes up', () => {
    const all = [s('workflow_executions', 'all', 'pending')]
    expect(computeCoverage(all, 'all', false)).toEqual({
      level: 'none',
      follow: 'all',
      live: 0,
      pending: 1,
      refused: 0,
      polled: 0
    })
    expect(computeCoverage(all, 'all', true)).toMatchObject({ level: 'polling', polled: 1 })

    const fallback = [
      s('workflows', 'all', 'active'),
      s('workflow_executions', 'wf_a', 'active'),
      s('workflow_executions', 'wf_b', 'pending'),
      s('workflow_executions', 'wf_c', 'failed')
    ]
    expect(computeCoverage(fallback, 'per_workflow', true)).toEqual({
      level: 'partial',
      follow: 'per_workflow',
      live: 2,
      pending: 1,
      refused: 1,
      polled: 2
    })
    const live = fallback.map((info) => ({ ...info, status: 'active' as const }))
    expect(computeCoverage(live, 'per_workflow', true)).toMatchObject({
      level: 'live',
      live: 4,
      polled: 0
    })
  })

  it('polls everything while the workflow list itself is not live, but not workflow events of chosen ones', () => {
    const scope = uncoveredScope(
      [s('workflows', 'all', 'pending'), s('workflow_executions', 'wf_a', 'active')],
      'per_workflow'
    )
    expect(scope.everything).toBe(true)
    const chosen = uncoveredScope(
      [s('workflows', 'wf_a', 'failed'), s('execution', 'e1', 'failed')],
      'chosen'
    )
    expect(chosen).toMatchObject({ everything: false, subscriptions: 1 })
    expect([...chosen.executionIds]).toEqual(['e1'])
    expect(isEmptyScope(uncoveredScope([s('workflows', 'wf_a', 'failed')], 'chosen'))).toBe(true)
    expect(computeCoverage([s('workflows', 'wf_a', 'failed')], 'chosen', true)).toMatchObject({
      level: 'none',
      refused: 1,
      polled: 0
    })
  })
})
