import type { Page } from 'playwright'
import { describe, expect, it } from 'vitest'
import { TokenVault } from '@main/core/token-vault'
import { memoryKeychain } from '../fixtures/app'
import { RestartableGateway, startOnPort } from '../fixtures/gateway'
import {
  profileStatus,
  retriesEvery,
  rowIds,
  useDashboardSpecs,
  waitForState
} from './dashboard-page'
import type { BrowserGlobals } from './browser-globals'

// A server profile in Chromium against the real core and a real gateway that goes away: the
// status bar counts down to the next attempt and offers "Retry now"; the table comes back with
// what happened meanwhile and no row twice. A token the server stops accepting asks for a new
// one, and signing in never shows the token again.

describe('a server that goes away', () => {
  const specs = useDashboardSpecs('a server that goes away')

  /** A dashboard watching profile `prod` on a restartable gateway, signed in. */
  async function start(options: { beforeLoad?: (page: Page) => void } = {}) {
    const server = await RestartableGateway.start({
      autoRun: false,
      actionDelayMs: [5, 20],
      failureRate: 0,
      seed: 7
    })
    specs.afterThisTest(() => server.dispose())
    const vault = new TokenVault({ backend: memoryKeychain() })
    await vault.set('prod', await server.gateway.mintToken({ sub: 'oncall@example.com' }))
    const { dash, ui, page } = await specs.open({
      ...options,
      server: {
        localDevMode: false,
        profiles: [{ id: 'prod', name: 'Production', server_url: server.gateway.url }],
        vault,
        // Retries about 3 s apart, so a person can read the countdown.
        service: { session: retriesEvery(3_000) }
      },
      connected: 'prod'
    })
    return { server, dash, ui, page, engine: server.engine }
  }

  it('counts down to the next attempt, retries now on request, then shows each execution once', async () => {
    const { server, ui, page, engine } = await start()
    await ui.open('#/executions')
    const before = [0, 1, 2].map(() => engine.startExecution('wf_order_processing', {})!.id)
    await expect.poll(() => rowIds(page)).toHaveLength(3)

    await server.stop()
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
    await server.resume()
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
    await ui.open('#/overview')
    const feed = page.getByTestId('failure-item')
    await expect.poll(() => feed.count()).toBe(2)
    await ui.expectClean()
  })

  it('asks to sign in again when the token is refused, and never shows the token', async () => {
    const received: string[] = []
    const { server, dash, ui, page, engine } = await start({
      beforeLoad: (p) =>
        p.on('websocket', (socket) =>
          socket.on('framereceived', (frame) => received.push(String(frame.payload)))
        )
    })
    // The server restarts with a new signing key: the stored token is no longer accepted.
    await server.stop()
    const replacement = await startOnPort(engine, server.port, {
      secret: 'a-new-signing-key-for-this-server-0123456789'
    })
    specs.afterThisTest(() => replacement.close())
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
    expect(dash.app.logs.filter((line) => line.includes(token))).toEqual([])
    await ui.expectClean()
  })
})
