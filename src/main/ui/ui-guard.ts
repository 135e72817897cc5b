import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'
import { isLoopbackHost } from '@shared/loopback'
import { KEY_HEADER } from '@shared/bridge/ws-protocol'

// Who may talk to the `ui` server. A local web server is reachable by every page in every
// browser on the machine, so each request passes, in order:
//  1. Host: the address served (a DNS-rebinding page has its own name in Host) → else 421;
//  2. the requesting page: an `Origin` other than our own, or a `Sec-Fetch-Site` other than
//     same-origin / none (a person typing or clicking the printed link) → else 403; the one
//     exception is a top-level navigation to the page, which gets the bootstrap page only;
//  3. the session: a cookie minted by exchanging the per-run key → else 401.
// Refusals carry no body and no detail.

/** Sessions kept at once (another browser, a cleared cookie); the oldest is dropped. */
const MAX_SESSIONS = 16

export type Verdict = { ok: true } | { ok: false; status: 401 | 403 | 421 }

/** A fresh random key or session id (256 bits, base64url). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** Compares secrets in constant time. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The request checks of one `ui` server. */
export class UiGuard {
  private readonly sessions = new Set<string>()
  private readonly allowedHosts: (hostname: string) => boolean
  readonly cookieName: string

  constructor(
    private readonly key: string,
    bindHost: string,
    readonly port: number
  ) {
    // Cookies are shared by every port of a host: the name keeps two `ui` runs apart.
    this.cookieName = `nebula_ui_${port}`
    const bind = bindHost.toLowerCase().replace(/^\[|\]$/g, '')
    const wildcard = bind === '0.0.0.0' || bind === '::'
    this.allowedHosts = (hostname) => {
      if (hostname === bind) return true
      // Any name of this machine reaches a loopback server; none of them is a rebinding name.
      if (isLoopbackHost(bind)) return isLoopbackHost(hostname)
      // Bound to every interface: any IP literal (a rebinding attack needs a DNS name).
      return wildcard && isIP(hostname) !== 0
    }
  }

  /** Step 1: the Host header names the address served. */
  checkHost(request: IncomingMessage): boolean {
    const host = request.headers.host
    if (!host) return false
    let url: URL
    try {
      url = new URL(`http://${host}`)
    } catch {
      return false
    }
    const port = url.port === '' ? 80 : Number(url.port)
    const hostname = url.hostname.toLowerCase().replace(/^\[|\]$/g, '')
    return port === this.port && url.username === '' && this.allowedHosts(hostname)
  }

  /** Our own origin, as the page at the requested Host has it. */
  originOf(request: IncomingMessage): string {
    return `http://${request.headers.host ?? ''}`
  }

  /** True unless the browser says another page or site started this request. */
  fromOwnPage(request: IncomingMessage): boolean {
    const site = request.headers['sec-fetch-site']
    return site === undefined || site === 'same-origin' || site === 'none'
  }

  /**
   * Step 2: the request does not come from another page. `requireOrigin` for the WebSocket.
   * `pageNavigation`: a top-level navigation to the page itself is let through from anywhere
   * (e.g. `ui --open`'s local redirect file): the caller must answer it with the bootstrap
   * page only, as if there were no session (see `fromOwnPage`).
   */
  checkCaller(request: IncomingMessage, requireOrigin: boolean, pageNavigation = false): boolean {
    const origin = request.headers.origin
    if (origin !== undefined && origin !== this.originOf(request)) return false
    if (requireOrigin && origin === undefined) return false
    return pageNavigation || this.fromOwnPage(request)
  }

  /** Steps 1 and 2. */
  checkRequest(request: IncomingMessage, requireOrigin = false, pageNavigation = false): Verdict {
    if (!this.checkHost(request)) return { ok: false, status: 421 }
    if (!this.checkCaller(request, requireOrigin, pageNavigation)) {
      return { ok: false, status: 403 }
    }
    return { ok: true }
  }

  /** Step 3: the request carries a valid session cookie. */
  hasSession(request: IncomingMessage): boolean {
    const value = cookieValue(request.headers.cookie, this.cookieName)
    if (value === undefined) return false
    for (const session of this.sessions) if (sameSecret(session, value)) return true
    return false
  }

  /** The key exchange: the right key in KEY_HEADER mints a session; answers its Set-Cookie. */
  exchangeKey(request: IncomingMessage): string | undefined {
    const offered = request.headers[KEY_HEADER]
    if (typeof offered !== 'string' || !sameSecret(offered, this.key)) return undefined
    const session = randomSecret()
    this.sessions.add(session)
    if (this.sessions.size > MAX_SESSIONS) {
      this.sessions.delete(this.sessions.values().next().value as string)
    }
    return `${this.cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`
  }
}

/** One cookie's value from a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return undefined
}
