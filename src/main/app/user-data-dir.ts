import { homedir } from 'node:os'
import { join } from 'node:path'

// The folder the desktop app keeps its settings in: Electron's `app.getPath('userData')`,
// which is `<appData>/<productName>`. `nebula-desktop ui` computes the same path without
// Electron, so both use one settings file and one set of profiles.

/** package.json `productName`: the last segment of Electron's userData path. */
export const APP_DIR_NAME = 'Nebula Desktop'

/** Electron's appData folder for this platform. */
export function appDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir()
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support')
  if (platform === 'win32') return env.APPDATA || join(home, 'AppData', 'Roaming')
  return env.XDG_CONFIG_HOME || join(home, '.config')
}

/** The app's user-data folder (where settings.json lives). */
export function defaultUserDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir()
): string {
  return join(appDataDir(env, platform, home), APP_DIR_NAME)
}
