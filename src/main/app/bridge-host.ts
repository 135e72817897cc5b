import type { z } from 'zod'
import { EventBatchSchema, BridgeEventSchema } from '@shared/bridge/views'
import type { EventBatch } from '@shared/bridge/views'
import { invokeContract } from '@shared/bridge/contract'
import type {
  BridgeError,
  BridgeResult,
  InvokeResponse,
  ParsedRequest
} from '@shared/bridge/contract'
import type { InvokeMethod } from '@shared/bridge/channels'
import type { Disposer } from '@shared/disposable'
import { describeError, redact } from '@shared/redact'
import { CommandError } from '@main/core/command-queue'
import { RestError } from '@main/core/rest-client'
import { KeychainUnavailableError } from '@main/core/keychain-errors'
import { InvalidTokenError } from '@main/core/token-vault'
import { BridgeFailure } from './bridge-failure'

// The transport-neutral main side of the bridge. The Electron IPC adapter (shell) and the `ui`
// WebSocket server are thin adapters over this one object: every request is checked against
// the contract before a handler sees it, every answer is checked before it leaves, and nothing
// a handler throws crosses the bridge as anything but a typed, redacted `BridgeError`.

/** One handler per command of the contract; leaving one out does not compile. */
export type BridgeHandlers = {
  [M in InvokeMethod]: (request: ParsedRequest<M>) => InvokeResponse<M> | Promise<InvokeResponse<M>>
}

/** Where the host gets its event batches (the app service's batcher). */
export interface BatchSource {
  onBatch(listener: (batch: EventBatch) => void): Disposer
}

export interface BridgeHostOptions {
  /** Diagnostics (already redacted); default: nothing. */
  log?: (line: string) => void
}

const METHODS = new Set(Object.keys(invokeContract))

/** True when `method` names a command of the contract (own key, not `toString` & co). */
export function isInvokeMethod(method: unknown): method is InvokeMethod {
  return typeof method === 'string' && METHODS.has(method)
}

/** The first problem of a failed parse as `{field, message}` (messages never echo the input). */
export function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'request'
  return { field, message: issue?.message ?? 'does not match the contract' }
}

/** Validates and dispatches commands; validates and relays event batches. */
export class BridgeHost {
  private readonly log: (line: string) => void

  constructor(
    private readonly handlers: BridgeHandlers,
    private readonly events: BatchSource,
    options: BridgeHostOptions = {}
  ) {
    this.log = options.log ?? (() => {})
  }

  /** Runs one command; never throws, whatever the method, payload or handler does. */
  async invoke(method: unknown, payload: unknown): Promise<BridgeResult<unknown>> {
    if (!isInvokeMethod(method)) {
      return failure({ code: 'invalid_request', message: 'unknown command', field: 'method' })
    }
    const contract = invokeContract[method]
    const request = contract.request.safeParse(payload)
    if (!request.success) {
      const { field, message } = firstIssue(request.error)
      return failure({ code: 'invalid_request', message, field })
    }
    const secrets = secretsOf(method, request.data)
    let value: unknown
    try {
      const handler = this.handlers[method] as (request: unknown) => unknown
      value = await handler(request.data)
    } catch (error) {
      const typed = toBridgeError(error, secrets)
      if (typed.code === 'internal') this.log(`${method} failed: ${typed.message}`)
      return failure(typed)
    }
    const response = contract.response.safeParse(value)
    if (!response.success) {
      const { field, message } = firstIssue(response.error)
      this.log(`${method}: the answer does not match the contract (${field}: ${message})`)
      return failure({ code: 'internal', message: `${method} produced an invalid answer` })
    }
    return { ok: true, value: response.data }
  }

  /** Delivers every event batch, checked against the contract, to `listener`. */
  onBatch(listener: (batch: EventBatch) => void): Disposer {
    return this.events.onBatch((batch) => {
      const checked = this.checkBatch(batch)
      if (checked) listener(checked)
    })
  }

  /** The batch as the contract allows it: invalid events are dropped (and logged), not sent. */
  private checkBatch(batch: EventBatch): EventBatch | undefined {
    const parsed = EventBatchSchema.safeParse(batch)
    if (parsed.success) return parsed.data
    const events = []
    for (const event of batch.events) {
      const one = BridgeEventSchema.safeParse(event)
      if (one.success) events.push(one.data)
      else {
        const { field, message } = firstIssue(one.error)
        this.log(
          `dropped a ${String(event?.type)} event that breaks the contract (${field}: ${message})`
        )
      }
    }
    return events.length > 0 ? { seq: batch.seq, events } : undefined
  }
}

function failure(error: BridgeError): BridgeResult<never> {
  return { ok: false, error }
}

/** Strings a message must never contain for this request (the token being signed in). */
function secretsOf(method: InvokeMethod, request: unknown): string[] {
  if (method !== 'signIn') return []
  const token = (request as { token?: unknown }).token
  return typeof token === 'string' ? [token] : []
}

/** Any thrown value as a typed, redacted error. */
export function toBridgeError(error: unknown, secrets: readonly string[] = []): BridgeError {
  if (error instanceof BridgeFailure) {
    const typed = error.toError()
    return { ...typed, message: redact(typed.message, secrets) }
  }
  const message = describeError(error, secrets)
  if (error instanceof KeychainUnavailableError) return { code: 'keychain_unavailable', message }
  if (error instanceof InvalidTokenError)
    return { code: 'invalid_request', message, field: 'token' }
  if (error instanceof RestError) {
    if (error.status === 401 || error.status === 403) return { code: 'unauthorized', message }
    if (error.status === 404) return { code: 'not_found', message }
    if (error.status === 0) return { code: 'offline', message }
    return { code: 'server_error', message }
  }
  if (error instanceof CommandError) {
    if (['EXPIRED', 'CONNECTION_LOST', 'QUEUE_FULL', 'CLOSED'].includes(error.code))
      return { code: 'offline', message }
    if (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN')
      return { code: 'unauthorized', message }
    return { code: 'server_error', message }
  }
  return { code: 'internal', message: message || 'unexpected error' }
}
