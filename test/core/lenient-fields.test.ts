import { createServer } from 'node:http'
import type { AddressInfo, Server } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertPolicy } from '@main/core/alert-policy'
import { ExecutionStore } from '@main/core/execution-store'
import { reconcile } from '@main/core/reconcile'
import { RestClient } from '@main/core/rest-client'
import { decodeServerFrame } from '@shared/protocol'
import type { Execution } from '@shared/protocol'

// Liberal in what it accepts: whatever shape a server gives the fields the protocol document
// does not define (or the numeric ranges it leaves open), the same failures are alerted, over
// WebSocket and over REST reconciliation alike. A record whose required fields are unreadable
// is skipped on its own and never costs the others.

const RUNS = 150

/** Values a server might put where we expect something else. */
const oddValue = fc.oneof(
  fc.anything(),
  fc.constant(null),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.constantFrom(-1, 66.7, 150, 1e308, -1e308, 0, Number.MAX_SAFE_INTEGER),
  fc.constantFrom('upstream returned 502', '', '2025-01-15T10:30:00Z', 'not a date')
)

/** Where the document defines nothing, or leaves the range open. */
type Slot = 'execution' | 'progress' | 'action'
const UNDEFINED_FIELDS: Array<[Slot, string]> = [
  ['execution', 'error'],
  ['execution', 'workflow_name'],
  ['execution', 'updated_at'],
  ['execution', 'completed_at'],
  ['execution', 'input'],
  ['execution', 'metadata'],
  ['progress', 'percentage'],
  ['progress', 'current_action'],
  ['action', 'error'],
  ['action', 'duration_ms'],
  ['action', 'completed_at'],
  ['action', 'result']
]

const id = fc.stringMatching(/^[a-z][a-z0-9_]{2,11}$/)

/** A document-shaped execution (every documented field well formed). */
const documented = fc.record({
  id,
  workflow_id: id,
  status: fc.constantFrom('failed', 'timed_out', 'running', 'completed', 'cancelled'),
  started_at: fc.integer({ min: 1e12, max: 2e12 }).map((ms) => new Date(ms).toISOString()),
  progress: fc.record({
    current_action: fc.nat(10),
    total_actions: fc.nat(10),
    percentage: fc.integer({ min: 0, max: 100 })
  }),
  actions_executed: fc.array(
    fc.record({
      action_id: id,
      name: fc.string({ minLength: 1 }),
      status: fc.constantFrom('completed', 'failed', 'running')
    }),
    { maxLength: 3 }
  )
})

/** The same execution with some undefined fields set to odd values (or removed). */
function mutate(
  execution: Record<string, unknown>,
  edits: Array<[number, unknown, boolean]>
): Record<string, unknown> {
  const copy = structuredClone(execution) as Record<string, unknown> & {
    progress: Record<string, unknown>
    actions_executed: Array<Record<string, unknown>>
  }
  for (const [pick, value, remove] of edits) {
    const [slot, field] = UNDEFINED_FIELDS[pick % UNDEFINED_FIELDS.length]!
    const targets =
      slot === 'execution' ? [copy] : slot === 'progress' ? [copy.progress] : copy.actions_executed
    for (const target of targets) {
      if (remove) delete target[field]
      else target[field] = value
    }
  }
  return copy
}

const edits = fc.array(fc.tuple(fc.nat(), oddValue, fc.boolean()), { minLength: 1, maxLength: 6 })

/** The alerts one pass of the pipeline raises for these executions. */
function alertsFor(executions: Execution[]): Array<[string, string, string]> {
  const store = new ExecutionStore()
  const policy = new AlertPolicy()
  const out: Array<[string, string, string]> = []
  for (const execution of executions) {
    const transition = store.upsertExecution(execution)
    const alert = transition && policy.observe(transition, 0)
    if (alert) out.push([alert.execution_id, alert.workflow_id, alert.status])
  }
  return out
}

describe('undefined fields over WebSocket', () => {
  it('never cost an execution_update, so the same failures are alerted', () => {
    fc.assert(
      fc.property(documented, edits, (execution, changes) => {
        const original = decodeServerFrame(JSON.stringify({ type: 'execution_update', execution }))
        const odd = mutate(execution, changes)
        const text = JSON.stringify({ type: 'execution_update', execution: odd }) ?? ''
        const decoded = decodeServerFrame(text)
        expect(decoded.rejected).toEqual([])
        expect(decoded.messages).toHaveLength(1)
        const pick = (d: typeof decoded) =>
          d.messages.flatMap((m) => (m.type === 'execution_update' ? [m.execution] : []))
        expect(alertsFor(pick(decoded))).toEqual(alertsFor(pick(original)))
      }),
      { numRuns: RUNS }
    )
  })
})

describe('undefined fields and unreadable records over REST', () => {
  let server: Server
  let records: unknown[] = []
  let rest: RestClient
  const unreadable: string[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      const status = url.searchParams.get('status')
      const data = records.filter((r) => !status || (r as { status?: unknown }).status === status)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ data, pagination: { has_more: false } }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    rest = new RestClient(`http://127.0.0.1:${port}/api/v1`, () => 'rest-token-0123456789', {
      onUnreadable: (record) => unreadable.push(record.id ?? '?')
    })
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('reconcile alerts the same failures, record by record, skipping only the unreadable', async () => {
    const broken = fc.record({
      id: fc.oneof(
        id.map((i) => `bad_${i}`),
        fc.constant(undefined)
      ),
      workflow_id: fc.oneof(fc.integer(), fc.constant(null)),
      status: fc.constantFrom('failed', 'timed_out')
    })
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(documented, { selector: (e) => e.id, minLength: 1, maxLength: 6 }),
        edits,
        fc.array(broken, { maxLength: 3 }),
        async (executions, changes, garbage) => {
          const readable = executions.map((e) => mutate(e, changes))
          records = [...garbage, ...readable]
          unreadable.length = 0
          const result = await reconcile(rest, {
            watermark: '2000-01-01T00:00:00Z',
            trackedIds: []
          })
          const originals = executions.filter((e) =>
            ['failed', 'timed_out', 'running'].includes(e.status)
          )
          const byId = (list: Execution[]) => [...list].sort((a, b) => a.id.localeCompare(b.id))
          expect(alertsFor(byId(result.executions))).toEqual(
            alertsFor(byId(originals as Execution[]))
          )
          expect(result.unreadable).toBe(garbage.length)
          expect(result.unreadableIds.sort()).toEqual(
            garbage.flatMap((g) => (g.id === undefined ? [] : [g.id])).sort()
          )
        }
      ),
      { numRuns: 60 }
    )
  })
})
