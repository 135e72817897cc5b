import { describe, expect, it } from 'vitest'
import { describeFailure, fieldError, formError } from '@renderer/lib/call'
import { describeCoverage, summarizeConnection } from '@renderer/lib/connection'
import { connectionProblems } from '@renderer/lib/connection-problems'
import { formatDuration, statusInfo } from '@renderer/lib/format'
import { parseJsonInput } from '@renderer/lib/json-input'
import { formatRoute, NO_FILTERS, parseRoute } from '@renderer/lib/route'
import type { Route } from '@renderer/lib/route'
import { profile } from './support'

describe('routes', () => {
  it('round-trip through the URL fragment', () => {
    const routes: Route[] = [
      { view: 'overview' },
      { view: 'executions', filters: NO_FILTERS },
      {
        view: 'executions',
        filters: { status: 'failed', workflow: 'wf 1', profile: 'prod', query: 'exec_&?' }
      },
      { view: 'execution', profile_id: 'prod', execution_id: 'exec/with/slashes' },
      { view: 'workflows', run: null },
      { view: 'workflows', run: { profile_id: 'local', workflow_id: 'wf_a' } },
      { view: 'settings', profile: null, signIn: false },
      { view: 'settings', profile: 'prod', signIn: true }
    ]
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route)
  })

  it('treat other fragments (such as the browser key) as the overview', () => {
    expect(parseRoute('')).toEqual({ view: 'overview' })
    expect(parseRoute('#key=abc')).toEqual({ view: 'overview' })
    expect(parseRoute('#/nowhere')).toEqual({ view: 'overview' })
  })
})

describe('JSON input', () => {
  it('accepts JSON (empty text is {}) and says where the text is not JSON', () => {
    expect(parseJsonInput('')).toEqual({ ok: true, value: {} })
    expect(parseJsonInput(' {"a": [1, 2]} ')).toEqual({ ok: true, value: { a: [1, 2] } })
    expect(parseJsonInput('42')).toEqual({ ok: true, value: 42 })
    const bad = parseJsonInput('{\n  "a": 1,\n  "b": oops\n}')
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.line).toBe(3)
      expect(bad.message).toBe('Not valid JSON at line 3, column 8: unexpected “o”')
    }
    expect(parseJsonInput('{"a": 1')).toMatchObject({ ok: false, line: 1, column: 8 })
    expect(parseJsonInput("{'a': 1}")).toMatchObject({ ok: false, line: 1, column: 2 })
    expect(parseJsonInput('[1, 2,]')).toMatchObject({ ok: false, line: 1, column: 7 })
    expect(parseJsonInput('{"a": 1} x')).toMatchObject({ ok: false, line: 1, column: 10 })
  })
})

describe('bridge errors', () => {
  const error = {
    code: 'invalid_request' as const,
    message: 'enter an http(s):// address',
    field: 'profile.server_url'
  }
  it('land next to the field they name, or once for the form', () => {
    expect(fieldError(error, 'server_url')).toBe('enter an http(s):// address')
    expect(fieldError(error, 'url')).toBeNull()
    expect(formError(error, ['name', 'server_url'])).toBeNull()
    expect(formError(error, ['name'])).toBe('enter an http(s):// address')
    expect(describeFailure({ code: 'offline', message: 'profile prod is reconnecting' })).toBe(
      'Not connected to the server: profile prod is reconnecting'
    )
  })
})

describe('wording', () => {
  it('names statuses, durations, connection states and coverage', () => {
    expect(statusInfo('timed_out')).toEqual({ label: 'Timed out', tone: 'failed' })
    expect(statusInfo('waiting_for_approval').label).toBe('Waiting for approval')
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(12_400)).toBe('12.4 s')
    expect(formatDuration(185_000)).toBe('3 m 05 s')
    const waiting = summarizeConnection({
      state: 'reconnecting',
      attempt: 3,
      retry_in_ms: 4000,
      at: 1000
    })
    expect(waiting).toMatchObject({
      label: 'Reconnecting',
      retryAt: 5000,
      attempt: 3,
      canRetry: true
    })
    expect(summarizeConnection({ state: 'auth_failed', at: 0 }).needsSignIn).toBe(true)
    // The attempt after failed ones still reads "Reconnecting", not a fresh "Connecting".
    expect(summarizeConnection({ state: 'connecting', attempt: 1, at: 0 }).label).toBe('Connecting')
    expect(summarizeConnection({ state: 'connecting', attempt: 4, at: 0 })).toMatchObject({
      label: 'Reconnecting',
      attempting: true,
      attempt: 4
    })
    expect(
      describeCoverage({
        level: 'partial',
        follow: 'per_workflow',
        live: 3,
        pending: 1,
        refused: 1,
        polled: 2
      })
    ).toBe('Partial: 3 of 5 live, 2 polled')
  })
})

describe('connection problems', () => {
  it('name an unreachable server, a refused token and partial live coverage, for running profiles only', () => {
    const coverage = {
      level: 'partial',
      follow: 'per_workflow',
      live: 3,
      pending: 0,
      refused: 2,
      polled: 2
    }
    const problems = connectionProblems([
      profile('down', {
        name: 'Down',
        connection: {
          state: 'offline',
          attempt: 12,
          retry_in_ms: 300_000,
          reason: 'connection refused',
          at: 1
        }
      }),
      profile('auth', { name: 'Auth', connection: { state: 'auth_failed', at: 1 } }),
      profile('part', { name: 'Part', connection: { state: 'open', at: 1, coverage } as never }),
      profile('fine', { connection: { state: 'open', at: 1 } }),
      profile('off', { enabled: false, connection: { state: 'offline', at: 1 } }),
      profile('first', {
        connection: { state: 'reconnecting', attempt: 1, retry_in_ms: 10, at: 1 }
      })
    ])
    expect(problems.map((p) => [p.key, p.tone, p.signIn])).toEqual([
      ['down:down', 'error', false],
      ['auth:auth', 'error', true],
      ['part:coverage', 'warning', false]
    ])
    expect(problems[0].title).toBe('Down cannot be reached.')
    expect(problems[0].detail).toMatch(/^connection refused\. Showing what was last received/)
    expect(problems[2].detail).toMatch(
      /^2 subscriptions were not accepted by the server; 2 are polled/
    )
  })
})
