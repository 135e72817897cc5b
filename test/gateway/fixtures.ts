import { expect } from 'vitest'
import WebSocket from 'ws'
import type { Gateway } from '@gateway'
import { ApiErrorBodySchema, isTerminalStatus } from '@shared/protocol'
import type { Execution } from '@shared/protocol'
import { api } from '../helpers/http'
import type { ApiRequest, ApiResponse } from '../helpers/http'
import { waitUntil } from '../helpers/wait'
import { ofType, openClient, withToken } from '../helpers/ws-client'
import type { TestClient } from '../helpers/ws-client'

// Helpers for the gateway integration tests; gateways themselves start in test/fixtures/gateway.ts.

/** The engine type, as the gateway exposes it. */
export type Engine = Gateway['engine']

/** The demo workflows and their actions, as the issue names them. */
export const DEMO_WORKFLOWS = {
  wf_order_processing: ['Validate Order', 'Check Inventory', 'Process Payment', 'Ship Order'],
  wf_nightly_etl: ['Extract', 'Transform', 'Load', 'Verify Row Counts'],
  wf_user_onboarding: ['Create Account', 'Send Welcome Email', 'Provision Workspace'],
  wf_partner_sync: ['Fetch Partner Feed', 'Map Records', 'Push Updates']
} as const

/** Opens a `?token=` connection for `sub` and waits for `authenticated`. */
export async function connect(
  gateway: Gateway,
  claims: { sub?: string; roles?: string[]; expiresInSeconds?: number } = {}
): Promise<TestClient> {
  const token = await gateway.mintToken(claims)
  const client = await openClient(withToken(gateway.wsUrl, token))
  await client.next(ofType('authenticated'), 5000, 'authenticated')
  return client
}

/** Subscribes and waits for the matching `subscribed` confirmation. */
export async function subscribe(client: TestClient, resource: string, id: string): Promise<void> {
  const answer = await client.request({ type: 'subscribe', resource, id })
  if (answer.type !== 'subscribed') {
    throw new Error(`subscribe ${resource}:${id} answered ${JSON.stringify(answer)}`)
  }
}

/** Waits until the engine reports `id` in a terminal status and returns that execution. */
export async function waitForTerminal(
  engine: Engine,
  id: string,
  timeoutMs = 10_000
): Promise<Execution> {
  await waitUntil(() => isTerminalStatus(engine.getExecution(id)?.status ?? ''), {
    timeoutMs,
    what: `execution ${id} to finish`
  })
  return engine.getExecution(id) as Execution
}

/** Starts an execution through the engine and returns its id (throws for unknown workflows). */
export function startExecution(
  engine: Engine,
  workflowId: string,
  input?: unknown,
  opts?: { outcome?: 'succeed' | 'fail' | 'time_out' }
): string {
  const execution = engine.startExecution(workflowId, input, opts)
  if (!execution) throw new Error(`engine has no workflow ${workflowId}`)
  return execution.id
}

/** Calls the gateway's REST API under /api/v1. */
export function rest(
  gateway: Gateway,
  path: string,
  request: ApiRequest = {}
): Promise<ApiResponse> {
  return api(gateway.url, `/api/v1${path}`, request)
}

/** The `execution_update` messages a client received for one execution, in order. */
export function updatesFor(client: TestClient, executionId: string): Execution[] {
  return client
    .all(ofType('execution_update', (m) => m.execution.id === executionId))
    .map((m) => m.execution)
}

/** True once the client has an `execution_update` for `id` in the given terminal state. */
export function hasFinalUpdate(client: TestClient, execution: Execution): boolean {
  return client.messages.some(
    (m) =>
      m.type === 'execution_update' &&
      m.execution.id === execution.id &&
      m.execution.status === execution.status &&
      isTerminalStatus(m.execution.status)
  )
}

/** A frame as the server sent it: parsed JSON, not validated, nothing added or dropped. */
export type RawFrame = Record<string, unknown>

/**
 * A plain `ws` client that keeps every frame exactly as sent, for checks on the wire form itself
 * (the document dialect's exact fields, foreign shapes the shared schemas would not accept).
 */
export class RawClient {
  readonly frames: RawFrame[] = []
  private readonly listeners = new Set<() => void>()
  readonly closed: Promise<{ code: number; reason: string }>

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as RawFrame)
      for (const listener of [...this.listeners]) listener()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() })
        for (const listener of [...this.listeners]) listener()
      })
    })
  }

  /** Opens `url` (with extra upgrade headers) and resolves once open. */
  static open(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
    const ws = new WebSocket(url, { headers })
    const client = new RawClient(ws)
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client))
      ws.once('error', reject)
    })
  }

  send(value: unknown): void {
    this.ws.send(JSON.stringify(value))
  }

  /** Resolves once `condition(frames)` holds (checked on every frame), else rejects after `timeoutMs`. */
  waitUntil(
    condition: (frames: RawFrame[]) => boolean,
    what: string,
    timeoutMs = 5000
  ): Promise<void> {
    if (condition(this.frames)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (condition(this.frames)) {
          done()
          resolve()
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          done()
          reject(new Error(`closed while waiting for ${what}; frames: ${this.describe()}`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; frames: ${this.describe()}`
          )
        )
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        this.listeners.delete(check)
      }
      this.listeners.add(check)
    })
  }

  /** The first frame matching `predicate`, waiting for it if need be. */
  async first(predicate: (frame: RawFrame) => boolean, what: string): Promise<RawFrame> {
    await this.waitUntil((frames) => frames.some(predicate), what)
    return this.frames.find(predicate) as RawFrame
  }

  /**
   * Sends a ping and resolves with every frame that arrived before its pong: the server answers
   * in order, so once the pong is here nothing sent before it is still on its way.
   */
  async barrier(): Promise<RawFrame[]> {
    const pongs = this.frames.filter((f) => f.type === 'pong').length
    this.send({ type: 'ping' })
    await this.waitUntil((frames) => frames.filter((f) => f.type === 'pong').length > pongs, 'pong')
    const last = this.frames.map((f) => f.type).lastIndexOf('pong')
    return this.frames.slice(0, last)
  }

  /** Closes and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000)
    else if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate()
    await this.closed
  }

  private describe(): string {
    return JSON.stringify(this.frames.slice(-6)).slice(0, 600)
  }
}

/** Asserts the `{error:{code, message, request_id?}}` shape and the code; returns the error. */
export function expectError(
  response: ApiResponse,
  status: number,
  code: string
): { message: string; request_id?: string } {
  expect(response.status, response.text).toBe(status)
  const body = ApiErrorBodySchema.parse(response.body)
  expect(body.error.code).toBe(code)
  expect(body.error.message.length).toBeGreaterThan(0)
  return body.error
}
