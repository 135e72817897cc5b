import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TokenVault } from '@main/core/token-vault'
import { memoryKeychain, RENDERER_DIR } from '../fixtures/app'
import { freePort } from '../fixtures/gateway'
import {
  profileStatus,
  recordReadings,
  retriesEvery,
  useDashboardSpecs,
  waitForState
} from './dashboard-page'

// The states a view shows when it has nothing to show, in Chromium against the real app
// service: no server configured yet, nothing run yet, a server that cannot be reached, and the
// page opened without any app behind it.

describe('empty and error states', () => {
  const specs = useDashboardSpecs('empty and error states')

  it('with no server yet, every view says how to get one, and local dev mode starts one', async () => {
    const { ui, page } = await specs.open({ server: { localDevMode: false } })
    expect(await page.getByTestId('status-profiles').textContent()).toContain(
      'No server configured'
    )
    for (const view of ['#/overview', '#/executions', '#/workflows']) {
      await ui.open(view)
      await page.getByTestId('no-server').waitFor()
    }
    await ui.open('#/settings')
    await page.getByTestId('no-profiles').waitFor()
    expect(await page.getByTestId('local-dev-mode').isChecked()).toBe(false)

    await ui.open('#/overview')
    await page.getByRole('button', { name: 'Turn on local dev mode' }).click()
    await waitForState(page, 'local', 'open')
    await page.getByTestId('local-mode-badge').waitFor()
    await page.getByTestId('no-server').waitFor({ state: 'detached' })
    await page.getByText('No failures').waitFor()
    await page.getByText('Nothing is running').waitFor()
    await ui.open('#/executions')
    await page.getByTestId('executions-empty').waitFor()
    expect(await page.getByTestId('executions-empty').textContent()).toContain('No executions yet')
    await ui.expectClean()
  })

  it('says when a server cannot be reached, counting down to the next attempt', async () => {
    // A port nothing listens on.
    const port = await freePort()
    const vault = new TokenVault({ backend: memoryKeychain() })
    await vault.set('prod', 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl')
    const { ui, page } = await specs.open({
      server: {
        localDevMode: false,
        profiles: [{ id: 'prod', name: 'Production', server_url: `http://127.0.0.1:${port}` }],
        vault,
        // Retries a second apart, as a person would see them.
        service: { session: retriesEvery(1_000) }
      }
    })
    const status = profileStatus(page, 'prod')
    await page
      .locator('[data-testid="connection-banner"]')
      .getByText('Production cannot be reached.')
      .waitFor()
    expect(await status.getByTestId('retry-now').isVisible()).toBe(true)
    // Attempt after attempt it reads "Reconnecting" with its countdown; it never flickers back
    // to a plain "Connecting" between attempts.
    const seen = await recordReadings(
      page,
      [
        { selector: '[data-testid="profile-status"]', attribute: 'data-state' },
        { selector: '[data-testid="connection-label"]' },
        { selector: '[data-testid="retry-countdown"]' }
      ],
      '|'
    )
    await expect.poll(async () => (await seen()).length, { timeout: 10_000 }).toBeGreaterThan(2)
    for (const entry of await seen()) {
      const [state, label, countdown] = entry.split('|')
      expect(label).toBe('Reconnecting')
      expect(countdown).toMatch(/^attempt \d+ · (retry in 1 s|trying now)$/)
      expect(['reconnecting', 'connecting']).toContain(state)
    }
    // Nothing was received, and the views say so rather than showing an error.
    await ui.open('#/executions')
    await page.getByTestId('executions-empty').waitFor()
    await ui.expectClean()
  })

  it('shows what main wants known (a settings file set aside) until dismissed', async () => {
    const settingsDir = mkdtempSync(join(tmpdir(), 'nebula-dash-notice-'))
    specs.afterThisTest(() => rmSync(settingsDir, { recursive: true, force: true }))
    writeFileSync(join(settingsDir, 'settings.json'), '{ "version": 1, "profiles": [ oops')
    const { ui, page } = await specs.open({ server: { settingsDir } })
    const notice = page.getByTestId('notice').first()
    await notice.waitFor()
    expect(await notice.textContent()).toMatch(/settings/i)
    await notice.getByRole('button', { name: 'Dismiss' }).click()
    await page.getByTestId('notice').waitFor({ state: 'detached' })
    await ui.expectClean()
  })

  it('says it is not connected when opened without the app behind it', async () => {
    // The built renderer from a plain static server: no preload, no `ui` bridge socket.
    const server = await serveDirectory(RENDERER_DIR)
    specs.afterThisTest(() => new Promise((resolve) => server.server.close(resolve)))
    const context = await specs.browser.newContext()
    specs.afterThisTest(() => context.close())
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(server.url)
    await page.getByTestId('bridge-unavailable').waitFor()
    expect(await page.getByTestId('bridge-unavailable').textContent()).toContain(
      'not connected to this page'
    )
    expect(errors).toEqual([])
  })
})

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8'
}

/** Serves `root` read-only on a free loopback port. */
async function serveDirectory(root: string): Promise<{ server: Server; url: string }> {
  if (!existsSync(join(root, 'index.html'))) throw new Error('run `npm run build` first')
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname
    const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname))
    if (!file.startsWith(root) || !existsSync(file)) return void response.writeHead(404).end()
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream'
    })
    response.end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }
}
