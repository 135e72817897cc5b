// The renderer's Content-Security-Policy, in one place. src/renderer/index.html carries the same
// policy in a <meta> tag (the only enforcement for file:// pages); test/renderer/shell.test.ts
// checks that the built page and this constant agree. No Electron import: tests load this file.

const RENDERER_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  // Styles come from one bundled stylesheet, so no 'unsafe-inline' is needed.
  "style-src 'self'",
  // The page talks to main only through the preload bridge: no fetch, XHR or WebSocket.
  "connect-src 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'"
]

/** The policy as written in the renderer's <meta http-equiv="Content-Security-Policy">. */
export const RENDERER_CSP_META = RENDERER_DIRECTIVES.join('; ')

/** The policy as a response header: the meta policy plus what only a header can say. */
export const RENDERER_CSP_HEADER = [...RENDERER_DIRECTIVES, "frame-ancestors 'none'"].join('; ')
