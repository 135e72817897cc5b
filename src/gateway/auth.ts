import { randomBytes } from 'node:crypto'
import { SignJWT, jwtVerify } from 'jose'
import type { Clock } from './clock'

/** The claims the gateway issues and requires. */
export interface TokenClaims {
  sub: string
  roles: string[]
  iat: number | undefined
  /** Expiry, seconds since the epoch (always present: tokens without `exp` are rejected). */
  exp: number
}

/** What to put in a minted token; defaults: sub 'dev-user', roles ['admin'], 1 hour. */
export interface MintClaims {
  sub?: string
  roles?: string[]
  /** Lifetime in seconds; zero or negative mints an already-expired token (for tests). */
  expiresInSeconds?: number
}

/** Why a token was refused (safe to log: it never contains the token). */
type TokenRejection =
  | 'malformed'
  | 'expired'
  | 'algorithm_not_allowed'
  | 'bad_signature'
  | 'missing_claims'
  | 'invalid_claims'

type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: TokenRejection }

/** Mints and verifies the gateway's HS256 JWTs. */
export interface TokenAuthority {
  mint(claims?: MintClaims): Promise<string>
  verify(token: string): Promise<VerifyResult>
}

const DEFAULT_TOKEN_LIFETIME_S = 3600
/** Tokens longer than this are refused before any parsing. */
const MAX_TOKEN_CHARS = 8192
/** The one algorithm accepted: `alg:none` and everything else are refused by jose. */
const ALGORITHM = 'HS256'

/** The HS256 key: the explicit secret, else NEBULA_GATEWAY_SECRET, else 32 random bytes per run. */
export function resolveSecret(explicit?: string): Uint8Array {
  const secret = explicit ?? process.env.NEBULA_GATEWAY_SECRET
  if (secret !== undefined && secret !== '') return new TextEncoder().encode(secret)
  return new Uint8Array(randomBytes(32))
}

function classify(error: unknown): TokenRejection {
  const code = (error as { code?: unknown } | null)?.code
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired'
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'algorithm_not_allowed'
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad_signature'
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return 'missing_claims'
    default:
      return 'malformed'
  }
}

/** Creates the authority for one secret (bytes, or a string encoded as UTF-8), on `clock`'s time. */
export function createTokenAuthority(secret: Uint8Array | string, clock: Clock): TokenAuthority {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  return {
    async mint(claims: MintClaims = {}): Promise<string> {
      const iat = Math.floor(clock.now() / 1000)
      const lifetime = claims.expiresInSeconds ?? DEFAULT_TOKEN_LIFETIME_S
      return new SignJWT({ roles: claims.roles ?? ['admin'] })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(claims.sub ?? 'dev-user')
        .setIssuedAt(iat)
        .setExpirationTime(iat + Math.round(lifetime))
        .sign(key)
    },

    async verify(token: string): Promise<VerifyResult> {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) {
        return { ok: false, reason: 'malformed' }
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          requiredClaims: ['exp', 'sub'],
          currentDate: new Date(clock.now())
        })
        const roles = payload.roles ?? []
        if (
          typeof payload.sub !== 'string' ||
          payload.sub === '' ||
          typeof payload.exp !== 'number' ||
          !Array.isArray(roles) ||
          !roles.every((r) => typeof r === 'string')
        ) {
          return { ok: false, reason: 'invalid_claims' }
        }
        return {
          ok: true,
          claims: { sub: payload.sub, roles: roles as string[], iat: payload.iat, exp: payload.exp }
        }
      } catch (error) {
        return { ok: false, reason: classify(error) }
      }
    }
  }
}
