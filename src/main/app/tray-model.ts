import type { FailureView, SessionState } from '@shared/bridge/views'
import type { TrayInputs } from './app-views'

// What the tray shows, decided from the app service's tray inputs: one icon state, a tooltip
// and the context menu as plain data. Pure (no Electron, no clock): src/main/electron/tray.ts
// turns the model into native objects, and rebuilds the whole menu on every change, because
// Linux shows a changed menu only after setContextMenu is called again.

/** The icon states, one drawing each (resources/tray-<state>.png, @2x and macOS templates). */
export const TRAY_STATES = [
  'healthy',
  'running',
  'failures',
  'reconnecting',
  'offline',
  'sign_in'
] as const
export type TrayState = (typeof TRAY_STATES)[number]

/**
 * Which state wins when several apply, first wins. Unseen failures come first: they are what
 * the tray is for, and the menu and tooltip still say when a profile is also disconnected.
 * Then what needs the person (sign in), then what means nothing is watched (offline), then the
 * transient (reconnecting), then activity (running).
 */
const PRECEDENCE: readonly TrayState[] = [
  'failures',
  'sign_in',
  'offline',
  'reconnecting',
  'running',
  'healthy'
]

/** What a menu item does when clicked; the shell maps each to an app service call. */
export type TrayAction =
  | { type: 'open_dashboard' }
  | { type: 'show_execution'; profile_id: string; execution_id: string }
  | { type: 'reconnect' }
  | { type: 'pause'; pause: '1h' | 'tomorrow' | 'resume' }
  | { type: 'set_local_dev_mode'; enabled: boolean }
  | { type: 'quit' }

export type TrayMenuItem =
  | { kind: 'action'; label: string; action: TrayAction; enabled: boolean }
  | { kind: 'checkbox'; label: string; action: TrayAction; checked: boolean }
  /** A line of text that does nothing (status lines: Linux trays show no tooltip). */
  | { kind: 'label'; label: string }
  | { kind: 'submenu'; label: string; items: TrayMenuItem[] }
  | { kind: 'separator' }

export interface TrayModel {
  state: TrayState
  tooltip: string
  menu: TrayMenuItem[]
}

export interface TrayModelOptions {
  /** Product name for the tooltip's first line and the Quit item. */
  appName?: string
  /** Clock time of an ISO instant for labels (injected so tests do not depend on the zone). */
  formatTime?: (iso: string) => string
  /** Tooltip length limit (Windows cuts tooltips at 127 characters). */
  maxTooltipLength?: number
}

/** The tray's icon state, tooltip and menu for these inputs. */
export function trayModel(inputs: TrayInputs, options: TrayModelOptions = {}): TrayModel {
  const appName = options.appName ?? 'Nebula Desktop'
  const formatTime = options.formatTime ?? clockTime
  const state = trayState(inputs)
  const lines = statusLines(inputs, formatTime)
  return {
    state,
    tooltip: clip([appName, ...lines].join('\n'), options.maxTooltipLength ?? 1024),
    menu: menuItems(inputs, lines, appName, formatTime)
  }
}

/** The state of one profile's connection, as the tray sees it. */
export function profileTrayState(state: SessionState): TrayState {
  switch (state.state) {
    case 'open':
      return 'healthy'
    case 'auth_failed':
      return 'sign_in'
    case 'offline':
    case 'closed':
      return 'offline'
    default:
      return 'reconnecting'
  }
}

/** The worst state across profiles and the app-wide counts. */
export function trayState(inputs: TrayInputs): TrayState {
  const candidates = new Set<TrayState>(inputs.profiles.map((p) => profileTrayState(p.state)))
  // Watching nothing at all is not "healthy".
  if (inputs.profiles.length === 0) candidates.add('offline')
  if (inputs.unseen_failures > 0) candidates.add('failures')
  if (inputs.running > 0) candidates.add('running')
  return PRECEDENCE.find((s) => candidates.has(s)) ?? 'healthy'
}

/** "prod: connected (live)", "2 running", "3 unseen failures", "notifications paused until …". */
function statusLines(inputs: TrayInputs, formatTime: (iso: string) => string): string[] {
  const lines: string[] = []
  if (inputs.unseen_failures > 0) {
    lines.push(`${inputs.unseen_failures} unseen ${plural(inputs.unseen_failures, 'failure')}`)
  }
  if (inputs.profiles.length === 0) lines.push('Watching no server')
  for (const profile of inputs.profiles)
    lines.push(`${profile.name}: ${describeState(profile.state)}`)
  if (inputs.running > 0) lines.push(`${inputs.running} running`)
  if (inputs.paused_until)
    lines.push(`Notifications paused until ${formatTime(inputs.paused_until)}`)
  return lines
}

/** A connection state in a few words, with its coverage when the core reports one. */
export function describeState(state: SessionState): string {
  const words: Record<SessionState['state'], string> = {
    connecting: 'connecting',
    syncing: 'catching up',
    open: 'connected',
    reconnecting: state.attempt ? `reconnecting (attempt ${state.attempt})` : 'reconnecting',
    offline: 'offline',
    auth_failed: 'sign-in needed',
    closed: 'stopped'
  }
  const coverage = coverageLevel(state)
  return state.state === 'open' && coverage && coverage !== 'live'
    ? `${words.open} (${coverage})`
    : words[state.state]
}

/**
 * The core's coverage level (`live`, `partial`, `polling`, `none`) where the state carries one.
 * Read structurally: older cores publish states without it.
 */
function coverageLevel(state: SessionState): string | undefined {
  const coverage = (state as { coverage?: { level?: unknown } }).coverage
  return typeof coverage?.level === 'string' ? coverage.level : undefined
}

function menuItems(
  inputs: TrayInputs,
  lines: string[],
  appName: string,
  formatTime: (iso: string) => string
): TrayMenuItem[] {
  const items: TrayMenuItem[] = [
    { kind: 'action', label: 'Open Dashboard', action: { type: 'open_dashboard' }, enabled: true },
    { kind: 'separator' },
    ...lines.map((label): TrayMenuItem => ({ kind: 'label', label }))
  ]
  if (inputs.last_failures.length > 0) {
    items.push({ kind: 'separator' }, { kind: 'label', label: 'Recent failures' })
    for (const failure of inputs.last_failures.slice(0, 5)) {
      items.push({
        kind: 'action',
        label: failureLabel(
          failure,
          // Name the profile only when there is more than one to tell apart.
          inputs.profiles.length > 1
            ? (inputs.profiles.find((p) => p.id === failure.profile_id)?.name ?? failure.profile_id)
            : undefined,
          formatTime
        ),
        action: {
          type: 'show_execution',
          profile_id: failure.profile_id,
          execution_id: failure.execution_id
        },
        enabled: true
      })
    }
  }
  const waiting = inputs.profiles.some((p) => p.state.state !== 'open')
  const paused = inputs.paused_until !== null
  items.push(
    { kind: 'separator' },
    { kind: 'action', label: 'Reconnect Now', action: { type: 'reconnect' }, enabled: waiting },
    {
      kind: 'submenu',
      label: paused ? 'Notifications Paused' : 'Pause Notifications',
      items: [
        {
          kind: 'action',
          label: 'For 1 Hour',
          action: { type: 'pause', pause: '1h' },
          enabled: true
        },
        {
          kind: 'action',
          label: 'Until Tomorrow',
          action: { type: 'pause', pause: 'tomorrow' },
          enabled: true
        },
        { kind: 'separator' },
        {
          kind: 'action',
          label: 'Resume',
          action: { type: 'pause', pause: 'resume' },
          enabled: paused
        }
      ]
    },
    {
      kind: 'checkbox',
      label: 'Local Dev Mode',
      action: { type: 'set_local_dev_mode', enabled: !inputs.local_dev_mode },
      checked: inputs.local_dev_mode
    },
    { kind: 'separator' },
    { kind: 'action', label: `Quit ${appName}`, action: { type: 'quit' }, enabled: true }
  )
  return items
}

/** "● Nightly ETL failed at 14:02 (prod)": the dot marks an unseen failure. */
function failureLabel(
  failure: FailureView,
  profileName: string | undefined,
  formatTime: (iso: string) => string
): string {
  const verb = failure.status === 'timed_out' ? 'timed out' : 'failed'
  const profile = profileName ? ` (${profileName})` : ''
  const label = `${failure.seen ? '' : '● '}${failure.workflow_name} ${verb} at ${formatTime(failure.at)}${profile}`
  return clip(label, 80)
}

function clockTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`
}

const pad = (n: number): string => String(n).padStart(2, '0')

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
