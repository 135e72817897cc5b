import type { Page } from 'playwright'
import { describe, expect, it } from 'vitest'
import type { BrowserGlobals } from './browser-globals'
import { useDashboardSpecs } from './dashboard-page'

// Every view reached and used with the keyboard alone, in Chromium against the real core and
// gateway; every control that takes the focus on the way shows it.

/** What the focused element is, and whether its focus ring can be seen. */
function focused(page: Page) {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals
    const el = document.activeElement as {
      tagName: string
      textContent: string | null
      getAttribute(name: string): string | null
      matches(selector: string): boolean
    } | null
    if (!el) return null
    const style = (
      globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }
    ).getComputedStyle(el)
    return {
      tag: el.tagName.toLowerCase(),
      testId: el.getAttribute('data-testid'),
      text: (el.textContent ?? '').trim().slice(0, 60),
      ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      heading: el.matches('[data-view-heading]')
    }
  })
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max`
 * presses. Every element passed on the way must show its focus ring.
 */
async function tabTo(page: Page, selector: string, options: { back?: boolean; max?: number } = {}) {
  const key = options.back ? 'Shift+Tab' : 'Tab'
  const passed: string[] = []
  for (let i = 0; i < (options.max ?? 60); i++) {
    await page.keyboard.press(key)
    const now = await focused(page)
    const hit = await page.evaluate(
      (s) =>
        (
          (globalThis as unknown as BrowserGlobals).document.activeElement as {
            matches(s: string): boolean
          } | null
        )?.matches(s) ?? false,
      selector
    )
    // The view heading takes the focus from script after navigation (not a control: no ring).
    if (now && !now.ring && !now.heading) {
      throw new Error(`no visible focus on ${JSON.stringify(now)}`)
    }
    if (hit) return
    passed.push(`${now?.tag}:${now?.testId ?? now?.text}`)
  }
  throw new Error(`never reached ${selector}; passed ${passed.join(', ')}`)
}

describe('keyboard-only use', () => {
  const specs = useDashboardSpecs('keyboard-only use')

  /** A dashboard with one failed and one completed execution. */
  async function start() {
    const { ui, page, engine } = await specs.openLocal()
    const failed = engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    engine.startExecution('wf_user_onboarding', {}, { outcome: 'succeed' })
    await page.getByTestId('failure-item').waitFor()
    return { ui, page, failed }
  }

  it('works the overview, an execution and the table with the keyboard alone', async () => {
    const { ui, page, failed } = await start()

    // The first Tab offers the skip link; it takes the focus to the view's heading.
    await page.keyboard.press('Tab')
    expect(await focused(page)).toMatchObject({ text: 'Skip to content', ring: true })
    await page.keyboard.press('Enter')
    expect(await focused(page)).toMatchObject({ heading: true, text: 'Overview' })

    // Overview: the failure feed's link opens the failed execution.
    await tabTo(page, '[data-testid="failure-item"] a')
    await page.keyboard.press('Enter')
    await page.getByTestId('execution-detail').waitFor()
    expect(await page.getByTestId('detail-id').textContent()).toBe(failed.id)
    await expect.poll(async () => (await focused(page))?.heading).toBe(true)

    // Detail: a level filter toggles with Space, the log list takes the focus and scrolls.
    await page.getByTestId('log-row').first().waitFor()
    await tabTo(page, '[data-testid="level-info"]')
    await page.keyboard.press('Space')
    expect(await page.getByTestId('level-info').getAttribute('aria-pressed')).toBe('false')
    await page.keyboard.press('Space')
    await tabTo(page, '[data-testid="log-scroll"]')

    // Back to the executions through the nav (Shift+Tab), then filter and open a row.
    await tabTo(page, '[data-testid="nav-executions"]', { back: true })
    await page.keyboard.press('Enter')
    await page.getByTestId('executions-table').waitFor()
    await expect.poll(async () => (await focused(page))?.text).toBe('Executions')
    await tabTo(page, '[data-testid="filter-status"]')
    await page.keyboard.type('Failed')
    await expect.poll(() => page.getByTestId('execution-row').count()).toBe(1)
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).location.hash)).toBe(
      '#/executions?status=failed'
    )
    await tabTo(page, '[data-testid="execution-row"] a')
    await page.keyboard.press('Enter')
    await page.getByTestId('execution-detail').waitFor()
    // The breadcrumb leads back to the table.
    await tabTo(page, '.crumbs a', { back: true })
    await page.keyboard.press('Enter')
    await page.getByTestId('executions-table').waitFor()
    await expect.poll(async () => (await focused(page))?.text).toBe('Executions')
    await ui.expectClean()
  })

  it('works the workflows and the settings with the keyboard alone', async () => {
    const { ui, page } = await start()
    // Workflows: Run opens the editor with the focus in it; Escape closes; Ctrl+Enter runs.
    await tabTo(page, '[data-testid="nav-workflows"]')
    await page.keyboard.press('Enter')
    await page.getByTestId('workflows-table').waitFor()
    await expect.poll(async () => (await focused(page))?.text).toBe('Workflows')
    await tabTo(page, '[data-testid="workflow-row"][data-workflow-id="wf_partner_sync"] button')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await focused(page))?.testId).toBe('run-input')
    await page.keyboard.press('Escape')
    await page.getByTestId('run-dialog').waitFor({ state: 'detached' })
    await tabTo(page, '[data-testid="workflow-row"][data-workflow-id="wf_partner_sync"] button', {
      back: true
    })
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await focused(page))?.testId).toBe('run-input')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('{ "partner": "acme" }')
    await page.keyboard.press('Control+Enter')
    await page.getByTestId('execution-detail').waitFor()
    expect(await page.locator('h1').textContent()).toBe('Partner Sync')
    await expect.poll(async () => (await focused(page))?.heading).toBe(true)

    // Settings: pause notifications and flip a setting with the keyboard.
    await tabTo(page, '[data-testid="nav-settings"]', { back: true })
    await page.keyboard.press('Enter')
    await page.getByTestId('notification-settings').waitFor()
    await expect.poll(async () => (await focused(page))?.text).toBe('Settings')
    await tabTo(page, '[data-testid="pause-1h"]')
    await page.keyboard.press('Enter')
    await page.getByTestId('resume-notifications').waitFor()
    await tabTo(page, '[data-testid="close-to-tray"]')
    await page.keyboard.press('Space')
    await expect.poll(() => page.getByTestId('close-to-tray').isChecked()).toBe(false)
    await tabTo(page, '[data-testid="add-profile"]', { back: true })
    await page.keyboard.press('Enter')
    expect((await focused(page))?.testId).toBe('profile-name')
    await ui.expectClean()
  }, 90_000)
})
