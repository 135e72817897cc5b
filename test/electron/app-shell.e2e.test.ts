import { join } from 'node:path'
import type { ElectronApplication, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skipAllIf } from '../helpers/skip'
import { privateKeyringUnavailableReason, startPrivateKeyring } from '../keychain/private-keyring'
import type { PrivateKeyring } from '../keychain/private-keyring'
import { startGateway } from '@gateway'
import type { Gateway } from '@gateway'
import type { BridgeResult } from '@shared/bridge/contract'
import type { EventBatch, ExecutionView, Snapshot, TokenInfo } from '@shared/bridge/views'
import { electronSkipReason, launchApp, repoRoot } from './fixtures/electron-app'
import type { LaunchedApp } from './fixtures/electron-app'

// The tray, native notifications and sign-in in a real Electron (Playwright `_electron`).
// Main-process objects are observed by wrapping Electron's own Tray and Notification methods
// from the test (app.evaluate), so the app's code runs unchanged. `npm run test:e2e`; skipped,
// with the reason printed, where the Electron binary is not installed.

const skipReason = electronSkipReason()

type Bridge = Record<string, (request?: unknown) => Promise<BridgeResult<unknown>>> & {
  onEvents(listener: (batch: EventBatch) => void): () => void
}

/** Calls one command of window.nebula in the page. */
function call<T>(page: Page, method: string, request?: unknown): Promise<BridgeResult<T>> {
  return page.evaluate(
    ([m, r]) =>
      (globalThis as unknown as { nebula: Bridge }).nebula[m as string]!(r) as Promise<
        BridgeResult<T>
      >,
    [method, request] as const
  )
}

/** What observeShell keeps in the main process. */
type SeenGlobal = {
  __nebulaSeen: {
    images: string[]
    menus: string[][]
    menu: Electron.Menu | null
    notifications: Electron.Notification[]
  }
}

async function snapshot(page: Page): Promise<Snapshot> {
  const result = await call<Snapshot>(page, 'getSnapshot')
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}

/**
 * Wraps Tray#setImage, Tray#setContextMenu and Notification#show in the main process so the
 * test can see what the app showed: tray images (as data URLs), menu labels, and every shown
 * notification (kept, so the test can click it).
 */
async function observeShell(app: ElectronApplication): Promise<void> {
  await app.evaluate(({ Tray, Notification }) => {
    const seen = {
      images: [] as string[],
      menus: [] as string[][],
      menu: null as unknown,
      notifications: [] as unknown[]
    }
    ;(globalThis as Record<string, unknown>).__nebulaSeen = seen
    const labels = (items: Electron.MenuItem[]): string[] =>
      items.flatMap((item) => [item.label, ...(item.submenu ? labels(item.submenu.items) : [])])
    const setImage = Tray.prototype.setImage
    Tray.prototype.setImage = function (image: Electron.NativeImage) {
      seen.images.push(image.toDataURL())
      return setImage.call(this, image)
    }
    const setContextMenu = Tray.prototype.setContextMenu
    Tray.prototype.setContextMenu = function (menu: Electron.Menu | null) {
      if (menu) {
        seen.menus.push(labels(menu.items))
        seen.menu = menu
      }
      return setContextMenu.call(this, menu)
    }
    const show = Notification.prototype.show
    Notification.prototype.show = function () {
      seen.notifications.push(this)
      return show.call(this)
    }
  })
}

describe('tray and notifications in Electron', () => {
  skipAllIf(skipReason, 'Electron shell end-to-end tests')
  let launched: LaunchedApp | undefined
  let page: Page
  let app: ElectronApplication

  beforeAll(async () => {
    if (skipReason) return
    // Every execution fails and none starts on its own: the test decides what happens.
    launched = await launchApp({ NEBULA_LOCAL_FAILURE_RATE: '1', NEBULA_LOCAL_AUTO_RUN: '0' })
    app = launched.app
    page = launched.page
    await observeShell(app)
    await page.waitForLoadState('domcontentloaded')
  }, 60_000)

  afterAll(async () => {
    await launched?.close()
  })

  it('shows a failing execution as a notification, a red tray icon and a menu item; a click opens it', async () => {
    await expect
      .poll(
        async () => (await snapshot(page)).workflows.filter((w) => w.profile_id === 'local').length,
        {
          timeout: 30_000
        }
      )
      .toBeGreaterThan(0)
    const workflow = (await snapshot(page)).workflows.find((w) => w.profile_id === 'local')!
    const started = await call<ExecutionView>(page, 'executeWorkflow', {
      profile_id: 'local',
      workflow_id: workflow.id,
      input: {}
    })
    expect(started.ok).toBe(true)
    const execution = (started as { value: ExecutionView }).value
    const name = workflow.name ?? workflow.id

    // The tray: the failures icon, and the failure in its menu.
    const failuresIcon = await app.evaluate(
      ({ nativeImage }, file) => nativeImage.createFromPath(file).toDataURL(),
      join(
        repoRoot,
        'resources',
        process.platform === 'darwin' ? 'tray-failuresTemplate.png' : 'tray-failures.png'
      )
    )
    await expect
      .poll(
        () =>
          app.evaluate(() => (globalThis as unknown as SeenGlobal).__nebulaSeen.images as string[]),
        {
          timeout: 60_000
        }
      )
      .toContain(failuresIcon)
    const menus = await app.evaluate(
      () => (globalThis as unknown as SeenGlobal).__nebulaSeen.menus as string[][]
    )
    expect(
      menus.at(-1)!.some((label) => label.includes(name) && /(failed|timed out) at/.test(label))
    ).toBe(true)

    const supported = await app.evaluate(({ Notification }) => Notification.isSupported())
    if (supported) {
      const titles = await app.evaluate(() =>
        (
          (globalThis as unknown as SeenGlobal).__nebulaSeen
            .notifications as Electron.Notification[]
        ).map((n) => n.title)
      )
      expect(titles.some((title) => title.includes(name))).toBe(true)
      // Click it: the dashboard opens that execution.
      await app.evaluate(() => {
        const shown = (globalThis as unknown as SeenGlobal).__nebulaSeen
          .notifications as Electron.Notification[]
        shown.at(-1)!.emit('click', {})
      })
    } else {
      console.warn(
        'notifications are not supported on this desktop: clicking the tray item instead'
      )
      await app.evaluate((_electron, label) => {
        const menu = (globalThis as unknown as SeenGlobal).__nebulaSeen.menu as Electron.Menu
        const find = (items: Electron.MenuItem[]): Electron.MenuItem | undefined =>
          items.find((i) => i.label.includes(label)) ??
          items.flatMap((i) => (i.submenu ? [find(i.submenu.items)] : [])).find(Boolean)
        find(menu.items)!.click()
      }, name)
    }
    await expect
      .poll(() => page.getByTestId('detail-id').textContent(), { timeout: 15_000 })
      .toBe(execution.id)
    expect(
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.isVisible())
    ).toBe(true)
  }, 90_000)
})

// Signing in writes to a keychain: only ever a private gnome-keyring started here (Linux), never
// the keychain of the person running the tests.
const keyringReason =
  process.platform === 'linux'
    ? privateKeyringUnavailableReason()
    : 'no private keychain can be started on this platform; the sign-in spec runs on Linux'

describe('sign-in in Electron', () => {
  skipAllIf(skipReason ?? keyringReason, 'Electron sign-in end-to-end test')
  let keyring: PrivateKeyring | undefined
  let launched: LaunchedApp | undefined
  let gateway: Gateway
  let page: Page
  const profile = `e2e-${process.pid}`

  beforeAll(async () => {
    if (skipReason ?? keyringReason) return
    keyring = await startPrivateKeyring()
    gateway = await startGateway({ port: 0, autoRun: false })
    launched = await launchApp({
      ...keyring.env,
      NEBULA_SERVER_URL: gateway.url,
      NEBULA_PROFILE: profile
    })
    page = launched.page
    await page.waitForLoadState('domcontentloaded')
  }, 60_000)

  afterAll(async () => {
    if (launched) await call(launched.page, 'signOut', { profile_id: profile }).catch(() => {})
    await launched?.close()
    await gateway?.close()
    await keyring?.dispose()
  })

  it('stores the token, reconnects, and never hands a token back to the renderer', async () => {
    // Everything main sends the page from here on is kept, to look for the token in it.
    await page.evaluate(() => {
      const received: unknown[] = []
      ;(globalThis as Record<string, unknown>).__received = received
      ;(globalThis as unknown as { nebula: Bridge }).nebula.onEvents((batch) =>
        received.push(batch)
      )
    })
    await expect
      .poll(
        async () => (await snapshot(page)).profiles.find((p) => p.id === profile)?.connection.state,
        {
          timeout: 30_000
        }
      )
      .toBe('auth_failed')

    const token = await gateway.mintToken({ sub: 'e2e-user' })
    const signedIn = await call<TokenInfo>(page, 'signIn', { profile_id: profile, token })
    expect(signedIn).toMatchObject({ ok: true, value: { present: true, subject: 'e2e-user' } })
    expect((signedIn as { value: TokenInfo }).value.storage).toBe('keychain')
    await expect
      .poll(
        async () => (await snapshot(page)).profiles.find((p) => p.id === profile)?.connection.state,
        {
          timeout: 30_000
        }
      )
      .toBe('open')

    // Nothing main answered or pushed contains the token.
    const everything = JSON.stringify({
      received: await page.evaluate(() => (globalThis as Record<string, unknown>).__received),
      snapshot: await snapshot(page),
      info: await call(page, 'getInfo'),
      test: await call(page, 'testConnection', { server_url: gateway.url, profile_id: profile })
    })
    expect(everything.includes(token)).toBe(false)
    expect(/eyJ[\w-]*\.eyJ[\w-]*/.test(everything)).toBe(false)
    // Nor does the page keep it anywhere.
    const stored = await page.evaluate<string>(
      'JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, html: document.documentElement.outerHTML })'
    )
    expect(stored.includes(token)).toBe(false)
  }, 90_000)
})
