import { SignJWT, generateKeyPair } from 'jose'

// Hand-made JWTs for auth tests: well-formed, expired, unsigned, wrongly signed, tampered.

export interface Claims {
  sub?: string
  roles?: string[]
  iat?: number
  exp?: number
  [claim: string]: unknown
}

/** The current time in whole seconds, as JWT `iat`/`exp` use. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** Signs `claims` exactly as given (no defaults added) with an HMAC algorithm and `secret`. */
export function signHmac(
  claims: Claims,
  secret: string,
  alg: 'HS256' | 'HS384' | 'HS512' = 'HS256'
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(new TextEncoder().encode(secret))
}

/** Signs `claims` with a freshly generated RSA key (RS256): right claims, wrong algorithm. */
export async function signRs256(claims: Claims): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256')
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey)
}

/** An unsigned token (`alg: none`) with an empty signature part. */
export function unsignedToken(claims: Claims): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`
}

/** The same token with the first signature character changed, so the signature is wrong. */
export function withBadSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.')
  const first = signature[0] === 'A' ? 'B' : 'A'
  return `${header}.${payload}.${first}${signature.slice(1)}`
}

/** The same header and signature over a different payload (claims changed after signing). */
export function withSwappedPayload(token: string, claims: Claims): string {
  const [header, , signature] = token.split('.')
  return `${header}.${base64url(claims)}.${signature}`
}

/** Valid claims for `sub`, expiring `ttlSeconds` from now. */
export function freshClaims(sub = 'test-user', ttlSeconds = 3600, roles = ['admin']): Claims {
  const iat = nowSeconds()
  return { sub, roles, iat, exp: iat + ttlSeconds }
}
