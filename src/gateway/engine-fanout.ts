import { ALL_ID, Resource } from '@shared/protocol'
import type { Execution, LogEntry, ServerMessage, WorkflowEvent } from '@shared/protocol'
import type { Engine } from './engine'
import { CONTROL, LOG } from './outbound-queue'
import type { OutboundKind } from './outbound-queue'
import { withRequestId } from './reply-fields'
import { subscriptionKey } from './subscription-index'
import type { SubscriptionIndex } from './subscription-index'
import { encodeMessage } from './ws-connection'
import type { ClientConnection } from './ws-connection'

/** The `execute_workflow` request whose execution the engine is starting right now. */
interface Requester {
  conn: ClientConnection
  requestId: string | undefined
  /** Set once the engine has announced the new execution. */
  executionId?: string
}

/** Updates of one execution coalesce for a slow consumer: the latest state wins. */
const updateOf = (executionId: string): OutboundKind => ({ kind: 'update', key: executionId })

/** Sends each engine event, serialized once, to every connection subscribed to it. */
export class EngineFanout {
  private readonly unlisten: Array<() => void>
  /** Set while `startExecution` runs, to answer the requester in the fan-out. */
  private requester: Requester | undefined

  constructor(
    private readonly engine: Engine,
    private readonly subscriptions: SubscriptionIndex
  ) {
    this.unlisten = [
      engine.on('execution', (e) => this.onExecution(e)),
      engine.on('log', (l) => this.onLog(l)),
      engine.on('workflow', (w) => this.onWorkflow(w))
    ]
  }

  /**
   * Starts an execution for `conn`'s `execute_workflow`, subscribes `conn` to it and answers with
   * its first `execution_update`; undefined, with nothing sent, when there is no such workflow.
   */
  startExecution(
    conn: ClientConnection,
    workflowId: string,
    input: unknown,
    requestId: string | undefined
  ): Execution | undefined {
    const requester: Requester = { conn, requestId }
    this.requester = requester
    let execution: Execution | undefined
    try {
      execution = this.engine.startExecution(workflowId, input, { triggeredBy: conn.userId })
    } finally {
      this.requester = undefined
    }
    if (execution && requester.executionId === undefined) {
      // An engine that announces new executions later (or, once stopped, never): answer with what
      // it returned.
      this.subscriptions.addImplicit(conn, execution.id)
      conn.send(
        { type: 'execution_update', execution, ...withRequestId(requestId) },
        requestId ? CONTROL : updateOf(execution.id)
      )
    }
    return execution
  }

  /** Stops listening to the engine. */
  stop(): void {
    for (const off of this.unlisten) off()
  }

  private onExecution(execution: Execution): void {
    const kind = updateOf(execution.id)
    const requester = this.requester
    let skip: ClientConnection | undefined
    if (requester && requester.executionId === undefined) {
      // The requester's copy carries its request_id and subscribes it to the new execution.
      requester.executionId = execution.id
      this.subscriptions.addImplicit(requester.conn, execution.id)
      const reply: ServerMessage = {
        type: 'execution_update',
        execution,
        ...withRequestId(requester.requestId)
      }
      // An answer is never coalesced away: a slow client must still learn its request's outcome.
      requester.conn.sendFrame(encodeMessage(reply), requester.requestId ? CONTROL : kind)
      skip = requester.conn
    }
    const frame = encodeMessage({ type: 'execution_update', execution })
    this.subscriptions.deliver(
      [
        subscriptionKey(Resource.Execution, execution.id),
        subscriptionKey(Resource.WorkflowExecutions, execution.workflow_id),
        subscriptionKey(Resource.WorkflowExecutions, ALL_ID)
      ],
      frame,
      kind,
      skip
    )
  }

  private onLog(log: LogEntry): void {
    const key = subscriptionKey(Resource.Execution, log.execution_id)
    if (!this.subscriptions.hasSubscribers(key)) return
    this.subscriptions.deliver([key], encodeMessage({ type: 'log', log }), LOG)
  }

  private onWorkflow(event: WorkflowEvent): void {
    const frame = encodeMessage({ type: 'workflow_event', event })
    this.subscriptions.deliver(
      [
        subscriptionKey(Resource.Workflows, ALL_ID),
        subscriptionKey(Resource.Workflows, event.workflow.id)
      ],
      frame,
      CONTROL
    )
  }
}
