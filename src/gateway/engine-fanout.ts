import { ALL_ID, Resource } from '@shared/protocol'
import { DisposableStore } from '@shared/disposable'
import type { Execution, LogEntry, WorkflowEvent } from '@shared/protocol'
import type { Dialect } from './dialect'
import type { Engine } from './engine'
import { CONTROL, LOG } from './outbound-queue'
import type { OutboundKind } from './outbound-queue'
import { subscriptionKey } from './subscription-index'
import type { SubscriptionIndex } from './subscription-index'
import type { WireShapes } from './wire-shapes'
import { encodeFrame } from './ws-connection'
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
  /** The engine listeners. */
  private readonly owned = new DisposableStore()
  /** Set while `startExecution` runs, to answer the requester in the fan-out. */
  private requester: Requester | undefined

  constructor(
    private readonly engine: Engine,
    private readonly subscriptions: SubscriptionIndex,
    private readonly dialect: Dialect,
    private readonly shapes: WireShapes
  ) {
    this.owned.add(engine.on('execution', (e) => this.onExecution(e)))
    this.owned.add(engine.on('log', (l) => this.onLog(l)))
    this.owned.add(engine.on('workflow', (w) => this.onWorkflow(w)))
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
      this.answer(conn, requestId, execution)
    }
    return execution
  }

  /** Stops listening to the engine. */
  dispose(): void {
    this.owned.dispose()
  }

  /** The requester's copy of the first update: it carries the correlation the dialect allows. */
  private answer(
    conn: ClientConnection,
    requestId: string | undefined,
    execution: Execution
  ): void {
    const correlation = this.dialect.correlate(requestId)
    const reply = {
      type: 'execution_update',
      execution: this.shapes.execution(execution),
      ...correlation
    }
    // An answer is never coalesced away: a slow client must still learn its request's outcome.
    conn.sendFrame(encodeFrame(reply), correlation.request_id ? CONTROL : updateOf(execution.id))
  }

  private onExecution(execution: Execution): void {
    const kind = updateOf(execution.id)
    const requester = this.requester
    let skip: ClientConnection | undefined
    if (requester && requester.executionId === undefined) {
      // The requester's copy carries its request_id and subscribes it to the new execution.
      requester.executionId = execution.id
      this.subscriptions.addImplicit(requester.conn, execution.id)
      this.answer(requester.conn, requester.requestId, execution)
      skip = requester.conn
    }
    const frame = encodeFrame({
      type: 'execution_update',
      execution: this.shapes.execution(execution)
    })
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
    this.subscriptions.deliver([key], encodeFrame({ type: 'log', log: this.shapes.log(log) }), LOG)
  }

  private onWorkflow(event: WorkflowEvent): void {
    const frame = encodeFrame({ type: 'workflow_event', event })
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
