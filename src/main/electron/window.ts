import { BrowserWindow } from 'electron'
import type { RendererSource } from './renderer-source'

/** What the dashboard window needs: the built preload, the page to load, and (Linux) an icon. */
export interface MainWindowOptions {
  preloadPath: string
  source: RendererSource
  iconPath?: string
  /** Show the window once it has painted (false: a launch at login starts in the tray). */
  showWhenReady: boolean
  /** Closing hides the window instead (the app stays in the tray), unless the app is quitting. */
  hideOnClose: () => boolean
}

/** The theme's base colour (styles.css `--bg`), shown before the first paint: no white flash. */
const BACKGROUND_COLOR = '#0e1116'

/** Creates the dashboard window with locked-down web preferences and loads the renderer page. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Nebula Desktop',
    width: 1180,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    backgroundColor: BACKGROUND_COLOR,
    autoHideMenuBar: true,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click opens links in new windows; those are denied anyway, this stops the event.
      disableBlinkFeatures: 'Auxclick'
    }
  })
  if (options.showWhenReady) window.once('ready-to-show', () => window.show())
  window.on('close', (event) => {
    if (!options.hideOnClose()) return
    event.preventDefault()
    // macOS: a full-screen window hidden as it is leaves an empty black space behind.
    if (window.isFullScreen()) {
      window.once('leave-full-screen', () => window.hide())
      window.setFullScreen(false)
    } else {
      window.hide()
    }
  })

  window.loadURL(options.source.url).catch((error: unknown) => {
    console.error(
      `nebula-desktop: the dashboard page failed to load: ${error instanceof Error ? error.message : String(error)}`
    )
  })
  return window
}

/** Brings `window` to the front, restoring it when minimized or hidden. */
export function focusWindow(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return
  if (window.isMinimized()) window.restore()
  if (!window.isVisible()) window.show()
  window.focus()
}
