import { describe, expect, it } from 'vitest'
import { useDashboardSpecs } from './dashboard-page'
import type { BrowserGlobals } from './browser-globals'

// The failure feed in Chromium against the real core and gateway: a failed execution appears,
// newest first and marked new; one click opens its detail with the failed action's error; a
// tray or notification click (`show_execution`) opens the execution it names.

describe('the failure feed', () => {
  const specs = useDashboardSpecs('the failure feed')

  it('shows a failure as it happens; clicking it opens the failed action and marks it seen', async () => {
    const { ui, page, engine } = await specs.openLocal()
    await page.getByText('No failures').waitFor()

    const first = engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    const feed = page.getByTestId('failure-item')
    await feed.first().waitFor()
    const second = engine.startExecution(
      'wf_order_processing',
      { order_id: 'ord_9' },
      { outcome: 'fail' }
    )!
    await expect.poll(() => feed.count()).toBe(2)
    const failed = engine.getExecution(second.id)!
    const error = failed.error!

    // Newest first, both new, with the failed action and its message.
    const newest = feed.first()
    expect(await newest.getAttribute('data-seen')).toBe('false')
    expect(await newest.textContent()).toContain('Order Processing')
    expect(await newest.textContent()).toContain(`${error.action_name}: ${error.message}`)
    expect(await page.getByTestId('nav-unseen').textContent()).toMatch(/^2/)
    expect(await page.getByTestId('count-failed').textContent()).toContain('2')
    // The window title counts them too (its count changes at most once a second).
    await expect.poll(() => page.title(), { timeout: 5000 }).toBe('(2) Overview · Nebula Desktop')

    await newest.getByRole('link').click()
    const detail = page.getByTestId('execution-detail')
    await detail.waitFor()
    await expect.poll(() => page.title()).toMatch(/^\(\d\) Execution · Nebula Desktop$/)
    expect(await detail.getAttribute('data-status')).toBe('failed')
    expect(await page.getByTestId('detail-id').textContent()).toBe(second.id)
    expect(await page.getByTestId('detail-error').textContent()).toContain(error.message)
    const failedAction = page.locator('[data-testid="action-item"][data-status="failed"]')
    await failedAction.waitFor()
    expect(await failedAction.textContent()).toContain(error.action_name)
    expect(await failedAction.getByTestId('action-error').textContent()).toContain(error.message)
    // The actions before it completed.
    const completed = (failed.actions_executed ?? []).filter((a) => a.status === 'completed').length
    expect(await page.locator('[data-testid="action-item"][data-status="completed"]').count()).toBe(
      completed
    )

    // Back on the overview the opened failure is seen, the other still new.
    await page.goBack()
    await page.getByTestId('failure-feed').waitFor()
    await expect.poll(() => feed.first().getAttribute('data-seen')).toBe('true')
    expect(await feed.nth(1).getAttribute('data-seen')).toBe('false')
    expect(await feed.nth(1).textContent()).toContain('Nightly ETL')
    await page.getByTestId('mark-all-seen').click()
    await expect.poll(() => feed.nth(1).getAttribute('data-seen')).toBe('true')
    await page.getByTestId('nav-unseen').waitFor({ state: 'detached' })
    await expect.poll(() => page.title(), { timeout: 5000 }).toBe('Overview · Nebula Desktop')
    expect(first.id).not.toBe(second.id)
    await ui.expectClean()
  })

  it('opens the execution a tray or notification click names', async () => {
    const { dash, ui, page, engine } = await specs.openLocal()
    const run = engine.startExecution('wf_user_onboarding', {}, { outcome: 'succeed' })!
    await ui.open('#/settings')
    dash.app.service.showExecution('local', run.id)
    await page.getByTestId('execution-detail').waitFor()
    expect(await page.getByTestId('detail-id').textContent()).toBe(run.id)
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).location.hash)).toBe(
      `#/executions/local/${run.id}`
    )
    await ui.expectClean()
  })
})
