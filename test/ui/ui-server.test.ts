import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RemoteHostRefusedError, startUiServer } from '@main/ui/ui-server'
import { BOOTSTRAP_HTML } from '@main/ui/bootstrap-page'
import {
  BROWSER_CSP_HEADER,
  ELECTRON_CSP_HEADER,
  RENDERER_CSP_META
} from '@shared/content-security-policy'
import { RENDERER_DIR, startDashboardServer } from '../fixtures/app'
import type { DashboardServer } from '../fixtures/app'
import { waitUntil } from '../helpers/wait'
import { BridgeClient, exchangeKey, rawRequest, tryUpgrade } from './support'
import type { RawResponse } from './support'

// The `ui` server as a local web server any page on the machine can reach: the documented
// status for each refusal, with no body and no data; the key exchange; and the bridge protocol
// over the WebSocket (commands validated by the same BridgeHost as Electron IPC).

const KEY = 'test-key-0123456789abcdefghijklmnopqrstuvw'

let dash: DashboardServer
let port = 0
let origin = ''
let cookie = ''
let asset = ''
const seen: RawResponse[] = []

async function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const response = await rawRequest(port, { method, path, headers })
  seen.push(response)
  return response
}

/** A refusal: the status, and nothing else (no body, no cookie). */
function expectRefusal(response: RawResponse, status: number): void {
  expect(response.status).toBe(status)
  expect(response.body).toBe('')
  expect(response.headers['set-cookie']).toBeUndefined()
}

beforeAll(async () => {
  dash = await startDashboardServer({ key: KEY })
  port = dash.server.port
  origin = dash.origin
  cookie = await exchangeKey(port, KEY)
  asset = /src="\.?(\/assets\/[^"]+\.js)"/.exec(
    readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8')
  )![1]!
})

afterAll(async () => {
  await dash?.dispose()
})

describe('refusals', () => {
  it('no key: the page is only the bootstrap page; assets, the session check and the socket are 401', async () => {
    const page = await get('/')
    expect(page.status).toBe(200)
    expect(page.body).toBe(BOOTSTRAP_HTML)
    expect(page.body).not.toContain('/assets/')
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'/)
    expectRefusal(await get(asset), 401)
    expectRefusal(await get('/index.html', {}, 'HEAD'), 401)
    expectRefusal(await get('/session'), 401)
    expectRefusal(await get('/session', { origin }, 'POST'), 401)
    expect((await tryUpgrade(port, { origin })).status).toBe(401)
    expect(dash.server.connectionCount()).toBe(0)
  })

  it('wrong key: 401, no cookie', async () => {
    expectRefusal(await get('/session', { origin, 'x-nebula-key': 'wrong' }, 'POST'), 401)
    expectRefusal(await get('/session', { origin, 'x-nebula-key': `${KEY}x` }, 'POST'), 401)
    expectRefusal(await get(asset, { cookie: 'nebula_ui_1=forged' }), 401)
    expectRefusal(await get(asset, { cookie: `${cookie.split('=')[0]}=forged-session` }), 401)
  })

  it('the right key: an HttpOnly, SameSite=Strict session cookie that opens the dashboard', async () => {
    const response = await get('/session', { origin, 'x-nebula-key': KEY }, 'POST')
    expect(response.status).toBe(204)
    const setCookie = response.headers['set-cookie']![0]!
    expect(setCookie).toMatch(
      new RegExp(`^nebula_ui_${port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/$`)
    )
    expect(setCookie).not.toContain(KEY)
    const page = await get('/', { cookie })
    expect(page.status).toBe(200)
    expect(page.body).toContain(asset)
    expect(page.headers['content-security-policy']).toBe(BROWSER_CSP_HEADER)
    expect(page.headers['x-frame-options']).toBe('DENY')
    expect((await get(asset, { cookie })).status).toBe(200)
    expect((await get('/session', { cookie })).status).toBe(204)
  })

  it('a foreign Host (DNS rebinding) is 421 for every request, with or without a session', async () => {
    for (const host of [
      'evil.example:' + port,
      `127.0.0.1:${port + 1}`,
      'localhost.evil.example',
      'evil.example'
    ]) {
      expectRefusal(await get('/', { host }), 421)
      expectRefusal(await get(asset, { host, cookie }), 421)
      expectRefusal(
        await get('/session', { host, origin: `http://${host}`, 'x-nebula-key': KEY }, 'POST'),
        421
      )
      expect((await tryUpgrade(port, { host, cookie, origin: `http://${host}` })).status).toBe(421)
    }
    // Other names of this machine are fine for a loopback server.
    expect((await get(asset, { host: `localhost:${port}`, cookie })).status).toBe(200)
  })

  it('a foreign Origin is 403: the key exchange, any request, and the WebSocket', async () => {
    for (const foreign of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null']) {
      expectRefusal(await get('/session', { origin: foreign, 'x-nebula-key': KEY }, 'POST'), 403)
      expectRefusal(await get(asset, { origin: foreign, cookie }), 403)
      expect((await tryUpgrade(port, { origin: foreign, cookie })).status).toBe(403)
    }
    // The WebSocket must say where it comes from; the exchange too.
    expect((await tryUpgrade(port, { cookie })).status).toBe(403)
    expectRefusal(await get('/session', { 'x-nebula-key': KEY }, 'POST'), 403)
  })

  it('a request another page started (Sec-Fetch-Site) is 403, even with the session cookie', async () => {
    for (const site of ['cross-site', 'same-site']) {
      expectRefusal(await get('/', { 'sec-fetch-site': site, cookie }), 403)
      expectRefusal(await get(asset, { 'sec-fetch-site': site, cookie }), 403)
    }
    // Another site may navigate a whole tab to the page, but only ever gets the bootstrap page
    // (no data), even when the browser sends the cookie along; a frame of it gets nothing.
    const navigate = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }
    for (const site of ['cross-site', 'same-site']) {
      const page = await get('/', { ...navigate, 'sec-fetch-site': site, cookie })
      expect(page.status).toBe(200)
      expect(page.body).toBe(BOOTSTRAP_HTML)
      expectRefusal(
        await get('/', { ...navigate, 'sec-fetch-dest': 'iframe', 'sec-fetch-site': site, cookie }),
        403
      )
      expectRefusal(await get(asset, { ...navigate, 'sec-fetch-site': site, cookie }), 403)
    }
    // A person opening the link (none) and the page itself (same-origin) pass.
    expect((await get('/', { 'sec-fetch-site': 'none', cookie })).status).toBe(200)
    expect((await get(asset, { 'sec-fetch-site': 'same-origin', cookie })).status).toBe(200)
  })

  it('paths outside the dashboard are 404, other methods 405', async () => {
    for (const path of [
      '/../settings.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/.hidden',
      '/assets/',
      '/assets/..%2findex.html',
      '/nope.js'
    ]) {
      expectRefusal(await get(path, { cookie }), 404)
    }
    expectRefusal(await get('/', { cookie, origin }, 'POST'), 405)
    expectRefusal(await get('/session', { cookie, origin }, 'DELETE'), 405)
  })

  it('no response so far carried the key', () => {
    expect(seen.length).toBeGreaterThan(30)
    for (const response of seen) {
      expect(response.body).not.toContain(KEY)
      expect(JSON.stringify(response.headers)).not.toContain(KEY)
    }
  })

  it('a non-loopback host needs allowRemote', async () => {
    await expect(
      startUiServer({ bridge: dash.app.host, rendererDir: RENDERER_DIR, host: '0.0.0.0' })
    ).rejects.toThrow(RemoteHostRefusedError)
  })
})

describe('the content security policy', () => {
  it("the built page's meta is RENDERER_CSP_META; only the browser header lets it connect home", () => {
    const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBe(RENDERER_CSP_META)
    expect(RENDERER_CSP_META).toContain("connect-src 'self'")
    expect(BROWSER_CSP_HEADER).toContain("connect-src 'self'")
    expect(ELECTRON_CSP_HEADER).toContain("connect-src 'none'")
    for (const header of [BROWSER_CSP_HEADER, ELECTRON_CSP_HEADER]) {
      expect(header).toContain("frame-ancestors 'none'")
      expect(header).not.toContain('unsafe')
    }
  })
})

describe('the bridge over the WebSocket', () => {
  async function connect(): Promise<BridgeClient> {
    const { status, socket } = await tryUpgrade(port, { origin, cookie })
    expect(status).toBe(101)
    return new BridgeClient(socket!)
  }

  it('carries commands and answers unchanged, validated by the bridge host', async () => {
    const client = await connect()
    const info = await client.call('getInfo')
    expect(info.result).toEqual({
      ok: true,
      value: {
        name: 'Nebula Desktop',
        version: '0.0.0-test',
        platform: process.platform,
        transport: 'browser'
      }
    })
    const bad = await client.call('executeWorkflow', { profile_id: 'local', workflow_id: '' })
    expect(bad.result).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', field: 'workflow_id' }
    })
    const unknown = await client.call('__proto__', {})
    expect(unknown.result).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', field: 'method' }
    })
    client.socket.close()
  })

  it('snapshot on connect: batches up to the snapshot are in it, later ones apply on top', async () => {
    const client = await connect()
    await waitUntil(
      async () => {
        const snap = await client.call('getSnapshot')
        return (
          snap.result.ok &&
          (snap.result.value as { profiles: Array<{ connection: { state: string } }> }).profiles[0]
            ?.connection.state === 'open'
        )
      },
      { what: 'local dev mode open' }
    )
    const engine = dash.app.localGateway().engine
    const run = engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    const snapshot = await client.call('getSnapshot')
    const seq = (snapshot.result as { value: { seq: number } }).value.seq
    // Every batch received before the answer is included in it (seq <= snapshot.seq)...
    const before = client.frames
      .slice(0, client.frames.indexOf(snapshot))
      .filter((f) => f.type === 'events')
    for (const frame of before) expect(frame.batch.seq).toBeLessThanOrEqual(seq)
    // ...and the failure arrives as an event after it.
    await waitUntil(
      () =>
        client.frames.some(
          (f) =>
            f.type === 'events' &&
            f.batch.seq > seq &&
            f.batch.events.some((e) => e.type === 'failure' && e.failure.execution_id === run.id)
        ),
      { what: 'the failure event' }
    )
    client.socket.close()
  })

  it('a frame that is not a command closes the socket with 1008; the server stays up', async () => {
    const client = await connect()
    const closed = client.closed()
    client.socket.send('{"not": "a command"')
    expect(await closed).toBe(1008)
    const again = await connect()
    expect((await again.call('getInfo')).result.ok).toBe(true)
    again.socket.close()
  })
})
