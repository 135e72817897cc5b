import { afterEach, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { TokenVault } from '@main/core/token-vault'
import { TEST_GATEWAY_OPTIONS, memoryKeychain, startTestApp } from '../fixtures/app'
import type { TestApp } from '../fixtures/app'
import { startGateway } from '@gateway'
import { BatchRecorder, call, ok, snapshot, waitForOpen, waitForSnapshot } from './support'

// Several servers at once, each profile its own session; edits restart a session; validation
// errors name the field to correct.

const apps: TestApp[] = []
const gateways: Gateway[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.dispose()
  for (const gateway of gateways.splice(0)) await gateway.close()
})

let seed = 100
/** A test gateway with its own seed (the same seed would give two servers the same ids). */
async function gateway(): Promise<Gateway> {
  const started = await startGateway({ ...TEST_GATEWAY_OPTIONS, seed: seed++, port: 0 })
  gateways.push(started)
  return started
}

async function app(options: Parameters<typeof startTestApp>[0]): Promise<TestApp> {
  const started = await startTestApp(options)
  apps.push(started)
  return started
}

describe('profiles', () => {
  it('runs two servers at once, each with its own executions and failures', async () => {
    const [a, b] = await Promise.all([gateway(), gateway()])
    const vault = new TokenVault({ backend: memoryKeychain() })
    await vault.set('alpha', await a.mintToken({ sub: 'ada' }))
    await vault.set('beta', await b.mintToken({ sub: 'bob' }))
    const test = await app({
      localDevMode: false,
      vault,
      profiles: [
        { id: 'alpha', name: 'Alpha', server_url: a.url },
        { id: 'beta', name: 'Beta', server_url: b.url }
      ]
    })
    await waitForOpen(test, 'alpha')
    await waitForOpen(test, 'beta')
    const failA = a.engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    const okB = b.engine.startExecution('wf_partner_sync', {}, { outcome: 'succeed' })!
    const snap = await waitForSnapshot(
      test,
      (s) =>
        s.failures.length === 1 &&
        s.executions.some((e) => e.id === okB.id && e.status === 'completed'),
      'a failure on alpha and a completion on beta'
    )
    expect(snap.profiles.map((p) => [p.id, p.local, p.token.subject])).toEqual([
      ['alpha', false, 'ada'],
      ['beta', false, 'bob']
    ])
    expect(snap.failures[0]).toMatchObject({ profile_id: 'alpha', execution_id: failA.id })
    expect(snap.executions.find((e) => e.id === okB.id)?.profile_id).toBe('beta')
    expect(snap.executions.filter((e) => e.id === failA.id).map((e) => e.profile_id)).toEqual([
      'alpha'
    ])
    const tray = test.service.trayInputs()
    expect(tray.profiles.map((p) => [p.id, p.state.state])).toEqual([
      ['alpha', 'open'],
      ['beta', 'open']
    ])
    expect(tray.unseen_failures).toBe(1)
    expect(snap.workflows.filter((w) => w.profile_id === 'alpha').length).toBeGreaterThan(0)
    expect(snap.workflows.filter((w) => w.profile_id === 'beta').length).toBeGreaterThan(0)
  })

  it('an edit of the server address restarts that profile on the new server', async () => {
    const [a, b] = await Promise.all([gateway(), gateway()])
    const vault = new TokenVault({ backend: memoryKeychain() })
    // One secret for both test gateways: the same token is good on either.
    await vault.set('moving', await a.mintToken({ sub: 'ada' }))
    const test = await app({
      localDevMode: false,
      vault,
      profiles: [{ id: 'moving', server_url: a.url }]
    })
    await waitForOpen(test, 'moving')
    const recorder = new BatchRecorder(test.host)
    const saved = await ok(test.host, 'saveProfile', {
      profile: {
        id: 'moving',
        name: 'Moved',
        server_url: b.url,
        enabled: true,
        auth_method: 'query',
        allow_insecure: false
      }
    })
    expect(saved).toMatchObject({ id: 'moving', name: 'Moved', server_url: b.url })
    const snap = await waitForSnapshot(
      test,
      (s) =>
        s.profiles[0]?.connection.state === 'open' &&
        s.profiles[0]?.connection.server_url === b.url,
      'the profile open on the new server'
    )
    expect(snap.profiles[0]!.name).toBe('Moved')
    const onB = b.engine.startExecution('wf_partner_sync', {}, { outcome: 'succeed' })!
    await waitForSnapshot(
      test,
      (s) => s.executions.some((e) => e.id === onB.id),
      'an execution of the new server'
    )
    // The old session closed: its state was published as closed before the new one connected.
    const states = recorder.events('connection').map((e) => e.state.state)
    expect(states).toContain('open')
    expect(a.stats().connections).toBe(0)
  })

  it('a name-only edit keeps the running session', async () => {
    const a = await gateway()
    const vault = new TokenVault({ backend: memoryKeychain() })
    await vault.set('keep', await a.mintToken())
    const test = await app({
      localDevMode: false,
      vault,
      profiles: [{ id: 'keep', server_url: a.url }]
    })
    await waitForOpen(test, 'keep')
    const before = a.stats().connections
    await ok(test.host, 'saveProfile', {
      profile: { id: 'keep', name: 'Renamed', server_url: a.url }
    })
    const snap = await snapshot(test)
    expect(snap.profiles[0]).toMatchObject({ name: 'Renamed', connection: { state: 'open' } })
    expect(a.stats().connections).toBe(before)
  })

  it('adds a profile with an id from its name, switches to it, disables and removes it', async () => {
    const test = await app({})
    await waitForOpen(test)
    const added = await ok(test.host, 'saveProfile', {
      profile: { name: 'Prod EU!', server_url: 'https://nebula.invalid' }
    })
    expect(added.id).toBe('prod-eu')
    const second = await ok(test.host, 'saveProfile', {
      profile: { name: 'Prod EU', server_url: 'https://nebula.invalid' }
    })
    expect(second.id).toBe('prod-eu-2')
    await ok(test.host, 'switchProfile', { profile_id: 'prod-eu-2' })
    expect((await snapshot(test)).settings.active_profile_id).toBe('prod-eu-2')
    await ok(test.host, 'saveProfile', { profile: { ...second, enabled: false } })
    const disabled = (await snapshot(test)).profiles.find((p) => p.id === 'prod-eu-2')
    expect(disabled?.connection).toMatchObject({ state: 'closed', reason: 'disabled' })
    await test.vault.set('prod-eu-2', 'token-of-a-removed-profile')
    await ok(test.host, 'removeProfile', { profile_id: 'prod-eu-2' })
    const after = await snapshot(test)
    expect(after.profiles.map((p) => p.id)).toEqual(['local', 'prod-eu'])
    // The default profile was the removed one: none is chosen now (the first enabled one acts).
    expect(after.settings.active_profile_id).toBeNull()
    // Removing a profile deletes its token.
    expect(await test.vault.get('prod-eu-2')).toBeNull()
  })

  it('validation errors name the field to correct', async () => {
    const test = await app({ localDevMode: false })
    const cases: Array<[unknown, string, string]> = [
      [{ name: '', server_url: 'https://x.example' }, 'invalid_request', 'profile.name'],
      [
        { name: 'x', server_url: 'https://user:pw@x.example' },
        'invalid_request',
        'profile.server_url'
      ],
      [
        { name: 'x', server_url: 'http://203.0.113.9:8000' },
        'invalid_request',
        'profile.server_url'
      ],
      [
        { id: 'local', name: 'x', server_url: 'https://x.example' },
        'invalid_request',
        'profile.id'
      ],
      [
        { id: 'bad id', name: 'x', server_url: 'https://x.example' },
        'invalid_request',
        'profile.id'
      ]
    ]
    for (const [profile, code, field] of cases) {
      expect(await call(test.host, 'saveProfile', { profile } as never)).toMatchObject({
        ok: false,
        error: { code, field }
      })
    }
    // Plain http to another machine is allowed when asked for explicitly.
    const insecure = await ok(test.host, 'saveProfile', {
      profile: { name: 'lab', server_url: 'http://203.0.113.9:8000', allow_insecure: true }
    })
    expect(insecure.allow_insecure).toBe(true)
    expect(await call(test.host, 'removeProfile', { profile_id: 'ghost' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', field: 'profile_id' }
    })
    expect(
      await call(test.host, 'signIn', { profile_id: 'local', token: 'abcdefgh' })
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', field: 'profile_id' }
    })
  })

  it('local dev mode turns off and on again', async () => {
    const test = await app({})
    await waitForOpen(test)
    await ok(test.host, 'setLocalDevMode', { enabled: false })
    let snap = await snapshot(test)
    expect(snap.profiles).toEqual([])
    expect(snap.settings.local_dev_mode).toBe(false)
    expect(test.service.hasLiveResources()).toBe(false)
    await ok(test.host, 'setLocalDevMode', { enabled: true })
    snap = await waitForOpen(test)
    expect(snap.profiles.map((p) => p.id)).toEqual(['local'])
  })

  it('NEBULA_SERVER_URL-style overrides watch a server for this run without saving it', async () => {
    const a = await gateway()
    const vault = new TokenVault({ backend: memoryKeychain() })
    await vault.set('env', await a.mintToken())
    const test = await app({
      vault,
      service: { overrides: { server: { url: a.url, profile: 'env' } } }
    })
    const snap = await waitForOpen(test, 'env')
    expect(snap.profiles.map((p) => p.id)).toEqual(['env'])
    expect(snap.settings).toMatchObject({ local_dev_mode: false, active_profile_id: 'env' })
    await test.service.dispose()
    const { existsSync } = await import('node:fs')
    const { join } = await import('node:path')
    expect(existsSync(join(test.settingsDir, 'settings.json'))).toBe(false)
  })
})
