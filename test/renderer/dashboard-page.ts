import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright'
import type { Browser, BrowserContext, Locator, Page } from 'playwright'
import type { Gateway } from '@gateway'
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest'
import { startDashboardServer, TEST_SESSION_DEFAULTS } from '../fixtures/app'
import type { DashboardServer } from '../fixtures/app'
import { skipAllIf } from '../helpers/skip'
import type { BrowserGlobals } from './browser-globals'

// The built dashboard in Debian's Chromium, behind the real browser transport (`startUiServer`
// over a real app service and core against the real gateway; see test/fixtures/app.ts). Every
// page records page errors, console errors and CSP violations, and each spec ends by checking
// that there were none.

export const CHROMIUM = '/usr/bin/chromium'

/** Why the Chromium specs cannot run here, or null (see useDashboardSpecs). */
export const chromiumSkipReason: string | null = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is not installed (Debian package "chromium"), so the dashboard cannot be shown`

/** Where the specs write screenshots (gitignored). */
export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../test-results/screenshots/', import.meta.url)
)

/**
 * `expect.poll` waits up to 10 s in these specs (default 1 s): everything polled is pushed by the
 * real core within milliseconds, but the whole suite shares two cores with Chromium.
 */
export function patientPolls(): void {
  vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 50 } } })
}

/** Launches Debian's Chromium the way every renderer spec does. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run'
    ]
  })
}

export interface DashboardPage {
  context: BrowserContext
  page: Page
  /** Page errors and console errors/warnings, in order. */
  problems: string[]
  /** Opens a view by its fragment (`#/executions`), as a person following a link would. */
  open(fragment: string): Promise<void>
  /** CSP violations the page reported (`securitypolicyviolation`). */
  cspViolations(): Promise<string[]>
  /** Fails the test if anything went wrong in the page. */
  expectClean(): Promise<void>
  close(): Promise<void>
}

export interface OpenOptions {
  colorScheme?: 'dark' | 'light'
  viewport?: { width: number; height: number }
  /** Runs before the first navigation (e.g. to watch the page's WebSocket from the start). */
  beforeLoad?: (page: Page) => void
}

/** Opens the dashboard of `dash` in a fresh browser context (its own session cookie). */
export async function openDashboard(
  browser: Browser,
  dash: DashboardServer,
  options: OpenOptions = {}
): Promise<DashboardPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1360, height: 860 },
    colorScheme: options.colorScheme ?? 'dark',
    reducedMotion: 'reduce'
  })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`)
    }
  })
  await page.addInitScript(() => {
    const page = globalThis as unknown as BrowserGlobals
    const seen: string[] = []
    page.__cspViolations = seen
    page.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.effectiveDirective} ${event.blockedURI}`)
    })
  })
  options.beforeLoad?.(page)
  await page.goto(dash.url)
  await waitForDashboard(page)
  const dashboard: DashboardPage = {
    context,
    page,
    problems,
    async open(fragment) {
      await page.evaluate((hash) => {
        ;(globalThis as unknown as BrowserGlobals).location.hash = hash
      }, fragment)
      await page.waitForFunction(
        (hash) => (globalThis as unknown as BrowserGlobals).location.hash === hash,
        fragment
      )
    },
    cspViolations: () =>
      page.evaluate(() => (globalThis as unknown as BrowserGlobals).__cspViolations),
    async expectClean() {
      expect(await dashboard.cspViolations()).toEqual([])
      expect(problems).toEqual([])
    },
    close: () => context.close()
  }
  return dashboard
}

/** Waits until the dashboard has its snapshot (the status bar lists profiles, nothing loads). */
export async function waitForDashboard(page: Page): Promise<void> {
  await page.locator('main[data-view]').waitFor()
  await page.getByTestId('loading').waitFor({ state: 'detached' })
}

/** The status bar entry of one profile. */
export function profileStatus(page: Page, profileId: string): Locator {
  return page.locator(`[data-testid="profile-status"][data-profile="${profileId}"]`)
}

/** Waits until a profile's connection reads `state` (e.g. `open`). */
export async function waitForState(page: Page, profileId: string, state: string): Promise<void> {
  await page
    .locator(`[data-testid="profile-status"][data-profile="${profileId}"][data-state="${state}"]`)
    .waitFor({ timeout: 20_000 })
}

/** Saves a screenshot of the page as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) })
}

/** Session defaults that retry every `ms` (no jitter), so a person can read the countdown. */
export function retriesEvery(ms: number): typeof TEST_SESSION_DEFAULTS {
  return {
    ...TEST_SESSION_DEFAULTS,
    connection: {
      ...TEST_SESSION_DEFAULTS.connection,
      backoff: { baseMs: ms, capMs: ms, maxFastAttempts: 1_000 },
      random: () => 0.999
    }
  }
}

/** What a recording reads: an element's attribute, or its text when no attribute is named. */
export interface Probe {
  selector: string
  attribute?: string
}

/**
 * Starts recording what `probes` read (joined by `separator`; '' for a missing element) at once
 * and on every change of the page, leaving out a reading equal to the one before. Resolves to a
 * function that returns the readings so far.
 */
export async function recordReadings(
  page: Page,
  probes: Probe[],
  separator: string
): Promise<() => Promise<string[]>> {
  await page.evaluate(
    ({ probes, separator }) => {
      const { document, MutationObserver } = globalThis as unknown as BrowserGlobals
      const seen: string[] = []
      ;(globalThis as unknown as BrowserGlobals).__progress = seen
      const record = () => {
        const entry = probes
          .map(({ selector, attribute }) => {
            const element = document.querySelector(selector)
            return (attribute ? element?.getAttribute(attribute) : element?.textContent) ?? ''
          })
          .join(separator)
        if (seen[seen.length - 1] !== entry) seen.push(entry)
      }
      record()
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true
      })
    },
    { probes, separator }
  )
  return () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).__progress)
}

/** The ids of the execution rows in the table, in order. */
export function rowIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="execution-row"]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-execution-id') ?? ''))
}

/** The options of startDashboardServer (test/fixtures/app.ts). */
export type DashboardServerOptions = NonNullable<Parameters<typeof startDashboardServer>[0]>

export interface SpecOpenOptions extends OpenOptions {
  /** Starts a dashboard server with these options (default `{}`), disposed after the test. */
  server?: DashboardServerOptions
  /** Opens this dashboard server instead, which the caller owns (only the page is closed). */
  on?: DashboardServer
  /** Waits until this profile's connection is open (e.g. `local`) before returning. */
  connected?: string
}

export interface OpenedDashboard {
  dash: DashboardServer
  ui: DashboardPage
  page: Page
  /** Closes the page and disposes the server it started (also done after the test; once). */
  close(): Promise<void>
}

export interface LocalDashboard extends OpenedDashboard {
  /** The engine of the local dev mode gateway. */
  engine: Gateway['engine']
}

export interface DashboardSpecs {
  /** The Chromium of this describe (launched in its beforeAll). */
  readonly browser: Browser
  /** Starts a dashboard server (or takes `on`) and opens it in a fresh page, cleaned up after the test. */
  open(options?: SpecOpenOptions): Promise<OpenedDashboard>
  /** `open` in local dev mode (server options merged over it), once `local` is connected. */
  openLocal(options?: SpecOpenOptions): Promise<LocalDashboard>
  /** Runs `step` after the current test; steps run last registered first. */
  afterThisTest(step: () => unknown): void
  /** vitest's beforeAll, not run when the specs are skipped. */
  beforeAll(step: () => Promise<void>, timeoutMs?: number): void
}

/**
 * Registers what every renderer spec needs in the enclosing describe: the skip (with its printed
 * and recorded reason) when Chromium is missing, patient polls, one Chromium for the describe,
 * and after each test the pages and dashboard servers it opened, closed last opened first.
 */
export function useDashboardSpecs(what: string): DashboardSpecs {
  skipAllIf(chromiumSkipReason, what)
  let browser: Browser | undefined
  let cleanup: Array<() => unknown> = []
  beforeAll(async () => {
    if (chromiumSkipReason) return
    patientPolls()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })
  afterEach(async () => {
    const steps = cleanup.reverse()
    cleanup = []
    for (const step of steps) await step()
  })
  const launched = (): Browser => {
    if (!browser) throw new Error('Chromium did not start (see the beforeAll error)')
    return browser
  }
  const open = async (options: SpecOpenOptions = {}): Promise<OpenedDashboard> => {
    const { server, on, connected, ...pageOptions } = options
    const dash = on ?? (await startDashboardServer(server))
    const disposeDash = once(() => (on ? undefined : dash.dispose()))
    cleanup.push(disposeDash)
    const ui = await openDashboard(launched(), dash, pageOptions)
    const closePage = once(() => ui.close())
    cleanup.push(closePage)
    if (connected) await waitForState(ui.page, connected, 'open')
    return {
      dash,
      ui,
      page: ui.page,
      async close() {
        await closePage()
        await disposeDash()
      }
    }
  }
  return {
    get browser() {
      return launched()
    },
    open,
    async openLocal(options = {}) {
      const server = { localDevMode: true, ...options.server }
      const opened = await open({ ...options, server, connected: 'local' })
      return { ...opened, engine: opened.dash.app.localGateway().engine }
    },
    afterThisTest: (step) => void cleanup.push(step),
    beforeAll: (step, timeoutMs) =>
      beforeAll(async () => {
        if (!chromiumSkipReason) await step()
      }, timeoutMs)
  }
}

/** `step`, run at most once (later calls get the first call's promise). */
function once(step: () => unknown): () => Promise<void> {
  let done: Promise<void> | undefined
  return () =>
    (done ??= Promise.resolve()
      .then(step)
      .then(() => undefined))
}
