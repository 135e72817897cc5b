import type { AppInfo } from '@shared/bridge/views'
import type { NotificationPolicyOptions } from '@main/core/notification-policy'
import type { TokenVault } from '@main/core/token-vault'
import type { EventBatcherOptions } from './event-batcher'
import type { LocalServerFactory } from './local-profile'
import type { SessionDefaults } from './profile-sessions'
import type { RunOverrides } from './run-overrides'

/** How an AppService starts (the shell, `ui` and the tests each pass their own). */
export interface AppServiceOptions {
  /** Where settings.json lives (the app's user-data folder; `ui --settings-dir`; tests). */
  settingsDir: string
  /** Where remote profiles keep their watermark state (default `<settingsDir>/state`). */
  stateDir?: string | null
  vault: TokenVault
  info: AppInfo
  /** Run-only overrides (environment, `ui` flags). */
  overrides?: RunOverrides
  /** What the caller had to ignore at start (e.g. a bad NEBULA_SERVER_URL): shown as notices. */
  warnings?: readonly string[]
  /** How local dev mode starts its gateway (default: the bundled one, autorun demo). */
  startLocal?: LocalServerFactory
  /** Session options for every profile (tests: fast backoff). */
  session?: SessionDefaults
  /** Timing of the one notification policy all profiles share (tests shorten its windows). */
  notificationPolicy?: NotificationPolicyOptions
  batcher?: EventBatcherOptions
  now?: () => number
  log?: (line: string) => void
}
