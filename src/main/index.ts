import { join } from 'node:path'
import { app, ipcMain, session } from 'electron'
import type { BrowserWindow } from 'electron'
import { EventChannel, InvokeChannel } from '@shared/bridge/channels'
import { describeError } from '@shared/redact'
import type { SessionState } from '@shared/bridge/contract'
import { EventPublisher, registerInvokeHandlers } from './electron/ipc'
import { createRendererUrlCheck, resolveRendererSource } from './electron/renderer-source'
import type { RendererSource } from './electron/renderer-source'
import { hardenWebContents, lockDownSession } from './electron/security'
import { startMonitor } from './electron/monitor'
import type { RunningMonitor } from './electron/monitor'
import { createMainWindow, focusWindow } from './electron/window'

// The Electron shell: lockdown, the bridge's handlers, one dashboard window. The monitor core
// (plain Node under src/main) is wired in here and reports its connection states through
// publishSessionState; everything Electron-specific stays in ./electron.

/** Windows groups taskbar entries and notifications by this id; the installer's appId must match. */
const APP_USER_MODEL_ID = 'com.nebula.desktop'

/** Built layout (electron-vite): out/main/index.js, out/preload/index.js, out/renderer/index.html. */
const PRELOAD_PATH = join(__dirname, '../preload/index.js')
const INDEX_HTML_PATH = join(__dirname, '../renderer/index.html')

const sessionState = new EventPublisher(EventChannel.SessionState)
let mainWindow: BrowserWindow | null = null
/** The monitor, once started (or null when it could not start); awaited on quit. */
let monitor: Promise<RunningMonitor | null> = Promise.resolve(null)

/** Shows a connection-state change in the dashboard, now and after every reload of the page. */
export function publishSessionState(state: SessionState): void {
  sessionState.publish(state)
}

function openMainWindow(source: RendererSource): void {
  const window = createMainWindow({
    preloadPath: PRELOAD_PATH,
    source,
    // Packaged builds on macOS and Windows take the icon from the bundle; Linux needs it here.
    ...(process.platform === 'linux'
      ? { iconPath: join(app.getAppPath(), 'resources', 'icon.png') }
      : {})
  })
  sessionState.attach(window.webContents)
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null
  })
  mainWindow = window
}

function start(): void {
  const source = resolveRendererSource({
    isPackaged: app.isPackaged,
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    indexHtmlPath: INDEX_HTML_PATH
  })
  const isTrustedUrl = createRendererUrlCheck(source)

  app.enableSandbox()
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID)
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
  app.on('second-instance', () => focusWindow(mainWindow))
  app.on('before-quit', () => {
    // Also stops a monitor still starting when the user quits.
    void monitor.then((running) => running?.stop())
    monitor = Promise.resolve(null)
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  void app.whenReady().then(() => {
    // Production pages get the CSP as a header too; the dev server's pages keep the meta policy.
    lockDownSession(session.defaultSession, { enforceCspHeader: source.kind === 'file' })
    registerInvokeHandlers(ipcMain, isTrustedUrl, {
      [InvokeChannel.AppGetInfo]: () => ({
        name: app.getName(),
        version: app.getVersion(),
        platform: process.platform
      })
    })
    openMainWindow(source)
    monitor = startMonitor(publishSessionState).catch((error: unknown) => {
      const reason = `could not start the monitor: ${describeError(error)}`
      console.error(`[monitor] ${reason}`)
      publishSessionState({ state: 'closed', reason })
      return null
    })
    app.on('activate', () => {
      if (mainWindow === null) openMainWindow(source)
    })
  })
}

// One instance per user: a second launch hands over to the first, which comes to the front.
if (app.requestSingleInstanceLock()) {
  start()
} else {
  app.quit()
}
