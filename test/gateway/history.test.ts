import { afterEach, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import {
  ExecutionSchema,
  collectDropped,
  isFailureStatus,
  isTerminalStatus
} from '@shared/protocol'
import type { Execution } from '@shared/protocol'
import { createTestEngine, startTestGateway } from '../fixtures/gateway'
import { api } from '../helpers/http'
import { DEMO_WORKFLOWS, startExecution, waitForTerminal } from './fixtures'
import type { Engine } from './fixtures'

// An engine (and a gateway) started with a past: 150 workflows and 2,000 finished executions
// of the last hour, for benchmarks and tests that need a server that has been running a while.

const HOUR_MS = 60 * 60_000
const engines: Engine[] = []
const gateways: Gateway[] = []

function engine(options: Parameters<typeof createTestEngine>[0]): Engine {
  const e = createTestEngine(options)
  engines.push(e)
  return e
}

afterEach(async () => {
  for (const g of gateways.splice(0)) await g.close()
  for (const e of engines.splice(0)) e.dispose()
})

const HISTORY = { workflows: 150, executions: 2_000 }

describe('engine history', () => {
  it('starts with the workflows and finished executions of the last hour, newest first', () => {
    const before = Date.now()
    const e = engine({ seed: 5, failureRate: 1 / 3, history: HISTORY })
    const workflows = e.listWorkflows()
    expect(workflows).toHaveLength(150)
    expect(workflows.map((w) => w.id)).toEqual(expect.arrayContaining(Object.keys(DEMO_WORKFLOWS)))
    expect(new Set(workflows.map((w) => w.id)).size).toBe(150)

    const executions = e.listExecutions()
    expect(executions).toHaveLength(2_000)
    const started = executions.map((x) => Date.parse(x.started_at!))
    expect([...started].sort((a, b) => b - a)).toEqual(started)
    for (const execution of executions) {
      expect(isTerminalStatus(execution.status), execution.id).toBe(true)
      expect(Date.parse(execution.started_at!)).toBeGreaterThanOrEqual(before - HOUR_MS)
      expect(Date.parse(execution.completed_at!)).toBeLessThanOrEqual(Date.now())
      expect(e.getLogs(execution.id)?.length).toBeGreaterThan(0)
    }
    // Spread over every workflow, a third of them failures, each naming its failed action.
    expect(new Set(executions.map((x) => x.workflow_id)).size).toBe(150)
    const failures = executions.filter((x) => isFailureStatus(x.status))
    expect(failures.length / executions.length).toBeGreaterThan(0.25)
    expect(failures.length / executions.length).toBeLessThan(0.42)
    for (const failure of failures) {
      const failed = failure.actions_executed!.find((a) => a.action_id === failure.error!.action_id)
      expect(failed?.status).toBe(failure.status)
      expect(e.getLogs(failure.id)!.some((l) => l.level === 'error')).toBe(true)
    }
  })

  it('is the same history for the same seed', () => {
    const outline = (e: Engine) =>
      e.listExecutions().map((x: Execution) => [x.id, x.workflow_id, x.status, x.error?.message])
    const a = engine({ seed: 9, history: { workflows: 20, executions: 300 } })
    const b = engine({ seed: 9, history: { workflows: 20, executions: 300 } })
    expect(outline(a)).toEqual(outline(b))
  })

  it('keeps running new executions on top of it, within the history-sized bound', async () => {
    const e = engine({ seed: 3, failureRate: 0, history: HISTORY })
    const oldest = e.listExecutions().at(-1)!.id
    const id = startExecution(e, 'wf_user_onboarding', {})
    expect((await waitForTerminal(e, id)).status).toBe('completed')
    expect(e.listExecutions()[0]!.id).toBe(id)
    expect(e.listExecutions()).toHaveLength(2_000)
    expect(e.getExecution(oldest)).toBeUndefined()
  })

  it('refuses a history that cannot be', () => {
    expect(() => createTestEngine({ history: { executions: -1 } })).toThrow(RangeError)
    expect(() => createTestEngine({ history: { workflows: 1.5 } })).toThrow(RangeError)
    expect(() => createTestEngine({ history: { executions: 3, spanMs: 0 } })).toThrow(RangeError)
  })
})

describe('gateway history over REST', () => {
  it('lists the history page by page, each record as the protocol reads it', async () => {
    const gateway = await startTestGateway({ failureRate: 1 / 3, history: HISTORY })
    gateways.push(gateway)
    const token = await gateway.mintToken()
    const workflows = await api(gateway.url, '/api/v1/workflows?limit=100&offset=100', { token })
    expect(workflows.status).toBe(200)
    expect((workflows.body as { pagination: { total: number } }).pagination.total).toBe(150)

    const failed: Execution[] = []
    for (let offset = 0; ; offset += 100) {
      const page = await api(
        gateway.url,
        `/api/v1/executions?status=failed&limit=100&offset=${offset}`,
        { token }
      )
      const body = page.body as { data: unknown[]; pagination: { has_more: boolean } }
      for (const record of body.data) {
        const read = collectDropped(() => ExecutionSchema.parse(record))
        expect(read.dropped).toEqual([])
        failed.push(read.value)
      }
      if (!body.pagination.has_more) break
    }
    const expected = gateway.engine.listExecutions({ status: 'failed' })
    expect(failed.map((x) => x.id)).toEqual(expected.map((x) => x.id))
    expect(failed.length).toBeGreaterThan(300)
  })
})
