import type { BridgeError, BridgeResult } from '@shared/bridge'

// Commands answer BridgeResult; a transport may still throw (a closed socket, a refused IPC
// call). `call` folds both into one result, so views handle errors in one place and show them
// next to the field that caused them (`error.field`).

/** Runs a bridge command; a thrown error becomes `{ ok: false, error: { code: 'internal' } }`. */
export async function call<T>(run: () => Promise<BridgeResult<T>>): Promise<BridgeResult<T>> {
  try {
    return await run()
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { ok: false, error: { code: 'internal', message: message || 'the command failed' } }
  }
}

const CODE_HINTS: Partial<Record<BridgeError['code'], string>> = {
  offline: 'Not connected to the server',
  unauthorized: 'The server refused the token',
  keychain_unavailable: 'The system keychain is not available',
  not_allowed: 'Not allowed',
  not_found: 'Not found'
}

/** A sentence for a person: the message, prefixed by what the code means when it adds something. */
export function describeFailure(error: BridgeError): string {
  const hint = CODE_HINTS[error.code]
  const message = error.message.trim()
  if (!hint) return message || 'Something went wrong'
  if (!message || message.toLowerCase().startsWith(hint.toLowerCase())) return message || hint
  return `${hint}: ${message}`
}

/**
 * The error message for `field` when the error names it (exactly, or as the last segments of a
 * longer path such as `profile.server_url`); null otherwise.
 */
export function fieldError(error: BridgeError | null, field: string): string | null {
  if (!error?.field) return null
  const path = error.field
  return path === field || path.endsWith(`.${field}`) ? error.message : null
}

/** The error when it names none of `fields` (shown once, above or below the form). */
export function formError(error: BridgeError | null, fields: readonly string[]): string | null {
  if (!error) return null
  return fields.some((f) => fieldError(error, f) !== null) ? null : describeFailure(error)
}
