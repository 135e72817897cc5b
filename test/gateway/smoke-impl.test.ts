import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { GATEWAY_VERSION, createEngine, startGateway } from '@gateway'
import type { Engine, Gateway } from '@gateway'
import { runGatewayCli } from '@main/cli/gateway'
import { OutboundQueue } from '@gateway/outbound-queue'
import { RateLimiter } from '@gateway/rate-limiter'
import { ManualClock } from '../fixtures/gateway'
import {
  ApiErrorBodySchema,
  HealthSchema,
  WorkflowListSchema,
  decodeServerFrame
} from '@shared/protocol'
import type { ServerMessage } from '@shared/protocol'

// The gateway implementer's checks of what the other gateway suites do not cover: REST edge
// cases (405, 413, 429, 500, clamping), token refresh over WS, the CLI's port-in-use and
// non-loopback paths in-process, and the pure send-queue and rate-limit helpers.

const SECRET = 'smoke-impl-secret-0123456789abcdefghijkl'

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

interface Call {
  status: number
  headers: Headers
  body: unknown
}

async function call(
  base: string,
  path: string,
  init: {
    method?: string
    token?: string
    body?: unknown
    raw?: string
    headers?: Record<string, string>
  } = {}
): Promise<Call> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.token) headers.authorization = `Bearer ${init.token}`
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body))
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${base}/api/v1${path}`, { method: init.method ?? 'GET', headers, body })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined
  }
}

function expectError(res: Call, status: number, code: string): void {
  expect(res.status).toBe(status)
  const parsed = ApiErrorBodySchema.parse(res.body)
  expect(parsed.error.code).toBe(code)
  expect(parsed.error.request_id).toBe(res.headers.get('x-request-id'))
}

describe('REST details', () => {
  let gateway: Gateway
  let token: string

  beforeAll(async () => {
    gateway = await startGateway({ port: 0, autoRun: false, secret: SECRET })
    token = await gateway.mintToken()
  })
  afterAll(() => gateway.close())

  it('reports the package version on /health', async () => {
    const res = await call(gateway.url, '/health')
    expect(HealthSchema.parse(res.body)).toMatchObject({ status: 'ok', version: GATEWAY_VERSION })
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      version: string
    }
    expect(GATEWAY_VERSION).toBe(pkg.version)
  })

  it('clamps limit to 100 and says so in pagination', async () => {
    const res = await call(gateway.url, '/workflows?limit=5000', { token })
    expect(WorkflowListSchema.parse(res.body).pagination.limit).toBe(100)
  })

  it('answers a wrong method with 405 and Allow', async () => {
    const res = await call(gateway.url, '/health', { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET')
  })

  it('refuses a body over 1 MiB with 413 and keeps serving', async () => {
    const res = await call(gateway.url, '/workflows', {
      method: 'POST',
      token,
      raw: `{"name":"${'x'.repeat(1024 * 1024 + 10)}"}`
    })
    expectError(res, 413, 'VALIDATION_ERROR')
    expect((await call(gateway.url, '/health')).status).toBe(200)
  })

  it('refuses an execution input over 64 KiB with 422', async () => {
    const res = await call(gateway.url, '/workflows/wf_nightly_etl/execute', {
      method: 'POST',
      token,
      body: { input: 'x'.repeat(70_000) }
    })
    expectError(res, 422, 'VALIDATION_ERROR')
    expect(gateway.engine.listExecutions()).toEqual([])
  })
})

describe('REST limits and failures', () => {
  const gateways: Gateway[] = []
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()))
  })

  it('answers 429 with Retry-After beyond the per-user REST limit', async () => {
    const g = await startGateway({
      port: 0,
      autoRun: false,
      restRateLimit: { maxMessages: 3, windowMs: 60_000 }
    })
    gateways.push(g)
    const token = await g.mintToken({ sub: 'busy' })
    for (let i = 0; i < 3; i++)
      expect((await call(g.url, '/workflows', { token })).status).toBe(200)
    const limited = await call(g.url, '/workflows', { token })
    expectError(limited, 429, 'RATE_LIMIT_EXCEEDED')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(
      (await call(g.url, '/workflows', { token: await g.mintToken({ sub: 'calm' }) })).status
    ).toBe(200)
  })

  it('turns an unexpected throw into 500 INTERNAL_ERROR and keeps serving', async () => {
    const real = createEngine({ autoRun: false })
    const broken: Engine = Object.create(real) as Engine
    broken.listWorkflows = () => {
      throw new Error('disk on fire')
    }
    const lines: string[] = []
    const g = await startGateway({ port: 0, engine: broken, log: (l) => lines.push(l) })
    gateways.push(g)
    const token = await g.mintToken()
    expectError(await call(g.url, '/workflows', { token }), 500, 'INTERNAL_ERROR')
    expect(lines.some((l) => l.includes('disk on fire'))).toBe(true)
    expect(lines.join('\n')).not.toContain(token)
    expect((await call(g.url, '/health')).status).toBe(200)
    real.dispose()
  })
})

describe('WS token refresh', () => {
  it('a new token for the same user extends the session; another user is refused but the session stays', async () => {
    const clock = new ManualClock()
    const g = await startGateway({ port: 0, autoRun: false, secret: SECRET, clock })
    try {
      const ws = new WebSocket(
        `${g.wsUrl}?token=${await g.mintToken({ sub: 'u1', expiresInSeconds: 60 })}`
      )
      const got: ServerMessage[] = []
      let closeCode = 0
      ws.on('message', (d) => got.push(...decodeServerFrame(String(d)).messages))
      ws.on('close', (code) => (closeCode = code))
      await until(() => got.some((m) => m.type === 'authenticated'), 'authenticated')
      ws.send(
        JSON.stringify({
          type: 'authenticate',
          token: await g.mintToken({ sub: 'u1' }),
          request_id: 'r1'
        })
      )
      await until(() => got.some((m) => m.request_id === 'r1'), 'refresh answer')
      expect(got.find((m) => m.request_id === 'r1')?.type).toBe('authenticated')
      ws.send(
        JSON.stringify({
          type: 'authenticate',
          token: await g.mintToken({ sub: 'u2' }),
          request_id: 'r2'
        })
      )
      await until(() => got.some((m) => m.request_id === 'r2'), 'refusal')
      expect(got.find((m) => m.request_id === 'r2')).toMatchObject({
        type: 'error',
        code: 'UNAUTHORIZED'
      })
      // Past the first token's expiry, the refreshed session is still open.
      clock.advance(120_000)
      ws.send(JSON.stringify({ type: 'ping', request_id: 'alive' }))
      await until(() => got.some((m) => m.request_id === 'alive'), 'pong')
      expect(closeCode).toBe(0)
      ws.close()
    } finally {
      await g.close()
    }
  })
})

describe('CLI in-process', () => {
  function capture(): { text: () => string; write: (s: string) => boolean } {
    let out = ''
    return { text: () => out, write: (s: string) => ((out += s), true) }
  }

  it('--help prints usage and exits 0', async () => {
    const stdout = capture()
    expect(await runGatewayCli(['--help'], { stdout, stderr: capture() })).toBe(0)
    expect(stdout.text()).toContain('--failure-rate')
    expect(stdout.text()).toContain('--dialect D')
    expect(stdout.text()).toContain('--dev-login')
  })

  it('warns when binding beyond loopback and fails with 1 when the port is taken', async () => {
    const g = await startGateway({ port: 0, autoRun: false })
    try {
      const stderr = capture()
      expect(await runGatewayCli(['--port', String(g.port)], { stdout: capture(), stderr })).toBe(1)
      expect(stderr.text()).toContain('address already in use')
      const warn = capture()
      const stop = new AbortController()
      stop.abort()
      expect(
        await runGatewayCli(['--host', '0.0.0.0', '--port', '0'], {
          stdout: capture(),
          stderr: warn,
          stop: stop.signal
        })
      ).toBe(0)
      expect(warn.text()).toContain('warning: binding to 0.0.0.0')
    } finally {
      await g.close()
    }
  })
})

describe('OutboundQueue (pure)', () => {
  function fakeSink(): { bufferedAmount: number; sent: string[]; send(frame: Buffer): void } {
    return {
      bufferedAmount: 0,
      sent: [] as string[],
      send(frame: Buffer) {
        this.sent.push(frame.toString())
      }
    }
  }
  const b = (s: string): Buffer => Buffer.from(s)
  const limits = {
    maxBufferedBytes: 100,
    maxPendingLogs: 2,
    maxPending: 5,
    maxPendingBytes: 1000,
    flushIntervalMs: 5
  }
  /** A queue over `sink` that counts what it drops. */
  function countingQueue(sink: ReturnType<typeof fakeSink>) {
    const dropped = { updates: 0, logs: 0, overflow: 0 }
    const q = new OutboundQueue(sink, limits, {
      onDroppedUpdate: () => dropped.updates++,
      onDroppedLog: () => dropped.logs++,
      onOverflow: () => dropped.overflow++
    })
    return { q, dropped }
  }

  it('passes through while the socket keeps up, then coalesces, caps logs, and flushes in order', async () => {
    const sink = fakeSink()
    const { q, dropped } = countingQueue(sink)
    q.push(b('a'), { kind: 'control' })
    expect(sink.sent).toEqual(['a'])
    sink.bufferedAmount = 1000
    q.push(b('u1-v1'), { kind: 'update', key: 'e1' })
    q.push(b('log1'), { kind: 'log' })
    q.push(b('u1-v2'), { kind: 'update', key: 'e1' })
    q.push(b('log2'), { kind: 'log' })
    q.push(b('log3'), { kind: 'log' })
    q.push(b('ctl'), { kind: 'control' })
    expect(dropped).toEqual({ updates: 1, logs: 1, overflow: 0 })
    expect(q.size).toBe(4)
    sink.bufferedAmount = 0
    await until(() => q.size === 0, 'flush')
    expect(sink.sent).toEqual(['a', 'u1-v2', 'log2', 'log3', 'ctl'])
    q.dispose()
  })

  it('gives up on a consumer whose pending bytes pass the cap', () => {
    const sink = fakeSink()
    sink.bufferedAmount = 1000
    const { q, dropped } = countingQueue(sink)
    q.push(b('x'.repeat(600)), { kind: 'control' })
    expect(q.bytes).toBe(600)
    q.push(b('y'.repeat(600)), { kind: 'update', key: 'e1' })
    expect(dropped.overflow).toBe(1)
    expect(q.bytes).toBe(0)
    q.dispose()
  })

  it('gives up on a hopeless consumer instead of growing', () => {
    const sink = fakeSink()
    sink.bufferedAmount = 1000
    const { q, dropped } = countingQueue(sink)
    for (let i = 0; i < 6; i++) q.push(b(`u${i}`), { kind: 'update', key: `e${i}` })
    expect(dropped.overflow).toBe(1)
    expect(q.size).toBe(0)
    q.dispose()
  })
})

describe('RateLimiter (pure)', () => {
  it('allows maxMessages per sliding window per key', () => {
    let now = 0
    const limiter = new RateLimiter({ maxMessages: 2, windowMs: 1000 }, () => now)
    expect([limiter.tryConsume('a'), limiter.tryConsume('a'), limiter.tryConsume('a')]).toEqual([
      true,
      true,
      false
    ])
    expect(limiter.tryConsume('b')).toBe(true)
    expect(limiter.retryAfterMs('a')).toBe(1000)
    now = 1001
    expect(limiter.tryConsume('a')).toBe(true)
  })
})
