// Secrets must never reach a log line, an error message or an exception. Everything that turns
// a URL, an error or a server message into text for a person goes through `redact`.

const QUERY_TOKEN = /([?&](?:access_)?token=)[^&#\s"']*/gi
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi
// Three base64url segments starting with a JSON header: a JWT wherever it appears.
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g

/** Removes tokens (query `token=`, Bearer values, anything JWT-shaped, and known secrets) from text. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(QUERY_TOKEN, '$1[redacted]')
    .replace(BEARER, '$1[redacted]')
    .replace(JWT, '[redacted-jwt]')
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join('[redacted]')
  }
  return out
}

/** A redacted, single-line description of any thrown value. */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  const text = error instanceof Error ? error.message || error.name : String(error)
  return redact(text, secrets).replace(/\s+/g, ' ').trim()
}
