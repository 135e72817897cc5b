import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright'
import type { Browser, Page } from 'playwright'
import { BenchChild } from './child'
import type { Scheduling } from './scheduling'

// The dashboard figures' rig: the sender (a minimal Nebula server, its own process), the app
// service behind the `ui` server (ui-rig, its own process) with one profile pointed at the
// sender, and the built dashboard in Debian's Chromium, launched the way the renderer specs do.

export const CHROMIUM = '/usr/bin/chromium'

/** Everything one dashboard figure runs on; `stop()` ends all of it. */
export interface DashboardRig {
  sender: BenchChild
  ui: BenchChild
  browser: Browser
  page: Page
  /** The profile the app service runs against the sender. */
  profile: string
  /** Opens a view by its fragment (`#/executions`) and waits for it to be shown. */
  open(fragment: string): Promise<void>
  stop(): Promise<void>
}

/**
 * Installed before the page's own scripts: once `window.__socketLog` is an array, every text
 * frame the page's WebSockets receive is pushed to it with its arrival time (wall clock), as
 * it came: parsing it there would add to the main thread being measured.
 */
const SOCKET_LOG = `(() => {
  const Native = window.WebSocket
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args)
      this.addEventListener('message', (event) => {
        const log = window.__socketLog
        if (log && typeof event.data === 'string') log.push([performance.timeOrigin + performance.now(), event.data])
      })
    }
  }
})()`

/** Starts the sender, the app service with its `ui` server, and the dashboard in Chromium. */
export async function startDashboardRig(
  options: { scheduling?: Scheduling } = {}
): Promise<DashboardRig> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is not installed (Debian package "chromium")`)
  }
  const { scheduling } = options
  const sender = BenchChild.start('sender', [], { scheduling })
  let ui: BenchChild | undefined
  let browser: Browser | undefined
  try {
    const { port } = await sender.next('listening')
    ui = BenchChild.start('ui-rig', ['--url', `http://127.0.0.1:${port as number}`], {
      scheduling
    })
    const ready = await ui.next('ready', 30_000)
    // The renderer specs' flags (test/renderer/dashboard-page.ts launchChromium).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run'
      ]
    })
    const context = await browser.newContext({
      viewport: { width: 1360, height: 860 },
      colorScheme: 'dark',
      reducedMotion: 'no-preference'
    })
    await context.addInitScript(SOCKET_LOG)
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    await page.goto(ready.url as string)
    await page.locator('main[data-view]').waitFor({ timeout: 30_000 })
    await page.getByTestId('loading').waitFor({ state: 'detached', timeout: 30_000 })
    const rig: DashboardRig = {
      sender,
      ui,
      browser,
      page,
      profile: ready.profile as string,
      async open(fragment) {
        await page.evaluate(`location.hash = ${JSON.stringify(fragment)}`)
        await page.waitForFunction(`location.hash === ${JSON.stringify(fragment)}`)
        if (problems.length > 0) throw new Error(`the page failed: ${problems.join('; ')}`)
      },
      async stop() {
        await browser?.close().catch(() => {})
        await Promise.all([ui?.stop(), sender.stop()])
      }
    }
    return rig
  } catch (error) {
    await browser?.close().catch(() => {})
    await Promise.all([ui?.stop(), sender.stop()])
    throw error
  }
}

/** Main-thread time of the page by kind (Chromium's `Performance` metrics), in ms. */
export interface PageBusy {
  task: number
  script: number
  style: number
  layout: number
}

/** Starts counting the page's main-thread time; `stop()` returns what was spent since. */
export async function countPageBusy(page: Page): Promise<{ stop(): Promise<PageBusy> }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const metrics = async (): Promise<Map<string, number>> =>
    new Map((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]))
  const before = await metrics()
  return {
    async stop() {
      const after = await metrics()
      await cdp.detach()
      const spent = (name: string): number =>
        Math.round(((after.get(name) ?? 0) - (before.get(name) ?? 0)) * 1000)
      return {
        task: spent('TaskDuration'),
        script: spent('ScriptDuration'),
        style: spent('RecalcStyleDuration'),
        layout: spent('LayoutDuration')
      }
    }
  }
}

/**
 * With `npm run bench -- --profile`, a CPU profile of the page's main thread (Chrome DevTools
 * protocol) from now to `stop()`, written next to the bench processes' profiles.
 */
export async function startPageProfile(
  page: Page
): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const dir = process.env.NEBULA_BENCH_PROFILE_DIR
  if (!dir) return undefined
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  // And a Chromium trace (style, layout, paint, raster per frame), for chrome://tracing or
  // Perfetto: where the time goes that the CPU profile shows only as "(program)".
  const browser = page.context().browser()
  const trace = join(dir, `page-${Date.now()}.trace.json`)
  mkdirSync(dir, { recursive: true })
  await browser?.startTracing(page, {
    path: trace,
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline']
  })
  return {
    async stop(name) {
      await browser?.stopTracing()
      const { profile } = await cdp.send('Profiler.stop')
      writeFileSync(join(dir, `${name}-page.cpuprofile`), JSON.stringify(profile))
      await cdp.detach()
    }
  }
}
