import { pathToFileURL } from 'node:url'
import type { Protocol } from 'electron'
import { APP_SCHEME, contentTypeOf, resolveAppRequest } from './app-scheme'

// Serves the built dashboard over app://nebula/ (see app-scheme.ts for why and for the path
// rules). The privileges must be registered before `ready`; the handler after it.

/** Makes app:// a standard, secure scheme that fetch() may use. Call before app `ready`. */
export function registerAppSchemePrivileges(
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>
): void {
  protocol.registerSchemesAsPrivileged([
    // No bypassCSP, no service workers, no CORS: the page is the only thing on this scheme.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }
  ])
}

export interface ServeRendererOptions {
  protocol: Pick<Protocol, 'handle'>
  /** Electron's `net.fetch` (reads file:// URLs, asar archives included). */
  fetchFile: (url: string) => Promise<Response>
  /** The built renderer folder (out/renderer). */
  rootDir: string
  /** The Content-Security-Policy header every response carries. */
  csp: string
  log: (line: string) => void
}

/** Answers app:// requests with files under `rootDir` only, each with the CSP header. */
export function serveRenderer(options: ServeRendererOptions): void {
  const headers = (contentType: string): Record<string, string> => ({
    'content-type': contentType,
    'content-security-policy': options.csp,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store'
  })
  const refuse = (status: number, reason: string): Response =>
    new Response(reason, { status, headers: headers('text/plain; charset=utf-8') })

  options.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'read only')
    const resolved = resolveAppRequest(request.url, options.rootDir)
    if (!resolved.ok) {
      // The path only: it is our own page's request, but keep logs short and plain.
      options.log(`refused ${APP_SCHEME}:// request (${resolved.reason})`)
      return refuse(resolved.status, resolved.reason)
    }
    try {
      const file = await options.fetchFile(pathToFileURL(resolved.file).href)
      if (!file.ok) return refuse(404, 'not found')
      return new Response(request.method === 'HEAD' ? null : file.body, {
        status: 200,
        headers: headers(contentTypeOf(resolved.file))
      })
    } catch {
      return refuse(404, 'not found')
    }
  })
}
