import { isLoopbackHost } from '@shared/loopback'
import { REST_PATH, WS_PATH } from '@shared/protocol'
import { redact } from '@shared/redact'

/** The endpoints derived from one server base URL. */
export interface ServerEndpoints {
  /** The base as a person wrote it, normalised (http/https, no trailing slash). */
  httpBase: string
  /** `ws(s)://host/…/api/v1/ws` */
  wsUrl: string
  /** `http(s)://host/…/api/v1` */
  restBase: string
}

/** Thrown for a server URL that cannot be used; the message says what is wrong. */
export class ServerUrlError extends Error {
  override name = 'ServerUrlError'
}

/** Thrown for `http`/`ws` to a host that is not this machine: the token would travel in clear. */
export class InsecureServerUrlError extends ServerUrlError {
  override name = 'InsecureServerUrlError'
}

export interface ResolveOptions {
  /** Accept `http`/`ws` to a host that is not loopback (the user chose to, knowingly). */
  allowInsecure?: boolean | undefined
}

const SCHEMES: Record<string, 'http:' | 'https:'> = {
  'http:': 'http:',
  'https:': 'https:',
  'ws:': 'http:',
  'wss:': 'https:'
}

/**
 * Derives the WebSocket and REST endpoints from an http(s) or ws(s) base URL. Clear-text
 * schemes are refused for any host but this machine unless `allowInsecure` is set.
 */
export function resolveServerEndpoints(
  base: string,
  options: ResolveOptions = {}
): ServerEndpoints {
  let url: URL
  try {
    url = new URL(base.trim())
  } catch {
    throw new ServerUrlError(`not a valid URL: "${redact(base.slice(0, 200))}"`)
  }
  const scheme = SCHEMES[url.protocol]
  if (!scheme) {
    throw new ServerUrlError(`unsupported scheme "${url.protocol}" (use http, https, ws or wss)`)
  }
  if (url.username || url.password) {
    throw new ServerUrlError('credentials in the server URL are not allowed; use the keychain')
  }
  if (url.search || url.hash) {
    throw new ServerUrlError('the server URL must not carry a query or fragment')
  }
  if (scheme === 'http:' && !options.allowInsecure && !isLoopbackHost(url.hostname)) {
    throw new InsecureServerUrlError(
      `${url.protocol}//${url.host} would send the token in clear text to another machine; ` +
        'use https (or wss), or allow it explicitly (watch --allow-insecure)'
    )
  }
  // Accept a URL that already names the API or WS path, so pasting either works.
  let path = url.pathname.replace(/\/+$/, '')
  for (const suffix of [WS_PATH, REST_PATH]) {
    if (path.endsWith(suffix)) path = path.slice(0, -suffix.length)
  }
  const httpBase = `${scheme}//${url.host}${path}`
  const wsScheme = scheme === 'https:' ? 'wss:' : 'ws:'
  return {
    httpBase,
    wsUrl: `${wsScheme}//${url.host}${path}${WS_PATH}`,
    restBase: `${httpBase}${REST_PATH}`
  }
}
