import { z } from 'zod'
import { ExecutionSchema, LogEntrySchema, WorkflowEventSchema } from './entities'
import { lenient, lenientDefault } from './lenient'

// Client and server messages, one zod schema each. Every message may carry an optional
// `request_id`; the server echoes a client's `request_id` on the answer and on `error`.
// Client messages are validated strictly (the gateway's inbound side); server messages
// leniently beyond what the monitor depends on (see entities.ts).

const RequestIdSchema = z.string().min(1).max(200)
const RequestId = RequestIdSchema.optional()

const message = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.looseObject({ type: z.literal(type), request_id: RequestId, ...shape })

/** A server message: its `request_id` (an extension) is read leniently. */
const serverMessage = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.looseObject({
    type: z.literal(type),
    request_id: lenient(RequestIdSchema, `${type}.request_id`),
    ...shape
  })

// ---- client → server ----
export const AuthenticateMessageSchema = message('authenticate', { token: z.string().min(1) })
export const SubscribeMessageSchema = message('subscribe', {
  resource: z.string().min(1),
  id: z.string().min(1)
})
export const UnsubscribeMessageSchema = message('unsubscribe', {
  resource: z.string().min(1),
  id: z.string().min(1)
})
export const ExecuteWorkflowMessageSchema = message('execute_workflow', {
  workflow_id: z.string().min(1),
  input: z.unknown().optional()
})
export const PingMessageSchema = message('ping', {})

export const ClientMessageSchema = z.discriminatedUnion('type', [
  AuthenticateMessageSchema,
  SubscribeMessageSchema,
  UnsubscribeMessageSchema,
  ExecuteWorkflowMessageSchema,
  PingMessageSchema
])
export type ClientMessage = z.infer<typeof ClientMessageSchema>
export type ClientMessageType = ClientMessage['type']
export const CLIENT_MESSAGE_TYPES: readonly string[] = ClientMessageSchema.options.map(
  (o) => o.shape.type.value
)

// ---- server → client ----
const name = z.string().min(1)
export const AuthenticatedMessageSchema = serverMessage('authenticated', {
  user_id: lenient(name, 'authenticated.user_id'),
  roles: lenient(z.array(z.string()), 'authenticated.roles')
})
/** The document's answers carry `resource` and `id`; without them the answer order says. */
export const SubscribedMessageSchema = serverMessage('subscribed', {
  resource: lenient(name, 'subscribed.resource'),
  id: lenient(name, 'subscribed.id')
})
export const UnsubscribedMessageSchema = serverMessage('unsubscribed', {
  resource: lenient(name, 'unsubscribed.resource'),
  id: lenient(name, 'unsubscribed.id')
})
export const ExecutionUpdateMessageSchema = serverMessage('execution_update', {
  execution: ExecutionSchema
})
export const WorkflowEventMessageSchema = serverMessage('workflow_event', {
  event: WorkflowEventSchema
})
export const LogMessageSchema = serverMessage('log', { log: LogEntrySchema })
export const ErrorMessageSchema = serverMessage('error', {
  code: z.string().min(1),
  message: lenientDefault(z.string(), '', 'error.message'),
  /** Extension: the subscription an error is about, so clients can attach it. */
  resource: lenient(name, 'error.resource'),
  id: lenient(name, 'error.id')
})
export const PongMessageSchema = serverMessage('pong', {})

export const ServerMessageSchema = z.discriminatedUnion('type', [
  AuthenticatedMessageSchema,
  SubscribedMessageSchema,
  UnsubscribedMessageSchema,
  ExecutionUpdateMessageSchema,
  WorkflowEventMessageSchema,
  LogMessageSchema,
  ErrorMessageSchema,
  PongMessageSchema
])
export type ServerMessage = z.infer<typeof ServerMessageSchema>
export type ServerMessageType = ServerMessage['type']
export const SERVER_MESSAGE_TYPES: readonly string[] = ServerMessageSchema.options.map(
  (o) => o.shape.type.value
)

/** Each server message type's own schema, so a frame is checked against one, not the union. */
export const SERVER_MESSAGE_SCHEMAS: ReadonlyMap<string, z.ZodType<ServerMessage>> = new Map(
  ServerMessageSchema.options.map((o) => [o.shape.type.value, o as z.ZodType<ServerMessage>])
)

// `{type:"batch", messages:[…]}` (the document's batching section) is unwrapped by the frame
// decoder (decode.ts), which validates each entry on its own.

export type SubscribeMessage = z.infer<typeof SubscribeMessageSchema>
export type ExecuteWorkflowMessage = z.infer<typeof ExecuteWorkflowMessageSchema>
