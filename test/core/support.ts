import { createServer, Socket } from 'node:net'
import type { AddressInfo, Server } from 'node:net'
import type { Engine, Gateway, GatewayOptions } from '@gateway'
import { MonitorSession } from '@main/core/session'
import type { MonitorSessionOptions } from '@main/core/session'
import type { SubscriptionInfo } from '@main/core/subscription-registry'
import type { Alert, Notification } from '@shared/alerts'
import type { ConnectionState } from '@shared/connection-state'
import type { Rejected, ServerMessage } from '@shared/protocol'
import {
  CORE_GATEWAY_DEFAULTS,
  createTestEngine as createFixtureEngine,
  startTestGateway
} from '../fixtures/gateway'
import { waitUntil } from '../helpers/wait'

// Shared set-up for the monitor-core integration tests: real gateways, real sockets, a real
// TCP proxy that can freeze, and a recorder of everything a MonitorSession reports.

// Gateways start in the shared fixture (test/fixtures/gateway.ts); these are the core's presets.
export { freePort, RestartableGateway, startOnPort } from '../fixtures/gateway'
export { TEST_SECRET as CORE_TEST_SECRET } from '../fixtures/gateway'

/** Fast, deterministic engine for tests (caller stops it). */
export function createTestEngine(): Engine {
  return createFixtureEngine(CORE_GATEWAY_DEFAULTS)
}

/** A gateway with the core preset: loopback, shared secret, no background runs, no failures. */
export function startCoreGateway(options: GatewayOptions = {}): Promise<Gateway> {
  return startTestGateway({ ...CORE_GATEWAY_DEFAULTS, ...options })
}

/** The gateway dialects every important core scenario runs against. */
export const DIALECTS = ['extended', 'document'] as const
export type Dialect = (typeof DIALECTS)[number]

/**
 * A core gateway speaking `dialect`. `refuseAll` makes the extended one refuse
 * `workflow_executions:all` too (the document dialect never knows it).
 */
export function startDialectGateway(
  dialect: Dialect,
  options: GatewayOptions & { refuseAll?: boolean } = {}
): Promise<Gateway> {
  const { refuseAll, ...rest } = options
  return startCoreGateway({
    dialect,
    ...(refuseAll && dialect === 'extended' ? { allowAllExecutions: false } : {}),
    ...rest
  })
}

/** Everything a MonitorSession emitted, in order. */
export class SessionRecorder {
  readonly states: ConnectionState[] = []
  readonly messages: ServerMessage[] = []
  readonly invalid: Rejected[] = []
  readonly alerts: Alert[] = []
  readonly notifications: Notification[] = []
  readonly subscriptions: SubscriptionInfo[] = []

  constructor(
    readonly session: MonitorSession,
    /** Diagnostic lines the session logged. */
    readonly logs: string[] = []
  ) {
    session.on('state', (s) => this.states.push(s))
    session.on('message', (m) => this.messages.push(m))
    session.on('invalid', (r) => this.invalid.push(r))
    session.on('alert', (a) => this.alerts.push(a))
    session.on('notification', (n) => this.notifications.push(n))
    session.on('subscription', (info) => this.subscriptions.push(info))
  }

  /** The latest state the session published. */
  get state(): string | undefined {
    return this.states.at(-1)?.state
  }

  /**
   * How many times the session entered `name` (a state republished with new coverage, or
   * `syncing` again with a reason, is not a new entry).
   */
  count(name: ConnectionState['state']): number {
    return this.states.filter((s, i) => s.state === name && this.states[i - 1]?.state !== name)
      .length
  }

  /** Alerts for one execution id. */
  alertsFor(executionId: string): Alert[] {
    return this.alerts.filter((a) => a.execution_id === executionId)
  }

  /** Waits until the session has published `name` at least `times` times in total. */
  async waitForCount(
    name: ConnectionState['state'],
    times: number,
    timeoutMs = 10_000
  ): Promise<void> {
    await this.explain(
      waitUntil(() => this.count(name) >= times, { timeoutMs, what: `state ${name} x${times}` })
    )
  }

  /** Waits until the latest published state is `name`. */
  async waitForState(name: ConnectionState['state'], timeoutMs = 10_000): Promise<void> {
    await this.explain(waitUntil(() => this.state === name, { timeoutMs, what: `state ${name}` }))
  }

  /** Adds the states seen by the time a wait failed to its error message. */
  async explain(wait: Promise<void>): Promise<void> {
    try {
      await wait
    } catch (error) {
      throw new Error(`${(error as Error).message}; states: ${this.tail()}`)
    }
  }

  /** The last few states, for failure messages. */
  tail(n = 8): string {
    return this.states
      .slice(-n)
      .map((s) => `${s.state}${s.reason ? `(${s.reason})` : ''}`)
      .join(' > ')
  }
}

/** Session options for tests: fast backoff, short heartbeat, short waits; override freely. */
export function testSessionOptions(
  server: string,
  getToken: () => string | null | Promise<string | null>,
  overrides: Partial<MonitorSessionOptions> = {}
): MonitorSessionOptions {
  const logs = overrides.log
  return {
    server,
    profile: 'test',
    getToken,
    stateDir: null,
    follow: 'all',
    settleTimeoutMs: 2_000,
    // An event the lifecycle has no transition for is a bug: fail the test loudly.
    onInvalidTransition: 'throw',
    resyncDelayMs: 100,
    ...overrides,
    connection: {
      heartbeatMs: 1_000,
      pongTimeoutMs: 1_000,
      connectTimeoutMs: 2_000,
      ...overrides.connection,
      // With real delays the 10 fast attempts span minutes; at 10–50 ms they would span a
      // third of a second, shorter than the outages the tests stage, so the limit is raised.
      backoff: { baseMs: 10, capMs: 50, maxFastAttempts: 1_000, ...overrides.connection?.backoff }
    },
    log: logs ?? (() => {})
  }
}

/** Creates, records and starts a session. */
export function startSession(options: MonitorSessionOptions): {
  session: MonitorSession
  rec: SessionRecorder
} {
  const lines: string[] = []
  const sink = options.log
  const session = new MonitorSession({
    ...options,
    log: (line) => {
      lines.push(line)
      sink?.(line)
    }
  })
  const rec = new SessionRecorder(session, lines)
  session.start()
  return { session, rec }
}

/**
 * A real TCP proxy in front of a gateway. `freeze()` stops forwarding in both directions
 * without closing anything (a zombie peer); new connections are accepted but stay frozen too.
 * It counts connections and WebSocket upgrade requests that pass through.
 */
export class TcpProxy {
  readonly port: number
  connections = 0
  wsUpgrades = 0
  private frozen = false
  private readonly pairs = new Set<{
    client: Socket
    upstream: Socket
    flush: () => void
    ws: boolean
  }>()

  private constructor(
    private readonly server: Server,
    private readonly targetPort: number
  ) {
    this.port = (server.address() as AddressInfo).port
  }

  /** Starts a proxy on a free port forwarding to 127.0.0.1:targetPort. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const proxy = new TcpProxy(server, targetPort)
    server.on('connection', (client) => proxy.accept(client))
    return proxy
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Stop forwarding (both directions); sockets stay open and silent. */
  freeze(): void {
    this.frozen = true
  }

  /** Resume forwarding, including whatever was held back. */
  unfreeze(): void {
    this.frozen = false
    for (const pair of this.pairs) pair.flush()
  }

  /** Open client connections through the proxy. */
  get openConnections(): number {
    return this.pairs.size
  }

  /** Open connections that began with a WebSocket upgrade request. */
  get openWsConnections(): number {
    return [...this.pairs].filter((p) => p.ws).length
  }

  /** Destroys every connection and stops listening. */
  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy()
      pair.upstream.destroy()
    }
    this.pairs.clear()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(client: Socket): void {
    this.connections++
    const upstream = new Socket()
    const toUpstream: Buffer[] = []
    const toClient: Buffer[] = []
    let sniffed = false
    const flush = (): void => {
      for (const chunk of toUpstream.splice(0)) upstream.write(chunk)
      for (const chunk of toClient.splice(0)) client.write(chunk)
    }
    const pair = { client, upstream, flush, ws: false }
    this.pairs.add(pair)
    const drop = (): void => {
      client.destroy()
      upstream.destroy()
      this.pairs.delete(pair)
    }
    client.on('data', (chunk: Buffer) => {
      if (!sniffed) {
        sniffed = true
        if (/^GET [^ ]*\/api\/v1\/ws[ ?]/.test(chunk.toString('latin1', 0, 200))) {
          this.wsUpgrades++
          pair.ws = true
        }
      }
      if (this.frozen || upstream.connecting) toUpstream.push(chunk)
      else upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (this.frozen) toClient.push(chunk)
      else client.write(chunk)
    })
    upstream.on('connect', () => {
      if (!this.frozen) flush()
    })
    client.on('error', drop)
    upstream.on('error', drop)
    client.on('close', drop)
    upstream.on('close', drop)
    upstream.connect(this.targetPort, '127.0.0.1')
  }
}

/** Names of the active libuv resources (sockets, timers), for leak checks. */
export function activeResources(): string[] {
  return process.getActiveResourcesInfo()
}

/** Counts of each active resource type. */
export function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const name of activeResources()) counts[name] = (counts[name] ?? 0) + 1
  return counts
}
