import { isAbsolute, join, relative, resolve } from 'node:path'

// The custom scheme the dashboard is served from (app://nebula/index.html) instead of file://:
// a file:// page can read any file the user can, and every file:// page shares one origin.
// This module is the scheme's pure half (names, and which file a URL may map to), so the
// rules are unit-tested under plain Node; app-protocol.ts registers it with Electron.

/** The scheme (registered as privileged before `ready`). */
export const APP_SCHEME = 'app'
/** The one host the scheme serves; any other host is refused. */
export const APP_HOST = 'nebula'
/** The dashboard page. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

export type ResolvedRequest =
  { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string }

/**
 * The file under `rootDir` (the built renderer folder) that `requestUrl` asks for, or why it
 * is refused. Refuses other schemes and hosts, and any path segment that could leave `rootDir`
 * once decoded or on another platform (`..`, `.`, slashes and backslashes, drive letters, NUL),
 * then checks the joined path is still inside `rootDir`. Query and fragment are ignored; `/`
 * is index.html.
 */
export function resolveAppRequest(requestUrl: string, rootDir: string): ResolvedRequest {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' }
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '') {
    return { ok: false, status: 403, reason: 'not this app' }
  }
  const segments: string[] = []
  for (const raw of url.pathname.split('/')) {
    if (raw === '') continue
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return { ok: false, status: 400, reason: 'bad escape in the path' }
    }
    if (segment === '.' || segment === '..' || /[/\\:\0]/.test(segment)) {
      return { ok: false, status: 403, reason: 'path leaves the renderer folder' }
    }
    segments.push(segment)
  }
  if (segments.length === 0) segments.push('index.html')
  const root = resolve(rootDir)
  const file = resolve(join(root, ...segments))
  const inside = relative(root, file)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    return { ok: false, status: 403, reason: 'path leaves the renderer folder' }
  }
  return { ok: true, file }
}

/** A content type for the files a Vite build emits (anything else: a download-safe default). */
export function contentTypeOf(file: string): string {
  const extension = file.slice(file.lastIndexOf('.') + 1).toLowerCase()
  return CONTENT_TYPES[extension] ?? 'application/octet-stream'
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  woff: 'font/woff',
  map: 'application/json'
}
