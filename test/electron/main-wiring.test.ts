import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { waitUntil } from '../helpers/wait'
import { MAIN, MainUnderFake, type CallRecord } from './main-under-fake'

// The REAL built main entry (out/main/index.js) in a child `node`, with `require('electron')`
// answered by a recording fake (fixtures/fake-electron.cjs, put in place by
// fixtures/electron-hook.cjs). Everything past the electron module is real: the lockdown, the
// IPC handlers, the window options, the monitor, the in-process gateway and its sockets.
// The Electron binary is not needed; app.e2e.test.ts covers the same build in a real Electron.

const ROOT = resolve(__dirname, '..', '..')
const PRELOAD = join(ROOT, 'out', 'preload', 'index.js')
const INDEX_HTML = join(ROOT, 'out', 'renderer', 'index.html')
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
    FAKE_ELECTRON_APP_PATH: ROOT,
    FAKE_ELECTRON_USER_DATA: tempDir('nebula-wiring-userdata-'),
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

describe('built main entry (out/main/index.js) under a recording fake electron', () => {
  it('locks down the session, then opens one sandboxed, isolated window with the built preload', async () => {
    const main = startMain()
    await main.waitForRecord((r) => r.call === 'BrowserWindow.loadFile', 'the page load')
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
    expect(records.find((r) => r.call === 'BrowserWindow.loadFile')?.path).toBe(INDEX_HTML)

    // Electron honours enableSandbox only before `ready`; the lockdown and the IPC handlers must
    // be in place before the page can load or ask for anything.
    expect(records.find((r) => r.call === 'app.enableSandbox')).toEqual({
      call: 'app.enableSandbox',
      ready: false
    })
    const windowAt = indexOfCall(records, 'BrowserWindow')
    for (const call of [
      'session.setPermissionRequestHandler',
      'session.setPermissionCheckHandler',
      'session.webRequest.onHeadersReceived',
      'ipcMain.handle'
    ]) {
      const at = indexOfCall(records, call)
      expect(at, `${call} before the window`).toBeGreaterThanOrEqual(0)
      expect(at, `${call} before the window`).toBeLessThan(windowAt)
    }

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

  it('with NEBULA_SERVER_URL unset, connects to the in-process gateway and publishes open', async () => {
    const main = startMain()
    const open = await main.waitForState('open', 45_000)
    expect(open.server_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const states = main.sessionStates()
    expect(main.stateTransitions().slice(0, 3)).toEqual(['connecting', 'syncing', 'open'])
    expect(new Set(states.map((s) => s.server_url))).toEqual(new Set([open.server_url]))
    // A real gateway answers on that port: local dev mode, real sockets.
    expect(await healthStatus(open.server_url!)).toBe(200)

    // A page (re)load gets the latest state again, so the dashboard never shows a stale one.
    const sentBefore = states.length
    main.command({ cmd: 'reload' })
    await waitUntil(() => main.sessionStates().length > sentBefore, {
      timeoutMs: 10_000,
      what: 'the state replayed after a page load'
    })
    expect(main.sessionStates().at(-1)).toEqual(open)
    main.expectCleanOutput()
  })

  it('with NEBULA_SERVER_URL set and no keychain reachable, publishes auth_failed and keeps running', async () => {
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
    // What the code does (monitor.ts, token-vault.ts, connection.ts): getToken reads the vault;
    // keytar's failure makes the vault fall back to this run's memory (one warning), which holds
    // no token, so the connection ends in auth_failed 'no token for this server' before any
    // socket is opened. auth_failed waits for a token change; it does not retry the dead port.
    const failed = await main.waitForState('auth_failed', 30_000)
    expect(failed).toMatchObject({
      state: 'auth_failed',
      reason: 'no token for this server',
      server_url: `http://127.0.0.1:${port}`
    })
    expect(main.stateTransitions()).toEqual(['connecting', 'auth_failed'])
    expect(main.process.stderr).toMatch(/\[monitor\] OS keychain unavailable: .*memory/)

    // Still alive and serving: an IPC round trip after the failure is answered.
    const info = await main.invoke('app:get-info', pathToFileURL(INDEX_HTML).href)
    expect(info.ok).toBe(true)
    expect(main.process.running).toBe(true)
    expect(main.stateTransitions()).toEqual(['connecting', 'auth_failed'])

    // Quitting saves the profile's state under userData (synchronously: Electron does not wait
    // for the before-quit handler's promise), and nothing is left holding the process.
    main.command({ cmd: 'emit', event: 'before-quit' })
    await main.waitForState('closed', 15_000)
    const stateFile = join(userData, 'state', 'main-wiring-test.state.json')
    expect(existsSync(stateFile), stateFile).toBe(true)
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({
      server: `http://127.0.0.1:${port}`
    })
    main.command({ cmd: 'exit' })
    expect(await main.process.waitForExit(15_000)).toEqual({ code: 0, signal: null })
    main.expectCleanOutput()
  })

  it('with a malformed NEBULA_SERVER_URL, tells the dashboard why and keeps running', async () => {
    const main = startMain({
      FAKE_ELECTRON_USER_DATA: tempDir('nebula-wiring-userdata-'),
      NEBULA_SERVER_URL: 'ftp://nebula.example.com'
    })
    const closed = await main.waitForState('closed', 30_000)
    expect(closed.reason).toMatch(/could not start the monitor: unsupported scheme "ftp:"/)
    expect(closed).not.toHaveProperty('server_url')
    const info = await main.invoke('app:get-info', pathToFileURL(INDEX_HTML).href)
    expect(info.ok).toBe(true)
    expect(main.process.running).toBe(true)
    main.command({ cmd: 'exit' })
    expect(await main.process.waitForExit(15_000)).toEqual({ code: 0, signal: null })
  })

  it('answers app:get-info to the dashboard frame only', async () => {
    const main = startMain()
    await main.waitForRecord(
      (r) => r.call === 'ipcMain.handle' && r.channel === 'app:get-info',
      'the app:get-info handler'
    )
    const trustedUrl = pathToFileURL(INDEX_HTML).href

    expect(await main.invoke('app:get-info', trustedUrl)).toEqual({
      call: 'invoke.result',
      id: 1,
      ok: true,
      value: {
        name: packageJson.productName,
        version: packageJson.version,
        platform: process.platform
      }
    })
    expect(await main.invoke('app:get-info', `${trustedUrl}#/executions`)).toMatchObject({
      ok: true
    })

    for (const [frameUrl, subframe] of [
      ['https://evil.example/index.html', false],
      [pathToFileURL(join(ROOT, 'out', 'renderer', 'other.html')).href, false],
      [trustedUrl, true] // our page, but inside some other frame
    ] as const) {
      const refused = await main.invoke('app:get-info', frameUrl, { subframe })
      expect(refused, `${frameUrl} (subframe: ${subframe})`).toMatchObject({
        ok: false,
        error: 'app:get-info: sender not allowed'
      })
    }
    // Trusted sender, but a payload the contract does not allow.
    expect(await main.invoke('app:get-info', trustedUrl, { args: [{ x: 1 }] })).toMatchObject({
      ok: false,
      error: 'app:get-info: request does not match the contract'
    })
    expect(main.process.stderr).toContain(
      'refused app:get-info from a frame that is not the dashboard'
    )
    main.expectCleanOutput()
  })

  it('stops the monitor on before-quit: the gateway closes, and the process can exit cleanly', async () => {
    const main = startMain()
    const serverUrl = (await main.waitForState('open', 45_000)).server_url!
    expect(await healthStatus(serverUrl)).toBe(200)

    main.command({ cmd: 'emit', event: 'before-quit' })
    await main.waitForState('closed', 15_000)
    await waitUntil(async () => (await healthStatus(serverUrl)) === null, {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the gateway port to close'
    })
    // The port closed while the process was still up: the monitor stopped it, not the exit.
    expect(main.process.running).toBe(true)
    expect(main.records().find((r) => r.call === 'powerMonitor.off')).toMatchObject({
      event: 'resume',
      remaining: 0
    })

    // End the fake's main loop. Node exits only once nothing else holds the loop, so an exit of
    // its own shows stop() released the gateway, the socket and every timer. If something
    // still held it, SIGTERM ends the run and the assertion below names the leak.
    main.command({ cmd: 'exit' })
    const exit = await main.process.waitForExit(15_000).catch(async () => {
      main.process.kill('SIGTERM')
      await main.process.exited
      return null
    })
    expect(exit, 'the process exited on its own after the main loop ended').toEqual({
      code: 0,
      signal: null
    })
    main.expectCleanOutput()
  })
})
