import type { ConnectionStateName } from '@shared/bridge'
import type { ReceivedSessionState } from './store/shell-store'

// What the header badge and the status panel say about the connection. Pure, so the wording
// for every state lives in one table.

/** The badge's colour family. */
export type Tone = 'ok' | 'pending' | 'warning' | 'error' | 'idle'

/** One line for the badge plus a sentence for the panel. */
export interface ConnectionView {
  /** Stable key for styling and tests: a connection state, `waiting` or `bridge_unavailable`. */
  key: ConnectionStateName | 'waiting' | 'bridge_unavailable'
  label: string
  tone: Tone
  /** Extra badge text, e.g. "attempt 3 · retry in 4 s"; empty when there is nothing to add. */
  detail: string
  explanation: string
}

const STATES: Record<ConnectionStateName, Omit<ConnectionView, 'key' | 'detail'>> = {
  connecting: {
    label: 'Connecting',
    tone: 'pending',
    explanation: 'Opening the connection to the server.'
  },
  syncing: {
    label: 'Catching up',
    tone: 'pending',
    explanation:
      'Connected. Re-subscribing and checking what happened while away, so no failure is missed.'
  },
  open: {
    label: 'Connected',
    tone: 'ok',
    explanation: 'Connected. Execution updates arrive live.'
  },
  reconnecting: {
    label: 'Reconnecting',
    tone: 'warning',
    explanation: 'The connection dropped. Trying again.'
  },
  offline: {
    label: 'Offline',
    tone: 'idle',
    explanation: 'The server has been unreachable for a while. Retrying slowly in the background.'
  },
  auth_failed: {
    label: 'Sign-in failed',
    tone: 'error',
    explanation: 'The server refused the token. Set a new token to connect again.'
  },
  closed: {
    label: 'Disconnected',
    tone: 'idle',
    explanation: 'The connection is closed.'
  }
}

/** Describes the connection for the badge and panel at time `nowMs`. */
export function describeConnection(
  bridgeAvailable: boolean,
  session: ReceivedSessionState | null,
  nowMs: number
): ConnectionView {
  if (!bridgeAvailable) {
    return {
      key: 'bridge_unavailable',
      label: 'Bridge unavailable',
      tone: 'error',
      detail: '',
      explanation: 'This page is running outside Nebula Desktop.'
    }
  }
  if (!session) {
    return {
      key: 'waiting',
      label: 'Not connected',
      tone: 'idle',
      detail: '',
      explanation: 'The monitor has not reported a connection yet.'
    }
  }
  const { state, receivedAt } = session
  return { key: state.state, ...STATES[state.state], detail: retryDetail(state, receivedAt, nowMs) }
}

/** The time left before the next retry, or 0 when there is no retry pending. */
export function retryRemainingMs(session: ReceivedSessionState | null, nowMs: number): number {
  if (session?.state.retry_in_ms === undefined) return 0
  return Math.max(0, session.receivedAt + session.state.retry_in_ms - nowMs)
}

function retryDetail(state: ReceivedSessionState['state'], receivedAt: number, nowMs: number) {
  const parts: string[] = []
  if (state.attempt !== undefined) parts.push(`attempt ${state.attempt}`)
  if (state.retry_in_ms !== undefined) {
    const left = retryRemainingMs({ state, receivedAt }, nowMs)
    parts.push(left > 0 ? `retry in ${formatDuration(left)}` : 'retrying now')
  }
  return parts.join(' · ')
}

/** Whole seconds, minutes or hours, rounded up so a countdown never shows "0 s" early. */
export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60)
    return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
}
