import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startGateway } from '@gateway'
import type { Gateway } from '@gateway'
import { InvokeChannel } from '@shared/bridge/channels'
import { INSTANCE_LOCK_FILE } from '@main/app/instance-lock'
import type { Snapshot, TokenInfo } from '@shared/bridge/views'
import { ELECTRON_CSP_HEADER } from '@shared/content-security-policy'
import { spawnProcess } from '../helpers/process'
import { skipWith } from '../helpers/skip'
import { waitUntil } from '../helpers/wait'
import { keyringUnavailableReason, usePrivateKeyring } from '../keychain/support'
import { MAIN, MainUnderFake, PAGE_URL, type CallRecord } from './main-under-fake'

// The built main process (out/main/index.js) under the recording fake of electron, as a person
// uses the shell: the page over app://, a failing execution in local dev mode turning into a
// native notification and a red tray, clicks on both opening that execution, closing to the
// tray, settings in the user-data folder, and signing in with the REAL keychain (a private
// gnome-keyring this file starts for itself, never the developer's).

const ROOT = resolve(__dirname, '..', '..')
const RENDERER = join(ROOT, 'out', 'renderer')
// Importing the keychain support points this process's session bus nowhere; the private keyring
// (started for this file) is then the only Secret Service the built main can reach.
const keyring = usePrivateKeyring()

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function startMain(
  env: Record<string, string | undefined> = {},
  /** Runs on the user-data folder before main starts. */
  prepare?: (userData: string) => void
): {
  main: MainUnderFake
  userData: string
  configHome: string
} {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`)
  const userData = tempDir('nebula-shell-userdata-')
  prepare?.(userData)
  const configHome = tempDir('nebula-shell-config-')
  const main = new MainUnderFake({
    ELECTRON_RENDERER_URL: undefined,
    ELECTRON_RUN_AS_NODE: undefined,
    NEBULA_SERVER_URL: undefined,
    NEBULA_PROFILE: undefined,
    NEBULA_LOCAL_FAILURE_RATE: undefined,
    FAKE_ELECTRON_APP_PATH: ROOT,
    FAKE_ELECTRON_USER_DATA: userData,
    XDG_CONFIG_HOME: configHome,
    ...env
  })
  cleanups.push(async () => {
    main.process.kill('SIGKILL')
    await main.process.exited
  })
  return { main, userData, configHome }
}

const lastRecord = (main: MainUnderFake, call: string): CallRecord | undefined =>
  main
    .records()
    .filter((r) => r.call === call)
    .at(-1)

type MenuItem = { label?: string; submenu?: MenuItem[]; type: string; checked?: boolean }
const menuLabels = (menu: MenuItem[]): string[] =>
  menu.flatMap((item) => [item.label ?? '---', ...(item.submenu ? menuLabels(item.submenu) : [])])

async function snapshotOf(main: MainUnderFake): Promise<Snapshot> {
  const result = await main.request(InvokeChannel.getSnapshot)
  if (!result.ok) throw new Error(`getSnapshot failed: ${JSON.stringify(result.error)}`)
  return result.value as Snapshot
}

describe('the shell of the built main process, under the recording fake of electron', () => {
  it('serves the built page over app:// with the Electron CSP, and nothing outside it', async () => {
    const { main } = startMain()
    await main.waitForRecord((r) => r.call === 'protocol.handle', 'the app:// handler')
    const page = await main.fetch(PAGE_URL)
    expect(page.status).toBe(200)
    expect(page.body).toBe(readFileSync(join(RENDERER, 'index.html'), 'utf8'))
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toBe(ELECTRON_CSP_HEADER)
    // The meta policy is in the page too (a page enforces both).
    expect(page.body).toContain('http-equiv="Content-Security-Policy"')

    const asset = readdirSync(join(RENDERER, 'assets')).find((name) => name.endsWith('.js'))!
    const script = await main.fetch(`app://nebula/assets/${asset}`)
    expect(script.status).toBe(200)
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(script.length).toBe(readFileSync(join(RENDERER, 'assets', asset), 'utf8').length)

    for (const url of [
      'app://nebula/%2e%2e%2f%2e%2e%2fpackage.json',
      'app://nebula/..%5c..%5cpackage.json',
      'app://nebula/../../package.json',
      'app://elsewhere/index.html'
    ]) {
      const refused = await main.fetch(url)
      expect(refused.status, url).not.toBe(200)
      expect(refused.body, url).not.toContain('"name": "nebula-desktop"')
    }
    expect((await main.fetch(PAGE_URL, 'POST')).status).toBe(405)
    main.expectCleanOutput()
  })

  it('turns a failing execution in local dev mode into a notification, a red tray and its menu; clicks open it', async () => {
    // Every demo execution fails: the first failure comes within seconds, with no server.
    const { main } = startMain({ NEBULA_LOCAL_FAILURE_RATE: '1' })
    const shown = await main.waitForRecord(
      (r) => r.call === 'Notification',
      'a notification',
      60_000
    )
    const options = shown.options as { title: string; body: string; urgency?: string }
    expect(options.title).toMatch(/ (failed|timed out)$|failures?/)
    expect(options.body.startsWith('Local dev mode: ')).toBe(true)
    expect(options.urgency).toBe('critical')
    await main.waitForRecord(
      (r) => r.call === 'notification.show' && r.index === shown.index,
      'the notification shown'
    )

    // The tray turned red and lists the failure (menus are rebuilt on every change).
    await main.waitForRecord(
      (r) =>
        (r.call === 'tray.setImage' || r.call === 'Tray') &&
        String(r.image).endsWith('tray-failures.png'),
      'the failures tray icon'
    )
    await waitUntil(
      () =>
        menuLabels((lastRecord(main, 'tray.setContextMenu')?.menu as MenuItem[]) ?? []).some((l) =>
          /^● .+ (failed|timed out) at \d\d:\d\d$/.test(l)
        ),
      { timeoutMs: 10_000, what: 'a failure in the tray menu' }
    )
    const tooltip = String(lastRecord(main, 'tray.setToolTip')?.tooltip)
    expect(tooltip).toMatch(/\d+ unseen failures?/)

    // A notification click: the dashboard is told to show the execution FIRST, then the window
    // comes forward.
    const snapshot = await snapshotOf(main)
    const failedIds = new Set(snapshot.failures.map((f) => f.execution_id))
    const clickAt = main.records().length
    main.command({ cmd: 'notification-click', index: shown.index })
    const focus = await main.waitForRecord(
      (r) => r.call === 'BrowserWindow.focus' && main.records().indexOf(r) > clickAt,
      'the window focused after the click'
    )
    const after = main.records().slice(clickAt, main.records().indexOf(focus))
    const shows = after
      .filter((r) => r.call === 'send')
      .flatMap(
        (r) =>
          (
            r.payload as {
              events: Array<{ type: string; execution_id?: string; profile_id?: string }>
            }
          ).events
      )
      .filter((event) => event.type === 'show_execution')
    expect(shows, 'show_execution sent before the window is focused').toHaveLength(1)
    expect(shows[0]!.profile_id).toBe('local')
    expect(failedIds.has(shows[0]!.execution_id!)).toBe(true)

    // A tray click on the first failure the menu lists opens that execution too.
    const labels = menuLabels((lastRecord(main, 'tray.setContextMenu')?.menu as MenuItem[]) ?? [])
    const label = labels[labels.indexOf('Recent failures') + 1]!
    const before = main.events('show_execution').length
    main.command({ cmd: 'tray-click', label })
    await waitUntil(() => main.events('show_execution').length > before, {
      what: 'show_execution after the tray click'
    })
    const fromTray = main.events('show_execution').at(-1)!
    const failure = (await snapshotOf(main)).failures.find(
      (f) => f.profile_id === fromTray.profile_id && f.execution_id === fromTray.execution_id
    )
    expect(failure, `a failure behind "${label}"`).toBeDefined()
    expect(label).toContain(failure!.workflow_name)
    main.expectCleanOutput()
  }, 90_000)

  it('hides to the tray on close, comes back from the tray, and quits on close when told to', async () => {
    const { main } = startMain()
    await main.waitForRecord((r) => r.call === 'tray.setContextMenu', 'the tray menu')
    main.command({ cmd: 'close-window' })
    const closed = await main.waitForRecord((r) => r.call === 'BrowserWindow.close', 'the close')
    expect(closed.prevented).toBe(true)
    await main.waitForRecord((r) => r.call === 'BrowserWindow.hide', 'the window hidden')
    expect(main.process.running).toBe(true)

    const shownBefore = main.records().filter((r) => r.call === 'BrowserWindow.show').length
    main.command({ cmd: 'tray-click', label: 'Open Dashboard' })
    await waitUntil(
      () => main.records().filter((r) => r.call === 'BrowserWindow.show').length > shownBefore,
      { what: 'the window shown again from the tray' }
    )

    // With close to tray off, closing the window closes it; on Linux and Windows the app quits.
    const updated = await main.request(InvokeChannel.updateSettings, { close_to_tray: false })
    expect(updated).toMatchObject({ ok: true, value: { close_to_tray: false } })
    main.command({ cmd: 'close-window' })
    if (process.platform !== 'darwin') {
      expect(await main.process.waitForExit(15_000)).toEqual({ code: 0, signal: null })
    }
    main.expectCleanOutput()
  })

  it('does not start beside `nebula-desktop ui` on the same settings: a dialog names it and the app quits', async () => {
    const holder = spawnProcess(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    cleanups.push(() => holder.child.kill())
    const lockFile = (userData: string): string => join(userData, INSTANCE_LOCK_FILE)
    const owner = {
      kind: 'ui',
      pid: holder.child.pid,
      url: 'http://127.0.0.1:5555/',
      started_at: new Date().toISOString()
    }
    const { main, userData } = startMain({}, (dir) =>
      writeFileSync(lockFile(dir), JSON.stringify(owner))
    )
    const shown = await main.waitForRecord((r) => r.call === 'dialog.showErrorBox', 'the dialog')
    expect(shown.title).toBe('Nebula Desktop is already running in a browser')
    expect(shown.content).toContain(`pid ${holder.child.pid}, http://127.0.0.1:5555/`)
    expect(await main.process.waitForExit(15_000)).toEqual({ code: 0, signal: null })
    // No window, no session, and the lock is still the ui's.
    expect(main.records().some((r) => r.call === 'BrowserWindow')).toBe(false)
    expect(JSON.parse(readFileSync(lockFile(userData), 'utf8'))).toEqual(owner)
    main.expectCleanOutput()
  })

  it('keeps settings in the user-data folder and applies launch at login', async () => {
    const { main, userData, configHome } = startMain()
    await main.waitForRecord((r) => r.call === 'tray.setContextMenu', 'the tray menu')
    const result = await main.request(InvokeChannel.updateSettings, { launch_at_login: true })
    expect(result).toMatchObject({ ok: true, value: { launch_at_login: true } })
    const settingsFile = join(userData, 'settings.json')
    await waitUntil(
      () =>
        existsSync(settingsFile) &&
        readFileSync(settingsFile, 'utf8').includes('"launch_at_login": true'),
      {
        timeoutMs: 10_000,
        what: 'settings.json written in the user-data folder'
      }
    )
    expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toMatchObject({ launch_at_login: true })
    // The folder is this app's while it runs (a `ui` on it is refused: test/app/instance-lock).
    expect(JSON.parse(readFileSync(join(userData, INSTANCE_LOCK_FILE), 'utf8'))).toMatchObject({
      kind: 'desktop',
      pid: main.process.child.pid
    })

    if (process.platform === 'linux') {
      const entry = join(configHome, 'autostart', 'nebula-desktop.desktop')
      await waitUntil(() => existsSync(entry), { what: 'the autostart entry' })
      expect(readFileSync(entry, 'utf8')).toMatch(/^Exec=.+ --hidden$/m)
      await main.request(InvokeChannel.updateSettings, { launch_at_login: false })
      await waitUntil(() => !existsSync(entry), { what: 'the autostart entry removed' })
    } else {
      await main.waitForRecord((r) => r.call === 'app.setLoginItemSettings', 'the login item')
    }

    // The tray's local dev mode checkbox goes through the same commands.
    main.command({ cmd: 'tray-click', label: 'Local Dev Mode' })
    await waitUntil(() => readFileSync(settingsFile, 'utf8').includes('"local_dev_mode": false'), {
      timeoutMs: 10_000,
      what: 'local dev mode turned off from the tray'
    })
    main.expectCleanOutput()
  })

  it('signs in with the real keychain and reconnects; the token never comes back out', async (context) => {
    if (keyringUnavailableReason) return skipWith(context, keyringUnavailableReason)
    expect(process.env.DBUS_SESSION_BUS_ADDRESS).toBe(
      keyring.current().env.DBUS_SESSION_BUS_ADDRESS
    )
    const gateway: Gateway = await startGateway({ port: 0, autoRun: false })
    cleanups.push(() => gateway.close())
    const profile = `wiring-${process.pid}-${Date.now()}`
    cleanups.push(() => runCli(['token', 'delete', '--profile', profile]))
    const { main, userData } = startMain({
      NEBULA_SERVER_URL: gateway.url,
      NEBULA_PROFILE: profile
    })

    // No token yet: the tray asks for a sign-in, and so does one notification.
    await main.waitForRecord(
      (r) => String(r.image).endsWith('tray-sign-in.png'),
      'the sign-in tray icon'
    )
    const notice = await main.waitForRecord(
      (r) =>
        r.call === 'Notification' &&
        String((r.options as { title: string }).title).startsWith('Sign in again'),
      'the sign-in notification'
    )
    expect((notice.options as { body: string }).body).toContain(profile)

    const token = await gateway.mintToken({ sub: 'wiring-user' })
    const signedIn = await main.request(InvokeChannel.signIn, { profile_id: profile, token })
    expect(signedIn.ok).toBe(true)
    const info = (signedIn as { value: TokenInfo }).value
    expect(info).toMatchObject({ present: true, storage: 'keychain', subject: 'wiring-user' })

    // It reconnects with the stored token: the tray turns healthy, the snapshot says open.
    await main.waitForRecord(
      (r) => r.call === 'tray.setImage' && String(r.image).endsWith('tray-healthy.png'),
      'the healthy tray icon',
      30_000
    )
    const snapshot = await snapshotOf(main)
    expect(snapshot.profiles.find((p) => p.id === profile)?.connection.state).toBe('open')

    // The keychain holds it (another process reads the status, never the token)...
    const status = await runCli(['token', 'status', '--profile', profile, '--json'])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain('"present":true')
    expect(status.stdout.includes(token)).toBe(false)
    // ...and no file in the user-data folder, no record and no log line has it.
    for (const file of listFiles(userData)) {
      expect(readFileSync(file, 'utf8').includes(token), file).toBe(false)
    }
    expect(main.process.output.includes(token)).toBe(false)
    main.expectCleanOutput()
  }, 60_000)
})

/** Runs the built CLI to its end. */
async function runCli(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawnProcess(process.execPath, [join(ROOT, 'bin', 'nebula-desktop.js'), ...args])
  const exit = await child.waitForExit(30_000)
  return { code: exit.code, stdout: child.stdout }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]
  )
}
