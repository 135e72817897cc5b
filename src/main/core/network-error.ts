import { describeError } from '@shared/redact'

// Node's socket errors carry the reason a person can act on (no such host, nothing listening, a
// certificate refused) in `code`; fetch() rejects with "fetch failed" and keeps that error as its
// `cause`. These reasons are said in words, the code kept for searching.

const REASONS: Record<string, string> = {
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ECONNREFUSED: 'nothing is listening at that address',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain ends in a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer of its TLS certificate is not trusted here',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another name'
}

/** Why a request never got an answer, in words (redacted like `describeError`). */
export function describeNetworkError(error: unknown, secrets: readonly string[] = []): string {
  for (const candidate of [error, (error as { cause?: unknown } | null)?.cause]) {
    const code = (candidate as { code?: unknown } | null)?.code
    const reason = typeof code === 'string' ? REASONS[code] : undefined
    if (reason) return `${reason} (${code as string})`
  }
  if ((error as { name?: unknown } | null)?.name === 'TimeoutError') return 'no answer in time'
  const cause = (error as { cause?: unknown } | null)?.cause
  // "fetch failed" says nothing: the cause, when there is one, says more.
  return describeError(cause instanceof Error ? cause : error, secrets)
}
