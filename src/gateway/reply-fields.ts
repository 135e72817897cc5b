/** Longest resource or id echoed back in an answer. */
const MAX_ECHO = 256
/** Longest frame `peekRequestId` parses; bigger ones are not worth a second parse. */
const MAX_PEEK_CHARS = 64 * 1024
/** Longest `request_id` the protocol allows. */
const MAX_REQUEST_ID = 200

/** A client-supplied string shortened for echoing back in an answer. */
export function clipEcho(s: string): string {
  return s.length > MAX_ECHO ? `${s.slice(0, MAX_ECHO)}…` : s
}

/** A cheap look at a frame's `request_id` (for answers to messages that are not handled). */
export function peekRequestId(text: string): string | undefined {
  if (text.length > MAX_PEEK_CHARS) return undefined
  try {
    const id = (JSON.parse(text) as { request_id?: unknown } | null)?.request_id
    return typeof id === 'string' && id.length > 0 && id.length <= MAX_REQUEST_ID ? id : undefined
  } catch {
    return undefined
  }
}
