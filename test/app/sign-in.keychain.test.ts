import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGateway } from '@gateway'
import type { Gateway } from '@gateway'
import { TokenVault } from '@main/core/token-vault'
import type { EventBatch } from '@shared/bridge/views'
import { TEST_GATEWAY_OPTIONS, startTestApp } from '../fixtures/app'
import type { TestApp } from '../fixtures/app'
import {
  filesContaining,
  keyringUnavailableReason,
  usePrivateKeyring,
  listFiles,
  uniqueProfile
} from '../keychain/support'
import { skipAllIf } from '../helpers/skip'
import { call, ok, waitForSnapshot } from './support'

// Sign-in through the bridge stores the token in the real OS keychain (a private
// gnome-keyring this file starts for itself, never the developer's) and the profile's
// session reconnects with it; sign-out deletes it. The token is write-only: no answer, event,
// log line or file in the settings folder ever contains it.

describe('sign-in with the real keychain', () => {
  skipAllIf(keyringUnavailableReason, 'sign-in keychain tests')
  const keyring = usePrivateKeyring()
  let gateway: Gateway
  let app: TestApp
  const profile = uniqueProfile('app-sign-in')
  const batches: EventBatch[] = []
  const answers: unknown[] = []

  beforeAll(async () => {
    if (keyringUnavailableReason) return
    gateway = await startGateway({ ...TEST_GATEWAY_OPTIONS, port: 0 })
    app = await startTestApp({
      localDevMode: false,
      vault: new TokenVault({ fallback: 'none' }),
      profiles: [{ id: profile, name: 'Keychain', server_url: gateway.url }]
    })
    app.host.onBatch((batch) => batches.push(batch))
  })

  afterAll(async () => {
    await new TokenVault({ fallback: 'none' }).delete(profile).catch(() => false)
    await app?.dispose()
    await gateway?.close()
  })

  it('without a token the profile needs a sign-in', async () => {
    const snap = await waitForSnapshot(
      app,
      (s) => s.profiles[0]?.connection.state === 'auth_failed',
      'auth_failed'
    )
    expect(snap.profiles[0]!.token).toEqual({
      present: false,
      expired: false,
      expiring_soon: false
    })
  })

  it('signIn stores the token in the keychain, answers only facts about it, and reconnects', async () => {
    const token = await gateway.mintToken({ sub: 'ada', expiresInSeconds: 3600 })
    const info = await ok(app.host, 'signIn', { profile_id: profile, token })
    answers.push(info)
    expect(info).toMatchObject({
      present: true,
      storage: 'keychain',
      subject: 'ada',
      expired: false
    })
    expect(Date.parse(info.expires_at!)).toBeGreaterThan(Date.now())
    // Really in the OS keychain: a separate vault (no memory fallback) reads it back.
    expect(await new TokenVault({ fallback: 'none' }).get(profile)).toBe(token)
    const snap = await waitForSnapshot(
      app,
      (s) => s.profiles[0]?.connection.state === 'open',
      'open after sign-in'
    )
    answers.push(snap)
    expect(snap.profiles[0]!.token).toMatchObject({ present: true, subject: 'ada' })

    // Write-only: nothing that left main, nothing logged, nothing on disk in the settings folder.
    answers.push(
      await call(app.host, 'getSnapshot'),
      await call(app.host, 'testConnection', { server_url: gateway.url, profile_id: profile })
    )
    const everything = JSON.stringify([answers, batches]) + app.logs.join('\n')
    expect(everything).not.toContain(token)
    expect(listFiles(app.settingsDir).length).toBeGreaterThanOrEqual(1)
    expect(filesContaining(app.settingsDir, token)).toEqual([])
    // gnome-keyring stores it encrypted, never in plain text.
    expect(filesContaining(keyring.current().dataDir, token)).toEqual([])
  })

  it('a bad token gives a field error that does not echo it', async () => {
    const bad = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.sig with space'
    const result = await call(app.host, 'signIn', { profile_id: profile, token: bad })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'token' } })
    expect(JSON.stringify(result)).not.toContain('eyJzdWIiOiJhZGEifQ')
  })

  it('signOut deletes the token from the keychain and the session needs a sign-in again', async () => {
    const info = await ok(app.host, 'signOut', { profile_id: profile })
    expect(info.present).toBe(false)
    expect(await new TokenVault({ fallback: 'none' }).get(profile)).toBeNull()
    await waitForSnapshot(
      app,
      (s) => s.profiles[0]?.connection.state === 'auth_failed',
      'auth_failed after sign-out'
    )
  })
})
