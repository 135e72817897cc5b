import { createHash } from 'node:crypto'
import { KEY_FRAGMENT_PARAM, KEY_HEADER, UiPath } from '@shared/bridge/ws-protocol'

// The one thing the `ui` server shows without a session: a page with no data that reads the key
// from the URL fragment (never sent to a server), exchanges it for the session cookie, and
// reloads without the key (so it does not stay in the history). It is what `GET /` answers
// without a session.

const SCRIPT = `(async () => {
  const say = (text) => { document.getElementById('message').textContent = text }
  const match = /(?:^#|&)${KEY_FRAGMENT_PARAM}=([A-Za-z0-9_-]+)/.exec(location.hash)
  if (!match) return say('Open the link that nebula-desktop ui printed: it carries the key to this dashboard.')
  try {
    const response = await fetch('${UiPath.session}', {
      method: 'POST',
      headers: { '${KEY_HEADER}': match[1] },
      credentials: 'same-origin',
      cache: 'no-store'
    })
    if (response.status === 204) return location.replace('/')
    say('This key is not valid here (was the dashboard restarted?): open the link it printed last.')
  } catch {
    say('The dashboard server did not answer: is nebula-desktop ui still running?')
  }
})()`

const STYLE =
  'body{font:15px system-ui,sans-serif;background:#0e1116;color:#d8dee9;margin:4rem auto;max-width:36rem;padding:0 1rem}'

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64')

/** The bootstrap page's HTML. */
export const BOOTSTRAP_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,"><title>Nebula Desktop</title><style>${STYLE}</style></head>
<body><h1>Nebula Desktop</h1><p id="message" role="status">Connecting…</p>
<script>${SCRIPT}</script></body></html>
`

/** Its policy: only its own inline script and style (by hash), and requests to itself. */
export const BOOTSTRAP_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${sha256(SCRIPT)}'`,
  `style-src 'sha256-${sha256(STYLE)}'`,
  "connect-src 'self'",
  // The empty data: icon keeps the browser from asking for /favicon.ico before the session.
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
