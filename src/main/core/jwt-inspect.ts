import { decodeJwt } from 'jose'

// Reads a JWT's claims WITHOUT verifying its signature: only the server can verify, and the
// client only wants to know who the token is for and when it runs out. Errors describe what is
// wrong with the token's shape and never quote the token itself.

/** The claims this client cares about, decoded from an unverified JWT. */
export interface JwtClaims {
  sub?: string
  exp?: Date
  iat?: Date
}

/** A token that is not a decodable JWT (the message never contains the token). */
export class MalformedJwtError extends Error {
  override readonly name = 'MalformedJwtError'
}

/** Outcome of `inspectJwt`: the claims, or why the token is not a JWT. */
export type JwtInspection = { ok: true; claims: JwtClaims } | { ok: false; error: string }

/** Decodes the payload of a compact JWS (header.payload.signature) without verifying it. */
export function decodeJwtClaims(token: string): JwtClaims {
  if (typeof token !== 'string' || token.length === 0) {
    throw new MalformedJwtError('not a JWT: the token is empty')
  }
  if (/\s/.test(token)) throw new MalformedJwtError('not a JWT: the token contains whitespace')
  if (token.split('.').length !== 3) {
    throw new MalformedJwtError('not a JWT: expected three dot-separated parts')
  }
  let payload: Record<string, unknown>
  try {
    payload = decodeJwt(token)
  } catch (error) {
    // jose's messages describe the shape problem only ("Failed to base64url decode the payload").
    const reason = error instanceof Error ? error.message : 'undecodable payload'
    throw new MalformedJwtError(`not a JWT: ${reason}`)
  }
  const claims: JwtClaims = {}
  if (payload.sub !== undefined) {
    if (typeof payload.sub !== 'string')
      throw new MalformedJwtError('malformed JWT: "sub" is not a string')
    claims.sub = payload.sub
  }
  const exp = numericDate(payload.exp, 'exp')
  if (exp) claims.exp = exp
  const iat = numericDate(payload.iat, 'iat')
  if (iat) claims.iat = iat
  return claims
}

/** Like `decodeJwtClaims`, but returns the reason instead of throwing. */
export function inspectJwt(token: string): JwtInspection {
  try {
    return { ok: true, claims: decodeJwtClaims(token) }
  } catch (error) {
    if (error instanceof MalformedJwtError) return { ok: false, error: error.message }
    throw error
  }
}

/** A JWT NumericDate (seconds since the epoch) as a Date; undefined when the claim is absent. */
function numericDate(value: unknown, claim: string): Date | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new MalformedJwtError(`malformed JWT: "${claim}" is not a number of seconds`)
  }
  const date = new Date(value * 1000)
  if (Number.isNaN(date.getTime())) {
    throw new MalformedJwtError(`malformed JWT: "${claim}" is out of range`)
  }
  return date
}
