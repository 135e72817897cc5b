import { describe, expect, it } from 'vitest'
import { useDashboardSpecs } from './dashboard-page'

// An execution's live logs in Chromium, from the real gateway through the real core: level
// filter, text search, a virtualized list, and a follow-tail that pauses when the person scrolls
// up and resumes on "Jump to latest".

/** "123 lines" or "4 of 123 lines" → [shown, total]. */
function parseCount(text: string | null): [number, number] {
  const numbers = (text ?? '').replace(/,/g, '').match(/\d+/g)?.map(Number) ?? []
  return numbers.length === 2 ? [numbers[0], numbers[1]] : [numbers[0] ?? 0, numbers[0] ?? 0]
}

describe('execution logs', () => {
  const specs = useDashboardSpecs('execution logs')

  it('filters by level and searches the text', async () => {
    const { ui, page, engine } = await specs.openLocal()
    const run = engine.startExecution('wf_order_processing', {}, { outcome: 'fail' })!
    await ui.open(`#/executions/local/${run.id}`)
    const rows = page.getByTestId('log-row')
    const count = page.getByTestId('log-count')
    await rows.filter({ hasText: engine.getExecution(run.id)!.error!.message }).waitFor()
    const [, total] = parseCount(await count.textContent())
    expect(total).toBe(engine.getLogs(run.id)!.length)

    // Errors only: the info (and any debug/warn) lines leave the list.
    for (const level of ['debug', 'info', 'warn']) await page.getByTestId(`level-${level}`).click()
    expect(await page.getByTestId('level-info').getAttribute('aria-pressed')).toBe('false')
    await expect.poll(async () => parseCount(await count.textContent())).toEqual([1, total])
    expect(await rows.count()).toBe(1)
    expect(await rows.first().getAttribute('class')).toContain('log-row--error')

    // Every level again, then a case-insensitive search that highlights what it found.
    for (const level of ['debug', 'info', 'warn']) await page.getByTestId(`level-${level}`).click()
    await expect.poll(async () => parseCount(await count.textContent())).toEqual([total, total])
    await page.getByTestId('log-search').fill('starting ACTION')
    const started = engine.getLogs(run.id)!.filter((l) => l.message.startsWith('Starting action'))
    await expect
      .poll(async () => parseCount(await count.textContent()))
      .toEqual([started.length, total])
    const marks = await page.locator('[data-testid="log-row"] mark').allTextContents()
    expect(marks).toEqual(started.map(() => 'Starting action'))
    // A search matching nothing says so; clearing it shows everything again.
    await page.getByTestId('log-search').fill('no such line (.*)')
    await page.getByText('No line matches the filter.').waitFor()
    await page.getByTestId('log-search').fill('')
    await expect.poll(async () => parseCount(await count.textContent())).toEqual([total, total])
    await ui.expectClean()
  })

  it('follows new lines, pauses when scrolled up, resumes on "Jump to latest"; rows are virtualized', async () => {
    // 90 actions of 50-90 ms: about 185 lines arriving over several seconds.
    const { ui, page, engine } = await specs.openLocal({
      server: { gateway: { actionDelayMs: [50, 90] } }
    })
    const workflow = engine.createWorkflow({
      name: 'Long Import',
      actions: Array.from({ length: 90 }, (_, i) => `Import batch ${i + 1}`)
    })
    const run = engine.startExecution(workflow.id, {}, { outcome: 'succeed' })!
    await ui.open(`#/executions/local/${run.id}`)

    const scroller = page.getByTestId('log-scroll')
    const count = page.getByTestId('log-count')
    const lineCount = async () => parseCount(await count.textContent())[1]
    await expect.poll(lineCount, { timeout: 15_000 }).toBeGreaterThan(40)
    expect(await scroller.getAttribute('data-following')).toBe('true')
    const metrics = () =>
      scroller.evaluate((el) => ({
        top: el.scrollTop,
        gap: el.scrollHeight - el.scrollTop - el.clientHeight
      }))
    // Following: the newest line stays in view as lines arrive.
    await expect.poll(async () => (await metrics()).gap).toBeLessThan(21)

    // The person scrolls up: following pauses and the view stays where they put it.
    await scroller.hover()
    await page.mouse.wheel(0, -400)
    await expect.poll(() => scroller.getAttribute('data-following')).toBe('false')
    await page.getByTestId('jump-to-latest').waitFor()
    const paused = await metrics()
    const linesWhenPaused = await lineCount()
    await expect.poll(lineCount, { timeout: 15_000 }).toBeGreaterThan(linesWhenPaused + 15)
    expect((await metrics()).top).toBe(paused.top)
    expect(await page.getByTestId('follow-state').textContent()).toMatch(/Paused · \d+ new lines/)

    // "Jump to latest" goes to the end and follows again.
    await page.getByTestId('jump-to-latest').click()
    expect(await scroller.getAttribute('data-following')).toBe('true')
    await expect.poll(async () => (await metrics()).gap).toBeLessThan(21)
    await page
      .locator('[data-testid="log-row"]')
      .filter({ hasText: 'Execution completed in' })
      .waitFor({ timeout: 20_000 })
    expect((await metrics()).gap).toBeLessThan(21)

    // Only the rows in view (plus a margin) are in the DOM.
    const total = await lineCount()
    expect(total).toBe(engine.getLogs(run.id)!.length)
    const rendered = await page.getByTestId('log-row').count()
    expect(rendered).toBeGreaterThan(10)
    expect(rendered).toBeLessThan(total / 2)
    await ui.expectClean()
  })
})
