import { describe, expect, it } from 'vitest'
import {
  applyEvents,
  initialState,
  MAX_EXECUTIONS,
  stateFromSnapshot
} from '@renderer/store/dashboard-state'
import { executionKey } from '@renderer/store/keys'
import { execution, failure, profile, snapshot } from './support'

describe('dashboard state', () => {
  it('takes a snapshot and applies later events on top, copying only what changed', () => {
    const a = execution('exec_a')
    const b = execution('exec_b')
    const state = stateFromSnapshot(snapshot({ seq: 4, executions: [a, b] }), initialState())
    expect(state.phase).toBe('ready')
    expect(state.seq).toBe(4)

    const b2 = { ...b, status: 'completed' }
    const next = applyEvents(state, 5, [{ type: 'execution', execution: b2 }])
    expect(next.seq).toBe(5)
    expect(next.executions.get(executionKey('local', 'exec_b'))).toBe(b2)
    // Unchanged executions keep their identity (memoized rows skip re-rendering).
    expect(next.executions.get(executionKey('local', 'exec_a'))).toBe(a)
    expect(next.workflows).toBe(state.workflows)
    expect(state.executions.get(executionKey('local', 'exec_b'))).toBe(b)
  })

  it('keeps the failure feed newest first, once per execution, and marks failures seen', () => {
    let state = stateFromSnapshot(
      snapshot({
        failures: [
          failure('e1', '2026-01-15T10:00:00.000Z'),
          failure('e3', '2026-01-15T10:02:00.000Z')
        ]
      }),
      initialState()
    )
    expect(state.failures.map((f) => f.execution_id)).toEqual(['e3', 'e1'])
    state = applyEvents(state, 1, [
      { type: 'failure', failure: failure('e2', '2026-01-15T10:01:00.000Z') },
      { type: 'failure', failure: failure('e4', '2026-01-15T10:03:00.000Z') },
      {
        type: 'failure',
        failure: failure('e4', '2026-01-15T10:03:00.000Z', { error_message: 'again' })
      }
    ])
    expect(state.failures.map((f) => f.execution_id)).toEqual(['e4', 'e3', 'e2', 'e1'])
    expect(state.failures[0].error_message).toBe('again')

    state = applyEvents(state, 2, [
      { type: 'failures_seen', failures: [{ profile_id: 'local', execution_id: 'e3' }] }
    ])
    expect(state.failures.filter((f) => f.seen).map((f) => f.execution_id)).toEqual(['e3'])
  })

  it('updates one profile connection, replaces profiles and settings, records show requests', () => {
    let state = stateFromSnapshot(
      snapshot({ profiles: [profile('a'), profile('b')] }),
      initialState()
    )
    state = applyEvents(state, 1, [
      {
        type: 'connection',
        profile_id: 'b',
        state: { state: 'reconnecting', attempt: 2, retry_in_ms: 900, at: 50 }
      }
    ])
    expect(state.profiles.map((p) => p.connection.state)).toEqual(['open', 'reconnecting'])
    state = applyEvents(state, 2, [
      { type: 'profiles', profiles: [profile('c')] },
      { type: 'show_execution', profile_id: 'c', execution_id: 'exec_9' }
    ])
    expect(state.profiles.map((p) => p.id)).toEqual(['c'])
    expect(state.showRequest).toEqual({ profile_id: 'c', execution_id: 'exec_9', nonce: 2 })
  })

  it('adds and removes workflows by profile and id', () => {
    let state = stateFromSnapshot(snapshot(), initialState())
    const wf = { profile_id: 'local', id: 'wf_1', name: 'One', version: 1 }
    state = applyEvents(state, 1, [{ type: 'workflow', workflow: wf }])
    state = applyEvents(state, 2, [{ type: 'workflow', workflow: { ...wf, version: 2 } }])
    expect([...state.workflows.values()].map((w) => w.version)).toEqual([2])
    state = applyEvents(state, 3, [
      { type: 'workflow_removed', profile_id: 'local', workflow_id: 'wf_1' }
    ])
    expect(state.workflows.size).toBe(0)
  })

  it('bounds recent executions, dropping the oldest finished ones to 90 % and never a running one', () => {
    const many = Array.from({ length: MAX_EXECUTIONS }, (_, i) =>
      execution(`done_${i}`, {
        status: 'completed',
        started_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()
      })
    )
    const running = execution('old_running', { started_at: '2025-01-01T00:00:00.000Z' })
    let state = stateFromSnapshot(
      snapshot({ executions: [running, ...many.slice(1)] }),
      initialState()
    )
    state = applyEvents(state, 1, [
      { type: 'execution', execution: execution('new_1') },
      { type: 'execution', execution: execution('new_2') }
    ])
    const kept = Math.floor(MAX_EXECUTIONS * 0.9)
    expect(state.executions.size).toBe(kept)
    expect(state.executions.has(executionKey('local', 'old_running'))).toBe(true)
    // The oldest finished ones went (done_0 was never there), the newest finished ones stayed.
    const dropped = MAX_EXECUTIONS + 2 - kept // done_1 … done_202
    expect(state.executions.has(executionKey('local', `done_${dropped}`))).toBe(false)
    expect(state.executions.has(executionKey('local', `done_${dropped + 1}`))).toBe(true)
    expect(state.executions.has(executionKey('local', 'done_1'))).toBe(false)
    expect(state.executions.has(executionKey('local', 'new_2'))).toBe(true)
  })
})
