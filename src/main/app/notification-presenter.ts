import type { Notification } from '@shared/alerts'
import { LOCAL_PROFILE_ID } from '@shared/settings'
import type { TrayInputs } from './app-views'

// How a notification the core's policy decided looks as a native notification: title, body,
// urgency, the tag that makes a newer notice replace an older one in place, and what a click
// opens. Pure: src/main/electron/notifications.ts shows the result and keeps it alive. The
// policy decides WHETHER to notify; nothing here drops or adds a failure notice. The one notice
// not from the policy is "sign in again", when a profile's server starts refusing its token.

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

/** The notification to show for a policy decision on one profile. */
export interface ShellNotificationInput {
  profile_id: string
  profile_name: string
  notification: Notification
}

/** Notification titles and bodies are cut here; platforms cut shorter ones themselves. */
const MAX_TITLE = 120
const MAX_BODY = 400

/** Presents one policy decision. Every kind the policy may produce has a presentation. */
export function presentNotification(input: ShellNotificationInput): PresentedNotification {
  const { notification: n, profile_id: profileId } = input
  const body = clip(`${input.profile_name}: ${n.body || n.title}`, MAX_BODY)
  const title = clip(n.title, MAX_TITLE)
  const ids = n.execution_ids
  const newest = ids[ids.length - 1]
  const showNewest: NotificationClick = newest
    ? { type: 'show_execution', profile_id: profileId, execution_id: newest }
    : { type: 'open_dashboard' }
  // A tag the policy chose (the budget's summary is one notice, replaced in place) wins.
  const policyTag = tagOf(n)
  switch (n.kind) {
    case 'failure':
      return {
        tag: policyTag ?? `failure:${profileId}:${ids[0] ?? n.at}`,
        title,
        body,
        urgency: 'critical',
        click: showNewest
      }
    case 'failure_group':
      return {
        tag: policyTag ?? `group:${profileId}:${n.workflow_id}`,
        title,
        body,
        urgency: 'critical',
        click: showNewest
      }
    case 'recovered':
      return {
        tag: policyTag ?? `recovered:${profileId}:${n.workflow_id}`,
        title,
        body,
        urgency: 'normal',
        click: showNewest
      }
    default: {
      // A kind about one workflow (e.g. the budget's "flapping"): one notice per workflow.
      const workflowId = (n as { workflow_id?: unknown }).workflow_id
      if (typeof workflowId === 'string') {
        return {
          tag: policyTag ?? `${n.kind}:${profileId}:${workflowId}`,
          title,
          body,
          urgency: 'critical',
          click: showNewest
        }
      }
      // Summaries (do-not-disturb, while closed, the budget's) list many executions: the
      // dashboard's failure feed shows them all.
      return {
        tag: policyTag ?? `summary:${n.kind}`,
        title,
        body,
        urgency: 'critical',
        click: { type: 'open_dashboard' }
      }
    }
  }
}

/**
 * "Sign in again" notices for profiles whose server has just started refusing their token:
 * those in `auth_failed` now and not in `previous` inputs. Nothing while notifications are
 * paused (the tray still shows "sign-in needed"), nothing for local dev mode (its token is
 * minted by the app).
 */
export function signInNotices(
  previous: TrayInputs | undefined,
  next: TrayInputs,
  now: number
): PresentedNotification[] {
  const paused = next.paused_until !== null && Date.parse(next.paused_until) > now
  if (paused) return []
  const before = new Set(
    (previous?.profiles ?? []).filter((p) => p.state.state === 'auth_failed').map((p) => p.id)
  )
  return next.profiles
    .filter(
      (p) => p.state.state === 'auth_failed' && !before.has(p.id) && p.id !== LOCAL_PROFILE_ID
    )
    .map((p) => ({
      tag: `sign-in:${p.id}`,
      title: clip(`Sign in again to ${p.name}`, MAX_TITLE),
      body: clip(
        `${p.name}: the server refused the token${p.state.reason ? ` (${p.state.reason})` : ''}. ` +
          'Failures there are not being watched until you sign in.',
        MAX_BODY
      ),
      urgency: 'critical',
      click: { type: 'open_dashboard' }
    }))
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
