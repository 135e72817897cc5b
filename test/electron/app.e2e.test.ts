import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skipAllIf } from '../helpers/skip'
import { EVENT_METHOD, InvokeChannel } from '@shared/bridge/channels'
import type { Snapshot } from '@shared/bridge/views'
import { electronSkipReason, launchApp, repoRoot } from './fixtures/electron-app'
import type { LaunchedApp } from './fixtures/electron-app'

// The built app (out/main/index.js, via package.json "main") in a real Electron, driven by
// Playwright: `npm run test:e2e` (under xvfb-run where there is no display). Runs where the
// Electron binary is installed; elsewhere it says why it skipped. app-shell.e2e.test.ts covers
// the tray, notifications and sign-in.

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  productName: string
  version: string
}

const skipReason = electronSkipReason()

/** Reads a global of the renderer's main world, whatever its type. */
const typeOfGlobal = (page: Page, name: string) =>
  page.evaluate((n) => typeof (globalThis as Record<string, unknown>)[n], name)

describe('Nebula Desktop in Electron', () => {
  skipAllIf(skipReason, 'Electron end-to-end tests')
  let launched: LaunchedApp | undefined
  let page: Page

  beforeAll(async () => {
    if (skipReason) return
    launched = await launchApp()
    page = launched.page
    await page.waitForLoadState('domcontentloaded')
  }, 60_000)

  afterAll(async () => {
    await launched?.close()
  })

  it('opens one window titled with the product name, served over app://', async () => {
    expect(await page.title()).toBe('Nebula Desktop')
    // The dashboard may route with the hash; the page itself is app://nebula/index.html.
    expect(page.url().split('#')[0]).toBe('app://nebula/index.html')
    const titles = await launched!.app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((window) => window.getTitle())
    )
    expect(titles).toEqual(['Nebula Desktop'])
  })

  it('gives the page no Node: no require, process or module', async () => {
    // Electron no longer reports effective web preferences; these globals are what a page with
    // nodeIntegration or without context isolation would see.
    expect(await typeOfGlobal(page, 'require')).toBe('undefined')
    expect(await typeOfGlobal(page, 'process')).toBe('undefined')
    expect(await typeOfGlobal(page, 'module')).toBe('undefined')
  })

  it("exposes exactly the contract's methods as window.nebula, and nothing else", async () => {
    expect(await typeOfGlobal(page, 'nebula')).toBe('object')
    const members = await page.evaluate(() => {
      const bridge = (globalThis as Record<string, unknown>).nebula as Record<string, unknown>
      return Object.keys(bridge)
        .sort()
        .map((key) => `${key}:${typeof bridge[key]}`)
    })
    const expected = [...Object.keys(InvokeChannel), EVENT_METHOD]
      .sort()
      .map((key) => `${key}:function`)
    expect(members).toEqual(expected)
    // Frozen: the page cannot swap a method for its own.
    expect(
      await page.evaluate(() => Object.isFrozen((globalThis as Record<string, unknown>).nebula))
    ).toBe(true)
  })

  it('answers getInfo over IPC with the product, version and transport', async () => {
    const info = await page.evaluate(() =>
      (globalThis as unknown as { nebula: { getInfo(): Promise<unknown> } }).nebula.getInfo()
    )
    expect(info).toEqual({
      ok: true,
      value: {
        name: packageJson.productName,
        version: packageJson.version,
        platform: process.platform,
        transport: 'electron'
      }
    })
  })

  it('runs in local dev mode with no server configured and gets connected', async () => {
    await expect
      .poll(
        async () => {
          const snapshot = await page.evaluate(() =>
            (
              globalThis as unknown as { nebula: { getSnapshot(): Promise<{ value: Snapshot }> } }
            ).nebula.getSnapshot()
          )
          return snapshot.value.profiles.find((p) => p.id === 'local')?.connection.state
        },
        { timeout: 30_000 }
      )
      .toBe('open')
    await page
      .locator('[data-testid="profile-status"][data-profile="local"][data-state="open"]')
      .waitFor({ timeout: 30_000 })
  })

  it('denies new windows', async () => {
    const refused = await page.evaluate(() => {
      const open = (globalThis as unknown as { open: (url: string) => unknown }).open
      return open('https://example.com/') === null
    })
    expect(refused).toBe(true)
    expect(
      await launched!.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)
    ).toBe(1)
  })
})
