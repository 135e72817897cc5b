import { ErrorCode } from '@shared/protocol'
import type { ClientMessage, ServerMessage } from '@shared/protocol'

// Ties each answer to the request it answers, without requiring the server to echo anything.
// A server answers one connection's messages in the order it received them (the document's
// server handles them one at a time), so an answer that carries no correlation field
// (`request_id`, or `resource`/`id`) belongs to the oldest request still waiting that such an
// answer can belong to. Correlation fields are used wherever present. See docs/PROTOCOL.md.

/** The kinds of request that get an answer. */
export type RequestKind = 'subscribe' | 'unsubscribe' | 'execute_workflow' | 'ping' | 'authenticate'

/** One request sent on the current socket and not answered yet. */
export interface Outstanding {
  kind: RequestKind
  /** `resource:id` for subscribe and unsubscribe. */
  key?: string
  requestId?: string
  /** For execute_workflow. */
  workflowId?: string
}

/** An answer tied to its request. */
export interface Answer {
  request: Outstanding
  /** True when correlation fields tied it (not only its place in the order). */
  byFields: boolean
}

const SUBSCRIPTIONS: readonly RequestKind[] = ['subscribe', 'unsubscribe']
const ANY: readonly RequestKind[] = [
  'subscribe',
  'unsubscribe',
  'execute_workflow',
  'ping',
  'authenticate'
]

/**
 * Which requests an error code can be the answer to. Subscription-only codes never take a
 * command or a ping; codes any message can earn (rate limit, invalid message, …) take the
 * oldest request of any kind, so a RATE_LIMIT_EXCEEDED for a ping is never read as a refused
 * subscription that was sent after it.
 */
export function kindsForErrorCode(code: string): readonly RequestKind[] {
  switch (code) {
    case ErrorCode.SubscriptionFailed:
    case ErrorCode.InvalidResource:
      return SUBSCRIPTIONS
    case ErrorCode.NotFound:
    case ErrorCode.ValidationError:
      return ['subscribe', 'unsubscribe', 'execute_workflow']
    default:
      return ANY
  }
}

/** How many skipped requests are remembered by id. */
const MAX_SKIPPED = 500

export const subscriptionKey = (resource: string, id: string): string => `${resource}:${id}`

/** The per-socket queue of requests waiting for an answer, in the order they were sent. */
export class AnswerCorrelator {
  private outstanding: Outstanding[] = []
  /** Requests skipped by an answer to a later one, by request id: a late answer naming one
   * by its id is still about it, never about whatever is oldest now. */
  private readonly skipped = new Map<string, Outstanding>()

  /** A new socket: nothing sent on it is waiting. */
  reset(): void {
    this.outstanding = []
    this.skipped.clear()
  }

  /** True while an `execute_workflow` waits for its answer. */
  get awaitsCommand(): boolean {
    for (const request of this.outstanding) if (request.kind === 'execute_workflow') return true
    return false
  }

  /** Requests waiting, oldest first (for tests and diagnostics). */
  get waiting(): readonly Outstanding[] {
    return this.outstanding
  }

  /** Records a message the server is about to receive (call in transmit order). */
  sent(message: ClientMessage): void {
    const requestId = message.request_id
    const base = requestId ? { requestId } : {}
    switch (message.type) {
      case 'subscribe':
      case 'unsubscribe':
        this.outstanding.push({
          kind: message.type,
          key: subscriptionKey(message.resource, message.id),
          ...base
        })
        break
      case 'execute_workflow':
        this.outstanding.push({ kind: message.type, workflowId: message.workflow_id, ...base })
        break
      case 'ping':
      case 'authenticate':
        this.outstanding.push({ kind: message.type, ...base })
        break
    }
  }

  /**
   * The request this message answers, if any. `isNewExecution` says whether an
   * `execution_update` is the first ever seen for its execution (the only way a document-only
   * server's answer to `execute_workflow` can be told from a pushed update).
   */
  match(message: ServerMessage, isNewExecution = false): Answer | undefined {
    if (message.request_id) {
      const byId = this.take((r) => r.requestId === message.request_id)
      const request = byId ?? this.skipped.get(message.request_id)
      if (request) {
        this.skipped.delete(message.request_id)
        return { request, byFields: true }
      }
    }
    switch (message.type) {
      case 'pong':
        return this.byOrder(['ping'])
      case 'authenticated':
        return this.byOrder(['authenticate'])
      case 'subscribed':
      case 'unsubscribed': {
        const kind = message.type === 'subscribed' ? 'subscribe' : 'unsubscribe'
        return this.subscriptionAnswer([kind], message.resource, message.id)
      }
      case 'error':
        if (message.resource && message.id) {
          return this.subscriptionAnswer(SUBSCRIPTIONS, message.resource, message.id)
        }
        return this.byOrder(kindsForErrorCode(message.code))
      case 'execution_update': {
        if (message.request_id || !isNewExecution) return undefined
        const head = this.outstanding.find((r) => r.kind === 'execute_workflow')
        if (head?.workflowId !== message.execution.workflow_id) return undefined
        return this.byOrder(['execute_workflow'])
      }
      default:
        return undefined
    }
  }

  /** A subscription answer: by its `resource`/`id` when it has them, else by order. */
  private subscriptionAnswer(
    kinds: readonly RequestKind[],
    resource: string | undefined,
    id: string | undefined
  ): Answer | undefined {
    if (!resource || !id) return this.byOrder(kinds)
    const key = subscriptionKey(resource, id)
    const request = this.take((r) => kinds.includes(r.kind) && r.key === key) ?? {
      // Answered already (or never recorded): the fields still say what it is about.
      kind: kinds[0]!,
      key
    }
    return { request, byFields: true }
  }

  private byOrder(kinds: readonly RequestKind[]): Answer | undefined {
    const request = this.take((r) => kinds.includes(r.kind))
    return request ? { request, byFields: false } : undefined
  }

  /**
   * Removes and returns the oldest request matching `predicate`. Every request sent before it
   * goes too: answers come in order, so those were answered already or never will be.
   */
  private take(predicate: (request: Outstanding) => boolean): Outstanding | undefined {
    const index = this.outstanding.findIndex(predicate)
    if (index < 0) return undefined
    const request = this.outstanding[index]!
    for (const older of this.outstanding.slice(0, index)) {
      if (older.requestId) this.skipped.set(older.requestId, older)
    }
    while (this.skipped.size > MAX_SKIPPED) {
      this.skipped.delete(this.skipped.keys().next().value as string)
    }
    this.outstanding = this.outstanding.slice(index + 1)
    return request
  }
}
