import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright'
import type { Browser, BrowserContext, Locator, Page } from 'playwright'
import { expect, vi } from 'vitest'
import type { DashboardServer } from '../fixtures/app'
import type { BrowserGlobals } from './browser-globals'

// The built dashboard in Debian's Chromium, behind the real browser transport (`startUiServer`
// over a real app service and core against the real gateway; see test/fixtures/app.ts). Every
// page records page errors, console errors and CSP violations, and each spec ends by checking
// that there were none.

export const CHROMIUM = '/usr/bin/chromium'

/** Why the Chromium specs cannot run here, or null. Printed by each spec file that skips. */
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

/** The ids of the execution rows in the table, in order. */
export function rowIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="execution-row"]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-execution-id') ?? ''))
}
