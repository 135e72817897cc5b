import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MalformedJwtError, decodeJwtClaims, inspectJwt } from '@main/core/jwt-inspect'
import { signHmac, signRs256, unsignedToken } from '../helpers/jwt'

const SECRET = 'jwt-inspect-secret-0123456789abcdef'
const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const header = b64({ alg: 'HS256', typ: 'JWT' })

describe('decodeJwtClaims', () => {
  it('reads sub, exp and iat from a signed token without verifying it', async () => {
    const token = await signHmac(
      { sub: 'alice', iat: 1_700_000_000, exp: 1_700_003_600, roles: ['admin'] },
      SECRET
    )
    expect(decodeJwtClaims(token)).toEqual({
      sub: 'alice',
      iat: new Date(1_700_000_000_000),
      exp: new Date(1_700_003_600_000)
    })
    // Any algorithm, even none: this is inspection, not verification.
    expect(decodeJwtClaims(await signRs256({ sub: 'bob', exp: 2_000_000_000 }))).toEqual({
      sub: 'bob',
      exp: new Date(2_000_000_000_000)
    })
    expect(decodeJwtClaims(unsignedToken({ sub: 'carol' }))).toEqual({ sub: 'carol' })
  })

  it('leaves out absent claims and accepts fractional NumericDates', () => {
    expect(decodeJwtClaims(`${header}.${b64({ foo: 1 })}.sig`)).toEqual({})
    expect(decodeJwtClaims(`${header}.${b64({ exp: 1_700_000_000.5 })}.sig`).exp).toEqual(
      new Date(1_700_000_000_500)
    )
  })

  const secretish = 'Zm9vYmFyYmF6cXV4c2VjcmV0'
  const malformed: Array<[string, string, RegExp]> = [
    ['empty', '', /empty/],
    ['one part', secretish, /three dot-separated parts/],
    ['two parts', `${header}.${secretish}`, /three dot-separated parts/],
    ['four parts', `${header}.${secretish}.a.b`, /three dot-separated parts/],
    ['five parts (JWE)', `${header}.${secretish}.a.b.c`, /three dot-separated parts/],
    ['whitespace', `${header}. ${secretish}.sig`, /whitespace/],
    ['payload not base64url', `${header}.${secretish}!!.sig`, /not a JWT/],
    ['payload not JSON', `${header}.${b64(`not json ${secretish}`)}.sig`, /not a JWT/],
    ['payload an array', `${header}.${b64([secretish])}.sig`, /not a JWT/],
    ['payload a number', `${header}.${b64(42)}.sig`, /not a JWT/],
    ['exp a string', `${header}.${b64({ exp: secretish })}.sig`, /"exp" is not a number/],
    [
      'iat a boolean',
      `${header}.${b64({ iat: true, note: secretish })}.sig`,
      /"iat" is not a number/
    ],
    [
      'exp out of range',
      `${header}.${b64({ exp: 1e20, note: secretish })}.sig`,
      /"exp" is out of range/
    ],
    ['sub a number', `${header}.${b64({ sub: 7, note: secretish })}.sig`, /"sub" is not a string/]
  ]
  for (const [name, token, reason] of malformed) {
    it(`rejects a malformed token (${name}) with a reason that does not quote it`, () => {
      let caught: unknown
      try {
        decodeJwtClaims(token)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(MalformedJwtError)
      const message = (caught as Error).message
      expect(message).toMatch(reason)
      expect(message).not.toContain(secretish)
      if (token.length > 0) expect(message).not.toContain(token)
      expect(inspectJwt(token)).toEqual({ ok: false, error: message })
    })
  }

  it('never throws anything but MalformedJwtError, and never quotes its input (property)', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/)
    const candidate = fc.oneof(
      fc.string({ minLength: 12 }),
      fc.tuple(part, part, part).map((parts) => parts.join('.')),
      fc.tuple(fc.jsonValue(), part).map(([payload, sig]) => `${header}.${b64(payload)}.${sig}`)
    )
    fc.assert(
      fc.property(candidate, (token) => {
        const result = inspectJwt(token)
        if (!result.ok && token.length >= 12) expect(result.error).not.toContain(token)
        if (result.ok) {
          for (const date of [result.claims.exp, result.claims.iat]) {
            if (date) expect(Number.isNaN(date.getTime())).toBe(false)
          }
        }
      }),
      { numRuns: 500 }
    )
  })
})
