import { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { App, NativeImage, PowerMonitor } from 'electron'
import type { TrayInputs } from '@main/app/app-views'
import type { PresentedNotification } from '@main/app/notification-presenter'
import { trayModel } from '@main/app/tray-model'
import type { TrayAction } from '@main/app/tray-model'
import {
  applyLaunchAtLogin,
  autostartPath,
  HIDDEN_ARG,
  startedAtLogin
} from '@main/electron/login-item'
import { NotificationCenter } from '@main/electron/notifications'
import { watchSystemEvents } from '@main/electron/system-events'
import { waitUntil } from '../helpers/wait'
import { TrayIcon } from '@main/electron/tray'
import type { TrayDeps } from '@main/electron/tray'

// The Electron adapters of the shell against small recording fakes of the Electron classes
// they take as parameters: what each shows, keeps and calls. The wiring of the real built main
// process is in main-wiring.test.ts and shell-wiring.test.ts.

const inputs = (overrides: Partial<TrayInputs> = {}): TrayInputs => ({
  profiles: [{ id: 'local', name: 'Local dev mode', local: true, state: { state: 'open', at: 1 } }],
  unseen_failures: 0,
  running: 0,
  last_failures: [],
  paused_until: null,
  local_dev_mode: true,
  ...overrides
})

/** A recording stand-in for Electron's Tray. */
class FakeTray extends EventEmitter {
  static created: FakeTray[] = []
  readonly calls: Array<[string, unknown]> = []
  menu: { template: Array<Record<string, unknown>> } | undefined
  constructor(
    readonly image: NativeImage,
    readonly guid?: string
  ) {
    super()
    FakeTray.created.push(this)
  }
  setImage(image: NativeImage): void {
    this.calls.push(['setImage', (image as unknown as { path: string }).path])
  }
  setToolTip(tooltip: string): void {
    this.calls.push(['setToolTip', tooltip])
  }
  setContextMenu(menu: { template: Array<Record<string, unknown>> }): void {
    this.menu = menu
    this.calls.push(['setContextMenu', menu])
  }
  destroy(): void {
    this.calls.push(['destroy', null])
  }
}

function trayDeps(
  platform: NodeJS.Platform,
  actions: TrayAction[]
): TrayDeps & { loaded: string[] } {
  const loaded: string[] = []
  return {
    loaded,
    Tray: FakeTray as unknown as TrayDeps['Tray'],
    Menu: { buildFromTemplate: (template) => ({ template }) as never },
    createImage: (path) => {
      loaded.push(path)
      return { path, setTemplateImage() {} } as unknown as NativeImage
    },
    platform,
    resourcesDir: '/res',
    onAction: (action) => actions.push(action)
  }
}

describe('TrayIcon', () => {
  afterEach(() => {
    FakeTray.created = []
  })

  it('shows the model: icon per state (loaded once), tooltip, and a new menu on every update', () => {
    const actions: TrayAction[] = []
    const deps = trayDeps('linux', actions)
    const tray = new TrayIcon(deps)
    tray.update(trayModel(inputs()))
    tray.update(trayModel(inputs({ running: 1 })))
    tray.update(trayModel(inputs()))
    expect(FakeTray.created).toHaveLength(1)
    const native = FakeTray.created[0]!
    expect((native.image as unknown as { path: string }).path).toBe('/res/tray-healthy.png')
    expect(native.calls.filter(([name]) => name === 'setImage').map(([, path]) => path)).toEqual([
      '/res/tray-running.png',
      '/res/tray-healthy.png'
    ])
    expect(deps.loaded).toEqual(['/res/tray-healthy.png', '/res/tray-running.png'])
    // Linux shows a changed menu only after setContextMenu: a new menu each time.
    const menus = native.calls.filter(([name]) => name === 'setContextMenu').map(([, menu]) => menu)
    expect(menus).toHaveLength(3)
    expect(new Set(menus).size).toBe(3)
  })

  it('turns clicks into actions, including the icon itself and submenu items', () => {
    const actions: TrayAction[] = []
    const tray = new TrayIcon(trayDeps('win32', actions))
    tray.update(trayModel(inputs({ paused_until: '2027-01-15T08:00:00.000Z' })))
    const native = FakeTray.created[0]!
    native.emit('click')
    const find = (items: Array<Record<string, unknown>>, label: string): Record<string, unknown> =>
      items
        .flatMap((item) => [item, ...((item.submenu as Array<Record<string, unknown>>) ?? [])])
        .find((item) => item.label === label)!
    ;(find(native.menu!.template, 'Resume').click as () => void)()
    ;(find(native.menu!.template, 'Local Dev Mode').click as () => void)()
    ;(find(native.menu!.template, 'Quit Nebula Desktop').click as () => void)()
    expect(actions).toEqual([
      { type: 'open_dashboard' },
      { type: 'pause', pause: 'resume' },
      { type: 'set_local_dev_mode', enabled: false },
      { type: 'quit' }
    ])
    expect(find(native.menu!.template, 'Local Dev Mode')).toMatchObject({
      type: 'checkbox',
      checked: true
    })
  })

  it('uses template images on macOS, escapes & elsewhere, and keeps the Linux tray at dispose', () => {
    const mac = trayDeps('darwin', [])
    new TrayIcon(mac).update(trayModel(inputs({ unseen_failures: 1 })))
    expect(mac.loaded).toEqual(['/res/tray-failuresTemplate.png'])

    const linux = new TrayIcon(trayDeps('linux', []))
    linux.update(
      trayModel(
        inputs({
          profiles: [
            { id: 'rd', name: 'R&D', local: false, state: { state: 'auth_failed', at: 1 } }
          ]
        })
      )
    )
    const native = FakeTray.created.at(-1)!
    expect((native.image as unknown as { path: string }).path).toBe('/res/tray-sign-in.png')
    expect(native.menu!.template.some((item) => item.label === 'R&&D: sign-in needed')).toBe(true)
    linux.dispose()
    expect(native.calls.some(([name]) => name === 'destroy')).toBe(false)
  })
})

/** A recording stand-in for Electron's Notification. */
class FakeNotification extends EventEmitter {
  static supported = true
  static all: FakeNotification[] = []
  static isSupported(): boolean {
    return FakeNotification.supported
  }
  shown = false
  closed = false
  constructor(readonly options: Record<string, unknown>) {
    super()
    FakeNotification.all.push(this)
  }
  show(): void {
    this.shown = true
  }
  close(): void {
    this.closed = true
    this.emit('close', {})
  }
}

const presented = (
  tag: string,
  extra: Partial<PresentedNotification> = {}
): PresentedNotification => ({
  tag,
  title: `title ${tag}`,
  body: 'body',
  urgency: 'critical',
  click: { type: 'show_execution', profile_id: 'local', execution_id: tag },
  ...extra
})

describe('NotificationCenter', () => {
  afterEach(() => {
    FakeNotification.all = []
    FakeNotification.supported = true
  })

  function center(platform: NodeJS.Platform) {
    const clicks: unknown[] = []
    const logs: string[] = []
    const notifications = new NotificationCenter({
      Notification: FakeNotification as never,
      platform,
      iconPath: '/res/icon.png',
      onClick: (click) => clicks.push(click),
      log: (line) => logs.push(line)
    })
    return { notifications, clicks, logs }
  }

  it('shows with critical urgency on Linux and holds each notification until it is done', () => {
    const { notifications, clicks } = center('linux')
    notifications.show(presented('a'))
    notifications.show(presented('b'))
    expect(FakeNotification.all.map((n) => n.shown)).toEqual([true, true])
    expect(FakeNotification.all[0]!.options).toEqual({
      title: 'title a',
      body: 'body',
      urgency: 'critical',
      icon: '/res/icon.png'
    })
    expect(notifications.heldCount).toBe(2)
    FakeNotification.all[0]!.emit('click', {})
    expect(clicks).toEqual([{ type: 'show_execution', profile_id: 'local', execution_id: 'a' }])
    FakeNotification.all[1]!.emit('failed', {}, 'no daemon')
    expect(notifications.heldCount).toBe(0)
  })

  it('replaces a notice with the same tag in place (Linux: closes the old one)', () => {
    const { notifications } = center('linux')
    notifications.show(presented('summary', { title: '3 failures' }))
    notifications.show(presented('summary', { title: '5 failures' }))
    expect(FakeNotification.all[0]!.closed).toBe(true)
    expect(FakeNotification.all[1]!.shown).toBe(true)
    // The old one's close does not drop the new one.
    expect(notifications.heldCount).toBe(1)
  })

  it('gives macOS and Windows the tag as the notification id, and no urgency', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const { notifications } = center(platform)
      notifications.show(presented('summary'))
      const options = FakeNotification.all.at(-1)!.options
      expect(options.id).toBe('summary')
      expect(options).not.toHaveProperty('urgency')
    }
    expect(FakeNotification.all[0]!.options).not.toHaveProperty('icon')
  })

  it('shows nothing where notifications are unsupported, and says so once', () => {
    FakeNotification.supported = false
    const { notifications, logs } = center('linux')
    notifications.show(presented('a'))
    notifications.show(presented('b'))
    expect(FakeNotification.all).toEqual([])
    expect(logs).toHaveLength(1)
  })
})

describe('watchSystemEvents', () => {
  it('nudges on resume, unlock, and when the network comes back; removes everything', async () => {
    const power = new EventEmitter()
    let online = true
    let samples = 0
    const nudges: string[] = []
    const stop = watchSystemEvents({
      powerMonitor: power as unknown as Pick<PowerMonitor, 'on' | 'off'>,
      isOnline: () => {
        samples++
        return online
      },
      nudge: (why) => nudges.push(why),
      pollMs: 5
    })
    power.emit('resume')
    power.emit('unlock-screen')
    online = false
    const before = samples
    await waitUntil(() => samples > before, { what: 'the offline state to be sampled' })
    expect(nudges).toHaveLength(2)
    online = true
    await waitUntil(() => nudges.length === 3, { what: 'the nudge for the network' })
    expect(nudges).toEqual([
      'the system resumed',
      'the screen was unlocked',
      'the network came back'
    ])
    stop()
    expect(power.listenerCount('resume')).toBe(0)
    expect(power.listenerCount('unlock-screen')).toBe(0)
  })
})

describe('launch at login', () => {
  let dir = ''
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
    dir = ''
  })

  const fakeApp = () => {
    const calls: unknown[] = []
    let open = false
    const app = {
      getLoginItemSettings: () => ({ openAtLogin: open, wasOpenedAtLogin: false }),
      setLoginItemSettings: (settings: { openAtLogin: boolean }) => {
        open = settings.openAtLogin
        calls.push(settings)
      }
    } as unknown as Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>
    return { app, calls }
  }

  it('writes and removes an XDG autostart entry on Linux that starts hidden', () => {
    dir = mkdtempSync(join(tmpdir(), 'nebula-autostart-'))
    const env = { XDG_CONFIG_HOME: dir }
    const { app, calls } = fakeApp()
    const options = {
      app,
      platform: 'linux' as const,
      appName: 'Nebula Desktop',
      execPath: '/opt/Nebula Desktop/nebula-desktop',
      appArgs: ['/home/me/100% done'],
      env,
      log: () => {}
    }
    applyLaunchAtLogin(true, options)
    const file = autostartPath(env)
    expect(file).toBe(join(dir, 'autostart', 'nebula-desktop.desktop'))
    const entry = readFileSync(file, 'utf8')
    expect(entry).toContain('[Desktop Entry]')
    expect(entry).toContain(
      `Exec="/opt/Nebula Desktop/nebula-desktop" "/home/me/100%% done" ${HIDDEN_ARG}`
    )
    applyLaunchAtLogin(false, options)
    expect(existsSync(file)).toBe(false)
    expect(calls).toEqual([])
  })

  it('uses the login item settings on Windows (hidden) and macOS, only when they change', () => {
    const win = fakeApp()
    const base = {
      appName: 'Nebula Desktop',
      execPath: 'C:\\Nebula\\Nebula.exe',
      appArgs: [],
      log: () => {}
    }
    applyLaunchAtLogin(true, { ...base, app: win.app, platform: 'win32' })
    applyLaunchAtLogin(true, { ...base, app: win.app, platform: 'win32' })
    expect(win.calls).toEqual([
      { openAtLogin: true, path: 'C:\\Nebula\\Nebula.exe', args: [HIDDEN_ARG] }
    ])
    const mac = fakeApp()
    applyLaunchAtLogin(true, { ...base, app: mac.app, platform: 'darwin' })
    applyLaunchAtLogin(false, { ...base, app: mac.app, platform: 'darwin' })
    expect(mac.calls).toEqual([{ openAtLogin: true }, { openAtLogin: false }])
  })

  it('recognizes a launch at login', () => {
    const { app } = fakeApp()
    expect(startedAtLogin(['electron', '.', HIDDEN_ARG], app, 'linux')).toBe(true)
    expect(startedAtLogin(['electron', '.'], app, 'linux')).toBe(false)
  })
})
