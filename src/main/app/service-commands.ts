import type { AppInfo, Snapshot, SettingsView } from '@shared/bridge/views'
import type { BridgeHandlers } from './bridge-host'
import { BridgeFailure } from './bridge-failure'
import { requireRuntime } from './app-context'
import type { AppContext } from './app-context'
import type { FailureFeed } from './failure-feed'
import { applyPrefsRequest } from './notification-prefs'

// The remaining commands: app info, the snapshot, reconnect, the failure feed's seen flags and
// the preferences.

type ServiceHandlers = Pick<
  BridgeHandlers,
  | 'getInfo'
  | 'getSnapshot'
  | 'reconnect'
  | 'markFailuresSeen'
  | 'setNotificationPrefs'
  | 'updateSettings'
>

export interface ServiceParts {
  info: AppInfo
  snapshot: () => Snapshot
  feed: FailureFeed
  settingsView: () => SettingsView
}

/** The handlers of the service-wide commands. */
export function serviceCommands(context: AppContext, parts: ServiceParts): ServiceHandlers {
  return {
    getInfo: () => parts.info,
    getSnapshot: () => parts.snapshot(),

    reconnect({ profile_id }) {
      const runtimes =
        profile_id === undefined ? context.sessions.list() : [requireRuntime(context, profile_id)]
      for (const runtime of runtimes) runtime.session?.nudge()
      return null
    },

    markFailuresSeen({ failures }) {
      const changed = parts.feed.markSeen(failures)
      if (changed.length > 0) context.push({ type: 'failures_seen', failures: changed })
      return null
    },

    async setNotificationPrefs(request) {
      const current = context.effective().notifications
      const next = applyPrefsRequest(current, request, context.now())
      context.store.update((settings) => ({ ...settings, notifications: next }))
      await context.settingsChanged()
      return parts.settingsView().notifications
    },

    async updateSettings(request) {
      if (request.launch_at_login === undefined && request.close_to_tray === undefined) {
        throw new BridgeFailure('invalid_request', 'nothing to change', 'request')
      }
      context.store.update((settings) => ({
        ...settings,
        ...(request.launch_at_login !== undefined
          ? { launch_at_login: request.launch_at_login }
          : {}),
        ...(request.close_to_tray !== undefined ? { close_to_tray: request.close_to_tray } : {})
      }))
      await context.settingsChanged()
      return parts.settingsView()
    }
  }
}
