import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Protocol } from 'electron'
import { serveRenderer } from '@main/electron/app-protocol'
import { APP_INDEX_URL, contentTypeOf, resolveAppRequest } from '@main/electron/app-scheme'

// app://nebula/…: which file a URL may map to (pure), and the handler's answers against a real
// folder, with Node's fetch standing in for Electron's net.fetch on file:// URLs.

const ROOT = resolve('/srv/nebula/out/renderer')

describe('resolveAppRequest', () => {
  it('maps the page and its assets under the renderer folder; `/` is index.html', () => {
    expect(resolveAppRequest(APP_INDEX_URL, ROOT)).toEqual({
      ok: true,
      file: join(ROOT, 'index.html')
    })
    expect(resolveAppRequest('app://nebula/', ROOT)).toEqual({
      ok: true,
      file: join(ROOT, 'index.html')
    })
    expect(resolveAppRequest('app://nebula', ROOT)).toEqual({
      ok: true,
      file: join(ROOT, 'index.html')
    })
    expect(resolveAppRequest('app://nebula/assets/index-abc.js', ROOT)).toEqual({
      ok: true,
      file: join(ROOT, 'assets', 'index-abc.js')
    })
    // Percent-escapes decode to a file name (one level, not twice).
    expect(resolveAppRequest('app://nebula/assets/a%20b.css', ROOT)).toEqual({
      ok: true,
      file: join(ROOT, 'assets', 'a b.css')
    })
    expect(resolveAppRequest('app://nebula/%252e%252e/x', ROOT)).toEqual({
      ok: true,
      file: join(ROOT, '%2e%2e', 'x')
    })
  })

  it('ignores the query and the fragment', () => {
    for (const url of [
      'app://nebula/index.html?x=../../etc/passwd',
      'app://nebula/index.html#/../../../etc/passwd',
      'app://nebula/index.html?a=1#b'
    ]) {
      expect(resolveAppRequest(url, ROOT), url).toEqual({
        ok: true,
        file: join(ROOT, 'index.html')
      })
    }
  })

  it('never leaves the renderer folder, however `..` is written', () => {
    const attempts = [
      'app://nebula/../../../etc/passwd',
      'app://nebula/assets/../../../etc/passwd',
      'app://nebula/%2e%2e/%2e%2e/etc/passwd',
      'app://nebula/%2E%2E/secret',
      'app://nebula/.%2e/secret',
      'app://nebula/assets/%2e%2e%2f%2e%2e%2fsecret',
      'app://nebula/..%2f..%2fsecret',
      'app://nebula/..%5c..%5csecret',
      'app://nebula/assets\\..\\..\\secret',
      'app://nebula/%5c%5cserver%5cshare',
      'app://nebula/C:%5cWindows%5cwin.ini',
      'app://nebula/c:/Windows/win.ini',
      'app://nebula//etc/passwd',
      'app://nebula/%2fetc%2fpasswd',
      'app://nebula/assets/%00.js'
    ]
    for (const url of attempts) {
      const result = resolveAppRequest(url, ROOT)
      if (result.ok) {
        // The URL parser may already have folded `..` away: then the file must be inside.
        expect(result.file.startsWith(ROOT + sep), `${url} → ${result.file}`).toBe(true)
      } else {
        expect([400, 403], url).toContain(result.status)
      }
    }
    // The ones only this module can catch (encoded separators and dots, drive letters, NUL):
    for (const url of [
      'app://nebula/assets/%2e%2e%2f%2e%2e%2fsecret',
      'app://nebula/..%5c..%5csecret',
      'app://nebula/C:%5cWindows%5cwin.ini',
      'app://nebula/%2fetc%2fpasswd',
      'app://nebula/assets/%00.js'
    ]) {
      expect(resolveAppRequest(url, ROOT), url).toMatchObject({ ok: false, status: 403 })
    }
  })

  it('refuses other schemes, hosts, ports and broken escapes', () => {
    expect(resolveAppRequest('file:///srv/nebula/out/renderer/index.html', ROOT)).toMatchObject({
      ok: false,
      status: 403
    })
    expect(resolveAppRequest('app://other/index.html', ROOT)).toMatchObject({
      ok: false,
      status: 403
    })
    expect(resolveAppRequest('app://nebula:8080/index.html', ROOT)).toMatchObject({
      ok: false,
      status: 403
    })
    expect(resolveAppRequest('app://nebula/%E0%A4%A', ROOT)).toMatchObject({
      ok: false,
      status: 400
    })
    expect(resolveAppRequest('not a url', ROOT)).toMatchObject({ ok: false, status: 400 })
  })

  it('names content types for what a Vite build emits', () => {
    expect(contentTypeOf('/x/index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeOf('/x/a.JS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeOf('/x/a.css')).toBe('text/css; charset=utf-8')
    expect(contentTypeOf('/x/a.weird')).toBe('application/octet-stream')
  })
})

describe('serveRenderer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nebula-scheme-'))
  const rootDir = join(dir, 'renderer')
  mkdirSync(join(rootDir, 'assets'), { recursive: true })
  writeFileSync(join(rootDir, 'index.html'), '<!doctype html><title>Nebula</title>')
  writeFileSync(join(rootDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer folder')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  let handler: ((request: Request) => Promise<Response>) | undefined
  const logs: string[] = []
  serveRenderer({
    protocol: {
      handle: (_scheme: string, h: (request: Request) => Promise<Response>) => (handler = h)
    } as unknown as Pick<Protocol, 'handle'>,
    // Node's fetch cannot read file:// URLs; read the file as Electron's net.fetch would.
    fetchFile: async (url) => {
      const { readFile } = await import('node:fs/promises')
      return new Response(await readFile(new URL(url)))
    },
    rootDir,
    csp: "default-src 'self'",
    log: (line) => logs.push(line)
  })
  const get = (url: string, method = 'GET') => handler!(new Request(url, { method }))

  it('answers the page with its type and the CSP header', async () => {
    const response = await get(APP_INDEX_URL)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('<!doctype html><title>Nebula</title>')
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe("default-src 'self'")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const script = await get('app://nebula/assets/app.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
  })

  it('never answers a file outside the folder, and says 404 for a missing one', async () => {
    for (const url of [
      'app://nebula/%2e%2e%2fsecret.txt',
      'app://nebula/..%5csecret.txt',
      'app://nebula/../secret.txt'
    ]) {
      const response = await get(url)
      expect(response.status, url).not.toBe(200)
      expect(await response.text(), url).not.toContain('outside the renderer folder')
      // Refusals carry the policy too.
      expect(response.headers.get('content-security-policy')).toBe("default-src 'self'")
    }
    expect((await get('app://nebula/missing.js')).status).toBe(404)
    expect(logs.some((line) => line.includes('refused app:// request'))).toBe(true)
  })

  it('is read-only', async () => {
    expect((await get(APP_INDEX_URL, 'POST')).status).toBe(405)
    const head = await get(APP_INDEX_URL, 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })
})
