import type { BridgeError, BridgeErrorCode } from '@shared/bridge/contract'

/**
 * A command failed for a reason a person can act on. Handlers throw it; the bridge host turns it
 * into the typed `BridgeError` the dashboard shows (next to `field`, when there is one).
 */
export class BridgeFailure extends Error {
  override name = 'BridgeFailure'
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
    readonly field?: string
  ) {
    super(message)
  }

  /** The error as it crosses the bridge. */
  toError(): BridgeError {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field }
  }
}

/** Shorthand for an `invalid_request` naming the field to correct. */
export function invalidField(field: string, message: string): BridgeFailure {
  return new BridgeFailure('invalid_request', message, field)
}
