import type { Notification } from '@shared/alerts'
import type { ShellNotification } from './app-views'

// How a notification the core's policy decided looks as a native notification: title, body,
// urgency, the tag that makes a newer notice replace an older one in place, and what a click
// opens. Pure: src/main/electron/notifications.ts shows the result and keeps it alive. The
// policy decides WHETHER to notify; nothing here drops or adds a notice.

/** What a click on the notification opens. */
export type NotificationClick =
  { type: 'show_execution'; profile_id: string; execution_id: string } | { type: 'open_dashboard' }

export interface PresentedNotification {
  /** Same tag = the same notice, replaced in place (summaries, a workflow's grouped failures). */
  tag: string
  title: string
  body: string
  /** Linux only (libnotify); failures are critical so they stay until seen. */
  urgency: 'normal' | 'critical'
  click: NotificationClick
}

/** Notification titles and bodies are cut here; platforms cut shorter ones themselves. */
const MAX_TITLE = 120
const MAX_BODY = 400

/** Presents one policy decision. Every kind the policy may produce has a presentation. */
export function presentNotification(input: ShellNotification): PresentedNotification {
  const { notification: n, profile } = input
  const profileId = profile?.id ?? ''
  const body = clip(profile ? `${profile.name}: ${n.body || n.title}` : n.body || n.title, MAX_BODY)
  const title = clip(n.title, MAX_TITLE)
  const newest = n.execution_ids[n.execution_ids.length - 1]
  const open = (executionId: string | undefined, ofProfile = profile?.id): NotificationClick =>
    executionId && ofProfile
      ? { type: 'show_execution', profile_id: ofProfile, execution_id: executionId }
      : { type: 'open_dashboard' }
  // A tag the policy chose (the budget's summary is one notice, replaced in place) wins.
  const tag = (fallback: string): string => tagOf(n) ?? fallback
  switch (n.kind) {
    case 'failure':
      return {
        tag: tag(`failure:${profileId}:${n.execution_ids[0] ?? n.at}`),
        title,
        body,
        urgency: 'critical',
        click: open(newest)
      }
    case 'failure_summary':
      // Across workflows and profiles: a click opens the newest failure it counts.
      return {
        tag: tag('failure-summary'),
        title,
        body,
        urgency: 'critical',
        click: open(n.last.execution_id, n.last.profile ?? profile?.id)
      }
    case 'flapping':
    case 'recovered':
      return {
        tag: tag(`${n.kind}:${profileId}:${n.workflow_id}`),
        title,
        body,
        urgency: 'normal',
        click: open(newest)
      }
    case 'auth_failed':
      // Until a new token is set nothing of that server is watched: it stays until seen.
      return {
        tag: tag(`auth-failed:${profileId}`),
        title,
        body,
        urgency: 'critical',
        click: { type: 'open_dashboard' }
      }
    case 'dnd_summary':
    case 'startup_summary':
      // Many executions: the dashboard's failure feed shows them all.
      return {
        tag: tag(`summary:${n.kind}`),
        title,
        body,
        urgency: n.count > 0 ? 'critical' : 'normal',
        click: { type: 'open_dashboard' }
      }
  }
}

/** A stable tag the policy put on the notification, when it carries one. */
function tagOf(notification: Notification): string | undefined {
  const tag = (notification as { tag?: unknown }).tag
  return typeof tag === 'string' && tag !== '' ? tag : undefined
}

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
