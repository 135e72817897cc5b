import { ALL_ID, ErrorCode, KNOWN_RESOURCES, Resource } from '@shared/protocol'
import type { ClientMessage, SubscribeMessage } from '@shared/protocol'
import type { Engine } from './engine'
import { clipEcho, withRequestId } from './reply-fields'
import { MAX_SUBSCRIPTIONS_PER_CONNECTION, subscriptionKey } from './subscription-index'
import type { SubscriptionIndex } from './subscription-index'
import type { ClientConnection } from './ws-connection'

type UnsubscribeMessage = Extract<ClientMessage, { type: 'unsubscribe' }>

/** The fields every answer to a (un)subscribe echoes. */
type AnswerFields = { resource: string; id: string; request_id?: string }

/** What `subscribe` and `unsubscribe` need to know. */
export interface SubscriptionRequestsOptions {
  engine: Engine
  subscriptions: SubscriptionIndex
  /** Accept `workflow_executions:all` (extension). */
  allowAllExecutions: boolean
}

/** Answers `subscribe` and `unsubscribe` messages and applies them to the subscription index. */
export class SubscriptionRequests {
  constructor(private readonly opts: SubscriptionRequestsOptions) {}

  /** Subscribes `conn` when the resource exists and it has room; answers either way. */
  subscribe(conn: ClientConnection, message: SubscribeMessage): void {
    const about = this.answerFields(conn, message)
    if (!about) return
    const { resource, id } = message
    const problem = this.whyNotSubscribable(resource, id)
    const key = subscriptionKey(resource, id)
    const full =
      this.opts.subscriptions.isFull(conn, key) &&
      `subscription limit (${MAX_SUBSCRIPTIONS_PER_CONNECTION}) reached`
    if (problem || full) {
      conn.send({
        type: 'error',
        code: ErrorCode.SubscriptionFailed,
        message: `Cannot subscribe to ${clipEcho(resource)} '${clipEcho(id)}': ${problem || full}`,
        ...about
      })
      return
    }
    this.opts.subscriptions.add(conn, key)
    conn.send({ type: 'subscribed', ...about })
  }

  /** Unsubscribes `conn` and confirms. */
  unsubscribe(conn: ClientConnection, message: UnsubscribeMessage): void {
    const about = this.answerFields(conn, message)
    if (!about) return
    // Idempotent: unsubscribing from something not subscribed is confirmed too.
    this.opts.subscriptions.remove(conn, subscriptionKey(message.resource, message.id))
    conn.send({ type: 'unsubscribed', ...about })
  }

  /** Undefined after answering INVALID_RESOURCE for a resource this gateway does not know. */
  private answerFields(
    conn: ClientConnection,
    message: SubscribeMessage | UnsubscribeMessage
  ): AnswerFields | undefined {
    const { resource, id, request_id: requestId } = message
    const about = { resource: clipEcho(resource), id: clipEcho(id), ...withRequestId(requestId) }
    if (KNOWN_RESOURCES.includes(resource)) return about
    conn.send({
      type: 'error',
      code: ErrorCode.InvalidResource,
      message: `unknown resource '${clipEcho(resource)}' (known: ${KNOWN_RESOURCES.join(', ')})`,
      ...about
    })
    return undefined
  }

  private whyNotSubscribable(resource: string, id: string): string | undefined {
    const { engine } = this.opts
    switch (resource) {
      case Resource.Execution:
        return engine.getExecution(id) ? undefined : 'not found'
      case Resource.WorkflowExecutions:
        if (id === ALL_ID) {
          return this.opts.allowAllExecutions
            ? undefined
            : "'all' is not supported here; subscribe per workflow"
        }
        return engine.getWorkflow(id) ? undefined : 'not found'
      case Resource.Workflows:
        return id === ALL_ID || engine.getWorkflow(id) ? undefined : 'not found'
      default:
        return 'unknown resource'
    }
  }
}
