import type { ConnectionState, ConnectionStateName, Coverage } from '@shared/connection-state'
import type { Disposer } from '@shared/disposable'
import { Emitter } from '@shared/emitter'

// The connection's lifecycle as one explicit transition table (state × event → state). The
// connection feeds it transport events (a socket opened or ended, a retry fell due, the token
// changed); the session feeds it sync events (the gap reconciled and everything followed covered,
// or a reconciliation that failed). Nothing else decides which state the monitor is in.

/** `idle` is the state before `start`; it is never published. */
export type LifecycleStateName = ConnectionStateName | 'idle'

/** Why the last connection ended, for a person (already redacted), and its close code or status. */
interface EndDetail {
  reason: string
  code?: number
}

/** Everything that can happen to a connection, with the detail the next state carries. */
export type LifecycleEvent =
  | { type: 'start'; attempt: number }
  | { type: 'socket_opened' }
  | { type: 'synced' }
  | ({ type: 'sync_failed' } & EndDetail)
  | ({ type: 'socket_closed'; attempt: number; retry_in_ms: number } & EndDetail)
  | ({ type: 'gave_up'; attempt: number; retry_in_ms: number } & EndDetail)
  | ({ type: 'auth_rejected' } & EndDetail)
  | ({ type: 'refused' } & EndDetail)
  | { type: 'retry_due'; attempt: number }
  | { type: 'nudge'; attempt: number }
  | { type: 'token_changed'; attempt: number }
  | { type: 'close' }

export type LifecycleEventType = LifecycleEvent['type']

const LIVE: readonly LifecycleStateName[] = ['connecting', 'syncing', 'open']
const WAITING: readonly LifecycleStateName[] = ['reconnecting', 'offline']

/**
 * The allowed transitions, each listed once: event → (states it may happen in) → next state.
 * `gave_up` only follows an attempt that never opened (a server that accepts and drops
 * connections is reachable, so it never sends the monitor offline).
 */
export const TRANSITIONS: Readonly<
  Record<LifecycleEventType, { from: readonly LifecycleStateName[]; to: ConnectionStateName }>
> = {
  start: { from: ['idle'], to: 'connecting' },
  socket_opened: { from: ['connecting'], to: 'syncing' },
  synced: { from: ['syncing'], to: 'open' },
  sync_failed: { from: ['syncing'], to: 'syncing' },
  socket_closed: { from: LIVE, to: 'reconnecting' },
  gave_up: { from: ['connecting'], to: 'offline' },
  auth_rejected: { from: LIVE, to: 'auth_failed' },
  refused: { from: LIVE, to: 'closed' },
  retry_due: { from: WAITING, to: 'connecting' },
  nudge: { from: WAITING, to: 'connecting' },
  token_changed: { from: [...LIVE, ...WAITING, 'auth_failed'], to: 'connecting' },
  close: { from: ['idle', ...LIVE, ...WAITING, 'auth_failed'], to: 'closed' }
}

/** What an invalid transition does: throw (tests) or report through `log` (production). */
export type InvalidTransitionMode = 'throw' | 'log'

/** Thrown in `throw` mode for an event with no transition from the current state. */
export class InvalidTransitionError extends Error {
  override name = 'InvalidTransitionError'
}

export interface LifecycleOptions {
  onInvalid?: InvalidTransitionMode
  log?: (line: string) => void
}

type LifecycleEvents = { state: (state: ConnectionState) => void }

/** The one owner of the monitor's connection state; see TRANSITIONS. */
export class Lifecycle {
  private readonly events: Emitter<LifecycleEvents>
  private current: LifecycleStateName = 'idle'
  private published: ConnectionState = { state: 'closed' }
  private coverage: Coverage | undefined
  private readonly mode: InvalidTransitionMode
  private readonly log: (line: string) => void

  constructor(options: LifecycleOptions = {}) {
    this.mode = options.onInvalid ?? 'log'
    this.log = options.log ?? (() => {})
    this.events = new Emitter((error) => this.log(`state listener failed: ${String(error)}`))
  }

  /** The current state's name (`idle` before start). */
  get name(): LifecycleStateName {
    return this.current
  }

  /** The latest published state (`closed` before start). */
  get state(): ConnectionState {
    return this.published
  }

  /** True when `type` has a transition from the current state. */
  can(type: LifecycleEventType): boolean {
    return TRANSITIONS[type].from.includes(this.current)
  }

  /** Applies an event; an invalid one throws or is logged, and never changes the state. */
  dispatch(event: LifecycleEvent): boolean {
    if (!this.can(event.type)) {
      const message = `invalid transition: ${event.type} in ${this.current}`
      if (this.mode === 'throw') throw new InvalidTransitionError(message)
      this.log(`bug: ${message}; state unchanged`)
      return false
    }
    this.current = TRANSITIONS[event.type].to
    this.publish(stateFor(this.current as ConnectionStateName, event))
    return true
  }

  /**
   * Records the current live coverage. It rides on every `syncing`/`open` state; with
   * `republish` a change is published at once as the same state with the new coverage.
   */
  setCoverage(coverage: Coverage, republish: boolean): void {
    this.coverage = coverage
    if (!republish || (this.current !== 'syncing' && this.current !== 'open')) return
    if (sameCoverage(this.published.coverage, coverage)) return
    this.publish({ ...this.published, coverage })
  }

  /** Adds a state listener; returns its disposer. */
  on<K extends keyof LifecycleEvents>(event: K, listener: LifecycleEvents[K]): Disposer {
    return this.events.on(event, listener)
  }

  /** Drops every listener. */
  dispose(): void {
    this.events.removeAll()
  }

  private publish(state: ConnectionState): void {
    const withCoverage =
      this.coverage && (state.state === 'syncing' || state.state === 'open')
        ? { ...state, coverage: this.coverage }
        : state
    this.published = withCoverage
    this.events.emit('state', withCoverage)
  }
}

/** The published state a transition produces: the name plus the event's detail. */
function stateFor(name: ConnectionStateName, event: LifecycleEvent): ConnectionState {
  const state: ConnectionState = { state: name }
  if ('attempt' in event) state.attempt = event.attempt
  if ('retry_in_ms' in event) state.retry_in_ms = event.retry_in_ms
  if ('reason' in event) state.reason = event.reason
  if ('code' in event && event.code !== undefined) state.code = event.code
  if (event.type === 'close') {
    state.reason = 'closed by client'
    state.code = 1000
  }
  return state
}

function sameCoverage(a: Coverage | undefined, b: Coverage): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b)
}
