import type { Notification } from '@shared/alerts'
import type { DisposableStore } from '@shared/disposable'
import type { NotificationSettings } from '@shared/settings'
import type { NotificationPolicy } from '@main/core/notification-policy'
import { activePause } from './notification-prefs'

// Applies the notification preferences to the one policy every profile's session shares: the
// budget of single notices, recoveries on or off, the pause as the core's do-not-disturb (its
// summary comes out when the pause ends), and per-workflow mutes (per profile).

/** Longest timer Node runs as asked (longer delays fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface PrefsCallbacks {
  /** A notification the policy released (the do-not-disturb summary when a pause ends). */
  notify(notification: Notification): void
  /** The pause has run out. */
  expired(): void
}

/** Keeps the shared notification policy in line with the preferences. */
export class NotificationPrefsRuntime {
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly policy: NotificationPolicy,
    private readonly disposables: DisposableStore,
    private readonly now: () => number,
    private readonly callbacks: PrefsCallbacks
  ) {}

  /** Applies `prefs` to the policy and (re)arms the end of the pause. */
  apply(prefs: NotificationSettings): void {
    const now = this.now()
    const policy = this.policy
    policy.configure({
      singleBudget: prefs.singles_per_minute,
      notifyRecovered: prefs.notify_recovered
    })
    const until = activePause(prefs, now)
    const released =
      until === undefined
        ? policy.setDoNotDisturb(null, now)
        : policy.doNotDisturbUntil === until
          ? []
          : policy.setDoNotDisturb(until, now)
    for (const notification of released) this.callbacks.notify(notification)
    const wanted = new Set(prefs.muted.map((m) => muteKey(m.profile_id, m.workflow_id)))
    for (const key of policy.mutes.list()) {
      if (wanted.has(key)) continue
      const [profile, workflow] = splitMuteKey(key)
      policy.mutes.unmute(workflow, profile)
    }
    for (const m of prefs.muted) policy.mutes.mute(m.workflow_id, m.profile_id)
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

// The policy names a per-profile mute `profile:workflow` (see MuteList).
const muteKey = (profile: string, workflow: string): string => `${profile}:${workflow}`

function splitMuteKey(key: string): [string | undefined, string] {
  const at = key.indexOf(':')
  return at < 0 ? [undefined, key] : [key.slice(0, at), key.slice(at + 1)]
}
