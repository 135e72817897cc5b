import { resolve } from 'node:path'
import { APP_HOST, APP_INDEX_URL, APP_SCHEME } from './app-scheme'

// Where the renderer page is loaded from, and the test every IPC sender must pass: its frame
// shows our own page. No Electron import, so the trust rules are unit-tested under plain Node.

/** The built page over app:// (served from `rootDir`), or (unpackaged only) the dev server. */
export type RendererSource =
  { kind: 'app'; url: string; rootDir: string } | { kind: 'dev-server'; url: string }

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Picks the page to load. The dev-server URL (electron-vite sets ELECTRON_RENDERER_URL) counts
 * only in an unpackaged app, and only as http on a loopback host: an environment variable must
 * never point an installed app at remote content.
 */
export function resolveRendererSource(options: {
  isPackaged: boolean
  devServerUrl: string | undefined
  /** The built renderer folder (out/renderer), served over app://. */
  rendererDir: string
}): RendererSource {
  const { isPackaged, devServerUrl, rendererDir } = options
  if (isPackaged || !devServerUrl) {
    return { kind: 'app', url: APP_INDEX_URL, rootDir: resolve(rendererDir) }
  }
  const url = parseUrl(devServerUrl)
  if (!url || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new Error('ELECTRON_RENDERER_URL must be an http:// URL on localhost')
  }
  return { kind: 'dev-server', url: url.href }
}

/**
 * Returns a predicate that accepts a frame URL only when it is our renderer page: app://nebula/
 * index.html (or `/`; query and hash ignored), or a page of the dev server's exact origin.
 */
export function createRendererUrlCheck(source: RendererSource): (frameUrl: string) => boolean {
  if (source.kind === 'dev-server') {
    const origin = new URL(source.url).origin
    return (frameUrl) => parseUrl(frameUrl)?.origin === origin
  }
  return (frameUrl) => {
    const url = parseUrl(frameUrl)
    return (
      url !== null &&
      url.protocol === `${APP_SCHEME}:` &&
      url.hostname === APP_HOST &&
      url.port === '' &&
      url.username === '' &&
      url.password === '' &&
      (url.pathname === '/index.html' || url.pathname === '/')
    )
  }
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value)
  } catch {
    return null
  }
}
