import { redact } from '@shared/redact'

// How a keychain failure is told to a person: a short cause and the fix for this platform. The
// keychain library's own message is kept only redacted and shortened; no message built here
// ever contains a token.

/** No OS keychain answered; `fix` says what the user can do about it. */
export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError'
  constructor(
    /** Short cause, e.g. "no D-Bus session bus". */
    readonly reason: string,
    /** What to install or do, in one sentence. */
    readonly fix: string,
    /** The keychain library's own message, redacted and shortened. */
    readonly detail?: string
  ) {
    super(`OS keychain unavailable: ${reason}${detail ? ` (${detail})` : ''}. Fix: ${fix}.`)
  }
}

/** The error for a keychain module that cannot be loaded (missing or built for another runtime). */
export function keychainModuleUnavailable(
  error: unknown,
  platform: NodeJS.Platform = process.platform
): KeychainUnavailableError {
  if (error instanceof KeychainUnavailableError) return error
  return new KeychainUnavailableError(
    'the keytar native module could not be loaded',
    `reinstall or rebuild it (npm rebuild keytar)${platform === 'linux' ? ', with libsecret-1-0 installed' : ''}`,
    shorten(messageOf(error))
  )
}

/** Explains a keychain library failure as a KeychainUnavailableError that names the fix. */
export function keychainUnavailable(
  error: unknown,
  platform: NodeJS.Platform = process.platform,
  secret?: string
): KeychainUnavailableError {
  if (error instanceof KeychainUnavailableError) return error
  const detail = shorten(redact(messageOf(error), secret ? [secret] : []))
  return new KeychainUnavailableError(reasonFor(detail), fixFor(platform), detail)
}

/** Maps the keychain library's message to a short cause a user understands. */
function reasonFor(detail: string): string {
  if (/^no answer within/.test(detail)) return 'the keychain did not answer'
  if (
    /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|connection refused/i.test(detail)
  ) {
    return 'no D-Bus session bus is reachable'
  }
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service/i.test(detail)) {
    return 'no Secret Service (gnome-keyring or KWallet) is running'
  }
  if (/lock|prompt|dismiss|Object does not exist|No such object|collection/i.test(detail)) {
    return 'the keyring is locked or has no default collection'
  }
  return 'the keychain refused the request'
}

/** The fix to name, per platform. */
function fixFor(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'unlock the login keychain (Keychain Access) and allow Nebula Desktop to use it'
    case 'win32':
      return 'make sure Windows Credential Manager is available for this user'
    default:
      return 'install or unlock gnome-keyring or KWallet (Debian: apt-get install gnome-keyring dbus), and run inside a D-Bus session'
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** One line, at most 200 characters. */
function shorten(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim()
  return line.length > 200 ? `${line.slice(0, 199)}…` : line
}
