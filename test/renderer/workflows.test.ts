import { describe, expect, it } from 'vitest'
import { useDashboardSpecs } from './dashboard-page'

// The workflows view in Chromium against the real core and gateway: workflows created, changed
// and deleted on the server show up live (`workflow_event`), and "Run again" starts the same
// input again.

describe('workflows', () => {
  const specs = useDashboardSpecs('workflows')

  it('shows workflows created, changed and deleted on the server as it happens', async () => {
    const { ui, page, engine } = await specs.openLocal()
    await ui.open('#/workflows')
    const rows = page.getByTestId('workflow-row')
    await expect.poll(() => rows.count()).toBe(4)

    const created = engine.createWorkflow({ name: 'Invoice Export', actions: ['Collect', 'Send'] })
    const row = page.locator(`[data-testid="workflow-row"][data-workflow-id="${created.id}"]`)
    await row.waitFor()
    expect(await row.getByTestId('workflow-version').textContent()).toBe('v1')

    engine.updateWorkflow(created.id, { name: 'Invoice Export (EU)' })
    await expect.poll(() => row.getByTestId('workflow-version').textContent()).toBe('v2')
    expect(await row.textContent()).toContain('Invoice Export (EU)')

    engine.deleteWorkflow(created.id)
    await row.waitFor({ state: 'detached' })
    expect(await rows.count()).toBe(4)
    await ui.expectClean()
  })

  it('"Run again" starts the same workflow with the same input and opens it', async () => {
    const { ui, page, engine } = await specs.openLocal()
    const input = { order_id: 'ord_5', items: [{ sku: 'SKU-1', qty: 2 }] }
    const first = engine.startExecution('wf_order_processing', input, { outcome: 'fail' })!
    await ui.open(`#/executions/local/${first.id}`)
    await page.locator('[data-testid="execution-detail"][data-status="failed"]').waitFor()
    await page.getByTestId('run-again').click()
    await expect.poll(() => page.getByTestId('detail-id').textContent()).not.toBe(first.id)
    const again = (await page.getByTestId('detail-id').textContent())!
    expect(engine.getExecution(again)?.input).toEqual(input)
    expect(engine.getExecution(again)?.workflow_id).toBe('wf_order_processing')
    await ui.expectClean()
  })
})
