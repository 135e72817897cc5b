import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '@gateway'
import { ErrorCode, HealthSchema, LoginResponseSchema } from '@shared/protocol'
import { freshClaims, nowSeconds, signHmac, unsignedToken, withBadSignature } from '../helpers/jwt'
import { closeAllClients } from '../helpers/ws-client'
import { TEST_SECRET, startTestGateway } from '../fixtures/gateway'
import { expectError, rest } from './fixtures'

// Auth, request ids, health, the REST rate limit and unknown routes under /api/v1.

/** The gateway's dev account (`nebula-desktop gateway --dev-login`). */
const DEV_LOGIN = { username: 'dev', password: 'dev' }

let gateway: Gateway
let token: string

beforeAll(async () => {
  gateway = await startTestGateway()
  token = await gateway.mintToken()
})
afterAll(async () => {
  await gateway.close()
})
afterEach(async () => {
  await closeAllClients()
})

describe('POST /auth/login on a gateway started with devLogin', () => {
  let loginGateway: Gateway
  beforeAll(async () => {
    loginGateway = await startTestGateway({ devLogin: true })
  })
  afterAll(async () => {
    await loginGateway.close()
  })

  it('POST /auth/login with the dev user returns a working bearer token', async () => {
    const response = await rest(loginGateway, '/auth/login', { method: 'POST', body: DEV_LOGIN })
    expect(response.status).toBe(200)
    const login = LoginResponseSchema.parse(response.body)
    expect(login.token_type.toLowerCase()).toBe('bearer')
    expect(login.expires_in).toBeGreaterThan(0)
    expect((await rest(loginGateway, '/workflows', { token: login.access_token })).status).toBe(200)
  })

  it('POST /auth/login with a wrong password is 401 and never echoes the password', async () => {
    const response = await rest(loginGateway, '/auth/login', {
      method: 'POST',
      body: { username: 'dev', password: 'wrong-password-xyz' }
    })
    expectError(response, 401, ErrorCode.Unauthorized)
    expect(response.text).not.toContain('wrong-password-xyz')
  })

  it('POST /auth/login with a malformed body is 422', async () => {
    expectError(
      await rest(loginGateway, '/auth/login', { method: 'POST', body: { username: 'dev' } }),
      422,
      ErrorCode.ValidationError
    )
    expectError(
      await rest(loginGateway, '/auth/login', { method: 'POST', rawBody: '{nope' }),
      422,
      ErrorCode.ValidationError
    )
  })
})

describe('auth', () => {
  it.each([
    ['no Authorization header', async () => undefined],
    ['a garbage bearer', async () => 'garbage'],
    ['a bad signature', async () => withBadSignature(await signHmac(freshClaims(), TEST_SECRET))],
    ['alg: none', async () => unsignedToken(freshClaims())],
    [
      'an expired token',
      async () =>
        signHmac(
          { sub: 'u', roles: [], iat: nowSeconds() - 600, exp: nowSeconds() - 60 },
          TEST_SECRET
        )
    ]
  ])('protected endpoints answer 401 UNAUTHORIZED with %s', async (_name, make) => {
    const bearer = await make()
    for (const [method, path] of [
      ['GET', '/workflows'],
      ['GET', '/workflows/wf_order_processing'],
      ['POST', '/workflows/wf_order_processing/execute'],
      ['GET', '/executions'],
      ['DELETE', '/workflows/wf_order_processing']
    ] as const) {
      const response = await rest(gateway, path, { method, token: bearer })
      expectError(response, 401, ErrorCode.Unauthorized)
      if (bearer) expect(response.text).not.toContain(bearer)
    }
    // Nothing happened behind the 401s.
    expect(gateway.engine.getWorkflow('wf_order_processing')).toBeDefined()
  })

  it('a non-Bearer Authorization scheme is 401', async () => {
    const response = await rest(gateway, '/workflows', {
      headers: { authorization: `Basic ${token}` }
    })
    expectError(response, 401, ErrorCode.Unauthorized)
  })
})

describe('X-Request-ID', () => {
  it('is echoed on success and on errors, and goes into the error body', async () => {
    const ok = await rest(gateway, '/workflows', {
      token,
      headers: { 'x-request-id': 'trace-abc-123' }
    })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-request-id')).toBe('trace-abc-123')

    const missing = await rest(gateway, '/workflows/wf_missing', {
      token,
      headers: { 'x-request-id': 'trace-404' }
    })
    expect(missing.headers.get('x-request-id')).toBe('trace-404')
    expect(expectError(missing, 404, ErrorCode.NotFound).request_id).toBe('trace-404')

    const unauthorized = await rest(gateway, '/workflows', {
      headers: { 'x-request-id': 'trace-401' }
    })
    expect(unauthorized.headers.get('x-request-id')).toBe('trace-401')
    expect(expectError(unauthorized, 401, ErrorCode.Unauthorized).request_id).toBe('trace-401')
  })
})

describe('GET /health', () => {
  it('answers without auth', async () => {
    const response = await rest(gateway, '/health')
    expect(response.status).toBe(200)
    const health = HealthSchema.parse(response.body)
    expect(health.status).toBe('ok')
  })
})

describe('REST rate limit', () => {
  it('answers 429 RATE_LIMIT_EXCEEDED per user beyond the limit (restRateLimit option)', async () => {
    const limited = await startTestGateway({ restRateLimit: { maxMessages: 3, windowMs: 60_000 } })
    try {
      const mine = await limited.mintToken({ sub: 'rest-limited' })
      for (let i = 0; i < 3; i++)
        expect((await rest(limited, '/workflows', { token: mine })).status).toBe(200)
      expectError(
        await rest(limited, '/workflows', { token: mine }),
        429,
        ErrorCode.RateLimitExceeded
      )
      const other = await limited.mintToken({ sub: 'rest-other' })
      expect((await rest(limited, '/workflows', { token: other })).status).toBe(200)
    } finally {
      await limited.close()
    }
  })
})

describe('unknown routes', () => {
  it('answers 404 NOT_FOUND with the error shape', async () => {
    expectError(await rest(gateway, '/nothing-here', { token }), 404, ErrorCode.NotFound)
  })
})
