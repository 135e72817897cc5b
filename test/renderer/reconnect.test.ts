import type { Browser, Page } from 'playwright'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { TokenVault } from '@main/core/token-vault'
import { memoryKeychain, startDashboardServer, TEST_SESSION_DEFAULTS } from '../fixtures/app'
import type { DashboardServer } from '../fixtures/app'
import { RestartableGateway, startOnPort } from '../fixtures/gateway'
import {
  chromiumSkipReason,
  patientPolls,
  launchChromium,
  openDashboard,
  profileStatus,
  rowIds,
  waitForState
} from './dashboard-page'
import type { BrowserGlobals } from './browser-globals'
import type { DashboardPage } from './dashboard-page'

// A server profile in Chromium against the real core and a real gateway that goes away: the
// status bar counts down to the next attempt and offers "Retry now"; the table comes back with
// what happened meanwhile and no row twice. A token the server stops accepting asks for a new
// one, and signing in never shows the token again.

if (chromiumSkipReason) console.warn(`renderer specs skipped: ${chromiumSkipReason}`)

/** Retries about 3 s apart (no jitter), so a person can read the countdown. */
const SLOW_RETRIES = {
  ...TEST_SESSION_DEFAULTS,
  connection: {
    ...TEST_SESSION_DEFAULTS.connection,
    backoff: { baseMs: 3_000, capMs: 3_000, maxFastAttempts: 1_000 },
    random: () => 0.999
  }
}

describe.skipIf(chromiumSkipReason !== null)('a server that goes away', () => {
  let browser: Browser
  let server: RestartableGateway | undefined
  let replacement: Gateway | undefined
  let dash: DashboardServer | undefined
  let ui: DashboardPage | undefined

  beforeAll(async () => {
    patientPolls()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })
  afterEach(async () => {
    await ui?.close()
    await dash?.dispose()
    await replacement?.close()
    await server?.dispose()
    ui = dash = server = replacement = undefined
  })

  /** A dashboard watching profile `prod` on a restartable gateway, signed in. */
  async function start(options: { beforeLoad?: (page: Page) => void } = {}) {
    server = await RestartableGateway.start({
      autoRun: false,
      actionDelayMs: [5, 20],
      failureRate: 0,
      seed: 7
    })
    const vault = new TokenVault({ backend: memoryKeychain() })
    await vault.set('prod', await server.gateway.mintToken({ sub: 'oncall@example.com' }))
    dash = await startDashboardServer({
      localDevMode: false,
      profiles: [{ id: 'prod', name: 'Production', server_url: server.gateway.url }],
      vault,
      service: { session: SLOW_RETRIES }
    })
    ui = await openDashboard(browser, dash, options)
    await waitForState(ui.page, 'prod', 'open')
    return { page: ui.page, engine: server.engine }
  }

  it('counts down to the next attempt, retries now on request, then shows each execution once', async () => {
    const { page, engine } = await start()
    await ui!.open('#/executions')
    const before = [0, 1, 2].map(() => engine.startExecution('wf_order_processing', {})!.id)
    await expect.poll(() => rowIds(page)).toHaveLength(3)

    await server!.stop()
    await waitForState(page, 'prod', 'reconnecting')
    const countdown = profileStatus(page, 'prod').getByTestId('retry-countdown')
    // A live countdown: within one attempt it ticks down by itself, between state changes.
    expect(await countdown.textContent()).toMatch(/^attempt \d+ · retry in [1-3] s$/)
    await countdown.evaluate((el) => {
      const { MutationObserver } = globalThis as unknown as BrowserGlobals
      const seen: string[] = [el.textContent ?? '']
      ;(globalThis as unknown as BrowserGlobals).__progress = seen
      new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, {
        subtree: true,
        childList: true,
        characterData: true
      })
    })
    const ticked = async () => {
      const seen = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).__progress)
      const parsed = seen.map((text) => /^attempt (\d+) · retry in (\d) s$/.exec(text))
      return parsed.some(
        (now, i) =>
          i > 0 &&
          now &&
          parsed[i - 1]?.[1] === now[1] &&
          Number(now[2]) < Number(parsed[i - 1]![2])
      )
    }
    await expect.poll(ticked, { timeout: 5_000 }).toBe(true)
    expect(await page.getByTestId('connection-label').textContent()).toBe('Reconnecting')

    // Executions go on while the server is away (the engine outlives the gateway); the core
    // catches up on failures over REST once back (completed ones are left to the history).
    const during = [0, 1].map(
      () => engine.startExecution('wf_user_onboarding', {}, { outcome: 'fail' })!.id
    )
    await server!.resume()
    await profileStatus(page, 'prod').getByTestId('retry-now').click()
    await waitForState(page, 'prod', 'open')
    await profileStatus(page, 'prod').getByTestId('retry-countdown').waitFor({ state: 'detached' })

    // Everything is there once: the executions from before and the failures during the outage.
    const expected = [...before, ...during].sort()
    await expect
      .poll(async () => (await rowIds(page)).sort(), { timeout: 10_000 })
      .toEqual(expected)
    const ids = await rowIds(page)
    expect(new Set(ids).size).toBe(ids.length)
    // And what arrives live afterwards still lands once.
    const after = engine.startExecution('wf_order_processing', {})!.id
    await expect.poll(() => rowIds(page)).toContain(after)
    const final = await rowIds(page)
    expect(final).toHaveLength(6)
    expect(new Set(final).size).toBe(6)
    // The failures from the outage are in the feed, once each.
    await ui!.open('#/overview')
    const feed = page.getByTestId('failure-item')
    await expect.poll(() => feed.count()).toBe(2)
    await ui!.expectClean()
  })

  it('asks to sign in again when the token is refused, and never shows the token', async () => {
    const received: string[] = []
    const { page, engine } = await start({
      beforeLoad: (p) =>
        p.on('websocket', (socket) =>
          socket.on('framereceived', (frame) => received.push(String(frame.payload)))
        )
    })
    // The server restarts with a new signing key: the stored token is no longer accepted.
    await server!.stop()
    replacement = await startOnPort(engine, server!.port, {
      secret: 'a-new-signing-key-for-this-server-0123456789'
    })
    await waitForState(page, 'prod', 'auth_failed')
    expect(await profileStatus(page, 'prod').getByTestId('connection-label').textContent()).toBe(
      'Sign-in needed'
    )
    await profileStatus(page, 'prod').getByTestId('sign-in-again').click()

    // The token field has the focus, masked.
    const card = page.locator('[data-testid="profile-card"][data-profile="prod"]')
    const input = card.getByTestId('token-input')
    await expect
      .poll(() =>
        input.evaluate(
          (el) => el === (globalThis as unknown as BrowserGlobals).document.activeElement
        )
      )
      .toBe(true)
    expect(await input.getAttribute('type')).toBe('password')

    // A malformed token is refused next to the field, without repeating it.
    await input.fill('not a token')
    await card.getByTestId('sign-in-submit').click()
    const error = card.getByTestId('token-error')
    await error.waitFor()
    expect(await error.textContent()).toMatch(/no spaces/)
    expect(await error.textContent()).not.toContain('not a token')
    expect(await input.getAttribute('aria-invalid')).toBe('true')

    const token = await replacement.mintToken({ sub: 'oncall@example.com' })
    await input.fill(token)
    await card.getByTestId('sign-in-submit').click()
    await waitForState(page, 'prod', 'open')
    // Signed in: the field is gone (its value cleared first); only facts about the token remain.
    await input.waitFor({ state: 'detached' })
    expect(await card.getByTestId('token-facts').textContent()).toMatch(
      /Token stored.*subject oncall@example\.com.*expires/
    )

    // The token is nowhere: not in the page, not in anything main sent, not in a log line.
    const html = await page.evaluate(
      () => (globalThis as unknown as BrowserGlobals).document.documentElement.outerHTML
    )
    expect(html).not.toContain(token)
    expect(received.length).toBeGreaterThan(0)
    expect(received.filter((frame) => frame.includes(token))).toEqual([])
    expect(dash!.app.logs.filter((line) => line.includes(token))).toEqual([])
    await ui!.expectClean()
  })
})
