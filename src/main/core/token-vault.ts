import { inspectJwt } from './jwt-inspect'
import {
  KeychainUnavailableError,
  keychainModuleUnavailable,
  keychainUnavailable
} from './keychain-errors'
import { loadKeytarBackend, type KeychainBackend } from './keytar-loader'

// The token lives in the OS keychain (keytar: Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows) and in this process's memory, nowhere else. Where no keychain
// answers, the vault keeps tokens in memory for this run only and says so once; it never falls
// back to a file. No error or warning built here ever contains a token. Loading keytar lives
// in keytar-loader.ts, turning its failures into words in keychain-errors.ts.

/** The keychain service name every token is stored under. */
export const KEYCHAIN_SERVICE = 'nebula-desktop'
/** The profile used when none is named. */
export const DEFAULT_PROFILE = 'default'
/** Profile ids double as keychain account names. */
export const PROFILE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/
/** `status` calls a token "expiring soon" within this window unless told otherwise (24 h). */
export const DEFAULT_EXPIRING_SOON_MS = 24 * 60 * 60 * 1000
/** How long one keychain call may take; generous because a desktop may show an unlock prompt. */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 120_000
/** Longest token accepted (keychains have limits; real tokens are far shorter). */
export const MAX_TOKEN_LENGTH = 16 * 1024

/** A profile id that does not match PROFILE_ID_PATTERN (the message does not echo it). */
export class InvalidProfileError extends Error {
  override readonly name = 'InvalidProfileError'
  constructor() {
    super("invalid profile id: use 1 to 64 characters from A-Z a-z 0-9 '.' '_' '-'")
  }
}

/** A token the vault refuses to store (the message never contains the token). */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError'
}

/** What `status` reports about a stored token; never the token itself. */
export interface TokenStatus {
  present: boolean
  /** `jwt` when the token decodes as a JWT, else `opaque` (expiry unknown); absent when no token. */
  format?: 'jwt' | 'opaque'
  /** The JWT's `exp` claim as an ISO-8601 instant. */
  expiresAt?: string
  /** True when `exp` is at or before now. */
  expired: boolean
  /** True when not yet expired but `exp` falls within the expiring-soon window. */
  expiringSoon: boolean
  /** The JWT's `sub` claim. */
  subject?: string
  /** False when the vault has fallen back to memory for this run. */
  persistent: boolean
}

/** Result of `set`: whether the token reached the OS keychain or only this run's memory. */
export interface TokenWriteResult {
  persistent: boolean
}

export interface TokenVaultOptions {
  /** The keychain, or a loader for it; default: keytar, required on first use. */
  backend?: KeychainBackend | (() => KeychainBackend)
  /** `memory` (default): fall back to an in-memory store for this run; `none`: throw instead. */
  fallback?: 'memory' | 'none'
  /** Window for `expiringSoon` in ms (default 24 h). */
  expiringSoonMs?: number
  /** Clock for `status` (default Date.now). */
  now?: () => number
  /** Per-call keychain timeout in ms (default DEFAULT_KEYCHAIN_TIMEOUT_MS). */
  timeoutMs?: number
  /** Told once when the vault falls back to memory (default: process.emitWarning). */
  onWarning?: (error: KeychainUnavailableError) => void
  /** Platform used to phrase the fix (default process.platform). */
  platform?: NodeJS.Platform
}

/** True when `id` is a usable profile id (and keychain account name). */
export function isValidProfileId(id: unknown): id is string {
  return typeof id === 'string' && PROFILE_ID_PATTERN.test(id)
}

/** Throws InvalidProfileError unless `id` is a usable profile id. */
export function assertProfileId(id: unknown): asserts id is string {
  if (!isValidProfileId(id)) throw new InvalidProfileError()
}

/** Throws InvalidTokenError unless `token` is storable: visible ASCII, no whitespace, bounded. */
export function assertStorableToken(token: unknown): asserts token is string {
  if (typeof token !== 'string' || token.length === 0) {
    throw new InvalidTokenError('the token is empty')
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new InvalidTokenError(`the token is longer than ${MAX_TOKEN_LENGTH} characters`)
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new InvalidTokenError(
      'the token must be one line of visible ASCII without spaces (drop any "Bearer " prefix)'
    )
  }
}

/** Tokens per profile in the OS keychain, with an in-memory fallback for this run only. */
export class TokenVault {
  private readonly loadBackend: () => KeychainBackend
  private backend: KeychainBackend | undefined
  private readonly fallback: 'memory' | 'none'
  private readonly expiringSoonMs: number
  private readonly now: () => number
  private readonly timeoutMs: number
  private readonly onWarning: (error: KeychainUnavailableError) => void
  private readonly platform: NodeJS.Platform
  /** Set once the vault has fallen back to memory; it stays there for the rest of the run. */
  private failure: KeychainUnavailableError | undefined
  private readonly memory = new Map<string, string>()

  constructor(options: TokenVaultOptions = {}) {
    this.platform = options.platform ?? process.platform
    const backend = options.backend
    this.loadBackend =
      typeof backend === 'function'
        ? backend
        : backend
          ? () => backend
          : () => loadKeytarBackend(this.platform)
    this.fallback = options.fallback ?? 'memory'
    this.expiringSoonMs = options.expiringSoonMs ?? DEFAULT_EXPIRING_SOON_MS
    this.now = options.now ?? Date.now
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS
    this.onWarning =
      options.onWarning ??
      ((error) => process.emitWarning(error.message, { code: 'NEBULA_KEYCHAIN_UNAVAILABLE' }))
  }

  /** False once the vault has fallen back to memory (tokens then last for this run only). */
  get persistent(): boolean {
    return this.failure === undefined
  }

  /** Why the vault fell back to memory, if it did. */
  get unavailable(): KeychainUnavailableError | undefined {
    return this.failure
  }

  /** Stores the token for a profile; resolves to whether it reached the OS keychain. */
  async set(profile: string, token: string): Promise<TokenWriteResult> {
    assertProfileId(profile)
    assertStorableToken(token)
    await this.call(
      (keychain) => keychain.setPassword(KEYCHAIN_SERVICE, profile, token),
      () => void this.memory.set(profile, token),
      token
    )
    return { persistent: this.persistent }
  }

  /** The profile's token, or null when none is stored. */
  async get(profile: string): Promise<string | null> {
    assertProfileId(profile)
    const token = await this.call(
      (keychain) => keychain.getPassword(KEYCHAIN_SERVICE, profile),
      () => this.memory.get(profile) ?? null
    )
    return token ?? null
  }

  /** Removes the profile's token; resolves to false when there was none. */
  async delete(profile: string): Promise<boolean> {
    assertProfileId(profile)
    return this.call(
      (keychain) => keychain.deletePassword(KEYCHAIN_SERVICE, profile),
      () => this.memory.delete(profile)
    )
  }

  /** Presence and expiry of the profile's token, decoded without verification; never the token. */
  async status(profile: string): Promise<TokenStatus> {
    const token = await this.get(profile)
    const persistent = this.persistent
    if (token === null) return { present: false, expired: false, expiringSoon: false, persistent }
    const inspection = inspectJwt(token)
    if (!inspection.ok) {
      return { present: true, format: 'opaque', expired: false, expiringSoon: false, persistent }
    }
    const { sub, exp } = inspection.claims
    const status: TokenStatus = {
      present: true,
      format: 'jwt',
      expired: false,
      expiringSoon: false,
      persistent
    }
    if (sub !== undefined) status.subject = sub
    if (exp) {
      const left = exp.getTime() - this.now()
      status.expiresAt = exp.toISOString()
      status.expired = left <= 0
      status.expiringSoon = left > 0 && left <= this.expiringSoonMs
    }
    return status
  }

  /** Runs one keychain call, or the memory equivalent once the keychain has failed. */
  private async call<T>(
    onKeychain: (keychain: KeychainBackend) => Promise<T>,
    inMemory: () => T,
    secret?: string
  ): Promise<T> {
    if (this.failure) return inMemory()
    try {
      if (!this.backend) {
        try {
          this.backend = this.loadBackend()
        } catch (error) {
          throw keychainModuleUnavailable(error, this.platform)
        }
      }
      return await withTimeout(onKeychain(this.backend), this.timeoutMs)
    } catch (error) {
      const unavailable = keychainUnavailable(error, this.platform, secret)
      if (this.fallback === 'none') throw unavailable
      if (!this.failure) {
        this.failure = unavailable
        this.onWarning(
          new KeychainUnavailableError(
            `${unavailable.reason}; tokens are kept in memory for this run only`,
            unavailable.fix,
            unavailable.detail
          )
        )
      }
      return inMemory()
    }
  }
}

class KeychainTimeoutError extends Error {}

/** Rejects when the keychain has not answered in time (e.g. an unanswered unlock prompt). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!(ms > 0 && Number.isFinite(ms))) return promise
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new KeychainTimeoutError(`no answer within ${Math.round(ms / 1000)} s`)),
      ms
    )
    timer.unref()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
