import { z } from 'zod'
import { ExecutionSchema, LogEntrySchema, WorkflowEventSchema } from './entities'

// Client and server messages, one zod schema each. Every message may carry an optional
// `request_id`; the server echoes a client's `request_id` on the answer and on `error`.

const RequestId = z.string().min(1).max(200).optional()

const message = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.looseObject({ type: z.literal(type), request_id: RequestId, ...shape })

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
export const AuthenticatedMessageSchema = message('authenticated', {
  user_id: z.string().min(1),
  roles: z.array(z.string())
})
export const SubscribedMessageSchema = message('subscribed', {
  resource: z.string().min(1),
  id: z.string().min(1)
})
export const UnsubscribedMessageSchema = message('unsubscribed', {
  resource: z.string().min(1),
  id: z.string().min(1)
})
export const ExecutionUpdateMessageSchema = message('execution_update', {
  execution: ExecutionSchema
})
export const WorkflowEventMessageSchema = message('workflow_event', { event: WorkflowEventSchema })
export const LogMessageSchema = message('log', { log: LogEntrySchema })
export const ErrorMessageSchema = message('error', {
  code: z.string().min(1),
  message: z.string(),
  /** Extension: the subscription an error is about, so clients can attach it. */
  resource: z.string().optional(),
  id: z.string().optional()
})
export const PongMessageSchema = message('pong', {})

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

/**
 * `{type:"batch", messages:[...]}` from the document's batching section. Inner messages are
 * validated one by one by the frame decoder, so one bad entry does not lose the rest.
 * Batches do not nest.
 */
export const BatchFrameSchema = z.looseObject({
  type: z.literal('batch'),
  messages: z.array(z.unknown())
})
export type BatchFrame = { type: 'batch'; messages: ServerMessage[] }

export type ExecutionUpdateMessage = z.infer<typeof ExecutionUpdateMessageSchema>
export type WorkflowEventMessage = z.infer<typeof WorkflowEventMessageSchema>
export type LogMessage = z.infer<typeof LogMessageSchema>
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>
export type SubscribeMessage = z.infer<typeof SubscribeMessageSchema>
export type ExecuteWorkflowMessage = z.infer<typeof ExecuteWorkflowMessageSchema>
