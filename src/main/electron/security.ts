import type { Session, WebContents } from 'electron'
import { ELECTRON_CSP_HEADER } from '@shared/content-security-policy'

// Process-wide lockdown, applied before any window exists: no permissions, no navigation,
// no new windows, no webviews. The page is local and talks to main only through the bridge.

/**
 * Denies every permission request and check on `session`; with `enforceCspHeader` (production
 * loads) also stamps the renderer CSP onto every response the session receives.
 */
export function lockDownSession(session: Session, options: { enforceCspHeader: boolean }): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  if (options.enforceCspHeader) {
    session.webRequest.onHeadersReceived((details, callback) => {
      const headers = { ...details.responseHeaders }
      // Replace, not add: a second, looser policy must not survive under another casing.
      for (const name of Object.keys(headers)) {
        if (name.toLowerCase() === 'content-security-policy') delete headers[name]
      }
      callback({
        responseHeaders: { ...headers, 'Content-Security-Policy': [ELECTRON_CSP_HEADER] }
      })
    })
  }
}

/** Stops `contents` from navigating away, opening windows, or attaching a <webview>. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault()
    console.warn(`nebula-desktop: blocked navigation to ${originOf(url)}`)
  })
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`nebula-desktop: blocked a new window for ${originOf(url)}`)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** Only the origin goes to the log: a URL's path or query could carry something private. */
function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return '(unparsable URL)'
  }
}
