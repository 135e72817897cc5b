import type { Alert, Notification } from '@shared/alerts'
import type { ConnectionState, Coverage } from '@shared/connection-state'
import type { Rejected, ServerMessage } from '@shared/protocol'
import type { Transition } from '@main/core/execution-store'

/** Everything `watch` reports, one event at a time. */
export interface WatchOutput {
  state(state: ConnectionState): void
  message(message: ServerMessage): void
  transition(transition: Transition, workflowName: string): void
  alert(alert: Alert): void
  notification(notification: Notification): void
  invalid(rejected: Rejected): void
}

/** `--format json`: one JSON object per line, each with a `kind`. Nothing else on stdout. */
export function jsonOutput(write: (line: string) => void): WatchOutput {
  const emit = (value: object): void => write(`${JSON.stringify(value)}\n`)
  return {
    state: (state) => emit({ kind: 'state', ...state }),
    message: (message) => emit({ kind: 'message', message }),
    transition: () => {}, // already visible as `message` lines
    alert: (alert) => emit({ kind: 'alert', ...alert }),
    notification: (notification) => emit({ kind: 'notification', notification }),
    invalid: (rejected) => emit({ kind: 'invalid', ...rejected })
  }
}

const STATE_MARK: Record<ConnectionState['state'], string> = {
  connecting: '…',
  syncing: '↻',
  open: '●',
  reconnecting: '↻',
  offline: '○',
  auth_failed: '✖',
  closed: '■'
}

/**
 * Coverage in words: "live, 150 subscriptions" or "partial: 90 live, 60 waiting, 60 polled
 * over REST every interval", so a person sees when part of what is followed is not live.
 */
export function describeCoverage(coverage: Coverage): string {
  const { level, live, pending, refused, polled } = coverage
  const parts = [
    `${live} live`,
    pending ? `${pending} waiting for the server` : '',
    refused ? `${refused} refused` : '',
    polled ? `${polled} polled over REST` : ''
  ].filter(Boolean)
  if (level === 'live')
    return `coverage live (${live} ${live === 1 ? 'subscription' : 'subscriptions'})`
  return `coverage ${level}: ${parts.join(', ')}`
}

/** `--format pretty`: a readable live view for a person at a terminal. */
export function prettyOutput(write: (line: string) => void, color: boolean): WatchOutput {
  const paint = (code: number, text: string): string =>
    color ? `\x1b[${code}m${text}\x1b[0m` : text
  const time = (): string => new Date().toTimeString().slice(0, 8)
  const line = (text: string): void => write(`${paint(2, time())} ${text}\n`)
  return {
    state(state) {
      const extra = [
        state.attempt ? `attempt ${state.attempt}` : '',
        state.retry_in_ms !== undefined
          ? `retry in ${(state.retry_in_ms / 1000).toFixed(1)} s`
          : '',
        state.reason ?? '',
        state.coverage ? describeCoverage(state.coverage) : ''
      ].filter(Boolean)
      const tone =
        state.state === 'open' && (state.coverage?.level ?? 'live') === 'live'
          ? 32
          : state.state === 'auth_failed' || state.state === 'offline'
            ? 31
            : 33
      line(
        `${paint(tone, `${STATE_MARK[state.state]} ${state.state}`)}${extra.length ? ` (${extra.join(', ')})` : ''}`
      )
    },
    message(message) {
      if (message.type === 'error')
        line(paint(33, `server error ${message.code}: ${message.message}`))
    },
    transition(transition, workflowName) {
      const { execution } = transition
      const progress = execution.progress ? ` ${execution.progress.percentage}%` : ''
      line(
        `${workflowName} ${paint(2, execution.id)} ${transition.from ?? 'new'} → ${transition.to}${progress}`
      )
    },
    alert(alert) {
      const action = alert.failed_action?.name ? ` at "${alert.failed_action.name}"` : ''
      const why = alert.error_message ? `: ${alert.error_message}` : ''
      line(
        paint(
          31,
          `✖ ${alert.status.toUpperCase()} ${alert.workflow_name} ${alert.execution_id}${action}${why}`
        )
      )
    },
    notification(notification) {
      line(
        paint(35, `🔔 ${notification.title}${notification.body ? ` — ${notification.body}` : ''}`)
      )
    },
    invalid(rejected) {
      line(paint(33, `ignored an invalid server message (${rejected.reason}): ${rejected.detail}`))
    }
  }
}
