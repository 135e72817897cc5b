import type { InvokeRequest } from '@shared/bridge/contract'
import type { NotificationSettings } from '@shared/settings'

// Notification preferences as the dashboard and tray change them. "Pause until tomorrow" means
// until the next 08:00 local time (a person pausing at 01:00 means "until I am up", not "for
// 31 hours"); "1 h" means 60 minutes from now.

/** The hour (local time) "until tomorrow" ends. */
export const PAUSE_UNTIL_HOUR = 8

type PrefsRequest = InvokeRequest<'setNotificationPrefs'>

/** The next PAUSE_UNTIL_HOUR:00 local time strictly after `now`. */
export function nextMorning(now: number): number {
  const date = new Date(now)
  date.setHours(PAUSE_UNTIL_HOUR, 0, 0, 0)
  if (date.getTime() <= now) date.setDate(date.getDate() + 1)
  return date.getTime()
}

/** The preferences after applying one request. */
export function applyPrefsRequest(
  prefs: NotificationSettings,
  request: PrefsRequest,
  now: number
): NotificationSettings {
  const next: NotificationSettings = { ...prefs, muted: [...prefs.muted] }
  if (request.pause === '1h') next.paused_until = new Date(now + 60 * 60 * 1000).toISOString()
  else if (request.pause === 'tomorrow')
    next.paused_until = new Date(nextMorning(now)).toISOString()
  else if (request.pause === 'resume') next.paused_until = null
  if (request.mute) {
    const { profile_id, workflow_id, muted } = request.mute
    next.muted = next.muted.filter(
      (m) => m.profile_id !== profile_id || m.workflow_id !== workflow_id
    )
    if (muted) next.muted.push({ profile_id, workflow_id })
  }
  if (request.singles_per_minute !== undefined) next.singles_per_minute = request.singles_per_minute
  if (request.notify_recovered !== undefined) next.notify_recovered = request.notify_recovered
  return next
}

/** The pause's end in ms, or undefined when notifications are not paused at `now`. */
export function activePause(prefs: NotificationSettings, now: number): number | undefined {
  const until = prefs.paused_until ? Date.parse(prefs.paused_until) : NaN
  return Number.isFinite(until) && until > now ? until : undefined
}
