import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AlertPolicy,
  DEFAULT_ALERT_MEMORY,
  alertFor,
  type ExecutionTransition
} from '@main/core/alert-policy'
import { AlertSchema } from '@shared/alerts'
import { KNOWN_EXECUTION_STATUSES, isFailureStatus, type Execution } from '@shared/protocol'

/** True when the policy still remembers alerting this execution id. */
const alerted = (policy: AlertPolicy, id: string): boolean =>
  policy.recentIds(Number.MAX_SAFE_INTEGER).includes(id)

const NOW = Date.parse('2026-03-01T12:00:00.000Z')

function execution(overrides: Partial<Execution> = {}): Execution {
  return {
    id: 'exec_1',
    workflow_id: 'wf_order_processing',
    workflow_name: 'Order Processing',
    status: 'failed',
    started_at: '2026-03-01T11:59:00.000Z',
    completed_at: '2026-03-01T11:59:30.000Z',
    ...overrides
  }
}

function transition(
  exec: Execution,
  from: string | null,
  to = exec.status,
  workflowName?: string
): ExecutionTransition {
  return { execution: { ...exec, status: to }, from, to, ...(workflowName ? { workflowName } : {}) }
}

describe('alertFor', () => {
  it('takes the failing action and message from execution.error', () => {
    const exec = execution({
      error: { message: 'Card declined', action_id: 'act_pay', action_name: 'Process Payment' }
    })
    const alert = alertFor(transition(exec, 'running'), NOW)
    expect(alert).toEqual({
      execution_id: 'exec_1',
      workflow_id: 'wf_order_processing',
      workflow_name: 'Order Processing',
      status: 'failed',
      failed_action: { id: 'act_pay', name: 'Process Payment' },
      error_message: 'Card declined',
      at: '2026-03-01T11:59:30.000Z'
    })
    expect(AlertSchema.parse(alert)).toEqual(alert)
  })

  it('resolves the action name from actions_executed when the error only has its id', () => {
    const exec = execution({
      error: { message: 'Disk full', action_id: 'act_load' },
      actions_executed: [
        { action_id: 'act_extract', name: 'Extract', status: 'completed' },
        { action_id: 'act_load', name: 'Load', status: 'failed', error: { message: 'ENOSPC' } }
      ]
    })
    expect(alertFor(transition(exec, 'running'), NOW)).toMatchObject({
      failed_action: { id: 'act_load', name: 'Load' },
      error_message: 'Disk full'
    })
  })

  it('falls back to the last failed action and its error when execution.error is absent', () => {
    const exec = execution({
      status: 'timed_out',
      actions_executed: [
        {
          action_id: 'a1',
          name: 'Fetch Partner Feed',
          status: 'failed',
          error: { message: 'first' }
        },
        { action_id: 'a2', name: 'Map Records', status: 'completed' },
        {
          action_id: 'a3',
          name: 'Push Updates',
          status: 'timed_out',
          error: { message: 'no answer in 30 s' }
        },
        { action_id: 'a4', name: 'Notify', status: 'pending' }
      ]
    })
    const alert = alertFor(transition(exec, 'running', 'timed_out'), NOW)
    expect(alert).toMatchObject({
      status: 'timed_out',
      failed_action: { id: 'a3', name: 'Push Updates' },
      error_message: 'no answer in 30 s'
    })
  })

  it('uses the last failed action when execution.error names none, and the action message when its own is empty', () => {
    const exec = execution({
      error: { message: '' },
      actions_executed: [
        {
          action_id: 'a1',
          name: 'Ship Order',
          status: 'failed',
          error: { message: 'carrier down' }
        }
      ]
    })
    expect(alertFor(transition(exec, 'running'), NOW)).toMatchObject({
      failed_action: { id: 'a1', name: 'Ship Order' },
      error_message: 'carrier down'
    })
  })

  it('omits what is unknown, names the workflow as best it can, and stamps a time', () => {
    const exec = execution({ workflow_name: null, completed_at: null, updated_at: 'garbage' })
    const bare = alertFor(transition(exec, null), NOW)
    expect(bare).toEqual({
      execution_id: 'exec_1',
      workflow_id: 'wf_order_processing',
      workflow_name: 'wf_order_processing',
      status: 'failed',
      at: new Date(NOW).toISOString()
    })
    expect(AlertSchema.parse(bare)).toEqual(bare)
    expect(
      alertFor(transition(exec, null, 'failed', 'Orders (store name)'), NOW).workflow_name
    ).toBe('Orders (store name)')
    const updated = execution({ completed_at: null, updated_at: '2026-03-01T11:58:00Z' })
    expect(alertFor(transition(updated, 'running'), NOW).at).toBe('2026-03-01T11:58:00.000Z')
  })
})

describe('AlertPolicy', () => {
  it('alerts once per execution entering failed or timed_out', () => {
    const policy = new AlertPolicy()
    const exec = execution({ status: 'running' })
    expect(policy.observe(transition(exec, null, 'pending'), NOW)).toBeNull()
    expect(policy.observe(transition(exec, 'pending', 'running'), NOW)).toBeNull()
    const alert = policy.observe(transition(exec, 'running', 'failed'), NOW)
    expect(alert).toMatchObject({ execution_id: 'exec_1', status: 'failed' })
    // Replays of the same failure (pushed again, found again by REST reconciliation).
    expect(policy.observe(transition(exec, 'running', 'failed'), NOW)).toBeNull()
    expect(policy.observe(transition(exec, null, 'failed'), NOW)).toBeNull()
    expect(policy.observe(transition(exec, 'failed', 'timed_out'), NOW)).toBeNull()
    expect(alerted(policy, 'exec_1')).toBe(true)

    const timedOut = execution({ id: 'exec_2' })
    expect(policy.observe(transition(timedOut, 'running', 'timed_out'), NOW)).toMatchObject({
      execution_id: 'exec_2',
      status: 'timed_out'
    })
  })

  it('alerts for a failure first seen already failed (found after an outage)', () => {
    const policy = new AlertPolicy()
    expect(
      policy.observe(transition(execution({ id: 'exec_gap' }), null, 'failed'), NOW)
    ).not.toBeNull()
  })

  it('does not alert for success, cancellation or unknown statuses', () => {
    const policy = new AlertPolicy()
    for (const to of ['completed', 'cancelled', 'cancelling', 'paused', 'exploded']) {
      expect(
        policy.observe(transition(execution({ id: `e_${to}` }), 'running', to), NOW)
      ).toBeNull()
    }
    expect(policy.size).toBe(0)
  })

  it('keeps memory bounded, evicting the least recently seen ids', () => {
    const policy = new AlertPolicy({ capacity: 3 })
    for (const id of ['a', 'b', 'c'])
      policy.observe(transition(execution({ id }), 'running', 'failed'), NOW)
    // Seeing 'a' again makes it recent, so 'b' is the one evicted next.
    policy.observe(transition(execution({ id: 'a' }), 'running', 'failed'), NOW)
    policy.observe(transition(execution({ id: 'd' }), 'running', 'failed'), NOW)
    expect(policy.size).toBe(3)
    expect(['a', 'b', 'c', 'd'].map((id) => alerted(policy, id))).toEqual([true, false, true, true])
    expect(new AlertPolicy().size).toBe(0)
    expect(DEFAULT_ALERT_MEMORY).toBe(10_000)
  })

  it('never holds more than its default capacity', () => {
    const policy = new AlertPolicy()
    for (let i = 0; i < DEFAULT_ALERT_MEMORY + 500; i += 1) {
      policy.observe(transition(execution({ id: `exec_${i}` }), 'running', 'failed'), NOW)
    }
    expect(policy.size).toBe(DEFAULT_ALERT_MEMORY)
    expect(alerted(policy, 'exec_0')).toBe(false)
    expect(alerted(policy, `exec_${DEFAULT_ALERT_MEMORY + 499}`)).toBe(true)
  })

  it('for any interleaving and duplication of transitions, each failed execution alerts exactly once (property)', () => {
    const status = fc.constantFrom(...KNOWN_EXECUTION_STATUSES, 'mystery')
    // Each execution walks a random status path; every step may be delivered up to 3 times,
    // and all deliveries of all executions are shuffled together.
    const scenario = fc
      .array(fc.array(status, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 25 })
      .chain((paths) => {
        const deliveries: ExecutionTransition[] = []
        paths.forEach((path, index) => {
          const exec = execution({ id: `exec_${index}`, workflow_id: `wf_${index % 4}` })
          path.forEach((to, step) => {
            const from = step === 0 ? null : path[step - 1]!
            deliveries.push(transition(exec, from, to))
          })
        })
        return fc.tuple(
          fc.constant(paths),
          fc.shuffledSubarray(deliveries, {
            minLength: deliveries.length,
            maxLength: deliveries.length
          }),
          fc.array(fc.nat({ max: deliveries.length - 1 }), { maxLength: 20 })
        )
      })
      .map(([paths, shuffled, repeats]) => ({
        paths,
        deliveries: [...shuffled, ...repeats.map((i) => shuffled[i]!)]
      }))

    fc.assert(
      fc.property(scenario, ({ paths, deliveries }) => {
        const policy = new AlertPolicy()
        const alerts = deliveries
          .map((t) => policy.observe(t, NOW))
          .filter((a): a is NonNullable<typeof a> => a !== null)
        const perExecution = new Map<string, number>()
        for (const alert of alerts) {
          perExecution.set(alert.execution_id, (perExecution.get(alert.execution_id) ?? 0) + 1)
          AlertSchema.parse(alert)
        }
        paths.forEach((path, index) => {
          const expected = path.some(isFailureStatus) ? 1 : 0
          expect(perExecution.get(`exec_${index}`) ?? 0).toBe(expected)
        })
      }),
      { numRuns: 300 }
    )
  })
})
