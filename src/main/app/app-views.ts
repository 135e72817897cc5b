import type {
  FailureView,
  ProfileView,
  SessionState,
  SettingsView,
  TokenInfo
} from '@shared/bridge/views'
import type { Notification } from '@shared/alerts'
import { LOCAL_PROFILE_ID } from '@shared/settings'
import type { AppSettings } from '@shared/settings'
import type { FailureFeed } from './failure-feed'
import { LOCAL_SUBJECT, localProfileSettings } from './local-profile'
import type { ProfileSessions } from './profile-sessions'
import type { RecentExecutions } from './recent-executions'
import { activePause } from './notification-prefs'

// How the service's state looks from outside: the profiles and settings the dashboard shows,
// and the tray's inputs.

/** What the tray shows (the shell's tray model turns it into an icon, tooltip and menu). */
export interface TrayInputs {
  profiles: Array<{ id: string; name: string; local: boolean; state: SessionState }>
  unseen_failures: number
  /** Executions not finished yet, across profiles. */
  running: number
  /** The newest failures, newest first (at most 5). */
  last_failures: FailureView[]
  /** Notifications are paused until then (ISO instant), or null. */
  paused_until: string | null
  local_dev_mode: boolean
}

/**
 * A notification for the shell to show, with the profile it is about; a summary across
 * profiles (the failure budget's, do-not-disturb's) belongs to none.
 */
export interface ShellNotification {
  profile?: { id: string; name: string }
  notification: Notification
}

export type AppServiceEvents = {
  notification: (notification: ShellNotification) => void
  tray: (inputs: TrayInputs) => void
  show_execution: (ref: { profile_id: string; execution_id: string }) => void
  settings: (settings: SettingsView) => void
}

/** Placeholder address of local dev mode before its gateway has a port. */
const LOCAL_PENDING_URL = 'http://127.0.0.1'

const NO_TOKEN: TokenInfo = { present: false, expired: false, expiring_soon: false }

export interface AppViewsSources {
  effective: () => AppSettings
  sessions: ProfileSessions
  tokens: ReadonlyMap<string, TokenInfo>
  feed: FailureFeed
  executions: RecentExecutions
  now: () => number
}

/** Builds the views of settings, profiles and the tray. */
export class AppViews {
  constructor(private readonly sources: AppViewsSources) {}

  /** Settings as the dashboard edits them (an expired pause shows as none). */
  settingsView(): SettingsView {
    const { profiles: _profiles, version: _version, ...rest } = this.sources.effective()
    const paused = activePause(rest.notifications, this.sources.now())
    return {
      ...rest,
      notifications: {
        ...rest.notifications,
        paused_until: paused === undefined ? null : rest.notifications.paused_until
      }
    }
  }

  /** Every profile, the local one first when local dev mode is on. */
  profileViews(): ProfileView[] {
    const effective = this.sources.effective()
    const views: ProfileView[] = []
    const local = this.localView(effective)
    if (local) views.push(local)
    for (const profile of effective.profiles) {
      const runtime = this.sources.sessions.get(profile.id)
      const connection: SessionState = runtime?.state ?? {
        state: profile.enabled ? 'connecting' : 'closed',
        ...(profile.enabled ? {} : { reason: 'disabled' }),
        at: this.sources.now()
      }
      views.push({
        ...profile,
        local: false,
        token: this.sources.tokens.get(profile.id) ?? NO_TOKEN,
        connection
      })
    }
    return views
  }

  /** The tray's inputs now. */
  trayInputs(): TrayInputs {
    const { feed, executions } = this.sources
    const settings = this.settingsView()
    return {
      profiles: this.profileViews()
        .filter((p) => p.enabled)
        .map((p) => ({ id: p.id, name: p.name, local: p.local, state: p.connection })),
      unseen_failures: feed.unseen,
      running: executions.runningCount(),
      last_failures: feed.list(5),
      paused_until: settings.notifications.paused_until,
      local_dev_mode: settings.local_dev_mode
    }
  }

  private localView(effective: AppSettings): ProfileView | undefined {
    const runtime = this.sources.sessions.get(LOCAL_PROFILE_ID)
    if (!effective.local_dev_mode && !runtime) return undefined
    const problem = this.sources.sessions.localProblem
    const connection: SessionState = runtime?.state ?? {
      state: problem ? 'closed' : 'connecting',
      reason: problem ?? 'starting the local gateway',
      at: this.sources.now()
    }
    return {
      ...(runtime?.settings ?? localProfileSettings(LOCAL_PENDING_URL)),
      local: true,
      token: {
        present: true,
        storage: 'minted',
        subject: LOCAL_SUBJECT,
        expired: false,
        expiring_soon: false
      },
      connection
    }
  }
}
