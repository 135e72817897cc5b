import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SERVER_MESSAGE_SCHEMAS, collectDropped, decodeServerFrame } from '@shared/protocol'
import { canonicalServerMessage } from '@shared/protocol/canonical'

// The decoder's fast path (src/shared/protocol/canonical.ts) keeps a parsed message as it is
// when its schema would return it unchanged. Checked here against the schemas themselves: for
// any message, canonical or broken in one place, whatever the fast path accepts, the schema
// accepts too, with nothing dropped and an equal value; and messages as a well-behaved server
// sends them do take the fast path.

const RUNS = 2_000

const str = fc.string({ maxLength: 8 })
const name = fc.string({ minLength: 1, maxLength: 8 })
const iso = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString())
/** Any non-empty string is an instant the schemas keep as it is. */
const instant = fc.oneof(iso, name)
const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof(fc.constant(null), arb)
const finite = fc.double({ noNaN: true, noDefaultInfinity: true })
const json = fc.jsonValue({ maxDepth: 2 })

const action = fc.record(
  {
    action_id: name,
    status: name,
    name: str,
    started_at: nullable(instant),
    completed_at: nullable(instant),
    duration_ms: nullable(finite),
    result: json,
    error: nullable(
      fc.record({ message: str, code: nullable(str) }, { requiredKeys: ['message'] })
    ),
    extension: json
  },
  { requiredKeys: ['action_id', 'status'] }
)

const execution = fc.record(
  {
    id: name,
    workflow_id: name,
    status: name,
    workflow_name: nullable(str),
    started_at: nullable(instant),
    completed_at: nullable(instant),
    updated_at: nullable(instant),
    progress: fc.record({ current_action: finite, total_actions: finite, percentage: finite }),
    actions_executed: fc.array(action, { maxLength: 4 }),
    error: nullable(
      fc.record(
        {
          message: str,
          action_id: nullable(str),
          action_name: nullable(str),
          code: nullable(str)
        },
        { requiredKeys: ['message'] }
      )
    ),
    input: json,
    extension: json
  },
  { requiredKeys: ['id', 'workflow_id', 'status'] }
)

const log = fc.record(
  {
    execution_id: name,
    message: str,
    timestamp: instant,
    level: name,
    action_id: nullable(str),
    metadata: nullable(fc.dictionary(name, json, { maxKeys: 3 })),
    extension: json
  },
  { requiredKeys: ['execution_id', 'message'] }
)

const requestId = fc.string({ minLength: 1, maxLength: 200 })

/** An `execution_update` or `log` as a well-behaved server sends it (after JSON). */
const canonicalMessage: fc.Arbitrary<Record<string, unknown>> = fc
  .oneof(
    fc.record(
      { type: fc.constant('execution_update'), execution, request_id: requestId, extension: json },
      { requiredKeys: ['type', 'execution'] }
    ),
    fc.record(
      { type: fc.constant('log'), log, request_id: requestId, extension: json },
      { requiredKeys: ['type', 'log'] }
    )
  )
  .map((m) => JSON.parse(JSON.stringify(m)) as Record<string, unknown>)

/** Values a lenient or strict field may wrongly hold (an own `__proto__` key among them). */
const oddValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(null, 0, 1.5, -3, 1e12, '', 'text', true, [], {}, [{}]) },
  fc.constant({ message: 1 }),
  fc.constant(JSON.parse('{"__proto__":{"x":1},"message":"m"}') as unknown),
  fc.string({ minLength: 201, maxLength: 210 }),
  json
)

/** Free-form values: replaced as a whole, never looked into. */
const OPAQUE = new Set(['input', 'result', 'extension', 'metadata'])

/** Every (object, key) the schemas read, the message's own keys included. */
function slots(value: unknown, out: Array<[Record<string, unknown>, string]> = []) {
  if (typeof value !== 'object' || value === null) return out
  for (const key of Object.keys(value)) {
    out.push([value as Record<string, unknown>, key])
    if (!OPAQUE.has(key)) slots((value as Record<string, unknown>)[key], out)
  }
  return out
}

/** The fields the schemas read, by message type (paths from the message). */
const FIELDS: Record<string, string[][]> = {
  execution_update: [
    ['request_id'],
    ['execution'],
    ...[
      'id',
      'workflow_id',
      'status',
      'workflow_name',
      'started_at',
      'completed_at',
      'updated_at',
      'progress',
      'actions_executed',
      'error',
      'input'
    ].map((f) => ['execution', f]),
    ...['current_action', 'total_actions', 'percentage'].map((f) => ['execution', 'progress', f]),
    ...['action_id', 'status', 'name', 'started_at', 'completed_at', 'duration_ms', 'error'].map(
      (f) => ['execution', 'actions_executed', '0', f]
    ),
    ['execution', 'actions_executed', '0'],
    ['execution', 'actions_executed', '0', 'error', 'message'],
    ['execution', 'actions_executed', '0', 'error', 'code'],
    ...['message', 'action_id', 'action_name', 'code'].map((f) => ['execution', 'error', f])
  ],
  log: [
    ['request_id'],
    ['log'],
    ...['execution_id', 'message', 'timestamp', 'level', 'action_id', 'metadata'].map((f) => [
      'log',
      f
    ])
  ]
}

/** A canonical message with one field the schemas read set to an odd value (when its parent exists). */
const brokenField = fc.tuple(canonicalMessage, fc.nat(), oddValue).map(([message, pick, value]) => {
  const paths = FIELDS[message.type as string]!
  const path = paths[pick % paths.length]!
  let parent = message as Record<string, unknown> | undefined
  for (const key of path.slice(0, -1)) parent = parent?.[key] as Record<string, unknown>
  if (typeof parent === 'object' && parent !== null) parent[path.at(-1)!] = structuredClone(value)
  return JSON.parse(JSON.stringify(message)) as Record<string, unknown>
})

/** A canonical message with one field replaced by an odd value, deleted, or given `__proto__`. */
const brokenSlot = fc
  .tuple(canonicalMessage, fc.nat(), oddValue, fc.nat(2))
  .map(([original, pick, value, how]) => {
    // A copy: fast-check hands the same generated value to several runs while shrinking.
    const message = JSON.parse(JSON.stringify(original)) as Record<string, unknown>
    const all = slots(message)
    const [target, key] = all[pick % all.length]!
    if (how === 0) target[key] = structuredClone(value)
    else if (how === 1) delete target[key]
    else Object.defineProperty(target, '__proto__', { value: 1, enumerable: true })
    // As it would arrive: what JSON can carry (an own `__proto__` on an object, never on a list).
    return JSON.parse(JSON.stringify(message)) as Record<string, unknown>
  })

const brokenMessage = fc.oneof(brokenField, brokenSlot)

/** The schema's own verdict, as the decoder's slow path reaches it (none for an unknown type). */
function schemaOf(message: Record<string, unknown>) {
  const schema = SERVER_MESSAGE_SCHEMAS.get(message.type as string)
  return schema ? collectDropped(() => schema.safeParse(message)) : undefined
}

describe('the decoder fast path', () => {
  it('accepts only what the schema returns unchanged: valid, nothing dropped, an equal value', () => {
    fc.assert(
      fc.property(fc.oneof(canonicalMessage, brokenMessage), (message) => {
        const fast = canonicalServerMessage(message)
        if (fast === undefined) return
        const { value, dropped } = schemaOf(message)!
        expect(value.success).toBe(true)
        expect(dropped).toEqual([])
        expect(isDeepStrictEqual(fast, value.data)).toBe(true)
      }),
      { numRuns: RUNS }
    )
  })

  it('is taken by every message as a well-behaved server sends it', () => {
    fc.assert(
      fc.property(canonicalMessage, (message) => {
        expect(canonicalServerMessage(message)).toBe(message)
      }),
      { numRuns: RUNS }
    )
  })

  it('leaves decodeServerFrame with what the schema alone gives, fast path or not', () => {
    fc.assert(
      fc.property(fc.oneof(canonicalMessage, brokenMessage), (message) => {
        const decoded = decodeServerFrame(JSON.stringify(message))
        const slow = schemaOf(JSON.parse(JSON.stringify(message)) as Record<string, unknown>)
        if (!slow) {
          expect(decoded.messages).toEqual([])
          expect(decoded.rejected).toHaveLength(1)
          return
        }
        const { value, dropped } = slow
        expect(decoded.dropped).toEqual(dropped)
        if (value.success) {
          expect(decoded.rejected).toEqual([])
          expect(isDeepStrictEqual(decoded.messages, [value.data])).toBe(true)
        } else {
          expect(decoded.messages).toEqual([])
          expect(decoded.rejected).toHaveLength(1)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it('refuses a field the schema would normalize or drop', () => {
    const base = { id: 'e', workflow_id: 'w', status: 'running' }
    const cases: Array<Record<string, unknown>> = [
      { ...base, updated_at: 1_736_937_000 }, // an epoch: normalized to ISO
      { ...base, error: 'boom' }, // a bare string error: normalized to {message}
      { ...base, progress: null }, // not nullable: dropped
      { ...base, started_at: '' }, // empty instant: dropped
      { ...base, actions_executed: [{ action_id: 'a' }] } // an unreadable action: dropped
    ]
    for (const execution of cases) {
      expect(canonicalServerMessage({ type: 'execution_update', execution })).toBeUndefined()
    }
    expect(canonicalServerMessage({ type: 'execution_update', execution: base })).toBeDefined()
  })
})
