import { join } from 'node:path'
import {
  app,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  powerMonitor,
  protocol,
  session,
  Tray
} from 'electron'
import type { BrowserWindow, Event } from 'electron'
import { ELECTRON_CSP_HEADER } from '@shared/content-security-policy'
import { DisposableStore } from '@shared/disposable'
import type { SettingsView } from '@shared/bridge/views'
import { describeError } from '@shared/redact'
import { AppService } from '@main/app/app-service'
import { InstanceLockedError, acquireInstanceLock } from '@main/app/instance-lock'
import type { InstanceLock } from '@main/app/instance-lock'
import type { TrayInputs } from '@main/app/app-views'
import { presentNotification } from '@main/app/notification-presenter'
import type { NotificationClick } from '@main/app/notification-presenter'
import { localGatewayFactory } from '@main/app/local-profile'
import { overridesFromEnv } from '@main/app/run-overrides'
import { trayModel } from '@main/app/tray-model'
import type { TrayAction } from '@main/app/tray-model'
import { TokenVault } from '@main/core/token-vault'
import { serveRenderer } from './app-protocol'
import { registerBridgeIpc } from './ipc'
import { applyLaunchAtLogin, startedAtLogin } from './login-item'
import { NotificationCenter } from './notifications'
import { createRendererUrlCheck } from './renderer-source'
import type { RendererSource } from './renderer-source'
import { lockDownSession } from './security'
import { watchSystemEvents } from './system-events'
import { TrayIcon } from './tray'
import { createMainWindow, focusWindow } from './window'

// The desktop app around one AppService: the dashboard window, the bridge over IPC, the tray,
// native notifications, launch at login, and the system events that make sessions retry. Every
// decision is the service's or a pure model's (tray-model, notification-presenter); this class
// only connects them to Electron.

/** A stable GUID for the tray icon of the packaged Windows app (Windows keys its settings on it). */
const WINDOWS_TRAY_GUID = '6f1d3b8e-2f47-4c61-9a0e-5b7c1e4d2a90'
/** How long quitting waits for sessions, the local gateway and the settings file. */
const QUIT_TIMEOUT_MS = 5_000

export interface DesktopShellOptions {
  source: RendererSource
  preloadPath: string
  /** Folder of the tray icons and icon.png. */
  resourcesDir: string
  log: (line: string) => void
}

/** Wires the app service to Electron; see the header. */
export class DesktopShell {
  private window: BrowserWindow | null = null
  private service: AppService | null = null
  private lock: InstanceLock | null = null
  private tray: TrayIcon | null = null
  private notifications: NotificationCenter | null = null
  private settings: Pick<SettingsView, 'close_to_tray' | 'launch_at_login'> | undefined
  private quitting = false
  private stopped: Promise<void> | null = null
  private stoppedDone = false
  private readonly disposables = new DisposableStore()
  private readonly isTrustedUrl: (url: string) => boolean

  constructor(private readonly options: DesktopShellOptions) {
    this.isTrustedUrl = createRendererUrlCheck(options.source)
  }

  /** After `ready`: lockdown, the page's scheme, the bridge, the window, then the service. */
  start(): void {
    const { source, log } = this.options
    if (!this.takeInstanceLock()) return
    lockDownSession(session.defaultSession, { enforceCspHeader: source.kind === 'app' })
    if (source.kind === 'app') {
      serveRenderer({
        protocol,
        fetchFile: (url) => net.fetch(url),
        rootDir: source.rootDir,
        csp: ELECTRON_CSP_HEADER,
        log
      })
    }
    const starting = this.startService()
    this.disposables.add(
      registerBridgeIpc({
        ipcMain,
        host: starting.then((service) => service.host),
        isTrustedUrl: this.isTrustedUrl,
        target: () => this.liveWindow()?.webContents ?? null,
        log
      })
    )
    this.openWindow(!startedAtLogin(process.argv, app, process.platform))
    starting.then(
      (service) => this.attach(service),
      (error: unknown) => {
        log(`the app service could not start: ${describeError(error)}`)
        this.showTray(undefined)
      }
    )
  }

  /**
   * The settings folder's lock (see instance-lock.ts): false when `nebula-desktop ui` holds it,
   * after saying so in a dialog and quitting. Any other failure to take it is logged, and the
   * app runs without it.
   */
  private takeInstanceLock(): boolean {
    try {
      this.lock = acquireInstanceLock(app.getPath('userData'), 'desktop')
    } catch (error) {
      if (!(error instanceof InstanceLockedError)) {
        this.options.log(`could not take the settings folder's lock: ${describeError(error)}`)
        return true
      }
      this.options.log(error.message)
      dialog.showErrorBox(
        'Nebula Desktop is already running in a browser',
        `${error.message}. Both use the same settings and server sessions, so only one can run at a time.`
      )
      app.quit()
      return false
    }
    return true
  }

  /** Shows the dashboard window, creating it again if it was closed. */
  showWindow(): void {
    const window = this.liveWindow()
    if (window) focusWindow(window)
    else this.openWindow(true)
  }

  /**
   * `before-quit`: the first one is held until the service has stopped (sessions closed, local
   * gateway stopped, settings written), then the app quits for real. Electron does not wait for
   * promises in its handlers, hence the second quit.
   */
  beforeQuit(event: Event): void {
    this.quitting = true
    if (this.stopped === null) {
      this.stopped = this.stop().finally(() => app.quit())
    }
    if (!this.stoppedDone) event.preventDefault()
  }

  private async stop(): Promise<void> {
    this.disposables.dispose()
    this.notifications?.dispose()
    this.tray?.dispose()
    const service = this.service
    this.service = null
    if (service) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<void>((done) => (timer = setTimeout(done, QUIT_TIMEOUT_MS)))
      await Promise.race([
        service.dispose().catch((error: unknown) => {
          this.options.log(`stopping the app service: ${describeError(error)}`)
        }),
        timeout
      ])
      clearTimeout(timer)
    }
    this.lock?.release()
    this.stoppedDone = true
  }

  private startService(): Promise<AppService> {
    const { log } = this.options
    // A bad NEBULA_SERVER_URL is ignored: said in the log and shown in the dashboard.
    const warnings: string[] = []
    const overrides = overridesFromEnv(process.env, (warning) => {
      log(warning)
      warnings.push(warning)
    })
    return AppService.start({
      settingsDir: app.getPath('userData'),
      vault: new TokenVault({ onWarning: (error) => log(error.message) }),
      info: {
        name: app.getName(),
        version: app.getVersion(),
        platform: process.platform,
        transport: 'electron'
      },
      overrides,
      warnings,
      ...localGatewayOptions(process.env, log),
      log
    })
  }

  private attach(service: AppService): void {
    if (this.quitting) {
      void service.dispose()
      return
    }
    this.service = service
    const { log } = this.options
    this.notifications = new NotificationCenter({
      Notification,
      platform: process.platform,
      ...(process.platform === 'darwin'
        ? {}
        : { iconPath: join(this.options.resourcesDir, 'icon.png') }),
      onClick: (click) => this.onNotificationClick(click),
      log
    })
    const d = this.disposables
    d.add(service.on('tray', (inputs) => this.showTray(inputs)))
    d.add(
      service.on('notification', (input) => this.notifications?.show(presentNotification(input)))
    )
    d.add(service.on('show_execution', () => this.showWindow()))
    d.add(service.on('settings', (settings) => this.applySettings(settings)))
    d.add(
      watchSystemEvents({
        powerMonitor,
        isOnline: () => net.isOnline(),
        nudge: (why) => {
          log(`${why}: reconnecting now`)
          service.nudge()
        }
      })
    )
    this.applySettings(service.snapshot().settings)
    this.showTray(service.trayInputs())
  }

  private showTray(inputs: TrayInputs | undefined): void {
    const shown: TrayInputs = inputs ?? {
      profiles: [],
      unseen_failures: 0,
      running: 0,
      last_failures: [],
      paused_until: null,
      local_dev_mode: false
    }
    if (this.tray === null) {
      this.tray = new TrayIcon({
        Tray,
        Menu,
        createImage: (path) => nativeImage.createFromPath(path),
        platform: process.platform,
        resourcesDir: this.options.resourcesDir,
        ...(process.platform === 'win32' && app.isPackaged ? { guid: WINDOWS_TRAY_GUID } : {}),
        onAction: (action) => this.onTrayAction(action)
      })
    }
    this.tray.update(
      trayModel(shown, {
        appName: app.getName(),
        ...(process.platform === 'win32' ? { maxTooltipLength: 127 } : {})
      })
    )
  }

  private onTrayAction(action: TrayAction): void {
    const service = this.service
    const run = (method: string, payload: unknown): void => {
      if (!service) return
      void service.host.invoke(method, payload).then((result) => {
        if (!result.ok) this.options.log(`tray: ${method} failed: ${result.error.message}`)
      })
    }
    switch (action.type) {
      case 'open_dashboard':
        return this.showWindow()
      case 'show_execution':
        if (service) service.showExecution(action.profile_id, action.execution_id)
        else this.showWindow()
        return
      case 'reconnect':
        return run('reconnect', {})
      case 'pause':
        return run('setNotificationPrefs', { pause: action.pause })
      case 'set_local_dev_mode':
        return run('setLocalDevMode', { enabled: action.enabled })
      case 'quit':
        this.quitting = true
        return app.quit()
    }
  }

  /** Navigate first (the dashboard gets `show_execution`), then the window comes forward. */
  private onNotificationClick(click: NotificationClick): void {
    if (click.type === 'show_execution' && this.service) {
      this.service.showExecution(click.profile_id, click.execution_id)
    } else {
      this.showWindow()
    }
  }

  private applySettings(settings: SettingsView): void {
    const before = this.settings
    this.settings = {
      close_to_tray: settings.close_to_tray,
      launch_at_login: settings.launch_at_login
    }
    if (before?.launch_at_login !== settings.launch_at_login) {
      applyLaunchAtLogin(settings.launch_at_login, {
        app,
        platform: process.platform,
        appName: app.getName(),
        execPath: process.env.APPIMAGE || process.execPath,
        // An unpackaged run is the Electron binary plus this app's folder.
        appArgs: app.isPackaged ? [] : [app.getAppPath()],
        log: this.options.log
      })
    }
  }

  private openWindow(show: boolean): void {
    const window = createMainWindow({
      preloadPath: this.options.preloadPath,
      source: this.options.source,
      showWhenReady: show,
      // Closing hides to the tray (a setting), unless the app is quitting.
      hideOnClose: () =>
        !this.quitting && (this.settings?.close_to_tray ?? true) && this.tray !== null,
      // Packaged builds on macOS and Windows take the icon from the bundle; Linux needs it here.
      ...(process.platform === 'linux'
        ? { iconPath: join(this.options.resourcesDir, 'icon.png') }
        : {})
    })
    window.on('closed', () => {
      if (this.window === window) this.window = null
    })
    this.window = window
  }

  private liveWindow(): BrowserWindow | null {
    return this.window && !this.window.isDestroyed() ? this.window : null
  }
}

/**
 * NEBULA_SERVER_URL / NEBULA_PROFILE, when the URL is one a profile may hold; otherwise none
 * (the saved profiles, or local dev mode, run instead) and the log says why. A profile the
 * contract refuses would make every snapshot invalid.
 */
/**
 * Demo knobs for local dev mode's gateway: NEBULA_LOCAL_FAILURE_RATE (0..1, how often demo
 * executions fail; default the gateway's 0.2; 1 shows failure alerts at once) and
 * NEBULA_LOCAL_AUTO_RUN=0 (no background executions: only the ones you run). Tests use both to
 * get failures on demand.
 */
function localGatewayOptions(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void
): { startLocal?: ReturnType<typeof localGatewayFactory> } {
  const options: { failureRate?: number; autoRun?: boolean } = {}
  const rate = env.NEBULA_LOCAL_FAILURE_RATE?.trim()
  if (rate) {
    const failureRate = Number(rate)
    if (failureRate >= 0 && failureRate <= 1) options.failureRate = failureRate
    else log('NEBULA_LOCAL_FAILURE_RATE must be a number from 0 to 1; ignored')
  }
  const autoRun = env.NEBULA_LOCAL_AUTO_RUN?.trim()
  if (autoRun === '0' || autoRun === '1') options.autoRun = autoRun === '1'
  else if (autoRun) log('NEBULA_LOCAL_AUTO_RUN must be 0 or 1; ignored')
  return Object.keys(options).length > 0 ? { startLocal: localGatewayFactory(options) } : {}
}
