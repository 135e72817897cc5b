import fc from 'fast-check'
import { KNOWN_EXECUTION_STATUSES } from '@shared/protocol'
import type { ServerMessage } from '@shared/protocol'

// fast-check generators for inbound frames: schema-valid server messages, mutations of them
// that break them in small ways, and outright garbage.

const id = fc.string({ minLength: 1, maxLength: 12 })
const iso = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString())

const execution = fc.record(
  {
    id,
    workflow_id: id,
    status: fc.constantFrom(...KNOWN_EXECUTION_STATUSES, 'some_future_status'),
    workflow_name: fc.option(fc.string(), { nil: null }),
    started_at: iso,
    updated_at: iso,
    completed_at: fc.option(iso, { nil: null }),
    progress: fc.record({
      current_action: fc.nat(50),
      total_actions: fc.nat(50),
      percentage: fc.integer({ min: 0, max: 100 })
    }),
    error: fc.option(fc.record({ message: fc.string(), action_id: fc.option(id, { nil: null }) }), {
      nil: null
    })
  },
  { requiredKeys: ['id', 'workflow_id', 'status'] }
)

const requestId = fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined })

/** A message every part of the client must accept (already JSON-safe). */
export const validServerMessage: fc.Arbitrary<ServerMessage> = fc
  .oneof(
    fc.record({ type: fc.constant('pong' as const), request_id: requestId }),
    fc.record({
      type: fc.constant('authenticated' as const),
      user_id: id,
      roles: fc.array(fc.string(), { maxLength: 3 })
    }),
    fc.record({
      type: fc.constantFrom('subscribed' as const, 'unsubscribed' as const),
      resource: id,
      id,
      request_id: requestId
    }),
    fc.record({ type: fc.constant('execution_update' as const), execution }),
    fc.record({
      type: fc.constant('workflow_event' as const),
      event: fc.record({
        event_type: fc.constantFrom('created', 'updated', 'deleted', 'renamed'),
        workflow: fc.record({ id, name: fc.string() })
      })
    }),
    fc.record({
      type: fc.constant('log' as const),
      log: fc.record({
        execution_id: id,
        timestamp: iso,
        level: fc.constantFrom('info', 'warn', 'error', 'custom'),
        message: fc.string()
      })
    }),
    fc.record({
      type: fc.constant('error' as const),
      code: fc.constantFrom('NOT_FOUND', 'RATE_LIMIT_EXCEEDED', 'SOMETHING_NEW'),
      message: fc.string(),
      request_id: requestId
    })
  )
  .map((m) => JSON.parse(JSON.stringify(m)) as ServerMessage)

/** A valid message broken in one small way (or left intact): a key dropped or replaced. */
export const mutatedServerMessage: fc.Arbitrary<unknown> = fc
  .tuple(validServerMessage, fc.nat(), fc.anything(), fc.nat(3))
  .map(([message, pick, value, how]) => {
    const copy = structuredClone(message) as Record<string, unknown>
    const keys = Object.keys(copy)
    const key = keys[pick % keys.length] as string
    const inner = copy[key]
    if (how === 0) delete copy[key]
    else if (how === 1) copy[key] = value
    else if (how === 2 && typeof inner === 'object' && inner !== null) {
      const innerKeys = Object.keys(inner)
      if (innerKeys.length > 0) {
        ;(inner as Record<string, unknown>)[innerKeys[pick % innerKeys.length] as string] = value
      }
    }
    return copy
  })

/** JSON text, possibly `undefined`-free, from any value (JSON.stringify can return undefined). */
const jsonOf = (value: unknown): string => JSON.stringify(value) ?? 'undefined'

/** Any text frame: garbage, arbitrary JSON, broken messages, valid ones, batches mixing all. */
export const inboundTextFrame: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.json(),
  fc.anything().map(jsonOf),
  validServerMessage.map(jsonOf),
  mutatedServerMessage.map(jsonOf),
  fc
    .array(fc.oneof(validServerMessage, mutatedServerMessage, fc.anything()), { maxLength: 6 })
    .map((messages) => jsonOf({ type: 'batch', messages })),
  fc.constantFrom('1e400', '-1e400', '{"type":"pong","request_id":1e999}', '[]', 'null', '""')
)
