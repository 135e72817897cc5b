import type { Notification } from '@shared/alerts'
import type { DisposableStore } from '@shared/disposable'
import type { NotificationSettings } from '@shared/settings'
import { activePause } from './notification-prefs'
import type { ProfileSessions } from './profile-sessions'

// Applies the notification preferences to the running sessions' policies: the pause as the
// core's do-not-disturb (its summary comes out when the pause ends), per-workflow mutes. Until
// the core's policy becomes one budget shared by all profiles, each session has its own policy
// and `singles_per_minute` / `notify_recovered` take effect when a session (re)starts
// (`recovered` notices are also filtered by the service at once).

/** Longest timer Node runs as asked (longer delays fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface PrefsCallbacks {
  /** A notification the policy released (the do-not-disturb summary when a pause ends). */
  notify(profileId: string, notification: Notification): void
  /** The pause has run out. */
  expired(): void
}

/** Keeps the sessions' notification policies in line with the preferences. */
export class NotificationPrefsRuntime {
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly sessions: ProfileSessions,
    private readonly disposables: DisposableStore,
    private readonly now: () => number,
    private readonly callbacks: PrefsCallbacks
  ) {}

  /** Applies `prefs` to every running session and (re)arms the end of the pause. */
  apply(prefs: NotificationSettings): void {
    const now = this.now()
    const until = activePause(prefs, now)
    for (const runtime of this.sessions.list()) {
      const policy = runtime.session?.notifications
      if (!policy) continue
      const released =
        until === undefined
          ? policy.setDoNotDisturb(null, now)
          : policy.doNotDisturbUntil === until
            ? []
            : policy.setDoNotDisturb(until, now)
      for (const notification of released) this.callbacks.notify(runtime.id, notification)
      const wanted = new Set(
        prefs.muted.filter((m) => m.profile_id === runtime.id).map((m) => m.workflow_id)
      )
      for (const id of policy.mutedWorkflows) if (!wanted.has(id)) policy.unmute(id)
      for (const id of wanted) policy.mute(id)
    }
    this.disposables.clear(this.timer)
    this.timer = undefined
    if (until === undefined) return
    this.timer = this.disposables.setTimeout(
      () => {
        this.timer = undefined
        if (this.now() >= until) this.callbacks.expired()
        else this.apply(prefs)
      },
      Math.min(until - now, MAX_TIMER_MS)
    )
  }
}
