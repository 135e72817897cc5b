import { afterEach, describe, expect, it } from 'vitest'
import { isTerminalStatus } from '@shared/protocol'
import type { Execution } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { createTestEngine } from '../fixtures/gateway'
import { DEMO_WORKFLOWS, startExecution, waitForTerminal } from './fixtures'
import type { Engine } from './fixtures'

// The simulated engine through its public API only: demo workflows, determinism under a seed,
// forced outcomes, failure rate, cancellation, events.

const engines: Engine[] = []

function engine(options: Parameters<typeof createTestEngine>[0] = {}): Engine {
  const e = createTestEngine(options)
  engines.push(e)
  return e
}

afterEach(() => {
  for (const e of engines.splice(0)) e.dispose()
})

/** Runs `count` executions one after another and returns their final states. */
async function runSequentially(e: Engine, count: number): Promise<Execution[]> {
  const workflows = Object.keys(DEMO_WORKFLOWS)
  const out: Execution[] = []
  for (let i = 0; i < count; i++) {
    const id = startExecution(e, workflows[i % workflows.length] as string, { n: i })
    out.push(await waitForTerminal(e, id))
  }
  return out
}

/** What must repeat under the same seed: ids, statuses, the failing action and its message. */
function outcome(e: Execution): unknown {
  return {
    id: e.id,
    workflow_id: e.workflow_id,
    status: e.status,
    actions: e.actions_executed?.map((a) => [a.name, a.status]),
    error: e.error ? { message: e.error.message, action_id: e.error.action_id } : null
  }
}

describe('demo workflows', () => {
  it('has the four demo workflows with stable ids and named actions', () => {
    const e = engine()
    for (const [id, actions] of Object.entries(DEMO_WORKFLOWS)) {
      const workflow = e.getWorkflow(id)
      expect(workflow, id).toBeDefined()
      expect(workflow?.name).toBeTruthy()
      expect(workflow?.actions?.map((a) => a.name)).toEqual(actions)
    }
    expect(e.listWorkflows().map((w) => w.id)).toEqual(
      expect.arrayContaining(Object.keys(DEMO_WORKFLOWS))
    )
  })

  it('executions advance action by action with progress, timings, results and logs', async () => {
    const e = engine({ failureRate: 0 })
    const seen: Execution[] = []
    e.on('execution', (x) => seen.push(x))
    const id = startExecution(e, 'wf_order_processing', { order_id: 'o-1' })
    const final = await waitForTerminal(e, id)
    const mine = seen.filter((x) => x.id === id)
    expect(final.status).toBe('completed')
    expect(final.workflow_name).toBe('Order Processing')
    expect(final.started_at && final.completed_at && final.updated_at).toBeTruthy()
    // Progress never goes backwards and reaches every action.
    const steps = mine.map((x) => x.progress?.current_action ?? 0)
    expect(steps).toEqual([...steps].sort((a, b) => a - b))
    expect(new Set(steps)).toEqual(new Set([0, 1, 2, 3, 4]))
    for (const action of final.actions_executed ?? []) {
      expect(action.result).toBeDefined()
      expect(action.duration_ms).toBeGreaterThanOrEqual(0)
    }
    const logs = e.getLogs(id) ?? []
    expect(logs.length).toBeGreaterThanOrEqual(4)
    expect(logs.every((l) => l.execution_id === id && l.timestamp && l.level)).toBe(true)
    expect(logs.some((l) => l.metadata && Object.keys(l.metadata).length > 0)).toBe(true)
  })

  it('by default, actions take a realistic few hundred milliseconds, so progress is visible', async () => {
    const e = createTestEngine({ actionDelayMs: undefined, failureRate: 0 })
    engines.push(e)
    const id = startExecution(e, 'wf_user_onboarding')
    await waitUntil(
      () => (e.getExecution(id)?.actions_executed ?? []).some((a) => a.status === 'completed'),
      { timeoutMs: 5000, what: 'the first action to complete' }
    )
    const running = e.getExecution(id)
    expect(running?.status).toBe('running')
    expect(running?.progress?.percentage).toBeGreaterThan(0)
    expect(running?.progress?.percentage).toBeLessThan(100)
    // Lower bound only (an upper bound would flake on a loaded machine).
    expect(running?.actions_executed?.[0]?.duration_ms).toBeGreaterThanOrEqual(250)
  })

  it('startExecution answers undefined for an unknown workflow', () => {
    expect(engine().startExecution('wf_nope')).toBeUndefined()
  })
})

describe('determinism', () => {
  it('two engines with the same seed produce the same outcome sequence', async () => {
    const options = { seed: 4242, failureRate: 0.5 }
    const [a, b] = await Promise.all([
      runSequentially(engine(options), 16),
      runSequentially(engine(options), 16)
    ])
    expect(a.map(outcome)).toEqual(b.map(outcome))
    // With a 50% failure rate both kinds of outcome show up (fixed by the seed, so not flaky).
    const statuses = new Set(a.map((x) => x.status))
    expect(statuses.has('completed')).toBe(true)
    expect([...statuses].some((s) => s === 'failed' || s === 'timed_out')).toBe(true)
  })

  it('concurrent executions still follow the seed', async () => {
    const run = async (): Promise<unknown[]> => {
      const e = engine({ seed: 99, failureRate: 0.5 })
      const ids = Array.from({ length: 8 }, (_, i) => startExecution(e, 'wf_partner_sync', { i }))
      return (await Promise.all(ids.map((id) => waitForTerminal(e, id)))).map(outcome)
    }
    const [a, b] = await Promise.all([run(), run()])
    expect(a).toEqual(b)
  })

  it('different seeds give different ids', () => {
    const a = startExecution(engine({ seed: 1 }), 'wf_nightly_etl')
    const b = startExecution(engine({ seed: 2 }), 'wf_nightly_etl')
    expect(a).not.toBe(b)
  })
})

describe('outcomes', () => {
  it('failureRate 1 fails every execution with a real message; 0 fails none', async () => {
    const failing = await runSequentially(engine({ failureRate: 1, seed: 5 }), 6)
    for (const x of failing) {
      expect(['failed', 'timed_out']).toContain(x.status)
      expect(x.error?.message).toBeTruthy()
    }
    const passing = await runSequentially(engine({ failureRate: 0, seed: 5 }), 6)
    expect(passing.map((x) => x.status)).toEqual(Array(6).fill('completed'))
  })

  it('a forced failure writes an error-level log with the message and action metadata', async () => {
    const e = engine()
    const id = startExecution(e, 'wf_partner_sync', {}, { outcome: 'fail' })
    const final = await waitForTerminal(e, id)
    expect(final.status).toBe('failed')
    const errorLog = (e.getLogs(id) ?? []).find((l) => l.level === 'error')
    expect(errorLog?.message).toBe(final.error?.message)
    expect(errorLog?.action_id).toBe(final.error?.action_id)
  })

  it('cancellation ends a running execution as cancelled and stops its progress', async () => {
    const e = engine({ actionDelayMs: [200, 300] })
    const id = startExecution(e, 'wf_order_processing')
    await waitUntil(() => e.getExecution(id)?.status === 'running', { what: 'running' })
    const answer = e.cancelExecution(id)
    expect(['cancelling', 'cancelled']).toContain(answer?.status)
    const final = await waitForTerminal(e, id)
    expect(final.status).toBe('cancelled')
    expect(final.actions_executed?.length).toBeLessThan(4)
    expect(e.cancelExecution('exec_nope')).toBeUndefined()
    // Cancelling a finished execution changes nothing.
    expect(e.cancelExecution(id)?.status).toBe('cancelled')
  })

  it('listExecutions filters by workflow and status, newest first', async () => {
    const e = engine({ failureRate: 0 })
    const ids = [
      startExecution(e, 'wf_nightly_etl'),
      startExecution(e, 'wf_user_onboarding'),
      startExecution(e, 'wf_nightly_etl')
    ]
    await Promise.all(ids.map((id) => waitForTerminal(e, id)))
    expect(e.listExecutions({}).map((x) => x.id)).toEqual([...ids].reverse())
    expect(e.listExecutions({ workflowId: 'wf_nightly_etl' }).map((x) => x.id)).toEqual([
      ids[2],
      ids[0]
    ])
    expect(e.listExecutions({ status: 'completed' })).toHaveLength(3)
    expect(e.listExecutions({ status: 'failed' })).toHaveLength(0)
  })

  it('dispose() ends all activity: no timer is left to produce an event', () => {
    const e = engine({ actionDelayMs: [20, 40], autoRun: true })
    const id = startExecution(e, 'wf_order_processing')
    expect(e.hasLiveResources()).toBe(true)
    e.dispose()
    // Events come only from timers or API calls: with no timer left, nothing more can happen.
    expect(e.hasLiveResources()).toBe(false)
    expect(isTerminalStatus(e.getExecution(id)?.status ?? 'running')).toBe(false)
  })

  it('has no live resources once every execution has finished and autoRun is off', async () => {
    const e = engine()
    const id = startExecution(e, 'wf_partner_sync')
    await waitForTerminal(e, id)
    expect(e.hasLiveResources()).toBe(false)
  })

  it('autoRun starts background executions on its own', async () => {
    const e = engine({ autoRun: true, actionDelayMs: [5, 10] })
    await waitUntil(() => e.listExecutions({}).length > 0, {
      timeoutMs: 5000,
      what: 'a background execution'
    })
    e.setAutoRun(false)
    expect(e.listExecutions({})[0]?.workflow_id).toBeTruthy()
  })
})
