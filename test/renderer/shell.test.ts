import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RENDERER_CSP_META } from '@main/electron/content-security-policy'
import type { AppInfo, NebulaBridge, SessionState } from '@shared/bridge'
import { skipAllIf } from '../helpers/skip'

// The built renderer (out/renderer, from `npm run build`) in Debian's Chromium, with a fake
// `window.nebula` standing in for the preload, and without one as in a plain browser.

const CHROMIUM = '/usr/bin/chromium'
const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url))
const skipReason = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is not installed (Debian package "chromium"), so the renderer cannot be shown`

const APP_INFO: AppInfo = { name: 'Nebula Desktop', version: '9.8.7', platform: 'linux' }
const SERVER_URL = 'http://127.0.0.1:8000'

/** The page-side handle the fake bridge leaves on `globalThis.__fakeBridge`. */
interface FakeBridgeHandle {
  emit(state: SessionState): void
  listenerCount(): number
}

/**
 * Runs inside the page before its scripts: defines `window.nebula` with the contract's shape.
 * Serialized by Playwright, so it must not close over anything.
 */
function installFakeBridge(info: AppInfo): void {
  const listeners = new Set<(state: SessionState) => void>()
  const bridge: NebulaBridge = {
    getAppInfo: () => Promise.resolve(info),
    onSessionState(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    }
  }
  const handle: FakeBridgeHandle = {
    emit: (state) => listeners.forEach((listener) => listener(state)),
    listenerCount: () => listeners.size
  }
  Object.assign(globalThis, { nebula: bridge, __fakeBridge: handle })
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml'
}

/** Serves `root` on a free loopback port (no favicon, so no 404 noise in the console). */
async function serveDirectory(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    if (pathname === '/favicon.ico') return void response.writeHead(204).end()
    const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname))
    if (!file.startsWith(root) || !existsSync(file)) return void response.writeHead(404).end()
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream'
    })
    response.end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }
}

describe('renderer shell in Chromium', () => {
  skipAllIf(skipReason, 'renderer shell tests')
  let server: Server | undefined
  let baseUrl = ''
  let browser: Browser | undefined

  beforeAll(async () => {
    if (skipReason) return
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
      throw new Error('out/renderer/index.html is missing: run `npm run build` first')
    }
    ;({ server, url: baseUrl } = await serveDirectory(RENDERER_DIR))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run'
      ]
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
  })

  /** Opens the shell and collects every page error and console error for the test to check. */
  async function openShell(withBridge: boolean): Promise<{ page: Page; problems: string[] }> {
    const page = await browser!.newPage({ viewport: { width: 1180, height: 760 } })
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.push(`console ${message.type()}: ${message.text()}`)
      }
    })
    if (withBridge) await page.addInitScript(installFakeBridge, APP_INFO)
    await page.goto(baseUrl)
    await page.locator('header').waitFor()
    return { page, problems }
  }

  const emit = (page: Page, state: SessionState) =>
    page.evaluate(
      (s) => (globalThis as unknown as { __fakeBridge: FakeBridgeHandle }).__fakeBridge.emit(s),
      state
    )
  const badge = (page: Page) => page.getByTestId('connection-badge')
  const waitForBadge = (page: Page, text: string | RegExp) =>
    badge(page).filter({ hasText: text }).waitFor({ timeout: 10_000 })

  it('shows the header, the version from app:get-info and the session state', async () => {
    const { page, problems } = await openShell(true)
    try {
      expect(await page.title()).toBe('Nebula Desktop')
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Nebula Desktop')
      await page.getByTestId('app-version').filter({ hasText: 'v9.8.7' }).waitFor()
      expect(await badge(page).getAttribute('data-state')).toBe('waiting')
      expect(await badge(page).innerText()).toBe('Not connected')

      await emit(page, { state: 'open', server_url: SERVER_URL })
      await waitForBadge(page, 'Connected')
      expect(await badge(page).getAttribute('data-state')).toBe('open')
      expect(await page.getByTestId('status-server').innerText()).toBe(SERVER_URL)
      expect(await page.getByTestId('bridge-unavailable').count()).toBe(0)
      expect(problems).toEqual([])
    } finally {
      await page.close()
    }
  })

  it('names every connection state and counts down a retry', async () => {
    const { page, problems } = await openShell(true)
    try {
      const labels: Array<[SessionState['state'], string]> = [
        ['connecting', 'Connecting'],
        ['syncing', 'Catching up'],
        ['open', 'Connected'],
        ['offline', 'Offline'],
        ['auth_failed', 'Sign-in failed'],
        ['closed', 'Disconnected']
      ]
      for (const [state, label] of labels) {
        await emit(page, { state, server_url: SERVER_URL })
        await page.locator(`[data-testid="connection-badge"][data-state="${state}"]`).waitFor()
        expect(await badge(page).innerText()).toBe(label)
      }

      await emit(page, {
        state: 'reconnecting',
        attempt: 3,
        retry_in_ms: 2500,
        reason: 'heartbeat timeout',
        code: 1006,
        server_url: SERVER_URL
      })
      await waitForBadge(page, /^Reconnecting, attempt 3 · retry in [123] s$/)
      expect(await page.getByTestId('status-reason').innerText()).toBe('heartbeat timeout')
      // A monitor that could not start has no server URL; the panel says why instead.
      await emit(page, { state: 'closed', reason: 'could not start the monitor: bad URL' })
      await page.locator('[data-testid="connection-badge"][data-state="closed"]').waitFor()
      expect(await page.getByTestId('status-server').innerText()).toBe('—')
      expect(await page.getByTestId('status-reason').innerText()).toMatch(/could not start/)
      await emit(page, {
        state: 'reconnecting',
        attempt: 3,
        retry_in_ms: 2500,
        server_url: SERVER_URL
      })
      // The countdown ticks on its own and ends in "retrying now" (no new event needed).
      await waitForBadge(page, /^Reconnecting, attempt 3 · retrying now$/)
      expect(problems).toEqual([])
    } finally {
      await page.close()
    }
  })

  it('shows "bridge unavailable" instead of crashing when window.nebula is missing', async () => {
    const { page, problems } = await openShell(false)
    try {
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Nebula Desktop')
      expect(await badge(page).innerText()).toBe('Bridge unavailable')
      expect(await badge(page).getAttribute('data-state')).toBe('bridge_unavailable')
      const notice = page.getByTestId('bridge-unavailable')
      expect(await notice.innerText()).toMatch(/running outside Nebula Desktop/)
      expect(await page.getByTestId('app-version').count()).toBe(0)
      expect(problems).toEqual([])
    } finally {
      await page.close()
    }
  })

  it('ships the renderer CSP, and the page can open no network connection', async () => {
    const { page, problems } = await openShell(true)
    try {
      const meta = page.locator('meta[http-equiv="Content-Security-Policy"]')
      expect(await meta.getAttribute('content')).toBe(RENDERER_CSP_META)
      const outcome = await page.evaluate(async () => {
        // The violation event is queued as a task of its own: wait for it, not for a while.
        const violation = new Promise<string>((resolve) =>
          (globalThis as unknown as EventTarget).addEventListener(
            'securitypolicyviolation',
            (e) => resolve((e as Event & { effectiveDirective: string }).effectiveDirective),
            { once: true }
          )
        )
        const fetched = await fetch('/index.html').then(
          () => 'fetched',
          () => 'blocked'
        )
        return { fetched, directives: [await violation] }
      })
      expect(outcome).toEqual({ fetched: 'blocked', directives: ['connect-src'] })
      // Chromium logs the refusal (twice); nothing else may show up.
      expect(problems.length).toBeGreaterThan(0)
      for (const problem of problems) {
        expect(problem).toMatch(/Content Security Policy/)
      }
    } finally {
      await page.close()
    }
  })

  it('subscribes to session:state exactly once per page load', async () => {
    const { page } = await openShell(true)
    try {
      const listenerCount = () =>
        page.evaluate(() =>
          (globalThis as unknown as { __fakeBridge: FakeBridgeHandle }).__fakeBridge.listenerCount()
        )
      expect(await listenerCount()).toBe(1)
      // StrictMode renders twice; the store, not an effect, owns the subscription. Same on reload.
      await page.reload()
      await page.locator('header').waitFor()
      expect(await listenerCount()).toBe(1)
    } finally {
      await page.close()
    }
  })
})
