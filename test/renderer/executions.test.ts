import type { Browser } from 'playwright'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { TokenVault } from '@main/core/token-vault'
import { memoryKeychain, startDashboardServer } from '../fixtures/app'
import type { DashboardServer } from '../fixtures/app'
import { CORE_GATEWAY_DEFAULTS, startTestGateway } from '../fixtures/gateway'
import {
  chromiumSkipReason,
  patientPolls,
  launchChromium,
  openDashboard,
  rowIds,
  waitForState
} from './dashboard-page'
import type { BrowserGlobals } from './browser-globals'
import type { DashboardPage } from './dashboard-page'

// The executions table in Chromium against the real core and gateway: filters and id search,
// older history paged from the server's REST API, and cancelling a running execution.

if (chromiumSkipReason) console.warn(`renderer specs skipped: ${chromiumSkipReason}`)

/** Waits until the engine has no execution still running. */
async function settled(gateway: Gateway): Promise<void> {
  const done = ['completed', 'failed', 'timed_out', 'cancelled']
  for (let i = 0; i < 400; i++) {
    if (gateway.engine.listExecutions().every((e) => done.includes(e.status))) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('executions did not finish')
}

describe.skipIf(chromiumSkipReason !== null)('the executions table', () => {
  let browser: Browser
  let server: Gateway | undefined
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
    await server?.close()
    ui = dash = server = undefined
  })

  it('filters by status and workflow, searches by id, and pages older history from the server', async () => {
    // 60 executions that finished before the app started: the server's history.
    server = await startTestGateway(CORE_GATEWAY_DEFAULTS)
    for (let i = 0; i < 60; i++) {
      server.engine.startExecution(
        i % 3 ? 'wf_order_processing' : 'wf_nightly_etl',
        { i },
        {
          outcome: 'succeed'
        }
      )
    }
    await settled(server)
    const vault = new TokenVault({ backend: memoryKeychain() })
    await vault.set('prod', await server.mintToken({ sub: 'oncall@example.com' }))
    dash = await startDashboardServer({
      localDevMode: false,
      profiles: [{ id: 'prod', name: 'Production', server_url: server.url }],
      vault
    })
    ui = await openDashboard(browser, dash)
    const { page } = ui
    await waitForState(page, 'prod', 'open')
    await ui.open('#/executions')

    // Live: three new ones.
    const engine = server.engine
    const failed = engine.startExecution('wf_user_onboarding', {}, { outcome: 'fail' })!
    const done = engine.startExecution('wf_order_processing', {}, { outcome: 'succeed' })!
    const etl = engine.startExecution('wf_nightly_etl', {}, { outcome: 'succeed' })!
    await settled(server)
    // Going live read the newest 50 from the server; the three live ones come on top.
    await expect.poll(async () => (await rowIds(page)).length).toBe(53)

    // Older history, 50 at a time: a page holding only what is already shown is skipped, so
    // one click brings the 10 oldest.
    const older = page.getByTestId('load-older')
    await older.click()
    await expect.poll(async () => (await rowIds(page)).length).toBe(63)
    await page.getByText('No older executions on the server.').waitFor()
    const all = await rowIds(page)
    expect(new Set(all).size).toBe(63)
    expect(all.slice(0, 3).sort()).toEqual([failed.id, done.id, etl.id].sort())

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

  it('cancels a running execution', async () => {
    dash = await startDashboardServer({
      localDevMode: true,
      gateway: { actionDelayMs: [2_000, 2_500] }
    })
    ui = await openDashboard(browser, dash)
    const { page } = ui
    await waitForState(page, 'local', 'open')
    const engine = dash.app.localGateway().engine
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
