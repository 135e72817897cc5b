import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, join, sep } from 'node:path'

// The built renderer (out/renderer) served read-only: only regular files inside the directory,
// no dot-files, no path tricks. `/` is index.html.

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8'
}

export interface StaticFile {
  body: Buffer
  contentType: string
}

/** Resolves a URL path to a file of `root`; undefined for anything that is not one. */
export async function readStaticFile(
  root: string,
  pathname: string
): Promise<StaticFile | undefined> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return undefined
  }
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
  const segments = relative.split('/')
  if (
    segments.some(
      (s) => s === '' || s === '..' || s.startsWith('.') || s.includes('\\') || s.includes('\0')
    )
  ) {
    return undefined
  }
  try {
    const base = await realpath(root)
    const file = await realpath(join(base, ...segments))
    if (!file.startsWith(base + sep)) return undefined
    if (!(await stat(file)).isFile()) return undefined
    return {
      body: await readFile(file),
      contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
    }
  } catch {
    return undefined
  }
}
