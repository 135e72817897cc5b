import type { Execution, ServerMessage } from '@shared/protocol'
import { DisposableStore } from '@shared/disposable'
import type { Outstanding } from './answer-correlator'
import { Priority } from './outbox'
import type { NebulaConnection } from './connection'

/** A command that did not complete; the message says why, for a person. */
export class CommandError extends Error {
  override name = 'CommandError'
  constructor(
    message: string,
    readonly code: string
  ) {
    super(message)
  }
}

export interface CommandQueueOptions {
  /** Most commands waiting at once; more are refused at once. */
  maxPending?: number
  /** How long a command may wait for a connection and its answer. */
  timeoutMs?: number
}

interface Pending {
  requestId: string
  sent: boolean
  timer: ReturnType<typeof setTimeout>
  resolve: (execution: Execution) => void
  reject: (error: CommandError) => void
}

/**
 * Commands such as `execute_workflow` wait here (bounded) while disconnected and fail visibly
 * when they expire. A command already sent when the socket drops is failed, not re-sent: the
 * server may have run it, and running a workflow twice is worse than asking the user.
 */
export class CommandQueue {
  private readonly pending = new Map<string, Pending>()
  private readonly timers = new DisposableStore()
  private readonly maxPending: number
  private readonly timeoutMs: number
  private seq = 0

  constructor(
    private readonly connection: NebulaConnection,
    options: CommandQueueOptions = {}
  ) {
    this.maxPending = options.maxPending ?? 50
    this.timeoutMs = options.timeoutMs ?? 30_000
  }

  /** Runs a workflow; resolves with the new execution the server reports. */
  executeWorkflow(workflowId: string, input?: unknown): Promise<Execution> {
    if (this.pending.size >= this.maxPending) {
      return Promise.reject(
        new CommandError(
          `too many commands waiting (${this.maxPending}); try again when connected`,
          'QUEUE_FULL'
        )
      )
    }
    const requestId = `cmd-${++this.seq}`
    return new Promise<Execution>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        const entry = this.pending.get(requestId)
        if (!entry) return
        this.connection.discardQueued((m) => m.request_id === requestId)
        this.settle(requestId)
        const why = entry.sent ? 'no answer from the server' : 'no connection to the server'
        reject(
          new CommandError(
            `execute_workflow ${workflowId} expired after ${this.timeoutMs} ms: ${why}`,
            'EXPIRED'
          )
        )
      }, this.timeoutMs)
      this.pending.set(requestId, { requestId, sent: false, timer, resolve, reject })
      this.connection.send(
        {
          type: 'execute_workflow',
          workflow_id: workflowId,
          input: input ?? {},
          request_id: requestId
        },
        Priority.Command,
        () => {
          const entry = this.pending.get(requestId)
          if (entry) entry.sent = true
        }
      )
    })
  }

  /** Applies an answer the correlator tied to an `execute_workflow` (an update or an error). */
  answer(request: Outstanding, message: ServerMessage): void {
    const entry = request.requestId ? this.pending.get(request.requestId) : undefined
    if (!entry) return
    if (message.type === 'execution_update') {
      this.settle(entry.requestId)
      entry.resolve(message.execution)
    } else if (message.type === 'error') {
      this.settle(entry.requestId)
      entry.reject(new CommandError(`${message.code}: ${message.message}`, message.code))
    }
  }

  /** The socket dropped: commands already sent can no longer be answered. */
  disconnected(): void {
    for (const entry of [...this.pending.values()]) {
      if (!entry.sent) continue
      this.settle(entry.requestId)
      entry.reject(
        new CommandError(
          'connection lost before the server answered; the workflow may or may not have started',
          'CONNECTION_LOST'
        )
      )
    }
  }

  /** Commands waiting for a connection or an answer. */
  get size(): number {
    return this.pending.size
  }

  /** True while a command's expiry timer runs (leak checks). */
  hasLiveTimers(): boolean {
    return this.timers.hasLive()
  }

  /** Fails every waiting command and stops its timer. */
  dispose(): void {
    for (const entry of [...this.pending.values()]) {
      this.settle(entry.requestId)
      entry.reject(new CommandError('the monitor is closing', 'CLOSED'))
    }
    this.timers.dispose()
  }

  private settle(requestId: string): void {
    const entry = this.pending.get(requestId)
    if (entry) this.timers.clear(entry.timer)
    this.pending.delete(requestId)
  }
}
