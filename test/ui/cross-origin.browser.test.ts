import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Response } from 'playwright'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startDashboardServer } from '../fixtures/app'
import type { DashboardServer } from '../fixtures/app'
import { skipAllIf } from '../helpers/skip'
import { waitUntil } from '../helpers/wait'
import { chromiumSkipReason, launchChromium, waitForDashboard } from '../renderer/dashboard-page'

// Another page on this machine — here a second origin the test serves on another loopback port,
// which is "same-site" for the browser, so it even gets the dashboard's SameSite=Strict cookie —
// tries everything a page can against the `ui` server: read an asset, exchange the key (which it
// somehow knows), open the bridge WebSocket, frame the dashboard. In real Chromium, with a
// signed-in dashboard open in the same browser. Every request gets 403 and no data.

const KEY = 'cross-origin-test-key-0123456789abcdefghij'

skipAllIf(chromiumSkipReason, 'ui cross-origin spec')

let dash: DashboardServer
let browser: Browser
let evil: Server
let evilOrigin = ''

function attackerPage(target: string, asset: string): string {
  const wsTarget = target.replace('http:', 'ws:')
  return `<!doctype html><html><body><iframe id="frame" src="${target}/"></iframe><script>
  window.results = {}
  const note = (k, v) => { window.results[k] = v }
  ;(async () => {
    try { const r = await fetch('${target}${asset}', { credentials: 'include' }); note('fetch', r.status + ':' + (await r.text()).length) } catch (e) { note('fetch', 'blocked') }
    try { const r = await fetch('${target}${asset}', { credentials: 'include', mode: 'no-cors' }); note('noCors', r.type) } catch (e) { note('noCors', 'blocked') }
    try { const r = await fetch('${target}/session', { method: 'POST', credentials: 'include', headers: { 'x-nebula-key': '${KEY}' } }); note('exchange', r.status) } catch (e) { note('exchange', 'blocked') }
    const ws = new WebSocket('${wsTarget}/bridge')
    ws.onopen = () => note('ws', 'open')
    ws.onclose = (e) => note('ws', 'closed:' + e.code)
  })()
  </script></body></html>`
}

beforeAll(async () => {
  if (chromiumSkipReason) return
  dash = await startDashboardServer({ key: KEY })
  browser = await launchChromium()
  evil = createServer((req, res) => {
    const asset = new URL(req.url ?? '/', 'http://x').searchParams.get('asset') ?? '/'
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(attackerPage(dash.origin, asset))
  })
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
  evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => evil?.close(resolve))
  await dash?.dispose()
})

it('a page of another origin gets 403 and no data for every request, even with the session cookie in the browser', async () => {
  const context = await browser.newContext()
  // A signed-in dashboard in the same browser: the session cookie exists.
  const dashboard = await context.newPage()
  await dashboard.goto(dash.url)
  await waitForDashboard(dashboard)
  const cookies = await context.cookies(dash.origin)
  expect(cookies.map((c) => [c.httpOnly, c.sameSite])).toEqual([[true, 'Strict']])
  const asset = await dashboard.evaluate(() =>
    (
      globalThis as unknown as {
        document: { querySelector(s: string): { getAttribute(n: string): string } }
      }
    ).document
      .querySelector('script[type="module"]')
      .getAttribute('src')
      .replace(/^\./, '')
  )
  const socketsBefore = dash.server.connectionCount()

  const attacker = await context.newPage()
  const toDashboard: Response[] = []
  attacker.on('response', (response) => {
    if (response.url().startsWith(dash.origin)) toDashboard.push(response)
  })
  await attacker.goto(`${evilOrigin}/?asset=${encodeURIComponent(asset)}`)
  await waitUntil(
    async () => {
      const results =
        (await attacker.evaluate(
          () => (globalThis as unknown as { results: Record<string, unknown> }).results
        )) ?? {}
      return ['fetch', 'noCors', 'exchange', 'ws'].every((k) => k in results)
    },
    { timeoutMs: 10_000, what: 'the attacker page to try everything' }
  )
  const results = await attacker.evaluate(
    () => (globalThis as unknown as { results: Record<string, unknown> }).results
  )
  // Nothing readable, no key exchange, no socket.
  expect(results.fetch).toBe('blocked')
  // Even an opaque (no-cors) read fails: Cross-Origin-Resource-Policy: same-origin.
  expect(results.noCors).toBe('blocked')
  expect(results.exchange).toBe('blocked')
  expect(results.ws).toBe('closed:1006')
  expect(dash.server.connectionCount()).toBe(socketsBefore)
  // What the server answered each of them (the frame, the fetches, the preflight of the key
  // exchange, the WebSocket): 403, and nothing else reached the dashboard's origin.
  const refusals = () => dash.app.logs.filter((line) => line.startsWith('[ui] refused'))
  await waitUntil(() => refusals().length >= 5, { what: 'the refusals to be logged' })
  expect(refusals().every((line) => / with 403 \(another page\)$/.test(line))).toBe(true)
  expect(
    refusals()
      .map((line) => line.split(' ').slice(2, 4).join(' '))
      .sort()
  ).toEqual(['GET /', `GET ${asset}`, `GET ${asset}`, 'GET /bridge', 'OPTIONS /session'].sort())
  // (That a refusal has no body is checked byte for byte in ui-server.test.ts.)
  for (const response of toDashboard) expect(response.status()).toBe(403)
  await context.close()
})
