import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { ALL_ID, Resource } from '@shared/protocol'
import type { Execution } from '@shared/protocol'
import { closeAllClients } from '../helpers/ws-client'
import type { TestClient } from '../helpers/ws-client'
import { startTestGateway } from '../fixtures/gateway'
import {
  connect,
  hasFinalUpdate,
  startExecution,
  subscribe,
  updatesFor,
  waitForTerminal
} from './fixtures'

// 200 concurrent clients, each subscribed to workflow_executions:all, each must receive every
// execution_update the engine emits exactly once, in the engine's order.

const CLIENTS = 200
const WORKFLOWS = ['wf_order_processing', 'wf_nightly_etl', 'wf_user_onboarding', 'wf_partner_sync']
const EXECUTIONS = 8

let gateway: Gateway

beforeAll(async () => {
  gateway = await startTestGateway()
})
afterAll(async () => {
  await closeAllClients()
  await gateway.close()
})

/** A compact fingerprint of one update, stable across clients and the engine. */
function fingerprint(e: Execution): string {
  return JSON.stringify([
    e.id,
    e.status,
    e.progress?.current_action,
    e.updated_at,
    (e.actions_executed ?? []).map((a) => [a.action_id, a.status])
  ])
}

it(`${CLIENTS} concurrent clients each receive every execution_update exactly once`, async () => {
  // Distinct users, so the per-user rate limit is not what is being tested here.
  const clients: TestClient[] = await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) => connect(gateway, { sub: `fan-${i}` }))
  )
  await Promise.all(clients.map((c) => subscribe(c, Resource.WorkflowExecutions, ALL_ID)))
  expect(gateway.stats().connections).toBe(CLIENTS)

  const emitted = new Map<string, string[]>()
  const record = (e: Execution): void => {
    const list = emitted.get(e.id) ?? []
    list.push(fingerprint(e))
    emitted.set(e.id, list)
  }
  const stopRecording = gateway.engine.on('execution', record)
  let finals: Execution[]
  try {
    const ids = Array.from({ length: EXECUTIONS }, (_, i) =>
      startExecution(gateway.engine, WORKFLOWS[i % WORKFLOWS.length] as string, { n: i })
    )
    finals = await Promise.all(ids.map((id) => waitForTerminal(gateway.engine, id, 20_000)))
  } finally {
    stopRecording()
  }
  await Promise.all(
    clients.map((c) =>
      c.waitUntil(() => finals.every((f) => hasFinalUpdate(c, f)), 20_000, 'all final updates')
    )
  )
  await Promise.all(clients.map((c) => c.barrier(10_000)))

  expect(gateway.stats().droppedUpdates).toBe(0)
  for (const final of finals) {
    const expected = emitted.get(final.id) ?? []
    expect(expected.length).toBeGreaterThan(2)
    for (const [i, client] of clients.entries()) {
      const got = updatesFor(client, final.id).map(fingerprint)
      if (got.length !== expected.length || got.some((f, k) => f !== expected[k])) {
        expect.fail(
          `client ${i} got ${got.length} updates for ${final.id}, engine emitted ${expected.length}: ` +
            `first difference at ${got.findIndex((f, k) => f !== expected[k])}`
        )
      }
    }
  }
  // Every client saw the same interleaving across executions, too.
  const sequence = (c: TestClient): string =>
    c
      .all()
      .filter((m) => m.type === 'execution_update')
      .map((m) => (m.type === 'execution_update' ? fingerprint(m.execution) : ''))
      .join('\n')
  const reference = sequence(clients[0] as TestClient)
  for (const client of clients) expect(sequence(client)).toBe(reference)
}, 60_000)
