import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { InvokeChannel } from '@shared/bridge/channels'
import type { Snapshot } from '@shared/bridge/views'
import { waitUntil } from '../helpers/wait'
import { MAIN, MainUnderFake, PAGE_URL, type CallRecord } from './main-under-fake'

// The REAL built main entry (out/main/index.js) in a child `node`, with `require('electron')`
// answered by a recording fake (fixtures/fake-electron.cjs, put in place by
// fixtures/electron-hook.cjs). Everything past the electron module is real: the lockdown, the
// app:// handler, the IPC adapter over the app service, the window options, the sessions, the
// in-process gateway and its sockets. The Electron binary is not needed; app.e2e.test.ts covers
// the same build in a real Electron. shell-wiring.test.ts covers the tray and notifications.

const ROOT = resolve(__dirname, '..', '..')
const PRELOAD = join(ROOT, 'out', 'preload', 'index.js')
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  productName: string
  version: string
}

beforeAll(() => {
  for (const built of [MAIN, PRELOAD]) {
    if (!existsSync(built)) {
      throw new Error(
        `${built} is missing: build first with \`npx electron-vite build\` (\`npm test\` does)`
      )
    }
  }
})

let running: MainUnderFake[] = []
let tempDirs: string[] = []

afterEach(async () => {
  const all = running
  running = []
  for (const main of all) main.process.kill('SIGKILL')
  await Promise.all(all.map((main) => main.process.exited))
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs = []
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

/** Starts the built main under the fake; with NEBULA_SERVER_URL left unset, in local dev mode. */
function startMain(env: Record<string, string | undefined> = {}): MainUnderFake {
  const main = new MainUnderFake({
    // Nothing from the developer's environment may change which page or server is used.
    ELECTRON_RENDERER_URL: undefined,
    ELECTRON_RUN_AS_NODE: undefined,
    NEBULA_SERVER_URL: undefined,
    NEBULA_PROFILE: undefined,
    NEBULA_GATEWAY_SECRET: undefined,
    NEBULA_LOCAL_FAILURE_RATE: undefined,
    FAKE_ELECTRON_APP_PATH: ROOT,
    FAKE_ELECTRON_USER_DATA: tempDir('nebula-wiring-userdata-'),
    XDG_CONFIG_HOME: tempDir('nebula-wiring-config-'),
    ...env
  })
  running.push(main)
  return main
}

/** A loopback port nothing listens on (bound once to pick it, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  await new Promise<void>((done) => server.close(() => done()))
  if (address === null || typeof address === 'string') throw new Error('no port was assigned')
  return address.port
}

/** GET /api/v1/health; resolves to the HTTP status, or null when nothing answers. */
async function healthStatus(serverUrl: string): Promise<number | null> {
  try {
    const response = await fetch(`${serverUrl}/api/v1/health`, {
      headers: { connection: 'close' },
      signal: AbortSignal.timeout(5_000)
    })
    await response.body?.cancel()
    return response.status
  } catch {
    return null
  }
}

const indexOfCall = (records: CallRecord[], call: string): number =>
  records.findIndex((r) => r.call === call)

/** The snapshot through the real IPC handler, as the dashboard loads it. */
async function snapshotOf(main: MainUnderFake): Promise<Snapshot> {
  const result = await main.request(InvokeChannel.getSnapshot)
  if (!result.ok) throw new Error(`getSnapshot failed: ${JSON.stringify(result.error)}`)
  return result.value as Snapshot
}

describe('built main entry (out/main/index.js) under a recording fake electron', () => {
  it('locks down the session, then opens one sandboxed, isolated window on app://', async () => {
    const main = startMain()
    await main.waitForRecord((r) => r.call === 'BrowserWindow.loadURL', 'the page load')
    const records = main.records()

    const windows = records.filter((r) => r.call === 'BrowserWindow')
    expect(windows).toHaveLength(1)
    const options = windows[0]!.options as { webPreferences: Record<string, unknown> }
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false
    })
    // Electron's default for webSecurity is true: absent is as good as true, false is not.
    expect(options.webPreferences.webSecurity).not.toBe(false)
    expect(options.webPreferences.allowRunningInsecureContent).not.toBe(true)
    expect(options.webPreferences.preload).toBe(PRELOAD)
    expect(existsSync(options.webPreferences.preload as string)).toBe(true)
    // The page comes from the app's own scheme, never from file://.
    expect(records.find((r) => r.call === 'BrowserWindow.loadURL')?.url).toBe(PAGE_URL)
    expect(records.some((r) => r.call === 'BrowserWindow.loadFile')).toBe(false)

    // Electron honours enableSandbox and scheme privileges only before `ready`; the lockdown,
    // the scheme's handler and the IPC handlers must be in place before the page can load.
    expect(records.find((r) => r.call === 'app.enableSandbox')).toEqual({
      call: 'app.enableSandbox',
      ready: false
    })
    expect(records.find((r) => r.call === 'protocol.registerSchemesAsPrivileged')).toEqual({
      call: 'protocol.registerSchemesAsPrivileged',
      schemes: [
        { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }
      ],
      ready: false
    })
    const windowAt = indexOfCall(records, 'BrowserWindow')
    for (const call of [
      'session.setPermissionRequestHandler',
      'session.setPermissionCheckHandler',
      'session.webRequest.onHeadersReceived',
      'protocol.handle',
      'ipcMain.handle'
    ]) {
      const at = indexOfCall(records, call)
      expect(at, `${call} before the window`).toBeGreaterThanOrEqual(0)
      expect(at, `${call} before the window`).toBeLessThan(windowAt)
    }
    // One handler per command of the contract, on the channel the table names.
    const handled = records.filter((r) => r.call === 'ipcMain.handle').map((r) => r.channel)
    expect(handled.sort()).toEqual(Object.values(InvokeChannel).sort())

    // What the installed hooks decide, probed by the fake with the real callbacks.
    const probe = (call: string) => records.find((r) => r.call === call)?.probe
    expect(probe('session.setPermissionRequestHandler')).toEqual({
      permission: 'media',
      granted: false
    })
    expect(probe('session.setPermissionCheckHandler')).toEqual({
      permission: 'notifications',
      granted: false
    })
    const headers = (
      probe('session.webRequest.onHeadersReceived') as {
        responseHeaders: Record<string, string[]>
      }
    ).responseHeaders
    const cspNames = Object.keys(headers).filter(
      (name) => name.toLowerCase() === 'content-security-policy'
    )
    expect(cspNames, 'exactly one CSP header survives').toEqual(['Content-Security-Policy'])
    expect(headers['Content-Security-Policy']![0]).toContain("default-src 'self'")
    expect(headers['Content-Security-Policy']![0]).toContain("connect-src 'none'")
    expect(headers['Content-Security-Policy']![0]).toContain("frame-ancestors 'none'")
    expect(headers['X-Other']).toEqual(['kept'])

    // The window's web contents went through hardenWebContents (web-contents-created).
    expect(records.find((r) => r.call === 'webContents.hardened')).toMatchObject({
      navigationPrevented: true,
      webviewPrevented: true,
      windowOpen: 'deny'
    })
    expect(main.process.running).toBe(true)
    main.expectCleanOutput()
  })

  it('with NEBULA_SERVER_URL unset, connects to the in-process gateway and sends open', async () => {
    const main = startMain()
    const open = await main.waitForState('open', 45_000, 'local')
    expect(open.server_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    // States before the adapter subscribed reach the page through its snapshot instead.
    expect(main.stateTransitions('local').slice(-2)).toEqual(['syncing', 'open'])
    // A real gateway answers on that port: local dev mode, real sockets.
    expect(await healthStatus(open.server_url!)).toBe(200)

    // A page (re)load takes a snapshot: it shows the current state at once.
    const snapshot = await snapshotOf(main)
    const local = snapshot.profiles.find((p) => p.id === 'local')
    expect(local).toMatchObject({ local: true, connection: { state: 'open' } })
    expect(snapshot.info).toEqual({
      name: packageJson.productName,
      version: packageJson.version,
      platform: process.platform,
      transport: 'electron'
    })
    // Batches after the snapshot carry later sequence numbers only.
    await waitUntil(() => main.batches().some((b) => b.seq > snapshot.seq), {
      timeoutMs: 30_000,
      what: 'a batch after the snapshot (the demo gateway runs executions)'
    })
    main.expectCleanOutput()
  })

  it('with NEBULA_SERVER_URL set and no keychain reachable, says auth_failed and keeps running', async () => {
    const port = await deadPort()
    const userData = tempDir('nebula-wiring-userdata-')
    const main = startMain({
      FAKE_ELECTRON_USER_DATA: userData,
      NEBULA_SERVER_URL: `http://127.0.0.1:${port}`,
      NEBULA_PROFILE: 'main-wiring-test',
      // No D-Bus session bus (and no display to autolaunch one): keytar fails at once.
      DBUS_SESSION_BUS_ADDRESS: undefined,
      DISPLAY: undefined,
      WAYLAND_DISPLAY: undefined,
      XDG_RUNTIME_DIR: tempDir('nebula-wiring-runtime-')
    })
    // The vault falls back to this run's memory (one warning), which holds no token, so the
    // connection ends in auth_failed before any socket is opened, and waits for a token. The
    // tray says "sign in" (the state may come before the page subscribes: the snapshot has it).
    await main.waitForRecord(
      (r) => String(r.image).endsWith('tray-sign-in.png'),
      'the sign-in tray icon'
    )
    expect(main.process.stderr).toMatch(/\[nebula\] OS keychain unavailable: .*memory/)

    // Still alive and serving: an IPC round trip after the failure is answered.
    const snapshot = await snapshotOf(main)
    // Local dev mode is off when a server is named.
    expect(snapshot.profiles.map((p) => p.id)).toEqual(['main-wiring-test'])
    expect(snapshot.profiles[0]!.connection).toMatchObject({
      state: 'auth_failed',
      reason: 'no token for this server',
      server_url: `http://127.0.0.1:${port}`
    })
    expect(snapshot.notices.some((n) => n.id === 'keychain')).toBe(true)
    expect(main.process.running).toBe(true)

    // Quitting stops the sessions and saves the profile's state under userData, then the app
    // quits by itself and nothing is left holding the process.
    main.command({ cmd: 'emit', event: 'before-quit' })
    expect(await main.process.waitForExit(15_000)).toEqual({ code: 0, signal: null })
    const stateFile = join(userData, 'state', 'main-wiring-test.state.json')
    expect(existsSync(stateFile), stateFile).toBe(true)
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({
      server: `http://127.0.0.1:${port}`
    })
    main.expectCleanOutput()
  })

  it('with a malformed NEBULA_SERVER_URL, says why and runs what it can', async () => {
    const main = startMain({ NEBULA_SERVER_URL: 'ftp://nebula.example.com' })
    // The override is ignored with a reason; with no saved profile, local dev mode runs.
    await main.waitForRecord(
      (r) => String(r.image).endsWith('tray-healthy.png'),
      'the healthy tray icon of local dev mode',
      45_000
    )
    expect(main.process.stderr).toContain(
      '[nebula] NEBULA_SERVER_URL ignored: enter an http(s):// or ws(s):// address'
    )
    const snapshot = await snapshotOf(main)
    expect(snapshot.profiles.map((p) => p.id)).toEqual(['local'])
    expect(main.process.running).toBe(true)
    main.expectCleanOutput()
  })

  it('answers commands from the dashboard frame only, with typed errors', async () => {
    const main = startMain()
    await main.waitForRecord(
      (r) => r.call === 'ipcMain.handle' && r.channel === InvokeChannel.getInfo,
      'the getInfo handler'
    )
    const info = {
      name: packageJson.productName,
      version: packageJson.version,
      platform: process.platform,
      transport: 'electron'
    }
    expect(await main.invoke(InvokeChannel.getInfo)).toMatchObject({
      ok: true,
      value: { ok: true, value: info }
    })
    expect(
      await main.invoke(InvokeChannel.getInfo, { frameUrl: `${PAGE_URL}#/executions` })
    ).toMatchObject({
      ok: true,
      value: { ok: true }
    })

    for (const [frameUrl, options] of [
      ['https://evil.example/index.html', {}],
      ['app://nebula/other.html', {}],
      ['app://other/index.html', {}],
      ['file:///index.html', {}],
      [PAGE_URL, { subframe: true }], // our page, but inside some other frame
      [PAGE_URL, { foreignSender: true }] // our page's URL, but another webContents
    ] as const) {
      const refused = await main.invoke(InvokeChannel.getInfo, { frameUrl, ...options })
      expect(refused, `${frameUrl} ${JSON.stringify(options)}`).toMatchObject({
        ok: true,
        value: { ok: false, error: { code: 'not_allowed' } }
      })
    }
    // Trusted sender, but a payload the contract does not allow: typed, names the field.
    expect(await main.invoke(InvokeChannel.getInfo, { args: [{ x: 1 }] })).toMatchObject({
      ok: true,
      value: { ok: false, error: { code: 'invalid_request' } }
    })
    expect(
      await main.invoke(InvokeChannel.executeWorkflow, {
        args: [{ profile_id: 'local', workflow_id: '' }]
      })
    ).toMatchObject({
      ok: true,
      value: { ok: false, error: { code: 'invalid_request', field: 'workflow_id' } }
    })
    expect(main.process.stderr).toContain('refused getInfo from a frame that is not the dashboard')
    expect(main.process.running).toBe(true)
    main.expectCleanOutput()
  })

  it('stops everything on quit: the gateway closes and the process exits on its own', async () => {
    const main = startMain()
    const serverUrl = (await main.waitForState('open', 45_000, 'local')).server_url!
    expect(await healthStatus(serverUrl)).toBe(200)

    main.command({ cmd: 'emit', event: 'before-quit' })
    // The first before-quit is held until the service has stopped; then main quits again, and
    // the fake's main loop ends. Node exits only once nothing else holds the loop, so an exit
    // of its own shows the gateway, the sockets and every timer were released. If something
    // still held it, SIGTERM ends the run and the assertion below names the leak.
    const exit = await main.process.waitForExit(15_000).catch(async () => {
      main.process.kill('SIGTERM')
      await main.process.exited
      return null
    })
    expect(exit, 'the process exited on its own after quitting').toEqual({ code: 0, signal: null })
    expect(await healthStatus(serverUrl)).toBe(null)
    const records = main.records()
    expect(records.filter((r) => r.call === 'app.quit')).toHaveLength(1)
    for (const event of ['resume', 'unlock-screen']) {
      expect(records.find((r) => r.call === 'powerMonitor.off' && r.event === event)).toMatchObject(
        {
          remaining: 0
        }
      )
    }
    main.expectCleanOutput()
  })
})
