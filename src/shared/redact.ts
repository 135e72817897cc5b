// Secrets must never reach a log line, an error message or an exception. Everything that turns
// a URL, an error or a server message into text for a person goes through `redact`: the one
// redaction function of the main process (the CLI, the core, the shell and the gateway).

const QUERY_TOKEN = /([?&](?:access_)?token=)[^&#\s"']*/gi
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi
// Three base64url segments starting with a JSON header: a JWT wherever it appears.
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g
// Credentials in a URL: scheme://user:password@host (or scheme://user@host).
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]+@/gi

/** Known secrets this long or longer are removed wherever they appear. */
const SUBSTRING_MIN = 4

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Removes tokens from text: query `token=`, Bearer values, anything JWT-shaped, credentials in
 * URLs, and the known `secrets`. A secret of 4 or more characters is removed wherever it
 * appears; a shorter one (too short to remove inside words without wrecking the text) wherever
 * it stands as a word of its own, which is how a leaked token shows up in a message.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(QUERY_TOKEN, '$1[redacted]')
    .replace(BEARER, '$1[redacted]')
    .replace(JWT, '[redacted-jwt]')
    .replace(USER_INFO, '$1[redacted]@')
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (!secret) continue
    if (secret.length >= SUBSTRING_MIN) {
      out = out.split(secret).join('[redacted]')
    } else {
      const word = new RegExp(`(^|[^A-Za-z0-9])${escapeRegExp(secret)}(?![A-Za-z0-9])`, 'g')
      out = out.replace(word, '$1[redacted]')
    }
  }
  return out
}

/** A redacted, single-line description of any thrown value. */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  const text = error instanceof Error ? error.message || error.name : String(error)
  return redact(text, secrets).replace(/\s+/g, ' ').trim()
}
