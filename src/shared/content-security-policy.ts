// The renderer's Content-Security-Policy, in one place for both ways the dashboard is served.
// src/renderer/index.html carries RENDERER_CSP_META in a <meta> tag; each server adds a header:
//  - Electron (app:// or file://): ELECTRON_CSP_HEADER, with `connect-src 'none'` — the page
//    talks to main only through the preload, and a page enforces the meta and the header
//    together, so the header keeps Electron strict;
//  - `nebula-desktop ui` (a local browser): BROWSER_CSP_HEADER, where `connect-src 'self'` lets
//    the page open its one WebSocket back to the server that served it.

const COMMON_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  // Styles come from one bundled stylesheet, so no 'unsafe-inline' is needed.
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'"
]

/** The policy in the renderer's <meta http-equiv="Content-Security-Policy">. */
export const RENDERER_CSP_META = [...COMMON_DIRECTIVES, "connect-src 'self'"].join('; ')

/** The header for Electron's pages: no network at all (the preload is the only way out). */
export const ELECTRON_CSP_HEADER = [
  ...COMMON_DIRECTIVES,
  "connect-src 'none'",
  "frame-ancestors 'none'"
].join('; ')

/** The header `nebula-desktop ui` sends: its own origin only (the bridge's WebSocket). */
export const BROWSER_CSP_HEADER = [
  ...COMMON_DIRECTIVES,
  "connect-src 'self'",
  "frame-ancestors 'none'"
].join('; ')
