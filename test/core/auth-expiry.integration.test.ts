import { afterEach, describe, expect, it } from 'vitest'
import { delay, waitUntil } from '../helpers/wait'
import { startCoreGateway, startSession, TcpProxy, testSessionOptions } from './support'

// The token expires mid-session: the gateway closes with 4401. The session must stop in
// `auth_failed` and not knock again until the token changes (upgrades counted at a proxy).

let cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

describe('close 4401 mid-session', () => {
  it('goes to auth_failed, makes no further attempts, and resumes once the token changes', async () => {
    const gateway = await startCoreGateway()
    cleanup.push(() => gateway.close())
    const proxy = await TcpProxy.start(gateway.port)
    cleanup.push(() => proxy.close())
    let token = await gateway.mintToken({ expiresInSeconds: 2 })
    const logs: string[] = []
    const { session, rec } = startSession(
      testSessionOptions(proxy.url, () => token, { log: (line) => logs.push(line) })
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')
    expect(proxy.wsUpgrades).toBe(1)

    await rec.waitForState('auth_failed', 6_000)
    const failed = rec.states.at(-1)!
    expect(failed.code).toBe(4401)
    expect(session.connection.hasLiveResources()).toBe(false)
    const upgrades = proxy.wsUpgrades
    // With a 10–50 ms backoff a retrying client would knock dozens of times in this window.
    await delay(1_000)
    expect(proxy.wsUpgrades).toBe(upgrades)
    expect(rec.state).toBe('auth_failed')
    expect(rec.states.filter((s) => s.state === 'connecting')).toHaveLength(1)

    // The same (expired) token again: refused at the upgrade (HTTP 401), still no loop.
    session.tokenChanged()
    await waitUntil(() => rec.count('auth_failed') === 2, { what: 'a second auth_failed' })
    expect(rec.states.at(-1)!.code).toBe(401)
    await delay(300)
    expect(proxy.wsUpgrades).toBe(upgrades + 1)

    // A fresh token: back to open.
    const expired = token
    token = await gateway.mintToken()
    session.tokenChanged()
    await rec.waitForCount('open', 2)
    expect(rec.state).toBe('open')

    const everything = [...logs, ...rec.states.map((s) => JSON.stringify(s))].join('\n')
    expect(everything).not.toContain(token)
    expect(everything).not.toContain(expired)
  }, 20_000)
})

describe('authentication by message', () => {
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
    await delay(300)
    expect(proxy.wsUpgrades).toBe(1)
    expect(rec.count('open')).toBe(0)
  })
})
