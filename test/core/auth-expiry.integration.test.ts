import { describe, expect, it } from 'vitest'
import { ManualClock } from '../fixtures/gateway'
import { waitUntil } from '../helpers/wait'
import {
  DIALECTS,
  startCoreGateway,
  startDialectGateway,
  startSession,
  TcpProxy,
  testSessionOptions
} from './support'
import { useCleanup } from '../helpers/cleanup'

// The token expires mid-session: the gateway closes with 4401. The session must stop in
// `auth_failed` and not knock again until the token changes (upgrades counted at a proxy).
// The gateway's clock is moved by hand, so the token expires when the test says, and "no
// further attempt" is shown by the absence of any retry timer, not by waiting.

const cleanup = useCleanup()

describe.each(DIALECTS)('close 4401 mid-session (%s dialect)', (dialect) => {
  it('goes to auth_failed, makes no further attempts, and resumes once the token changes', async () => {
    const clock = new ManualClock()
    const gateway = await startDialectGateway(dialect, { clock })
    cleanup.push(() => gateway.close())
    const proxy = await TcpProxy.start(gateway.port)
    cleanup.push(() => proxy.close())
    let token = await gateway.mintToken({ expiresInSeconds: 60 })
    const logs: string[] = []
    const { session, rec } = startSession(
      testSessionOptions(proxy.url, () => token, { log: (line) => logs.push(line) })
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')
    expect(proxy.wsUpgrades).toBe(1)

    clock.advance(61_000)
    await rec.waitForState('auth_failed')
    const failed = rec.states.at(-1)!
    expect(failed.code).toBe(4401)
    // No socket and no timer left: nothing can make another attempt until the token changes.
    expect(session.connection.hasLiveResources()).toBe(false)
    expect(session.hasLiveResources()).toBe(false)
    const upgrades = proxy.wsUpgrades
    expect(rec.state).toBe('auth_failed')
    expect(rec.states.filter((s) => s.state === 'connecting')).toHaveLength(1)

    // The same (expired) token again: refused at the upgrade (HTTP 401), still no loop.
    session.tokenChanged()
    await waitUntil(() => rec.count('auth_failed') === 2, { what: 'a second auth_failed' })
    expect(rec.states.at(-1)!.code).toBe(401)
    expect(session.hasLiveResources()).toBe(false)
    expect(proxy.wsUpgrades).toBe(upgrades + 1)

    // One "sign in again" notice for the profile, however often the token is refused.
    expect(rec.notifications.map((n) => [n.kind, n.profile])).toEqual([['auth_failed', 'test']])

    // A fresh token: back to open.
    const expired = token
    token = await gateway.mintToken()
    session.tokenChanged()
    await rec.waitForCount('open', 2)
    expect(rec.state).toBe('open')

    const everything = [...logs, ...rec.states.map((s) => JSON.stringify(s))].join('\n')
    expect(everything).not.toContain(token)
    expect(everything).not.toContain(expired)
  })
})

describe('authentication by message (extended dialect only)', () => {
  it('opens with an `authenticate` frame and alerts like the query method', async () => {
    const gateway = await startCoreGateway()
    cleanup.push(() => gateway.close())
    const token = await gateway.mintToken()
    const { session, rec } = startSession(
      testSessionOptions(gateway.url, () => token, { connection: { authMethod: 'message' } })
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')
    expect(rec.messages.some((m) => m.type === 'authenticated')).toBe(true)
    const failed = gateway.engine.startExecution('wf_partner_sync', {}, { outcome: 'fail' })!
    await waitUntil(() => rec.alertsFor(failed.id).length === 1, { what: 'alert' })
  })

  it('stops in auth_failed when the server closes 4401 after a bad `authenticate`', async () => {
    const gateway = await startCoreGateway()
    cleanup.push(() => gateway.close())
    const proxy = await TcpProxy.start(gateway.port)
    cleanup.push(() => proxy.close())
    const { session, rec } = startSession(
      testSessionOptions(proxy.url, () => 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.not-a-signature', {
        connection: { authMethod: 'message' }
      })
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('auth_failed')
    expect(rec.states.at(-1)!.code).toBe(4401)
    expect(session.hasLiveResources()).toBe(false)
    expect(proxy.wsUpgrades).toBe(1)
    expect(rec.count('open')).toBe(0)
  })
})
