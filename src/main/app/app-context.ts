import type { BridgeEvent, ExecutionView, ProfileView, TokenInfo } from '@shared/bridge/views'
import type { Execution } from '@shared/protocol'
import type { AppSettings } from '@shared/settings'
import type { TokenVault } from '@main/core/token-vault'
import { BridgeFailure } from './bridge-failure'
import type { LogFollows } from './log-follows'
import type { ProfileRuntime, ProfileSessions } from './profile-sessions'
import type { RecentExecutions } from './recent-executions'
import type { RunOverrides } from './run-overrides'
import type { SettingsStore } from './settings-store'

/** What the command handlers need from the app service (one object, passed in). */
export interface AppContext {
  readonly store: SettingsStore
  readonly sessions: ProfileSessions
  readonly vault: TokenVault
  readonly executions: RecentExecutions
  readonly logs: LogFollows
  readonly now: () => number
  /** Run-only overrides; a command that changes the same setting drops its part. */
  readonly overrides: RunOverrides
  /** The settings this run uses (saved + overrides). */
  effective(): AppSettings
  /** Re-applies the effective settings: sessions, `settings` and `profiles` events. */
  settingsChanged(): Promise<void>
  /** Queues an event for the dashboard. */
  push(event: BridgeEvent): void
  /** Reads the token facts of a profile again (after sign-in, sign-out, save). */
  refreshToken(profileId: string): Promise<TokenInfo>
  /** One profile as the dashboard shows it. */
  profileView(profileId: string): ProfileView | undefined
  /** Records an execution the server reported and queues its event; answers its view. */
  recordExecution(profileId: string, execution: Execution): ExecutionView
  /** Drops everything kept for a removed profile. */
  forgetProfile(profileId: string): void
}

/** The running profile for a command, or a typed failure naming `field`. */
export function requireRuntime(
  context: AppContext,
  profileId: string,
  field = 'profile_id'
): ProfileRuntime {
  const runtime = context.sessions.get(profileId)
  if (runtime) return runtime
  const known = context.effective().profiles.find((p) => p.id === profileId)
  if (known)
    throw new BridgeFailure(
      'offline',
      `profile "${profileId}" is not running (enable it first)`,
      field
    )
  throw new BridgeFailure('not_found', `there is no profile "${profileId}"`, field)
}
