import type { ServerMessage } from './messages'

// The decoder's fast path. Almost every frame a server sends is already in the form the zod
// schemas produce: every strict field valid, every lenient field absent or of the expected shape
// (nothing to normalize, nothing to drop). For such a message the schema's output is a fresh
// copy equal to its input, so the decoder can skip the schema and keep the parsed object itself.
// These checks recognize exactly that case for the two messages that make up the stream
// (`execution_update`, `log`) and answer `undefined` for anything else, which then takes the
// schema. They mirror entities.ts and messages.ts field by field; a property test
// (test/core/decode-fast-path.test.ts) checks against the schemas that whatever they accept, the
// schema returns as an equal value with nothing dropped.

type Obj = Record<string, unknown>

const hasOwn = Object.prototype.hasOwnProperty

/** A plain JSON object the schemas rebuild key by key (an own `__proto__` key would not survive). */
function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !hasOwn.call(v, '__proto__')
}

const isName = (v: unknown): boolean => typeof v === 'string' && v.length > 0
const isString = (v: unknown): boolean => typeof v === 'string'
const isFinite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v)
/** `lenient(z.string())`: absent or a string. */
const optString = (v: unknown): boolean => v === undefined || typeof v === 'string'
/** `lenientNullable(z.string())`. */
const nullableString = (v: unknown): boolean => v === undefined || v === null || isString(v)
/** `lenientNullable(InstantInputSchema)` without the normalization: null or a non-empty string. */
const nullableInstant = (v: unknown): boolean => v === undefined || v === null || isName(v)
/** `lenient(InstantInputSchema)`: absent or a non-empty string (a number would be normalized). */
const optInstant = (v: unknown): boolean => v === undefined || isName(v)

/** A server message's `request_id`: absent, or 1 to 200 characters. */
function requestIdOk(v: unknown): boolean {
  return v === undefined || (typeof v === 'string' && v.length > 0 && v.length <= 200)
}

function progressOk(v: unknown): boolean {
  if (v === undefined) return true
  return (
    isObject(v) && isFinite(v.current_action) && isFinite(v.total_actions) && isFinite(v.percentage)
  )
}

/** `ActionErrorSchema` as an object (a bare string would be normalized to `{message}`). */
function actionErrorOk(v: unknown): boolean {
  if (v === undefined || v === null) return true
  return isObject(v) && isString(v.message) && nullableString(v.code)
}

function actionOk(v: unknown): boolean {
  return (
    isObject(v) &&
    isName(v.action_id) &&
    isName(v.status) &&
    optString(v.name) &&
    nullableInstant(v.started_at) &&
    nullableInstant(v.completed_at) &&
    (v.duration_ms === undefined || v.duration_ms === null || isFinite(v.duration_ms)) &&
    actionErrorOk(v.error)
  )
}

function actionsOk(v: unknown): boolean {
  if (v === undefined) return true
  if (!Array.isArray(v)) return false
  for (let i = 0; i < v.length; i++) if (!actionOk(v[i])) return false
  return true
}

function executionErrorOk(v: unknown): boolean {
  if (v === undefined || v === null) return true
  return (
    isObject(v) &&
    isString(v.message) &&
    nullableString(v.action_id) &&
    nullableString(v.action_name) &&
    nullableString(v.code)
  )
}

/** `ExecutionSchema` would return `v` unchanged. */
export function isCanonicalExecution(v: unknown): boolean {
  return (
    isObject(v) &&
    isName(v.id) &&
    isName(v.workflow_id) &&
    isName(v.status) &&
    nullableString(v.workflow_name) &&
    nullableInstant(v.started_at) &&
    nullableInstant(v.completed_at) &&
    nullableInstant(v.updated_at) &&
    progressOk(v.progress) &&
    actionsOk(v.actions_executed) &&
    executionErrorOk(v.error)
  )
}

/** `LogEntrySchema` would return `v` unchanged. */
function isCanonicalLog(v: unknown): boolean {
  if (!isObject(v)) return false
  const metadata = v.metadata
  return (
    isName(v.execution_id) &&
    isString(v.message) &&
    optInstant(v.timestamp) &&
    (v.level === undefined || isName(v.level)) &&
    nullableString(v.action_id) &&
    (metadata === undefined || metadata === null || isObject(metadata))
  )
}

/**
 * The message itself when its type's schema would return it unchanged (an `execution_update`
 * or a `log` as a well-behaved server sends it); otherwise `undefined`, and the caller runs
 * the schema, which normalizes, drops and reports.
 */
export function canonicalServerMessage(value: unknown): ServerMessage | undefined {
  if (!isObject(value) || !requestIdOk(value.request_id)) return undefined
  if (value.type === 'execution_update') {
    return isCanonicalExecution(value.execution) ? (value as ServerMessage) : undefined
  }
  if (value.type === 'log') return isCanonicalLog(value.log) ? (value as ServerMessage) : undefined
  return undefined
}
