import { describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { TokenVault } from '@main/core/token-vault'
import { memoryKeychain } from '../fixtures/app'
import { CORE_GATEWAY_DEFAULTS, startTestGateway } from '../fixtures/gateway'
import { rowIds, useDashboardSpecs } from './dashboard-page'
import type { DashboardSpecs, OpenedDashboard } from './dashboard-page'
import type { Page } from 'playwright'
import type { BrowserGlobals } from './browser-globals'

// The executions table in Chromium against the real core and gateway: filters and id search,
// older history paged from the server's REST API, and cancelling a running execution.

/** Waits until the engine has no execution still running. */
async function settled(gateway: Gateway): Promise<void> {
  const done = ['completed', 'failed', 'timed_out', 'cancelled']
  for (let i = 0; i < 400; i++) {
    if (gateway.engine.listExecutions().every((e) => done.includes(e.status))) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('executions did not finish')
}

/** Scrolls the page's scroller (`<main>`) to its top or bottom. */
async function scrollMain(page: Page, to: 'top' | 'bottom'): Promise<void> {
  await page.evaluate((end) => {
    const { document } = globalThis as unknown as {
      document: { querySelector(s: string): { scrollTop: number; scrollHeight: number } }
    }
    const main = document.querySelector('main')
    main.scrollTop = end === 'top' ? 0 : main.scrollHeight
  }, to)
}

/**
 * Where the table's "Workflow" heading is, relative to the top of `<main>`'s viewport (px), and
 * whether it is what shows at its own centre (not covered by the rows scrolling under it).
 */
async function headingPlace(page: Page): Promise<{ offset: number; onTop: boolean }> {
  return page.evaluate(() => {
    interface Box {
      top: number
      left: number
      width: number
      height: number
    }
    interface Node {
      getBoundingClientRect(): Box
      contains(other: unknown): boolean
    }
    const { document } = globalThis as unknown as {
      document: {
        querySelector(s: string): Node
        querySelectorAll(s: string): Node[]
        elementFromPoint(x: number, y: number): unknown
      }
    }
    const heading = [...document.querySelectorAll('[data-testid=executions-table] th')][1]!
    const box = heading.getBoundingClientRect()
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
    return {
      offset: box.top - document.querySelector('main').getBoundingClientRect().top,
      onTop: heading.contains(hit)
    }
  })
}

/**
 * A server holding `count` finished executions (workflow by index), and the dashboard signed in
 * to it as its only profile, on the executions table.
 */
async function openWithHistory(
  specs: DashboardSpecs,
  count: number,
  workflowOf: (index: number) => string
): Promise<{ server: Gateway } & OpenedDashboard> {
  const server = await startTestGateway(CORE_GATEWAY_DEFAULTS)
  specs.afterThisTest(() => server.close())
  for (let i = 0; i < count; i++)
    server.engine.startExecution(workflowOf(i), { i }, { outcome: 'succeed' })
  await settled(server)
  const vault = new TokenVault({ backend: memoryKeychain() })
  await vault.set('prod', await server.mintToken({ sub: 'oncall@example.com' }))
  const opened = await specs.open({
    server: {
      localDevMode: false,
      profiles: [{ id: 'prod', name: 'Production', server_url: server.url }],
      vault
    },
    connected: 'prod'
  })
  await opened.ui.open('#/executions')
  return { server, ...opened }
}

describe('the executions table', () => {
  const specs = useDashboardSpecs('the executions table')

  it('filters by status and workflow, searches by id, and pages older history from the server', async () => {
    // 60 executions that finished before the app started: the server's history.
    const { server, ui, page } = await openWithHistory(specs, 60, (i) =>
      i % 3 ? 'wf_order_processing' : 'wf_nightly_etl'
    )

    // Live: three new ones.
    const engine = server.engine
    const failed = engine.startExecution('wf_user_onboarding', {}, { outcome: 'fail' })!
    const done = engine.startExecution('wf_order_processing', {}, { outcome: 'succeed' })!
    const etl = engine.startExecution('wf_nightly_etl', {}, { outcome: 'succeed' })!
    await settled(server)
    // Going live read the newest 50 from the server; the three live ones come on top. (The
    // table holds more than it renders at once: its row count, with the header row, says how
    // many; see use-row-window.ts.)
    const table = page.getByTestId('executions-table')
    await expect.poll(() => table.getAttribute('aria-rowcount')).toBe('54')

    // Older history, 50 at a time: a page holding only what is already shown is skipped, so
    // one click brings the 10 oldest.
    const older = page.getByTestId('load-older')
    await older.click()
    await expect.poll(() => table.getAttribute('aria-rowcount')).toBe('64')
    await page.getByText('No older executions on the server.').waitFor()
    // The button is at the bottom; the newest rows are at the top.
    await scrollMain(page, 'top')
    await expect
      .poll(() => page.getByTestId('execution-row').first().getAttribute('aria-rowindex'))
      .toBe('2')
    const top = await rowIds(page)
    expect(new Set(top).size).toBe(top.length)
    expect(top.slice(0, 3).sort()).toEqual([failed.id, done.id, etl.id].sort())

    // Filters: status, then workflow; the URL keeps them.
    await page.getByTestId('filter-status').selectOption('failed')
    await expect.poll(() => rowIds(page)).toEqual([failed.id])
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).location.hash)).toBe(
      '#/executions?status=failed'
    )
    await page.getByTestId('filter-status').selectOption('')
    await page.getByTestId('filter-workflow').selectOption('wf_nightly_etl')
    const etlRows = engine.listExecutions({ workflowId: 'wf_nightly_etl' }).map((e) => e.id)
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(etlRows.sort())

    // Search by (part of) an id.
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await page.getByTestId('filter-query').fill(done.id.slice(-6).toUpperCase())
    await expect.poll(() => rowIds(page)).toEqual([done.id])
    await page.getByTestId('filter-query').fill('no-such-execution')
    await page.getByTestId('executions-empty').waitFor()
    await ui.expectClean()
  })

  it('renders a long table as a window of rows and shows the rest as it scrolls', async () => {
    // 140 finished executions: going live reads 50, "Load older" the rest, all past the 40 rows
    // a table renders in full (use-row-window.ts). The row count (with the header row) says how
    // many the table holds.
    const { ui, page } = await openWithHistory(specs, 140, () => 'wf_order_processing')
    const table = page.getByTestId('executions-table')
    await expect.poll(() => table.getAttribute('aria-rowcount')).toBe('51')
    // Older history 50 a page (the first page, all shown already, is skipped): 100 rows, then all
    // 140. Each click waits for its page, so no click races the button's removal at the end.
    await page.getByTestId('load-older').click()
    await expect.poll(() => table.getAttribute('aria-rowcount')).toBe('101')
    await page.getByTestId('load-older').click()
    await page.getByText('No older executions on the server.').waitFor()
    await expect.poll(() => table.getAttribute('aria-rowcount')).toBe('141')

    // Only the rows near the viewport are in the DOM, newest first, numbered for screen readers.
    const rows = page.getByTestId('execution-row')
    await scrollMain(page, 'top')
    await expect.poll(() => rows.first().getAttribute('aria-rowindex')).toBe('2')
    const top = await rowIds(page)
    expect(top.length).toBeGreaterThan(10)
    expect(top.length).toBeLessThan(60)

    // Scrolled to the bottom: the last rows are rendered, the first ones no longer are.
    await scrollMain(page, 'bottom')
    await expect.poll(() => rows.last().getAttribute('aria-rowindex')).toBe('141')
    const bottom = await rowIds(page)
    expect(bottom.length).toBeLessThan(60)
    expect(bottom).not.toContain(top[0])
    expect(new Set([...top, ...bottom]).size).toBe(top.length + bottom.length)
    // The column headings stay at the top of the scroller, above the rows passing under them.
    expect(await headingPlace(page)).toEqual({ offset: 0, onTop: true })
    await ui.expectClean()
  })

  it('cancels a running execution', async () => {
    const { ui, page, engine } = await specs.openLocal({
      server: { gateway: { actionDelayMs: [2_000, 2_500] } }
    })
    const run = engine.startExecution('wf_nightly_etl', {}, { outcome: 'succeed' })!
    await ui.open(`#/executions/local/${run.id}`)
    await page.locator('[data-testid="execution-detail"][data-status="running"]').waitFor()
    await page.getByTestId('cancel-execution').click()
    await page.locator('[data-testid="execution-detail"][data-status="cancelled"]').waitFor()
    expect(engine.getExecution(run.id)?.status).toBe('cancelled')
    // Nothing left to cancel.
    await page.getByTestId('cancel-execution').waitFor({ state: 'detached' })
    await ui.expectClean()
  })
})
