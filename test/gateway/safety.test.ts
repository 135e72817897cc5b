import { request } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { nonLoopbackAddress } from '../helpers/network'
import { skipWith } from '../helpers/skip'
import type { Gateway, GatewayOptions } from '@gateway'
import { RestClient } from '@main/core/rest-client'
import { ErrorCode } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { closeAllClients, ofType, openClient, upgradeStatus, withToken } from '../helpers/ws-client'
import { startTestGateway } from '../fixtures/gateway'
import { rest } from './fixtures'

// Safe by default: what a web page could make a browser send to a gateway on this machine is
// refused (foreign Host, foreign Origin, non-JSON bodies), token-less sockets are capped, and the
// fixed dev login is off unless asked for; native clients and the monitor still get in.

interface RawAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: { error?: { code?: string; message?: string } } | undefined
}

/** One HTTP request with exactly these headers (fetch will not send a foreign Host). */
function rawHttp(
  gateway: Gateway,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: gateway.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as RawAnswer['body']) : undefined
          })
        )
      }
    )
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

/** A WebSocket upgrade request with exactly these headers; resolves with the HTTP status (101 = upgraded). */
function upgradeWith(
  gateway: Gateway,
  url: string,
  headers: Record<string, string>
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: gateway.port,
      path: url,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers
      }
    })
    req.on('upgrade', (_res, socket) => {
      socket.destroy()
      resolve(101)
    })
    req.on('response', (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

let gateway: Gateway
let token: string
const extra: Gateway[] = []

async function another(options: GatewayOptions): Promise<Gateway> {
  const g = await startTestGateway(options)
  extra.push(g)
  return g
}

beforeAll(async () => {
  gateway = await startTestGateway()
  token = await gateway.mintToken()
})
afterAll(async () => {
  await gateway.close()
})
afterEach(async () => {
  await closeAllClients()
  await Promise.all(extra.splice(0).map((g) => g.close()))
})

describe('Host header (DNS rebinding)', () => {
  it.each(['evil.example', 'evil.example:80', '127.0.0.1.nip.io', 'localhost.evil.example'])(
    'refuses REST with Host %s: 421 MISDIRECTED_REQUEST',
    async (host) => {
      const answer = await rawHttp(gateway, '/api/v1/health', { headers: { Host: host } })
      expect(answer.status).toBe(421)
      expect(answer.body?.error?.code).toBe('MISDIRECTED_REQUEST')
    }
  )

  it('refuses an authenticated REST call under a foreign name too, before routing', async () => {
    const answer = await rawHttp(gateway, '/api/v1/workflows', {
      headers: { Host: `rebound.example:${gateway.port}`, Authorization: `Bearer ${token}` }
    })
    expect(answer.status).toBe(421)
  })

  it('refuses the WebSocket upgrade with a foreign Host: 421', async () => {
    const status = await upgradeWith(gateway, `/api/v1/ws?token=${token}`, {
      Host: `evil.example:${gateway.port}`
    })
    expect(status).toBe(421)
  })

  it.each(['127.0.0.1', 'localhost', 'LOCALHOST', '127.0.0.2', '[::1]'])(
    'accepts the loopback name %s (with and without the port)',
    async (name) => {
      for (const host of [name, `${name}:${gateway.port}`]) {
        expect((await rawHttp(gateway, '/api/v1/health', { headers: { Host: host } })).status).toBe(
          200
        )
      }
      const status = await upgradeWith(gateway, `/api/v1/ws?token=${token}`, {
        Host: `${name}:${gateway.port}`
      })
      expect(status).toBe(101)
    }
  )

  const lan = nonLoopbackAddress()
  it('bound to a non-loopback address, also accepts that address and still refuses others', async (context) => {
    if (lan === undefined) return skipWith(context, 'this machine has no non-loopback IPv4 address')
    const exposed = await another({ host: lan })
    const call = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { host: lan, port: exposed.port, path: '/api/v1/health', headers: { Host: host } },
          (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          }
        )
        req.on('error', reject)
        req.end()
      })
    expect(await call(`${lan}:${exposed.port}`)).toBe(200)
    expect(await call(`evil.example:${exposed.port}`)).toBe(421)
  })
})

describe('Origin on the WebSocket upgrade (cross-site sockets)', () => {
  it.each([
    'http://evil.example',
    'https://evil.example',
    'null',
    'http://127.0.0.1:1',
    'https://127.0.0.1:PORT',
    'file://'
  ])('refuses Origin %s with 403', async (origin) => {
    const status = await upgradeWith(gateway, `/api/v1/ws?token=${token}`, {
      Host: `127.0.0.1:${gateway.port}`,
      Origin: origin.replace('PORT', String(gateway.port))
    })
    expect(status).toBe(403)
  })

  it('refuses a foreign Origin even without a token (before anything else)', async () => {
    const status = await upgradeWith(gateway, '/api/v1/ws', {
      Host: `127.0.0.1:${gateway.port}`,
      Origin: 'http://evil.example'
    })
    expect(status).toBe(403)
  })

  it.each(['http://127.0.0.1:PORT', 'http://localhost:PORT'])(
    "accepts the gateway's own origin %s",
    async (origin) => {
      const status = await upgradeWith(gateway, `/api/v1/ws?token=${token}`, {
        Host: `127.0.0.1:${gateway.port}`,
        Origin: origin.replace('PORT', String(gateway.port))
      })
      expect(status).toBe(101)
    }
  )
})

describe('native clients still get in', () => {
  it('a plain ws client (no Origin, Host 127.0.0.1:PORT) connects and is served', async () => {
    const client = await openClient(withToken(gateway.wsUrl, token))
    await client.next(ofType('authenticated'))
    await client.barrier()
  })

  it("the monitor's own REST client lists workflows", async () => {
    const client = new RestClient(`${gateway.url}/api/v1`, () => token)
    const workflows = await client.listWorkflows()
    expect(workflows.map((w) => w.id)).toContain('wf_order_processing')
  })
})

describe('request bodies are JSON only', () => {
  const workflow = JSON.stringify({ name: 'Posted by a web page' })
  const count = () => gateway.engine.listWorkflows().length

  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['JSON in another charset', 'application/json; charset=latin1'],
    ['no Content-Type at all', undefined]
  ])(
    'refuses a body sent as %s with 415 UNSUPPORTED_MEDIA_TYPE, creating nothing',
    async (_n, type) => {
      const before = count()
      const answer = await rawHttp(gateway, '/api/v1/workflows', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Length': String(Buffer.byteLength(workflow)),
          ...(type === undefined ? {} : { 'Content-Type': type })
        },
        body: workflow
      })
      expect(answer.status).toBe(415)
      expect(answer.body?.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE')
      expect(count()).toBe(before)
    }
  )

  it('answers 415 before reading the body (a body that never comes does not stall it)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: gateway.port,
        path: '/api/v1/workflows',
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'text/plain',
          'Content-Length': '1000'
        }
      })
      const stalled = setTimeout(() => {
        req.destroy()
        reject(new Error('no answer while the announced body was withheld'))
      }, 5000)
      req.on('response', (res) => {
        clearTimeout(stalled)
        res.resume()
        resolve(res.statusCode ?? 0)
        req.destroy()
      })
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)))
      req.flushHeaders() // headers only: the announced 1000 bytes never follow
    })
    expect(status).toBe(415)
  })

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset="UTF-8"'
  ])('accepts %s', async (type) => {
    const answer = await rest(gateway, '/workflows', {
      method: 'POST',
      token,
      headers: { 'content-type': type },
      rawBody: workflow
    })
    expect(answer.status).toBe(201)
  })

  it('needs no Content-Type when there is no body', async () => {
    const answer = await rawHttp(gateway, '/api/v1/workflows/wf_order_processing/execute', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` }
    })
    expect(answer.status).toBe(202)
  })
})

describe('sockets waiting to authenticate by message', () => {
  it('are capped (maxPendingAuth): the next one is refused with 503; ?token= sockets are not', async () => {
    const capped = await another({ maxPendingAuth: 3, authTimeoutMs: 60_000 })
    const waiting = await Promise.all([1, 2, 3].map(() => openClient(capped.wsUrl)))
    await waitUntil(() => capped.stats().awaitingAuthentication === 3, {
      what: 'three sockets awaiting authentication'
    })
    expect(await upgradeStatus(capped.wsUrl)).toBe(503)
    expect(capped.stats().pendingAuthRefusals).toBe(1)
    expect(await upgradeStatus(withToken(capped.wsUrl, await capped.mintToken()))).toBe(101)

    // One authenticates: its place frees up for a new token-less socket.
    const first = waiting[0] as (typeof waiting)[number]
    first.send({ type: 'authenticate', token: await capped.mintToken() })
    await first.next(ofType('authenticated'))
    expect(capped.stats().awaitingAuthentication).toBe(2)
    expect(await upgradeStatus(capped.wsUrl)).toBe(101)
  })

  it('default to at most 100 at once', async () => {
    // A long auth window, so no socket times out while the hundred are being opened.
    const defaults = await another({ authTimeoutMs: 60_000 })
    await Promise.all(Array.from({ length: 100 }, () => openClient(defaults.wsUrl)))
    await waitUntil(() => defaults.stats().awaitingAuthentication === 100, {
      what: '100 sockets awaiting authentication'
    })
    expect(await upgradeStatus(defaults.wsUrl)).toBe(503)
  })
})

describe('the dev login', () => {
  it('is off by default: 404 that says how to turn it on, and no token', async () => {
    const answer = await rest(gateway, '/auth/login', {
      method: 'POST',
      body: { username: 'dev', password: 'dev' }
    })
    expect(answer.status).toBe(404)
    const error = (answer.body as { error: { code: string; message: string } }).error
    expect(error.code).toBe(ErrorCode.NotFound)
    expect(error.message).toContain('--dev-login')
    expect(answer.text).not.toContain('access_token')
  })

  it('is on with devLogin: true', async () => {
    const enabled = await another({ devLogin: true })
    const answer = await rest(enabled, '/auth/login', {
      method: 'POST',
      body: { username: 'dev', password: 'dev' }
    })
    expect(answer.status).toBe(200)
  })
})
