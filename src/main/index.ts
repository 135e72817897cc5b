import { join } from 'node:path'
import { app, protocol } from 'electron'
import { registerAppSchemePrivileges } from './electron/app-protocol'
import { DesktopShell } from './electron/desktop-shell'
import { resolveRendererSource } from './electron/renderer-source'
import { hardenWebContents } from './electron/security'

// The Electron entry: what must happen before `ready` (the app:// scheme's privileges, the
// sandbox, one instance per user, the web-contents lockdown), then the shell
// (src/main/electron/desktop-shell.ts) around the app service.

/** Windows groups taskbar entries and notifications by this id; electron-builder.yml's appId matches. */
export const APP_USER_MODEL_ID = 'com.nebula.desktop'

/** Built layout (electron-vite): out/main/index.js, out/preload/index.js, out/renderer/. */
const PRELOAD_PATH = join(__dirname, '../preload/index.js')
const RENDERER_DIR = join(__dirname, '../renderer')

const log = (line: string): void => console.warn(`[nebula] ${line}`)

function start(): void {
  const source = resolveRendererSource({
    isPackaged: app.isPackaged,
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    rendererDir: RENDERER_DIR
  })
  app.enableSandbox()
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID)
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))

  const shell = new DesktopShell({
    source,
    preloadPath: PRELOAD_PATH,
    // Packaged: electron-builder's extraResources puts resources/ next to app.asar, as real
    // files (a notification daemon cannot read an icon inside the archive).
    resourcesDir: app.isPackaged
      ? join(process.resourcesPath, 'resources')
      : join(app.getAppPath(), 'resources'),
    log
  })
  app.on('second-instance', () => shell.showWindow())
  app.on('before-quit', (event) => shell.beforeQuit(event))
  app.on('window-all-closed', () => {
    // With close-to-tray the window only hides; this runs when it really closed.
    if (process.platform !== 'darwin') app.quit()
  })
  void app.whenReady().then(() => {
    shell.start()
    app.on('activate', () => shell.showWindow())
  })
}

// Privileges for app:// can only be granted before `ready`.
registerAppSchemePrivileges(protocol)

// One instance per user: a second launch hands over to the first, which comes to the front.
if (app.requestSingleInstanceLock()) {
  start()
} else {
  app.quit()
}
