import { posix, resolve, win32 } from 'node:path'
import { fileURLToPath } from 'node:url'

// Where the renderer page is loaded from, and the test every IPC sender must pass: its frame
// shows our own page. No Electron import, so the trust rules are unit-tested under plain Node.

/** The built page on disk, or (unpackaged development only) the electron-vite dev server. */
export type RendererSource =
  { kind: 'file'; indexHtmlPath: string } | { kind: 'dev-server'; url: string }

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Picks the page to load. The dev-server URL (electron-vite sets ELECTRON_RENDERER_URL) counts
 * only in an unpackaged app, and only as http on a loopback host: an environment variable must
 * never point an installed app at remote content.
 */
export function resolveRendererSource(options: {
  isPackaged: boolean
  devServerUrl: string | undefined
  indexHtmlPath: string
}): RendererSource {
  const { isPackaged, devServerUrl, indexHtmlPath } = options
  if (isPackaged || !devServerUrl) return { kind: 'file', indexHtmlPath: resolve(indexHtmlPath) }
  const url = parseUrl(devServerUrl)
  if (!url || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new Error('ELECTRON_RENDERER_URL must be an http:// URL on localhost')
  }
  return { kind: 'dev-server', url: url.href }
}

/**
 * Returns a predicate that accepts a frame URL only when it is our renderer page: the same
 * index.html file (query and hash ignored), or a page of the dev server's exact origin.
 */
export function createRendererUrlCheck(
  source: RendererSource,
  platform: string = process.platform
): (frameUrl: string) => boolean {
  if (source.kind === 'dev-server') {
    const origin = new URL(source.url).origin
    return (frameUrl) => parseUrl(frameUrl)?.origin === origin
  }
  const windows = platform === 'win32'
  // Windows paths are case-insensitive; elsewhere case matters.
  const comparable = (path: string): string =>
    windows ? win32.normalize(path).toLowerCase() : posix.normalize(path)
  const expected = comparable(source.indexHtmlPath)
  return (frameUrl) => {
    const url = parseUrl(frameUrl)
    if (!url || url.protocol !== 'file:' || url.host !== '') return false
    try {
      return comparable(fileURLToPath(url, { windows })) === expected
    } catch {
      return false
    }
  }
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value)
  } catch {
    return null
  }
}
