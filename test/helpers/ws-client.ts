import type { Socket } from 'node:net'
import WebSocket from 'ws'
import type { ClientOptions, RawData } from 'ws'
import { decodeServerFrame } from '@shared/protocol'
import type { ServerMessage } from '@shared/protocol'
import { withTimeout } from './wait'

// A tiny test client over a real `ws` socket. Every frame the server sends goes through the
// production decoder (`decodeServerFrame`, which unwraps batches): anything it rejects is a
// protocol violation that fails every pending and later wait, and `close()` /
// `closeAllClients()`.
// Error messages never include the URL, because the URL may carry a token.

/** The server message with the given `type`. */
export type MessageOf<K extends ServerMessage['type']> = Extract<ServerMessage, { type: K }>

/** A test on one received message. */
export type Predicate = (message: ServerMessage) => boolean

/** How a connection ended. */
export interface CloseInfo {
  code: number
  reason: string
}

/** The server answered the WebSocket upgrade with an HTTP status other than 101. */
export class UpgradeRejectedError extends Error {
  constructor(
    readonly status: number,
    readonly body: string
  ) {
    super(`WebSocket upgrade rejected with HTTP ${status}`)
    this.name = 'UpgradeRejectedError'
  }
}

/** The server sent a frame that the shared schema rejects. */
export class ProtocolViolationError extends Error {
  constructor(readonly violations: string[]) {
    super(`server sent ${violations.length} invalid frame(s): ${violations.join(' | ')}`)
    this.name = 'ProtocolViolationError'
  }
}

export interface OpenClientOptions extends ClientOptions {
  /** Reject when the connection is not open within this long (default 5000 ms). */
  openTimeoutMs?: number
}

/** Default timeout of the waiting methods. */
export const DEFAULT_WAIT_MS = 5000

interface Waiter {
  /** Whether a match takes the message (so no other taking waiter may have it). */
  takes: boolean
  check: (message: ServerMessage | undefined) => ServerMessage | true | undefined
  resolve: (value: ServerMessage | true) => void
  reject: (error: Error) => void
  what: string
}

let requestCounter = 0

/** Builds a type guard matching messages of one `type`, optionally narrowed by `where`. */
export function ofType<K extends ServerMessage['type']>(
  type: K,
  where?: (message: MessageOf<K>) => boolean
): (message: ServerMessage) => message is MessageOf<K> {
  return (message): message is MessageOf<K> =>
    message.type === type && (where === undefined || where(message as MessageOf<K>))
}

/** Appends `?token=` (URL-encoded) to a WebSocket URL. */
export function withToken(wsUrl: string, token: string): string {
  const separator = wsUrl.includes('?') ? '&' : '?'
  return `${wsUrl}${separator}token=${encodeURIComponent(token)}`
}

/** Decodes one frame as the monitor does: its valid messages, and what was rejected, in words. */
export function validateServerFrame(text: string): {
  messages: ServerMessage[]
  violations: string[]
} {
  const { messages, rejected } = decodeServerFrame(text)
  return { messages, violations: rejected.map((r) => `${r.reason}: ${r.detail}`) }
}

/** One WebSocket connection that records and validates everything the server sends. */
export class TestClient {
  /** Every schema-valid message received, in arrival order (batches unwrapped). */
  readonly messages: ServerMessage[] = []
  /** Descriptions of frames the shared schema rejected. */
  readonly violations: string[] = []
  /** Number of `batch` frames received. */
  batchFrames = 0
  /** Settles when the connection has closed. */
  readonly closed: Promise<CloseInfo>
  /** The last socket-level error, if any. */
  lastError: Error | undefined

  private readonly taken: boolean[] = []
  private firstUntaken = 0
  private waiters: Waiter[] = []
  private closeInfo: CloseInfo | undefined
  private paused = false

  constructor(readonly ws: WebSocket) {
    this.closed = new Promise<CloseInfo>((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() }
        resolve(this.closeInfo)
        for (const waiter of this.waiters.splice(0)) {
          waiter.reject(
            new Error(
              `connection closed (${code} ${this.closeInfo.reason}) while waiting for ${waiter.what}; ${this.summary()}`
            )
          )
        }
      })
    })
    ws.on('error', (error) => {
      this.lastError = error
    })
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary))
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** The close code and reason once closed. */
  get closeStatus(): CloseInfo | undefined {
    return this.closeInfo
  }

  /** Sends a value as one JSON text frame. */
  send(message: unknown): void {
    this.ws.send(JSON.stringify(message))
  }

  /** Sends one frame exactly as given. */
  sendRaw(data: string | Buffer): void {
    this.ws.send(data)
  }

  /** Sends `message` with a fresh `request_id` (unless it has one) and resolves with the answer carrying it. */
  async request(
    message: Record<string, unknown>,
    timeoutMs = DEFAULT_WAIT_MS
  ): Promise<ServerMessage> {
    const requestId = typeof message.request_id === 'string' ? message.request_id : nextRequestId()
    this.send({ ...message, request_id: requestId })
    return this.next((m) => m.request_id === requestId, timeoutMs, `answer to ${requestId}`)
  }

  /** Resolves with the earliest not-yet-taken message matching `predicate`, and takes it. */
  next<M extends ServerMessage>(
    predicate: (message: ServerMessage) => message is M,
    timeoutMs?: number,
    what?: string
  ): Promise<M>
  next(predicate?: Predicate, timeoutMs?: number, what?: string): Promise<ServerMessage>
  next(
    predicate: Predicate = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
    what = 'next matching message'
  ): Promise<ServerMessage> {
    for (let i = this.firstUntaken; i < this.messages.length; i++) {
      const message = this.messages[i] as ServerMessage
      if (!this.taken[i] && predicate(message)) {
        this.take(i)
        return this.guard(Promise.resolve(message))
      }
    }
    return this.wait(
      (message) => {
        if (message === undefined || !predicate(message)) return undefined
        this.take(this.messages.length - 1)
        return message
      },
      timeoutMs,
      what,
      true
    ) as Promise<ServerMessage>
  }

  /** Resolves with the first message ever received that matches `predicate` (taken or not). */
  waitFor<M extends ServerMessage>(
    predicate: (message: ServerMessage) => message is M,
    timeoutMs?: number,
    what?: string
  ): Promise<M>
  waitFor(predicate: Predicate, timeoutMs?: number, what?: string): Promise<ServerMessage>
  waitFor(
    predicate: Predicate,
    timeoutMs = DEFAULT_WAIT_MS,
    what = 'matching message'
  ): Promise<ServerMessage> {
    const found = this.messages.find(predicate)
    if (found) return this.guard(Promise.resolve(found))
    return this.wait(
      (message) => (message !== undefined && predicate(message) ? message : undefined),
      timeoutMs,
      what
    ) as Promise<ServerMessage>
  }

  /** Resolves once `condition(messages)` holds; it is re-checked on every received message. */
  async waitUntil(
    condition: (messages: readonly ServerMessage[]) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
    what = 'condition on received messages'
  ): Promise<void> {
    if (condition(this.messages)) return this.guard(Promise.resolve())
    await this.wait(() => (condition(this.messages) ? true : undefined), timeoutMs, what)
  }

  /** All received messages matching `predicate`. */
  all<M extends ServerMessage>(predicate: (message: ServerMessage) => message is M): M[]
  all(predicate?: Predicate): ServerMessage[]
  all(predicate: Predicate = () => true): ServerMessage[] {
    return this.messages.filter(predicate)
  }

  /**
   * Round trip with `ping`/`pong`: once it resolves, everything the server queued for this
   * connection before it read the ping has arrived (the server answers in order).
   */
  async barrier(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    this.send({ type: 'ping' })
    await this.next(ofType('pong'), timeoutMs, 'pong (barrier)')
  }

  /** Resolves with the close code and reason, rejecting if it does not close within `timeoutMs`. */
  waitForClose(timeoutMs = DEFAULT_WAIT_MS): Promise<CloseInfo> {
    return withTimeout(this.closed, timeoutMs, `connection close; ${this.summary()}`)
  }

  /** Stops reading from the TCP socket, so the server's writes back up (a slow consumer). */
  pause(): void {
    this.socket().pause()
    this.paused = true
  }

  /** Resumes reading after `pause()`. */
  resume(): void {
    this.socket().resume()
    this.paused = false
  }

  /** Closes cleanly (terminating if the handshake stalls) and throws on protocol violations. */
  async close(code = 1000, timeoutMs = 2000): Promise<CloseInfo> {
    if (this.paused) this.resume()
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) {
      if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code)
      else this.ws.terminate()
    }
    let info: CloseInfo
    try {
      info = await withTimeout(this.closed, timeoutMs, 'close handshake')
    } catch {
      this.ws.terminate()
      info = await withTimeout(this.closed, timeoutMs, 'terminate')
    }
    this.assertValid()
    return info
  }

  /** Throws if the server ever sent a schema-invalid frame to this client. */
  assertValid(): void {
    if (this.violations.length > 0) throw new ProtocolViolationError(this.violations)
  }

  /** A short description of what was received, for failure messages. */
  summary(): string {
    const types = this.messages.slice(-8).map((m) => m.type)
    return `received ${this.messages.length} message(s), last: [${types.join(', ')}]`
  }

  private socket(): Socket {
    const socket = (this.ws as unknown as { _socket?: Socket })._socket
    if (!socket) throw new Error('no underlying socket (not connected)')
    return socket
  }

  private take(index: number): void {
    this.taken[index] = true
    while (this.taken[this.firstUntaken]) this.firstUntaken++
  }

  private guard<T>(promise: Promise<T>): Promise<T> {
    if (this.violations.length > 0)
      return Promise.reject(new ProtocolViolationError(this.violations))
    return promise
  }

  private wait(
    check: Waiter['check'],
    timeoutMs: number,
    what: string,
    takes = false
  ): Promise<ServerMessage | true> {
    if (this.violations.length > 0)
      return Promise.reject(new ProtocolViolationError(this.violations))
    if (this.closeInfo) {
      return Promise.reject(
        new Error(
          `connection already closed (${this.closeInfo.code} ${this.closeInfo.reason}) before ${what}; ${this.summary()}`
        )
      )
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        takes,
        check,
        what,
        resolve: (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        }
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.summary()}`))
      }, timeoutMs)
      this.waiters.push(waiter)
    })
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.violation('binary frame')
      return
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString() : data.toString()
    const { messages, violations } = validateServerFrame(text)
    if ((safeJson(text) as { type?: unknown } | undefined)?.type === 'batch') this.batchFrames++
    for (const v of violations) this.violation(v)
    for (const message of messages) {
      this.messages.push(message)
      this.taken.push(false)
      // Each message may satisfy every non-taking waiter, but at most one taking waiter.
      const index = this.messages.length - 1
      for (const waiter of [...this.waiters]) {
        if (waiter.takes && this.taken[index]) continue
        const result = waiter.check(message)
        if (result === undefined) continue
        this.waiters = this.waiters.filter((w) => w !== waiter)
        waiter.resolve(result)
      }
    }
  }

  private violation(description: string): void {
    this.violations.push(description)
    const error = new ProtocolViolationError(this.violations)
    for (const waiter of this.waiters.splice(0)) waiter.reject(error)
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function nextRequestId(): string {
  requestCounter += 1
  return `req-${requestCounter}`
}

const registry = new Set<TestClient>()

/** Opens a connection; rejects with UpgradeRejectedError when the server answers with HTTP. */
export function openClient(url: string, options: OpenClientOptions = {}): Promise<TestClient> {
  const { openTimeoutMs = DEFAULT_WAIT_MS, ...wsOptions } = options
  const ws = new WebSocket(url, wsOptions)
  const client = new TestClient(ws)
  registry.add(client)
  return new Promise<TestClient>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new Error(`WebSocket did not open within ${openTimeoutMs} ms`))
    }, openTimeoutMs)
    ws.once('open', () => {
      clearTimeout(timer)
      resolve(client)
    })
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        clearTimeout(timer)
        ws.terminate()
        reject(new UpgradeRejectedError(res.statusCode ?? 0, Buffer.concat(chunks).toString()))
      })
    })
    ws.once('error', (error) => {
      clearTimeout(timer)
      reject(new Error(`WebSocket failed to open: ${error.message}`))
    })
  })
}

/** The HTTP status the server answers an upgrade with: 101 when it opened (then closed again). */
export async function upgradeStatus(url: string, options: OpenClientOptions = {}): Promise<number> {
  try {
    const client = await openClient(url, options)
    await client.close()
    return 101
  } catch (error) {
    if (error instanceof UpgradeRejectedError) return error.status
    throw error
  }
}

/**
 * Closes every client opened since the last call, then throws if any of them received a
 * schema-invalid frame. Call it from `afterEach`.
 */
export async function closeAllClients(): Promise<void> {
  const clients = [...registry]
  registry.clear()
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)))
  const violations = clients.flatMap((c) => c.violations)
  if (violations.length > 0) throw new ProtocolViolationError(violations)
}
