import type { WebSocket as PageSocket } from 'playwright'
import { describe, expect, it } from 'vitest'
import { recordReadings, useDashboardSpecs, waitForState } from './dashboard-page'
import type { DashboardPage } from './dashboard-page'

// Running a workflow from the dashboard, in Chromium, against the real core and gateway: the
// JSON editor refuses what is not JSON before anything is sent, and the new execution's
// progress and logs arrive live.

describe('running a workflow from the dashboard', () => {
  const specs = useDashboardSpecs('running a workflow from the dashboard')

  /** Every command the page sends over its bridge socket, by method name. */
  function recordCommands(page: DashboardPage['page']): string[] {
    const methods: string[] = []
    const watch = (socket: PageSocket) =>
      socket.on('framesent', (frame) => {
        const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString()
        methods.push((JSON.parse(text) as { method: string }).method)
      })
    page.on('websocket', watch)
    return methods
  }

  it('rejects input that is not JSON next to the editor and sends nothing', async () => {
    const { ui, page, engine } = await specs.openLocal()
    const before = engine.listExecutions().length
    // The socket already exists; record what is sent from now on by reloading into it.
    const sent = recordCommands(page)
    await page.reload()
    await waitForState(page, 'local', 'open')

    await ui.open('#/workflows')
    await page
      .locator('[data-testid="workflow-row"][data-workflow-id="wf_order_processing"]')
      .getByTestId('run-workflow')
      .click()
    const editor = page.getByTestId('run-input')
    await editor.fill('{\n  "order_id": "ord_42",\n}')
    await page.getByTestId('run-submit').click()

    const error = page.getByTestId('run-input-error')
    await expect.poll(() => error.textContent()).toMatch(/Not valid JSON at line 3, column 1/)
    expect(await editor.getAttribute('aria-invalid')).toBe('true')
    expect(await editor.getAttribute('aria-describedby')).toBe(await error.getAttribute('id'))
    expect(await page.getByTestId('run-dialog').isVisible()).toBe(true)
    // Ctrl+Enter is refused the same way.
    await editor.press('Control+Enter')
    expect(await page.getByTestId('run-dialog').isVisible()).toBe(true)
    expect(sent).not.toContain('executeWorkflow')
    expect(engine.listExecutions()).toHaveLength(before)

    // Once it is JSON, the error goes away as it is typed and the run goes through.
    await editor.fill('{ "order_id": "ord_42" }')
    await error.waitFor({ state: 'detached' })
    await page.getByTestId('run-submit').click()
    await page.getByTestId('execution-detail').waitFor()
    expect(sent.filter((m) => m === 'executeWorkflow')).toHaveLength(1)
    expect(engine.listExecutions()).toHaveLength(before + 1)
    await ui.expectClean()
  })

  it('shows the new execution with live progress and its logs', async () => {
    // Slow enough actions that a person (and this test) sees the execution move.
    const { ui, page, engine } = await specs.openLocal({
      server: { gateway: { actionDelayMs: [500, 700] } }
    })
    await ui.open('#/workflows')
    await page
      .locator('[data-testid="workflow-row"][data-workflow-id="wf_order_processing"]')
      .getByTestId('run-workflow')
      .click()
    await page.getByTestId('run-input').fill('{ "order_id": "ord_77", "priority": "high" }')
    await page.getByTestId('run-submit').click()

    const detail = page.getByTestId('execution-detail')
    await detail.waitFor()
    // Record every status and progress text the detail shows, as it changes.
    const progress = await recordReadings(
      page,
      [
        { selector: '[data-testid="execution-detail"]', attribute: 'data-status' },
        { selector: '[data-testid="detail-progress"]' }
      ],
      ' '
    )
    const id = (await page.getByTestId('detail-id').textContent())?.trim() ?? ''
    expect(engine.getExecution(id)?.input).toEqual({ order_id: 'ord_77', priority: 'high' })
    expect(await page.getByTestId('detail-input').textContent()).toContain('"ord_77"')

    await page
      .locator('[data-testid="execution-detail"][data-status="completed"]')
      .waitFor({ timeout: 20_000 })
    const seen = await progress()
    // It was seen running part-way through, then complete.
    expect(seen.some((s) => /^running Action [1-3] of 4 · \d+%$/.test(s))).toBe(true)
    expect(seen[seen.length - 1]).toBe('completed Action 4 of 4 · 100%')
    expect(await page.locator('[data-testid="action-item"][data-status="completed"]').count()).toBe(
      4
    )

    // Its logs, live: every action started, and the execution completed.
    const rows = page.getByTestId('log-row')
    await rows.filter({ hasText: 'Execution completed in' }).waitFor()
    for (const action of ['Validate Order', 'Check Inventory', 'Process Payment', 'Ship Order']) {
      expect(await rows.filter({ hasText: `Starting action '${action}'` }).count()).toBe(1)
    }
    expect(await ui.page.getByTestId('log-scroll').getAttribute('data-following')).toBe('true')
    await ui.expectClean()
  })
})
