import { describe, expect, it } from 'vitest'
import { InvalidTransitionError, Lifecycle, TRANSITIONS } from '@main/core/lifecycle'
import type { LifecycleEvent, LifecycleEventType, LifecycleStateName } from '@main/core/lifecycle'
import type { ConnectionState, Coverage } from '@shared/connection-state'

// The lifecycle's table against the behaviour written down here independently: every allowed
// (state, event) pair leads where this spec says, and every other pair is caught: it throws in
// `throw` mode, and in `log` mode it is reported and leaves the state untouched.

const SPEC = `
  idle          start           connecting
  idle          close           closed
  connecting    socket_opened   syncing
  connecting    socket_closed   reconnecting
  connecting    gave_up         offline
  connecting    auth_rejected   auth_failed
  connecting    refused         closed
  connecting    token_changed   connecting
  connecting    close           closed
  syncing       synced          open
  syncing       sync_failed     syncing
  syncing       socket_closed   reconnecting
  syncing       auth_rejected   auth_failed
  syncing       refused         closed
  syncing       token_changed   connecting
  syncing       close           closed
  open          socket_closed   reconnecting
  open          auth_rejected   auth_failed
  open          refused         closed
  open          token_changed   connecting
  open          close           closed
  reconnecting  retry_due       connecting
  reconnecting  nudge           connecting
  reconnecting  token_changed   connecting
  reconnecting  close           closed
  offline       retry_due       connecting
  offline       nudge           connecting
  offline       token_changed   connecting
  offline       close           closed
  auth_failed   token_changed   connecting
  auth_failed   close           closed
`
const expected = new Map(
  SPEC.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/) as [LifecycleStateName, LifecycleEventType, string])
    .map(([from, event, to]) => [`${from} ${event}`, to])
)

const STATES: LifecycleStateName[] = [
  'idle',
  'connecting',
  'syncing',
  'open',
  'reconnecting',
  'offline',
  'auth_failed',
  'closed'
]
const EVENTS = Object.keys(TRANSITIONS) as LifecycleEventType[]

const end = { reason: 'why', code: 1011 }
const EXAMPLES: Record<LifecycleEventType, LifecycleEvent> = {
  start: { type: 'start', attempt: 1 },
  socket_opened: { type: 'socket_opened' },
  synced: { type: 'synced' },
  sync_failed: { type: 'sync_failed', reason: 'reconciliation failed' },
  socket_closed: { type: 'socket_closed', attempt: 2, retry_in_ms: 40, ...end },
  gave_up: { type: 'gave_up', attempt: 10, retry_in_ms: 300_000, ...end },
  auth_rejected: { type: 'auth_rejected', reason: 'expired', code: 4401 },
  refused: { type: 'refused', reason: 'policy', code: 1008 },
  retry_due: { type: 'retry_due', attempt: 3 },
  nudge: { type: 'nudge', attempt: 1 },
  token_changed: { type: 'token_changed', attempt: 1 },
  close: { type: 'close' }
}

/** Valid paths from idle to each state. */
const PATHS: Record<LifecycleStateName, LifecycleEventType[]> = {
  idle: [],
  connecting: ['start'],
  syncing: ['start', 'socket_opened'],
  open: ['start', 'socket_opened', 'synced'],
  reconnecting: ['start', 'socket_closed'],
  offline: ['start', 'gave_up'],
  auth_failed: ['start', 'auth_rejected'],
  closed: ['close']
}

function at(state: LifecycleStateName, mode: 'throw' | 'log' = 'throw', log?: string[]) {
  const lifecycle = new Lifecycle({ onInvalid: mode, log: (line) => log?.push(line) })
  for (const type of PATHS[state]) lifecycle.dispatch(EXAMPLES[type])
  expect(lifecycle.name).toBe(state)
  return lifecycle
}

describe('Lifecycle transition table', () => {
  it('lists exactly the transitions of the spec', () => {
    const listed = STATES.flatMap((from) =>
      EVENTS.filter((event) => TRANSITIONS[event].from.includes(from)).map(
        (event) => `${from} ${event} ${TRANSITIONS[event].to}`
      )
    )
    expect(listed.sort()).toEqual([...expected].map(([pair, to]) => `${pair} ${to}`).sort())
  })

  for (const from of STATES) {
    for (const event of EVENTS) {
      const to = expected.get(`${from} ${event}`)
      if (to) {
        it(`${from} --${event}--> ${to}`, () => {
          const lifecycle = at(from)
          const published: ConnectionState[] = []
          lifecycle.on('state', (s) => published.push(s))
          expect(lifecycle.can(event)).toBe(true)
          expect(lifecycle.dispatch(EXAMPLES[event])).toBe(true)
          expect(lifecycle.name).toBe(to)
          expect(published.map((s) => s.state)).toEqual([to])
        })
      } else {
        it(`${from} --${event}--> is a bug`, () => {
          const thrower = at(from)
          expect(thrower.can(event)).toBe(false)
          expect(() => thrower.dispatch(EXAMPLES[event])).toThrow(InvalidTransitionError)
          expect(thrower.name).toBe(from)

          const log: string[] = []
          const logger = at(from, 'log', log)
          const before = logger.state
          const published: ConnectionState[] = []
          logger.on('state', (s) => published.push(s))
          expect(logger.dispatch(EXAMPLES[event])).toBe(false)
          expect(logger.name).toBe(from)
          expect(logger.state).toBe(before)
          expect(published).toEqual([])
          expect(log).toEqual([`bug: invalid transition: ${event} in ${from}; state unchanged`])
        })
      }
    }
  }
})

describe('Lifecycle published states', () => {
  const coverage: Coverage = {
    level: 'partial',
    follow: 'per_workflow',
    live: 3,
    pending: 1,
    refused: 0,
    polled: 1
  }

  it('carries each event’s detail, and `closed by client` on close', () => {
    const lifecycle = at('connecting')
    lifecycle.dispatch(EXAMPLES.socket_closed)
    expect(lifecycle.state).toEqual({
      state: 'reconnecting',
      attempt: 2,
      retry_in_ms: 40,
      reason: 'why',
      code: 1011
    })
    lifecycle.dispatch({ type: 'close' })
    expect(lifecycle.state).toEqual({ state: 'closed', reason: 'closed by client', code: 1000 })
  })

  it('adds coverage to syncing and open only, and republishes a change only when asked', () => {
    const lifecycle = at('connecting')
    const published: ConnectionState[] = []
    lifecycle.on('state', (s) => published.push(s))
    lifecycle.setCoverage(coverage, true)
    expect(published).toEqual([]) // connecting carries no coverage
    lifecycle.dispatch({ type: 'socket_opened' })
    expect(published.at(-1)).toEqual({ state: 'syncing', coverage })
    const live: Coverage = { ...coverage, level: 'live', live: 4, pending: 0, polled: 0 }
    lifecycle.setCoverage(live, false)
    expect(published).toHaveLength(1)
    lifecycle.setCoverage(live, true)
    expect(published.at(-1)).toEqual({ state: 'syncing', coverage: live })
    lifecycle.setCoverage(live, true) // unchanged: nothing new
    expect(published).toHaveLength(2)
    lifecycle.dispatch({ type: 'synced' })
    expect(published.at(-1)).toEqual({ state: 'open', coverage: live })
    lifecycle.dispatch({ type: 'socket_closed', attempt: 1, retry_in_ms: 10, reason: 'x' })
    expect(published.at(-1)).not.toHaveProperty('coverage')
  })
})
