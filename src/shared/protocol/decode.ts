import type { z } from 'zod'
import { canonicalServerMessage } from './canonical'
import { startCollecting } from './lenient'
import { CLIENT_MESSAGE_TYPES, ClientMessageSchema, SERVER_MESSAGE_SCHEMAS } from './messages'
import type { ClientMessage, ServerMessage } from './messages'

/** Why a frame (or one entry of a batch) was rejected. */
export type RejectReason = 'malformed_json' | 'not_an_object' | 'unknown_type' | 'invalid'

export interface Rejected {
  reason: RejectReason
  /** The `type` field when there was one, for reporting. */
  type?: string
  /** A short human-readable description; never contains the frame itself. */
  detail: string
}

export interface DecodedFrame<M> {
  messages: M[]
  rejected: Rejected[]
  /** Paths of fields read leniently and dropped (the messages themselves were kept). */
  dropped: string[]
}

/** Largest frame text the decoders look at; the transports enforce their own byte limits too. */
export const MAX_FRAME_CHARS = 1024 * 1024

function describe(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid message'
  const path = issue.path.length ? issue.path.join('.') : '(root)'
  return `${path}: ${issue.message}`
}

function classify<M>(
  value: unknown,
  schemaFor: (type: string) => z.ZodType<M> | undefined
): { ok: true; message: M } | { ok: false; rejected: Rejected } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      rejected: { reason: 'not_an_object', detail: 'message is not a JSON object' }
    }
  }
  const type = (value as { type?: unknown }).type
  if (typeof type !== 'string') {
    return { ok: false, rejected: { reason: 'invalid', detail: 'message has no string "type"' } }
  }
  const schema = schemaFor(type)
  if (!schema) {
    return {
      ok: false,
      rejected: {
        reason: 'unknown_type',
        type,
        detail: `unknown message type "${type.slice(0, 64)}"`
      }
    }
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    return {
      ok: false,
      rejected: { reason: 'invalid', type, detail: `${type}: ${describe(parsed.error)}` }
    }
  }
  return { ok: true, message: parsed.data }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; rejected: Rejected } {
  if (text.length > MAX_FRAME_CHARS) {
    return {
      ok: false,
      rejected: { reason: 'invalid', detail: `frame larger than ${MAX_FRAME_CHARS} characters` }
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, rejected: { reason: 'malformed_json', detail: 'frame is not valid JSON' } }
  }
}

const serverSchema = (type: string): z.ZodType<ServerMessage> | undefined =>
  SERVER_MESSAGE_SCHEMAS.get(type)

/** Shared by every frame that had nothing to reject or drop (never written to). */
const NOTHING: never[] = []
Object.freeze(NOTHING)

/** One server message: itself when it needs no schema (canonical.ts), else the schema's verdict. */
function classifyServer(
  value: unknown
): { ok: true; message: ServerMessage } | { ok: false; rejected: Rejected } {
  const message = canonicalServerMessage(value)
  return message ? { ok: true, message } : classify(value, serverSchema)
}

/**
 * Parses and validates one server frame; a `batch` (`{type:"batch", messages:[…]}`, which does
 * not nest) is unwrapped and each entry validated on its own. Never throws.
 */
export function decodeServerFrame(text: string): DecodedFrame<ServerMessage> {
  const json = parseJson(text)
  if (!json.ok) return { messages: [], rejected: [json.rejected], dropped: [] }
  const value = json.value as { type?: unknown; messages?: unknown } | null
  // The common case, a single message as a well-behaved server sends it: no schema, no copies.
  const canonical = canonicalServerMessage(value)
  if (canonical) return { messages: [canonical], rejected: NOTHING, dropped: NOTHING }
  const entries =
    typeof value === 'object' && value !== null && value.type === 'batch'
      ? Array.isArray(value.messages)
        ? value.messages
        : undefined
      : [value]
  if (!entries) {
    return {
      messages: [],
      rejected: [{ reason: 'invalid', type: 'batch', detail: 'batch: messages is not a list' }],
      dropped: []
    }
  }
  const out: DecodedFrame<ServerMessage> = { messages: [], rejected: [], dropped: [] }
  const outer = startCollecting(out.dropped)
  try {
    for (const entry of entries) {
      const result = classifyServer(entry)
      if (result.ok) out.messages.push(result.message)
      else out.rejected.push(result.rejected)
    }
  } finally {
    startCollecting(outer)
  }
  return out
}

const clientSchema = (type: string): z.ZodType<ClientMessage> | undefined =>
  CLIENT_MESSAGE_TYPES.includes(type)
    ? (ClientMessageSchema as z.ZodType<ClientMessage>)
    : undefined

/** Parses and validates one client frame (the gateway's inbound side). Never throws. */
export function decodeClientFrame(
  text: string
): { ok: true; message: ClientMessage } | { ok: false; rejected: Rejected; requestId?: string } {
  const json = parseJson(text)
  if (!json.ok) return json
  const result = classify(json.value, clientSchema)
  if (result.ok) return result
  const requestId = (json.value as { request_id?: unknown } | null)?.request_id
  return typeof requestId === 'string' ? { ...result, requestId } : result
}
