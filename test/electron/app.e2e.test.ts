import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron } from 'playwright'
import type { ElectronApplication, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SessionState } from '@shared/bridge'
import { skipAllIf } from '../helpers/skip'

// The built app (out/main/index.js, via package.json "main") in a real Electron, driven by
// Playwright: `npm run test:e2e` (under xvfb-run where there is no display). Runs where the
// Electron binary is installed; elsewhere every test skips with the reason, which the summary
// line of test:e2e repeats.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  productName: string
  version: string
}

/**
 * Finds the Electron binary as node_modules/electron/index.js does, but without its side effect:
 * `require('electron')` from Node starts a download when the binary is missing, and nothing here
 * may try to download it.
 */
function locateElectron(): { binary: string } | { reason: string } {
  let packageDir: string
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return { reason: 'the Electron binary is not installed here (no electron package)' }
  }
  const pathFile = join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) {
    return {
      reason:
        'the Electron binary is not installed here (never downloaded: node_modules/electron/path.txt is missing)'
    }
  }
  const relative = readFileSync(pathFile, 'utf8')
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const binary = override ? join(override, relative) : join(packageDir, 'dist', relative)
  return existsSync(binary)
    ? { binary }
    : { reason: `the Electron binary is not installed here (missing at ${binary})` }
}

function skipReasonFor(electron: ReturnType<typeof locateElectron>): string | null {
  if ('reason' in electron) return electron.reason
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display to open a window on (run under xvfb-run)'
  }
  return null
}

const electron = locateElectron()
const skipReason = skipReasonFor(electron)

/** Reads a global of the renderer's main world, whatever its type. */
const typeOfGlobal = (page: Page, name: string) =>
  page.evaluate((n) => typeof (globalThis as Record<string, unknown>)[n], name)

describe('Nebula Desktop in Electron', () => {
  skipAllIf(skipReason, 'Electron end-to-end tests')
  let app: ElectronApplication | undefined
  let page: Page
  let profileDir = ''

  beforeAll(async () => {
    if (skipReason) return
    if (!existsSync(join(repoRoot, 'out', 'main', 'index.js'))) {
      throw new Error('out/main/index.js is missing: run `npm run build` first')
    }
    if (!('binary' in electron)) throw new Error('unreachable: skipped without a binary')
    profileDir = mkdtempSync(join(tmpdir(), 'nebula-e2e-'))
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env))
      if (value !== undefined) env[key] = value
    // A dev-server URL would load another page; RUN_AS_NODE would not start the app at all.
    delete env.ELECTRON_RENDERER_URL
    delete env.ELECTRON_RUN_AS_NODE
    // No server configured: the app must come up in local dev mode against the bundled gateway.
    delete env.NEBULA_SERVER_URL
    // Keeps this run's profile (and single-instance lock) away from a real installation's.
    env.XDG_CONFIG_HOME = profileDir
    app = await _electron.launch({
      executablePath: electron.binary,
      args: [repoRoot],
      cwd: repoRoot,
      env
    })
    page = await app.firstWindow()
    await page.locator('header').waitFor()
  }, 60_000)

  afterAll(async () => {
    await app?.close()
    if (profileDir) rmSync(profileDir, { recursive: true, force: true })
  })

  it('opens one window titled with the product name', async () => {
    expect(await page.title()).toBe('Nebula Desktop')
    const titles = await app!.evaluate(({ BrowserWindow }) =>
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

  it('exposes exactly the bridge contract as window.nebula', async () => {
    expect(await typeOfGlobal(page, 'nebula')).toBe('object')
    const members = await page.evaluate(() => {
      const bridge = (globalThis as Record<string, unknown>).nebula as Record<string, unknown>
      return Object.keys(bridge)
        .sort()
        .map((key) => `${key}:${typeof bridge[key]}`)
    })
    expect(members).toEqual(['getAppInfo:function', 'onSessionState:function'])
  })

  it('renders the header with the version from app:get-info', async () => {
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Nebula Desktop')
    const version = page.getByTestId('app-version')
    await version.filter({ hasText: `v${packageJson.version}` }).waitFor()
    expect(await page.getByTestId('bridge-unavailable').count()).toBe(0)
  })

  it('runs in local dev mode with no server configured and gets connected', async () => {
    const badge = page.locator('[data-testid="connection-badge"][data-state="open"]')
    await badge.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('status-server').innerText()).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+$/
    )
  })

  it('shows session:state events from main in the connection badge', async () => {
    const state: SessionState = { state: 'open', server_url: 'http://127.0.0.1:8000' }
    await app!.evaluate(({ BrowserWindow }, payload) => {
      BrowserWindow.getAllWindows()[0]!.webContents.send('session:state', payload)
    }, state)
    const badge = page.locator('[data-testid="connection-badge"][data-state="open"]')
    await badge.waitFor({ timeout: 10_000 })
    expect(await badge.innerText()).toBe('Connected')
  })

  it('denies new windows', async () => {
    const refused = await page.evaluate(() => {
      const open = (globalThis as unknown as { open: (url: string) => unknown }).open
      return open('https://example.com/') === null
    })
    expect(refused).toBe(true)
    expect(await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
  })
})
