import { describe, expect, it } from 'vitest'
import { BridgeHost } from '@main/app/bridge-host'
import type { BatchSource, BridgeHandlers } from '@main/app/bridge-host'
import { BridgeFailure } from '@main/app/bridge-failure'
import { RestError } from '@main/core/rest-client'
import { CommandError } from '@main/core/command-queue'
import { KeychainUnavailableError } from '@main/core/keychain-errors'
import { InvalidTokenError } from '@main/core/token-vault'
import type { InvokeMethod } from '@shared/bridge/channels'
import { InvokeChannel } from '@shared/bridge/channels'
import type { EventBatch } from '@shared/bridge/views'

// The transport-neutral bridge: every command's payload is checked against the contract before
// a handler runs, whatever a handler throws becomes a typed error (redacted, never a crash), and
// answers and event batches are checked before they leave.

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA'
const OTHER_SECRET = 'opaque-secret-token-1234567890'

/** One bad payload per command and the field the error must name (a new command must add one). */
const BAD_PAYLOADS = {
  getInfo: [{ unexpected: true }, 'request'],
  getSnapshot: [5, 'request'],
  signIn: [{ profile_id: 'prod', token: 'has a space' }, 'token'],
  signOut: [{ profile_id: 'not a valid id!' }, 'profile_id'],
  saveProfile: [{ profile: { name: 'x', server_url: 'ftp://x' } }, 'profile.server_url'],
  removeProfile: [{}, 'profile_id'],
  switchProfile: [{ profile_id: 7 }, 'profile_id'],
  testConnection: [{ server_url: 'not a url' }, 'server_url'],
  setLocalDevMode: [{ enabled: 'yes' }, 'enabled'],
  executeWorkflow: [{ profile_id: 'p', workflow_id: '', input: {} }, 'workflow_id'],
  cancelExecution: [{ profile_id: 'p' }, 'execution_id'],
  getExecution: [{ profile_id: 'p', execution_id: 'x'.repeat(201) }, 'execution_id'],
  listExecutions: [{ profile_id: 'p', limit: 1000 }, 'limit'],
  followLogs: [{ execution_id: 'e1' }, 'profile_id'],
  unfollowLogs: [null, 'request'],
  reconnect: [{ profile_id: '' }, 'profile_id'],
  markFailuresSeen: [{ failures: [{ profile_id: 'p' }] }, 'failures.0.execution_id'],
  setNotificationPrefs: [{ pause: 'forever' }, 'pause'],
  updateSettings: [{ launch_at_login: 1 }, 'launch_at_login']
} as const satisfies Record<InvokeMethod, readonly [unknown, string]>

const noBatches: BatchSource = { onBatch: () => () => {} }

/** Handlers that fail the test if called, except those given. */
function handlers(overrides: Partial<BridgeHandlers> = {}): {
  handlers: BridgeHandlers
  calls: string[]
} {
  const calls: string[] = []
  const all: Record<string, unknown> = {}
  for (const method of Object.keys(InvokeChannel)) {
    all[method] = (request: unknown) => {
      calls.push(method)
      const own = (overrides as Record<string, (r: unknown) => unknown>)[method]
      if (!own) throw new Error(`unexpected call of ${method}`)
      return own(request)
    }
  }
  return { handlers: all as BridgeHandlers, calls }
}

describe('BridgeHost requests', () => {
  it.each(Object.entries(BAD_PAYLOADS))(
    '%s: a bad payload is an invalid_request naming the field, and no handler runs',
    async (method, [payload, field]) => {
      const { handlers: h, calls } = handlers()
      const host = new BridgeHost(h, noBatches)
      const result = await host.invoke(method, payload)
      expect(result).toEqual({
        ok: false,
        error: { code: 'invalid_request', message: expect.any(String), field }
      })
      expect(calls).toEqual([])
    }
  )

  it('never echoes a rejected token in the error', async () => {
    const host = new BridgeHost(handlers().handlers, noBatches)
    const result = await host.invoke('signIn', { profile_id: 'prod', token: `${TOKEN} trailing` })
    expect(result.ok).toBe(false)
    expect(JSON.stringify(result)).not.toContain(TOKEN)
  })

  it.each(['nope', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 42, undefined])(
    'refuses the unknown method %s',
    async (method) => {
      const host = new BridgeHost(handlers().handlers, noBatches)
      expect(await host.invoke(method, undefined)).toEqual({
        ok: false,
        error: { code: 'invalid_request', message: 'unknown command', field: 'method' }
      })
    }
  )

  it('passes the parsed request (with defaults) and the checked answer', async () => {
    let seen: unknown
    const { handlers: h } = handlers({
      listExecutions: (request) => {
        seen = request
        return { executions: [], has_more: false, total: 0, extra: 'stripped' } as never
      }
    })
    const result = await new BridgeHost(h, noBatches).invoke('listExecutions', { profile_id: 'p' })
    expect(seen).toEqual({ profile_id: 'p', offset: 0, limit: 50 })
    expect(result).toEqual({ ok: true, value: { executions: [], has_more: false, total: 0 } })
  })

  it('turns what handlers throw into typed errors, redacted, without crashing', async () => {
    const logs: string[] = []
    const cases: Array<[unknown, Record<string, unknown>]> = [
      [
        new BridgeFailure('not_found', 'there is no profile "x"', 'profile_id'),
        { code: 'not_found', field: 'profile_id' }
      ],
      [
        new RestError(`GET /x: 401 UNAUTHORIZED: bad token ${OTHER_SECRET}`, 401, 'UNAUTHORIZED'),
        { code: 'unauthorized' }
      ],
      [new RestError('GET /x failed: ECONNREFUSED', 0, 'NETWORK_ERROR'), { code: 'offline' }],
      [new RestError('GET /x: 500', 500, 'INTERNAL_ERROR'), { code: 'server_error' }],
      [new CommandError('expired', 'EXPIRED'), { code: 'offline' }],
      [new KeychainUnavailableError('no D-Bus', 'install dbus'), { code: 'keychain_unavailable' }],
      [
        new InvalidTokenError('the token must be one line'),
        { code: 'invalid_request', field: 'token' }
      ],
      [new Error(`keytar said: could not store ${TOKEN}`), { code: 'internal' }],
      [`a thrown string with ${TOKEN}`, { code: 'internal' }]
    ]
    for (const [thrown, expected] of cases) {
      const { handlers: h } = handlers({
        signIn: () => {
          throw thrown
        }
      })
      const host = new BridgeHost(h, noBatches, { log: (line) => logs.push(line) })
      const result = await host.invoke('signIn', { profile_id: 'prod', token: TOKEN })
      expect(result.ok).toBe(false)
      if (result.ok) continue
      expect(result.error).toMatchObject(expected)
      expect(result.error.message).not.toContain(TOKEN)
    }
    // An unknown failure is logged for diagnosis, redacted too.
    expect(logs.some((line) => line.includes('signIn failed'))).toBe(true)
    expect(logs.join('\n')).not.toContain(TOKEN)
  })

  it('redacts secrets in a BridgeFailure message too', async () => {
    const { handlers: h } = handlers({
      signIn: () => {
        throw new BridgeFailure('server_error', `refused ${TOKEN}`)
      }
    })
    const result = await new BridgeHost(h, noBatches).invoke('signIn', {
      profile_id: 'p',
      token: TOKEN
    })
    expect(JSON.stringify(result)).not.toContain(TOKEN)
  })

  it('an answer that breaks the contract becomes an internal error (and is logged)', async () => {
    const logs: string[] = []
    const { handlers: h } = handlers({ getInfo: () => ({ name: 'x' }) as never })
    const result = await new BridgeHost(h, noBatches, { log: (l) => logs.push(l) }).invoke(
      'getInfo',
      undefined
    )
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'getInfo produced an invalid answer' }
    })
    expect(logs).toHaveLength(1)
  })

  it('an async handler that rejects is a typed error too', async () => {
    const { handlers: h } = handlers({
      reconnect: () => Promise.reject(new BridgeFailure('offline', 'down'))
    })
    expect(await new BridgeHost(h, noBatches).invoke('reconnect', {})).toEqual({
      ok: false,
      error: { code: 'offline', message: 'down' }
    })
  })
})

describe('BridgeHost events', () => {
  it('delivers valid batches and drops (and logs) events that break the contract', () => {
    let emit: (batch: EventBatch) => void = () => {}
    const source: BatchSource = {
      onBatch: (listener) => {
        emit = listener
        return () => {}
      }
    }
    const logs: string[] = []
    const host = new BridgeHost(handlers().handlers, source, { log: (l) => logs.push(l) })
    const received: EventBatch[] = []
    host.onBatch((batch) => received.push(batch))
    const good = { type: 'workflow_removed' as const, profile_id: 'p', workflow_id: 'w' }
    emit({ seq: 1, events: [good] })
    emit({
      seq: 2,
      events: [good, { type: 'workflow_removed', profile_id: 'bad id!', workflow_id: 'w' }]
    })
    emit({ seq: 3, events: [{ type: 'no-such-event' } as never] })
    expect(received).toEqual([
      { seq: 1, events: [good] },
      { seq: 2, events: [good] }
    ])
    expect(logs).toHaveLength(2)
  })
})
