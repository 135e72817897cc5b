import { ALL_ID, ErrorCode, KNOWN_RESOURCES, Resource } from '@shared/protocol'
import type { ClientMessage, SubscribeMessage } from '@shared/protocol'
import type { Dialect } from './dialect'
import type { Engine } from './engine'
import { clipEcho } from './reply-fields'
import { MAX_SUBSCRIPTIONS_PER_CONNECTION, subscriptionKey } from './subscription-index'
import type { SubscriptionIndex } from './subscription-index'
import type { ClientConnection } from './ws-connection'

type UnsubscribeMessage = Extract<ClientMessage, { type: 'unsubscribe' }>

/** What `subscribe` and `unsubscribe` need to know. */
interface SubscriptionRequestsOptions {
  engine: Engine
  subscriptions: SubscriptionIndex
  dialect: Dialect
  /** Accept `workflow_executions:all` (extension; never in the document dialect). */
  allowAllExecutions: boolean
}

/** Answers `subscribe` and `unsubscribe` messages and applies them to the subscription index. */
export class SubscriptionRequests {
  constructor(private readonly opts: SubscriptionRequestsOptions) {}

  /** Subscribes `conn` when the resource exists and it has room; answers either way. */
  subscribe(conn: ClientConnection, message: SubscribeMessage): void {
    if (!this.knowsResource(conn, message)) return
    const { resource, id } = message
    const problem = this.whyNotSubscribable(resource, id)
    const key = subscriptionKey(resource, id)
    const full =
      this.opts.subscriptions.isFull(conn, key) &&
      `subscription limit (${MAX_SUBSCRIPTIONS_PER_CONNECTION}) reached`
    if (problem || full) {
      conn.send(
        this.opts.dialect.error(
          ErrorCode.SubscriptionFailed,
          `Cannot subscribe to ${clipEcho(resource)} '${clipEcho(id)}': ${problem || full}`,
          this.context(message)
        )
      )
      return
    }
    this.opts.subscriptions.add(conn, key)
    conn.send({ type: 'subscribed', ...this.answer(message) })
  }

  /** Unsubscribes `conn` and confirms. */
  unsubscribe(conn: ClientConnection, message: UnsubscribeMessage): void {
    if (!this.knowsResource(conn, message)) return
    // Idempotent: unsubscribing from something not subscribed is confirmed too.
    this.opts.subscriptions.remove(conn, subscriptionKey(message.resource, message.id))
    conn.send({ type: 'unsubscribed', ...this.answer(message) })
  }

  /** The document's `resource` and `id`, plus the dialect's correlation. */
  private answer(message: SubscribeMessage | UnsubscribeMessage): {
    resource: string
    id: string
    request_id?: string
  } {
    return {
      resource: clipEcho(message.resource),
      id: clipEcho(message.id),
      ...this.opts.dialect.correlate(message.request_id)
    }
  }

  private context(message: SubscribeMessage | UnsubscribeMessage): {
    resource: string
    id: string
    requestId: string | undefined
  } {
    return {
      resource: clipEcho(message.resource),
      id: clipEcho(message.id),
      requestId: message.request_id
    }
  }

  /** False after answering INVALID_RESOURCE for a resource this gateway does not know. */
  private knowsResource(
    conn: ClientConnection,
    message: SubscribeMessage | UnsubscribeMessage
  ): boolean {
    if (KNOWN_RESOURCES.includes(message.resource)) return true
    conn.send(
      this.opts.dialect.error(
        ErrorCode.InvalidResource,
        `unknown resource '${clipEcho(message.resource)}' (known: ${KNOWN_RESOURCES.join(', ')})`,
        this.context(message)
      )
    )
    return false
  }

  private whyNotSubscribable(resource: string, id: string): string | undefined {
    const { engine } = this.opts
    switch (resource) {
      case Resource.Execution:
        return engine.getExecution(id) ? undefined : 'not found'
      case Resource.WorkflowExecutions:
        if (id === ALL_ID) return this.whyNotAllExecutions()
        return engine.getWorkflow(id) ? undefined : 'not found'
      case Resource.Workflows:
        return id === ALL_ID || engine.getWorkflow(id) ? undefined : 'not found'
      default:
        return 'unknown resource'
    }
  }

  /** The document knows workflow ids only, so there 'all' is just an id that is not found. */
  private whyNotAllExecutions(): string | undefined {
    if (!this.opts.dialect.followAll) return 'not found'
    return this.opts.allowAllExecutions
      ? undefined
      : "'all' is not supported here; subscribe per workflow"
  }
}
