import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { CloseCode, ErrorCode } from '@shared/protocol'
import {
  freshClaims,
  nowSeconds,
  signHmac,
  signRs256,
  unsignedToken,
  withBadSignature,
  withSwappedPayload
} from '../helpers/jwt'
import {
  closeAllClients,
  ofType,
  openClient,
  UpgradeRejectedError,
  upgradeStatus,
  withToken
} from '../helpers/ws-client'
import { ManualClock, TEST_SECRET, startTestGateway } from '../fixtures/gateway'
import { waitUntil } from '../helpers/wait'

// Both authentication methods, every way a token can be bad, and what happens before
// authentication and when a token expires mid-session.

const AUTH_TIMEOUT_MS = 300

let gateway: Gateway

beforeAll(async () => {
  gateway = await startTestGateway({ authTimeoutMs: AUTH_TIMEOUT_MS })
})
afterAll(async () => {
  await gateway.close()
})
afterEach(async () => {
  await closeAllClients()
})

describe('?token= on the upgrade', () => {
  it('answers authenticated with the token subject and roles, then serves the connection', async () => {
    const token = await gateway.mintToken({ sub: 'alice', roles: ['viewer', 'operator'] })
    const client = await openClient(withToken(gateway.wsUrl, token))
    const authenticated = await client.next(ofType('authenticated'))
    expect(authenticated.user_id).toBe('alice')
    expect(authenticated.roles).toEqual(['viewer', 'operator'])
    await client.barrier()
    expect(client.isOpen).toBe(true)
  })

  it('mintToken defaults to sub dev-user with the admin role', async () => {
    const token = await gateway.mintToken()
    const client = await openClient(withToken(gateway.wsUrl, token))
    const authenticated = await client.next(ofType('authenticated'))
    expect(authenticated).toMatchObject({ user_id: 'dev-user', roles: ['admin'] })
  })

  it('accepts a token the test signed itself with the shared secret (HS256)', async () => {
    const token = await signHmac(freshClaims('carol', 600, ['viewer']), TEST_SECRET)
    const client = await openClient(withToken(gateway.wsUrl, token))
    expect(await client.next(ofType('authenticated'))).toMatchObject({
      user_id: 'carol',
      roles: ['viewer']
    })
  })

  const badTokens: Array<[string, () => Promise<string> | string]> = [
    ['garbage', () => 'not-a-jwt'],
    ['an empty-looking JWT', () => '..'],
    [
      'an expired token',
      () =>
        signHmac(
          { sub: 'u', roles: [], iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 },
          TEST_SECRET
        )
    ],
    ['alg: none', () => unsignedToken(freshClaims())],
    ['HS512 (another HMAC algorithm)', () => signHmac(freshClaims(), TEST_SECRET, 'HS512')],
    ['RS256 (an asymmetric algorithm)', () => signRs256(freshClaims())],
    ['a bad signature', async () => withBadSignature(await signHmac(freshClaims(), TEST_SECRET))],
    [
      'claims changed after signing',
      async () =>
        withSwappedPayload(await signHmac(freshClaims('mallory'), TEST_SECRET), freshClaims('root'))
    ],
    ['the wrong secret', () => signHmac(freshClaims(), 'some-other-secret-of-enough-length!!')],
    ['no exp claim', () => signHmac({ sub: 'u', roles: ['admin'], iat: nowSeconds() }, TEST_SECRET)]
  ]

  it.each(badTokens)('rejects %s with HTTP 401 before the upgrade', async (_name, make) => {
    const token = await make()
    expect(await upgradeStatus(withToken(gateway.wsUrl, token))).toBe(401)
  })

  it('does not upgrade on another path, even with a good token', async () => {
    const token = await gateway.mintToken()
    const status = await upgradeStatus(
      withToken(`${gateway.url.replace('http', 'ws')}/api/v1/nope`, token)
    )
    expect(status).not.toBe(101)
  })

  it('the 401 body does not echo the token', async () => {
    const token = withBadSignature(await signHmac(freshClaims(), TEST_SECRET))
    const error = await openClient(withToken(gateway.wsUrl, token)).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(UpgradeRejectedError)
    expect((error as UpgradeRejectedError).status).toBe(401)
    expect((error as UpgradeRejectedError).body).not.toContain(token)
    expect((error as UpgradeRejectedError).body).not.toContain(token.split('.')[2])
  })
})

describe('authenticate message', () => {
  it('answers authenticated (echoing request_id) and then serves the connection', async () => {
    const client = await openClient(gateway.wsUrl)
    const token = await gateway.mintToken({ sub: 'bob', roles: ['viewer'] })
    client.send({ type: 'authenticate', token, request_id: 'auth-1' })
    const authenticated = await client.next(ofType('authenticated'))
    expect(authenticated).toMatchObject({ user_id: 'bob', roles: ['viewer'], request_id: 'auth-1' })
    await client.barrier()
    client.send({ type: 'subscribe', resource: 'workflows', id: 'all' })
    await client.next(ofType('subscribed'))
  })

  it('handles messages pipelined right behind authenticate, after it', async () => {
    const client = await openClient(gateway.wsUrl)
    client.send({ type: 'authenticate', token: await gateway.mintToken(), request_id: 'a' })
    client.send({ type: 'ping', request_id: 'b' })
    client.send({ type: 'subscribe', resource: 'workflows', id: 'all', request_id: 'c' })
    expect((await client.next()).type).toBe('authenticated')
    expect(await client.next()).toMatchObject({ type: 'pong', request_id: 'b' })
    expect(await client.next()).toMatchObject({ type: 'subscribed', request_id: 'c' })
  })

  it('is no longer awaiting authentication once authenticated (its deadline is cleared)', async () => {
    const client = await openClient(gateway.wsUrl)
    await waitUntil(() => gateway.stats().awaitingAuthentication === 1, {
      what: 'the socket to await authentication'
    })
    client.send({ type: 'authenticate', token: await gateway.mintToken() })
    await client.next(ofType('authenticated'))
    // The deadline and the awaiting set are cleared together, so nothing is left to fire.
    expect(gateway.stats().awaitingAuthentication).toBe(0)
    await client.barrier()
    expect(client.isOpen).toBe(true)
  })

  it.each([
    ['a garbage token', async () => 'not-a-jwt'],
    ['alg: none', async () => unsignedToken(freshClaims())],
    ['a bad signature', async () => withBadSignature(await signHmac(freshClaims(), TEST_SECRET))],
    [
      'an expired token',
      async () =>
        signHmac(
          { sub: 'u', roles: [], iat: nowSeconds() - 100, exp: nowSeconds() - 10 },
          TEST_SECRET
        )
    ]
  ])('with %s gets UNAUTHORIZED and close 4401', async (_name, make) => {
    const client = await openClient(gateway.wsUrl)
    const token = await make()
    client.send({ type: 'authenticate', token, request_id: 'auth-bad' })
    const error = await client.next(ofType('error'))
    expect(error.code).toBe(ErrorCode.Unauthorized)
    expect(error.request_id).toBe('auth-bad')
    expect(error.message).not.toContain(token)
    const closed = await client.waitForClose()
    expect(closed.code).toBe(CloseCode.Unauthorized)
    expect(closed.reason).not.toContain(token)
  })

  it('closes with 4401 when no authenticate arrives within authTimeoutMs', async () => {
    const opened = Date.now()
    const client = await openClient(gateway.wsUrl)
    const closed = await client.waitForClose(AUTH_TIMEOUT_MS + 5000)
    expect(closed.code).toBe(CloseCode.Unauthorized)
    // Lower bound only: it must not close before the configured timeout.
    expect(Date.now() - opened).toBeGreaterThanOrEqual(AUTH_TIMEOUT_MS - 50)
    expect(client.all(ofType('authenticated'))).toHaveLength(0)
  })

  it.each([
    ['ping', { type: 'ping', request_id: 'early-1' }],
    ['subscribe', { type: 'subscribe', resource: 'workflows', id: 'all', request_id: 'early-1' }],
    [
      'execute_workflow',
      { type: 'execute_workflow', workflow_id: 'wf_order_processing', request_id: 'early-1' }
    ]
  ])('%s before authentication gets UNAUTHORIZED and close 4401', async (_name, message) => {
    const client = await openClient(gateway.wsUrl)
    client.send(message)
    const error = await client.next(ofType('error'))
    expect(error.code).toBe(ErrorCode.Unauthorized)
    expect(error.request_id).toBe('early-1')
    expect((await client.waitForClose()).code).toBe(CloseCode.Unauthorized)
    expect(gateway.engine.listExecutions({}).length).toBe(0)
  })

  it('garbage before authentication gets an error and close 4401', async () => {
    const client = await openClient(gateway.wsUrl)
    client.sendRaw('{not json')
    const error = await client.next(ofType('error'))
    expect([ErrorCode.Unauthorized, ErrorCode.InvalidMessage]).toContain(error.code)
    expect((await client.waitForClose()).code).toBe(CloseCode.Unauthorized)
  })
})

describe('token expiry during a session (on an injected clock)', () => {
  let clock: ManualClock
  let timed: Gateway
  beforeEach(async () => {
    clock = new ManualClock()
    timed = await startTestGateway({ clock })
  })
  afterEach(async () => {
    await closeAllClients()
    await timed.close()
  })

  it('closes with 4401 when the token expires, for both auth methods', async () => {
    const viaQuery = await openClient(
      withToken(timed.wsUrl, await timed.mintToken({ sub: 'short-q', expiresInSeconds: 60 }))
    )
    await viaQuery.next(ofType('authenticated'))
    const viaMessage = await openClient(timed.wsUrl)
    viaMessage.send({
      type: 'authenticate',
      token: await timed.mintToken({ sub: 'short-m', expiresInSeconds: 60 })
    })
    await viaMessage.next(ofType('authenticated'))
    const longLived = await openClient(withToken(timed.wsUrl, await timed.mintToken()))
    await longLived.next(ofType('authenticated'))

    clock.advance(59_000)
    await viaQuery.barrier()
    await viaMessage.barrier()
    clock.advance(2_000)
    const [q, m] = await Promise.all([viaQuery.waitForClose(), viaMessage.waitForClose()])
    expect(q.code).toBe(CloseCode.Unauthorized)
    expect(m.code).toBe(CloseCode.Unauthorized)
    expect(viaQuery.all(ofType('error')).at(-1)).toMatchObject({ code: ErrorCode.Unauthorized })
    await longLived.barrier()
    expect(longLived.isOpen).toBe(true)
  })

  it('refuses a message that arrives after expiry even when the timer has not fired (a machine that slept)', async () => {
    const client = await openClient(
      withToken(timed.wsUrl, await timed.mintToken({ sub: 'sleeper', expiresInSeconds: 60 }))
    )
    await client.next(ofType('authenticated'))
    clock.skip(120_000)
    client.send({ type: 'ping', request_id: 'after-sleep' })
    expect((await client.waitForClose()).code).toBe(CloseCode.Unauthorized)
    expect(client.all(ofType('pong'))).toEqual([])
    expect(client.all(ofType('error')).at(-1)).toMatchObject({ message: 'token expired' })
  })
})

describe('secrecy', () => {
  it('never passes a token to the diagnostics log, good or bad, WS or REST', async () => {
    const lines: string[] = []
    const clock = new ManualClock()
    const logged = await startTestGateway({
      authTimeoutMs: 200,
      clock,
      log: (line) => lines.push(line)
    })
    try {
      const good = await logged.mintToken({ sub: 'secret-keeper', expiresInSeconds: 60 })
      const forged = withBadSignature(await signHmac(freshClaims(), TEST_SECRET))
      const unsigned = unsignedToken(freshClaims())
      expect(await upgradeStatus(withToken(logged.wsUrl, forged))).toBe(401)
      const viaMessage = await openClient(logged.wsUrl)
      viaMessage.send({ type: 'authenticate', token: unsigned })
      await viaMessage.waitForClose()
      const expiring = await openClient(withToken(logged.wsUrl, good))
      await expiring.next(ofType('authenticated'))
      await fetch(`${logged.url}/api/v1/workflows`, {
        headers: { authorization: `Bearer ${forged}` }
      })
      await fetch(`${logged.url}/api/v1/workflows?token=${encodeURIComponent(good)}`)
      clock.advance(61_000)
      await expiring.waitForClose()
      // The failures above are logged (auth failures, the expiry), so there is something to check.
      expect(lines.length, 'the gateway logged nothing to check').toBeGreaterThan(0)
      for (const secret of [good, forged, unsigned, TEST_SECRET]) {
        const signature = secret.split('.')[2] || secret
        for (const line of lines) {
          expect(line).not.toContain(secret)
          expect(line).not.toContain(signature)
        }
      }
    } finally {
      await closeAllClients()
      await logged.close()
    }
  })
})
