import { afterEach, describe, expect, it } from 'vitest'
import type { DialectName, Gateway } from '@gateway'
import { withToken } from '../helpers/ws-client'
import { startTestGateway } from '../fixtures/gateway'
import { RawClient, rest, waitForTerminal } from './fixtures'
import type { RawFrame } from './fixtures'

// `foreignShapes`: the fields the protocol document does not define are shaped unlike ours, on
// WebSocket and REST alike, while the documented ones keep the document's shape. Raw frames and
// raw bodies are checked, since the point is what goes on the wire.

/** Three actions, so progress passes through 1 of 3 and 2 of 3. */
const THREE_ACTIONS = 'wf_user_onboarding'

const gateways: Gateway[] = []
const clients: RawClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(gateways.splice(0).map((g) => g.close()))
})

interface Observed {
  gateway: Gateway
  executionId: string
  updates: RawFrame[]
}

/** Runs one execution of THREE_ACTIONS to its end and returns its updates as sent over WS. */
async function observe(
  dialect: DialectName,
  foreignShapes: boolean,
  outcome: 'succeed' | 'fail'
): Promise<Observed> {
  const gateway = await startTestGateway({ dialect, foreignShapes })
  gateways.push(gateway)
  const client = await RawClient.open(withToken(gateway.wsUrl, await gateway.mintToken()))
  clients.push(client)
  client.send({ type: 'subscribe', resource: 'workflow_executions', id: THREE_ACTIONS })
  await client.first((f) => f.type === 'subscribed', 'subscribed')
  const started = gateway.engine.startExecution(THREE_ACTIONS, {}, { outcome })
  const executionId = started?.id as string
  const final = await waitForTerminal(gateway.engine, executionId)
  const updates = (): RawFrame[] =>
    client.frames
      .filter((f) => f.type === 'execution_update')
      .map((f) => f.execution as RawFrame)
      .filter((e) => e.id === executionId)
  await client.waitUntil(() => updates().some((e) => e.status === final.status), 'the final update')
  return { gateway, executionId, updates: updates() }
}

/** The documented execution fields, as the document shows them. */
function expectDocumentedExecution(e: RawFrame): void {
  expect(typeof e.id).toBe('string')
  expect(typeof e.workflow_id).toBe('string')
  expect(typeof e.status).toBe('string')
  expect(typeof e.started_at).toBe('string')
  const progress = e.progress as Record<string, unknown>
  expect(Number.isInteger(progress.current_action)).toBe(true)
  expect(Number.isInteger(progress.total_actions)).toBe(true)
}

/** The documented log fields, as the document shows them. */
function expectDocumentedLog(log: RawFrame): void {
  for (const field of ['execution_id', 'message', 'level', 'timestamp']) {
    expect(typeof log[field], field).toBe('string')
  }
}

describe.each<DialectName>(['extended', 'document'])(
  'foreign shapes in the %s dialect',
  (dialect) => {
    it('over WebSocket: string errors, fractional progress, no workflow_name, numeric updated_at', async () => {
      const ok = await observe(dialect, true, 'succeed')
      const percentages = ok.updates.map((e) => (e.progress as { percentage: number }).percentage)
      expect(percentages).toContain(33.3)
      expect(percentages).toContain(66.7)
      for (const e of ok.updates) {
        expectDocumentedExecution(e)
        expect(e).not.toHaveProperty('workflow_name')
        expect(typeof e.updated_at).toBe('number')
      }

      const failed = await observe(dialect, true, 'fail')
      const last = failed.updates.at(-1) as RawFrame
      expect(last.status).toBe('failed')
      expect(typeof last.error).toBe('string')
      expect(last.error).toBe(
        failed.gateway.engine.getExecution(failed.executionId)?.error?.message
      )
      const failedAction = (last.actions_executed as RawFrame[]).find((a) => a.status === 'failed')
      expect(typeof failedAction?.error).toBe('string')
    })

    it('over WebSocket: log metadata is a string, the documented log fields are unchanged', async () => {
      const gateway = await startTestGateway({ dialect, foreignShapes: true })
      gateways.push(gateway)
      const client = await RawClient.open(withToken(gateway.wsUrl, await gateway.mintToken()))
      clients.push(client)
      // execute_workflow subscribes this socket to the new execution from its first event on.
      client.send({ type: 'execute_workflow', workflow_id: THREE_ACTIONS, input: {} })
      const withMetadata = await client.first(
        (f) => f.type === 'log' && (f.log as RawFrame).metadata !== undefined,
        'a log line with metadata'
      )
      const log = withMetadata.log as RawFrame
      expectDocumentedLog(log)
      expect(typeof log.metadata).toBe('string')
      expect(JSON.parse(log.metadata as string)).toBeTypeOf('object')
    })

    it('over REST: the same shapes for executions and logs', async () => {
      const failed = await observe(dialect, true, 'fail')
      const token = await failed.gateway.mintToken()
      const one = await rest(failed.gateway, `/executions/${failed.executionId}`, { token })
      const listed = await rest(failed.gateway, `/executions?workflow_id=${THREE_ACTIONS}`, {
        token
      })
      const logs = await rest(failed.gateway, `/executions/${failed.executionId}/logs`, { token })
      for (const e of [
        one.body as RawFrame,
        (listed.body as { data: RawFrame[] }).data[0] as RawFrame
      ]) {
        expectDocumentedExecution(e)
        expect(typeof e.error).toBe('string')
        expect(typeof e.updated_at).toBe('number')
        expect(e).not.toHaveProperty('workflow_name')
      }
      const lines = (logs.body as { data: RawFrame[] }).data
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) {
        expectDocumentedLog(line)
        if (line.metadata !== undefined) expect(typeof line.metadata).toBe('string')
      }
    })
  }
)

describe('without foreign shapes', () => {
  it('keeps our own shapes (the contrast that makes the tests above mean something)', async () => {
    const ours = await observe('extended', false, 'fail')
    const last = ours.updates.at(-1) as RawFrame
    expect(last.error).toMatchObject({ message: expect.any(String), action_id: expect.any(String) })
    expect(typeof last.updated_at).toBe('string')
    expect(typeof last.workflow_name).toBe('string')
    for (const e of ours.updates) {
      expect(Number.isInteger((e.progress as { percentage: number }).percentage)).toBe(true)
    }
    const token = await ours.gateway.mintToken()
    const logs = await rest(ours.gateway, `/executions/${ours.executionId}/logs`, { token })
    const lines = (logs.body as { data: RawFrame[] }).data
    expect(lines.some((l) => typeof l.metadata === 'object' && l.metadata !== null)).toBe(true)
  })
})
