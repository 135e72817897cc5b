import type { Browser } from 'playwright'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { writeRedirectPage } from '@main/ui/open-browser'
import { startUiServer } from '@main/ui/ui-server'
import { EVENT_METHOD, InvokeChannel } from '@shared/bridge/channels'
import { RENDERER_DIR, startDashboardServer } from '../fixtures/app'
import type { DashboardServer } from '../fixtures/app'
import { skipAllIf } from '../helpers/skip'
import {
  chromiumSkipReason,
  launchChromium,
  waitForDashboard,
  waitForState
} from '../renderer/dashboard-page'

// The page side of the browser transport in Chromium: `window.nebula` has exactly the
// contract's methods (as the preload's does), and when the `ui` server goes away the page says
// so, fails calls with a typed error, and — once a server answers again on that address —
// reloads; a restarted `ui` has a new key, so the page asks for the new link.

skipAllIf(chromiumSkipReason, 'ws-bridge spec')

let browser: Browser
let dash: DashboardServer | undefined

beforeAll(async () => {
  if (!chromiumSkipReason) browser = await launchChromium()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await dash?.dispose()
})

type PageGlobals = {
  nebula: Record<string, (...args: unknown[]) => Promise<unknown>>
  document: { documentElement: { dataset: Record<string, string> }; body: { textContent: string } }
}

it('window.nebula is the contract; a lost server is announced, calls fail typed, and the page reloads when it is back', async () => {
  dash = await startDashboardServer()
  const page = await browser.newPage()
  await page.goto(dash.url)
  await waitForDashboard(page)
  const keys = await page.evaluate(() =>
    Object.keys((globalThis as unknown as PageGlobals).nebula).sort()
  )
  expect(keys).toEqual([...Object.keys(InvokeChannel), EVENT_METHOD].sort())
  expect(
    await page.evaluate(() => Object.isFrozen((globalThis as unknown as PageGlobals).nebula))
  ).toBe(true)
  expect(
    await page.evaluate(
      () => (globalThis as unknown as PageGlobals).document.documentElement.dataset.bridge
    )
  ).toBe('open')

  const { port } = dash.server
  await dash.server.close()
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).document.documentElement.dataset.bridge === 'lost'
  )
  await page.getByTestId('bridge-lost').waitFor()
  const failed = await page.evaluate(() => (globalThis as unknown as PageGlobals).nebula.getInfo!())
  expect(failed).toEqual({
    ok: false,
    error: { code: 'internal', message: 'lost the connection to nebula-desktop ui' }
  })

  // A new `ui` on the same address (a new key, so the old session is gone): the page reloads
  // by itself and shows the bootstrap page asking for the new link.
  const again = await startUiServer({ bridge: dash.app.host, rendererDir: RENDERER_DIR, port })
  try {
    await page
      .getByText('Open the link that nebula-desktop ui printed')
      .waitFor({ timeout: 15_000 })
  } finally {
    await again.close()
  }
  await page.close()
}, 60_000)

it('`ui --open` works: its private redirect page (a file) leads the browser into the dashboard', async () => {
  const server = await startDashboardServer()
  const dir = mkdtempSync(join(tmpdir(), 'nebula-open-'))
  try {
    const redirect = writeRedirectPage(server.url, dir)
    const page = await browser.newPage()
    await page.goto(pathToFileURL(redirect.path).href)
    await waitForDashboard(page)
    await waitForState(page, 'local', 'open')
    expect(page.url()).toBe(`${server.origin}/`)
    redirect.remove()
    await page.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await server.dispose()
  }
}, 60_000)
