import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { App } from 'electron'

// Launch at login (a setting). macOS and Windows through app.setLoginItemSettings; Linux has
// no Electron API for it, so an XDG autostart entry (~/.config/autostart/<id>.desktop) is
// written or removed. A launch at login starts in the tray: `--hidden` (Windows, Linux) or
// macOS's wasOpenedAtLogin.

/** The argument a login launch carries: start in the tray, without showing the window. */
export const HIDDEN_ARG = '--hidden'
const AUTOSTART_FILE = 'nebula-desktop.desktop'

export interface LoginItemOptions {
  app: Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>
  platform: NodeJS.Platform
  appName: string
  /** The executable to start (the AppImage file when run as one). */
  execPath: string
  /** Unpackaged runs pass the app folder to the Electron binary. */
  appArgs: string[]
  env?: NodeJS.ProcessEnv
  log: (line: string) => void
}

/** Turns launch at login on or off; failures are logged, never thrown. */
export function applyLaunchAtLogin(enabled: boolean, options: LoginItemOptions): void {
  try {
    if (options.platform === 'linux') writeAutostartEntry(enabled, options)
    else {
      const current = options.app.getLoginItemSettings().openAtLogin
      if (current === enabled) return
      options.app.setLoginItemSettings({
        openAtLogin: enabled,
        ...(options.platform === 'win32'
          ? { path: options.execPath, args: [...options.appArgs, HIDDEN_ARG] }
          : {})
      })
    }
  } catch (error) {
    options.log(`launch at login could not be ${enabled ? 'set' : 'cleared'}: ${String(error)}`)
  }
}

/** True when this run was started by the login item (start in the tray). */
export function startedAtLogin(
  argv: readonly string[],
  app: Pick<App, 'getLoginItemSettings'>,
  platform: NodeJS.Platform
): boolean {
  if (argv.includes(HIDDEN_ARG)) return true
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true
}

/** Where the XDG autostart entry lives. */
export function autostartPath(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(configHome, 'autostart', AUTOSTART_FILE)
}

function writeAutostartEntry(enabled: boolean, options: LoginItemOptions): void {
  const file = autostartPath(options.env)
  if (!enabled) {
    rmSync(file, { force: true })
    return
  }
  const command = [options.execPath, ...options.appArgs, HIDDEN_ARG].map(quoteExecArg).join(' ')
  const entry = [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${options.appName}`,
    'Comment=Failure alerts for the Nebula workflow engine',
    `Exec=${command}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    ''
  ].join('\n')
  mkdirSync(join(file, '..'), { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, entry, { mode: 0o644 })
  renameSync(temp, file)
}

/** Quotes one Exec argument as the Desktop Entry specification asks. */
function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_./=:-]+$/.test(arg)) return arg
  // Inside quotes, " ` $ \ are escaped with a backslash; % is a field code, doubled to stay one.
  return `"${arg.replace(/(["`$\\])/g, '\\$1').replace(/%/g, '%%')}"`
}
