import { startDashboardRig } from '../lib/dashboard-browser'
import { round } from '../lib/stats'
import type { FigureModule } from './figure'

// 100,000 log lines streamed into one open execution: its detail view is open in Chromium
// (so the lines are followed, kept in the page's store and drawn by the virtualized log list),
// the sender writes the lines as fast as the socket takes them, and once the page counts all of
// them, a full GC (DevTools protocol) and the page's JS heap in use.

const LINES = 100_000
const EXECUTION = 'exec_bench_logs'

export const logsHeap: FigureModule = {
  id: 'logs-heap',
  figures: [{ name: 'logs_100k_heap_mb', unit: 'MB', target: { op: '<=', value: 150 } }],
  async run(ctx) {
    const rig = await startDashboardRig()
    try {
      const { page } = rig
      await rig.sender.ask({ type: 'log-target', id: EXECUTION }, 'log-target')
      await rig.open(`#/executions/${encodeURIComponent(rig.profile)}/${EXECUTION}`)
      await page.getByTestId('logs').waitFor({ timeout: 30_000 })
      const cdp = await page.context().newCDPSession(page)
      const heap = async (): Promise<number> => {
        await cdp.send('HeapProfiler.collectGarbage')
        return (await cdp.send('Runtime.getHeapUsage')).usedSize
      }
      const before = await heap()
      const started = performance.now()
      await rig.sender.ask(
        { type: 'log-flood', id: EXECUTION, count: LINES },
        'log-flooded',
        300_000
      )
      const all = `${new Intl.NumberFormat('en-US').format(LINES)} lines`
      // A function, not a string: the page's CSP forbids evaluating strings.
      await page.waitForFunction(
        (text) => {
          const { document } = globalThis as unknown as {
            document: { querySelector(selector: string): { textContent: string | null } | null }
          }
          return document.querySelector('[data-testid="log-count"]')?.textContent === text
        },
        all,
        { timeout: 300_000, polling: 250 }
      )
      const shownMs = performance.now() - started
      const after = await heap()
      const rows = await page.getByTestId('log-row').count()
      await cdp.detach()
      ctx.log(
        `logs: ${LINES} lines shown in ${round(shownMs / 1000)} s (${rows} rows in the DOM); heap after GC ${round(before / 1e6)} MB before, ${round(after / 1e6)} MB after`
      )
      return { logs_100k_heap_mb: round(after / 1e6) }
    } finally {
      await rig.stop()
    }
  }
}
