import type { SessionState } from '@shared/bridge'
import type { Coverage } from '@shared/connection-state'
import type { Tone } from './format'

// How a profile's connection reads in the status bar: a word, a tone, and what a person can do
// about it. The state itself (and its coverage) is the core's; this only words it.

/** The state's coverage, when the core sent one. */
export function coverageOf(state: SessionState): Coverage | null {
  return state.coverage ?? null
}

export interface ConnectionSummary {
  label: string
  tone: Tone
  /** Coverage in words ("Live", "Partial: 3 of 5 live, 2 polled"), when connected. */
  coverage: string | null
  coverageTone: Tone | null
  /** When the next attempt starts (ms epoch), for a countdown. */
  retryAt: number | null
  attempt: number | null
  /** "Retry now" makes sense. */
  canRetry: boolean
  /** An attempt after failed ones is under way (the countdown shows "trying now"). */
  attempting: boolean
  /** The server refused the token: offer "Sign in again". */
  needsSignIn: boolean
}

const LABELS: Record<SessionState['state'], { label: string; tone: Tone }> = {
  connecting: { label: 'Connecting', tone: 'pending' },
  syncing: { label: 'Catching up', tone: 'pending' },
  open: { label: 'Connected', tone: 'ok' },
  reconnecting: { label: 'Reconnecting', tone: 'warning' },
  offline: { label: 'Offline', tone: 'failed' },
  auth_failed: { label: 'Sign-in needed', tone: 'failed' },
  closed: { label: 'Stopped', tone: 'neutral' }
}

/** Words and actions for one profile's connection state. */
export function summarizeConnection(state: SessionState): ConnectionSummary {
  // A new attempt after failed ones is still "reconnecting" to a person, not a fresh start.
  const retrying = state.state === 'connecting' && (state.attempt ?? 1) >= 2
  const { label, tone } = retrying
    ? LABELS.reconnecting
    : (LABELS[state.state] ?? { label: state.state, tone: 'neutral' })
  const waiting = state.state === 'reconnecting' || state.state === 'offline'
  const retryAt = waiting && state.retry_in_ms !== undefined ? state.at + state.retry_in_ms : null
  const coverage = coverageOf(state)
  const connected = state.state === 'open' || state.state === 'syncing'
  return {
    label,
    tone,
    coverage: connected && coverage ? describeCoverage(coverage) : null,
    coverageTone: connected && coverage ? coverageTone(coverage) : null,
    retryAt,
    attempt: waiting || retrying ? (state.attempt ?? null) : null,
    canRetry: waiting,
    attempting: retrying,
    needsSignIn: state.state === 'auth_failed'
  }
}

/** "Live", "Partial: 3 of 5 live, 2 polled", "Polling (REST)", "Not covered yet". */
export function describeCoverage(coverage: Coverage): string {
  const total = coverage.live + coverage.pending + coverage.refused
  switch (coverage.level) {
    case 'live':
      return 'Live'
    case 'partial':
      return `Partial: ${coverage.live} of ${total} live${coverage.polled ? `, ${coverage.polled} polled` : ''}`
    case 'polling':
      return 'Polling over REST'
    default:
      return 'Not covered yet'
  }
}

function coverageTone(coverage: Coverage): Tone {
  return coverage.level === 'live' ? 'ok' : coverage.level === 'none' ? 'pending' : 'warning'
}
