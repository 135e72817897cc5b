import { describe, expect, it } from 'vitest'
import type { Session, WebContents } from 'electron'
import { EventEmitter } from 'node:events'
import { RENDERER_CSP_HEADER, RENDERER_CSP_META } from '@main/electron/content-security-policy'
import { createRendererUrlCheck, resolveRendererSource } from '@main/electron/renderer-source'
import { hardenWebContents, lockDownSession } from '@main/electron/security'

// The lockdown rules that need no running Electron: where the page may come from, which frames
// count as ours, and what the session and web-contents hooks decide (against small fakes).

describe('resolveRendererSource', () => {
  const indexHtmlPath = '/app/out/renderer/index.html'

  it('loads the built file when packaged, even if a dev-server URL is set', () => {
    expect(
      resolveRendererSource({
        isPackaged: true,
        devServerUrl: 'http://localhost:5173',
        indexHtmlPath
      })
    ).toEqual({ kind: 'file', indexHtmlPath })
    expect(
      resolveRendererSource({ isPackaged: false, devServerUrl: undefined, indexHtmlPath })
    ).toEqual({ kind: 'file', indexHtmlPath })
  })

  it('uses a loopback http dev server when unpackaged', () => {
    for (const url of ['http://localhost:5173', 'http://127.0.0.1:5173/', 'http://[::1]:5173']) {
      const source = resolveRendererSource({ isPackaged: false, devServerUrl: url, indexHtmlPath })
      expect(source.kind).toBe('dev-server')
    }
  })

  it('refuses a dev-server URL that is remote or not http', () => {
    for (const url of ['http://example.com:5173', 'https://localhost:5173', 'file:///x', 'junk']) {
      expect(() =>
        resolveRendererSource({ isPackaged: false, devServerUrl: url, indexHtmlPath })
      ).toThrow('ELECTRON_RENDERER_URL must be an http:// URL on localhost')
    }
  })
})

describe('createRendererUrlCheck', () => {
  it('accepts only our index.html for a file source', () => {
    const check = createRendererUrlCheck(
      { kind: 'file', indexHtmlPath: '/app/out/renderer/index.html' },
      'linux'
    )
    expect(check('file:///app/out/renderer/index.html')).toBe(true)
    expect(check('file:///app/out/renderer/index.html?x=1#/route')).toBe(true)
    expect(check('file:///app/out/renderer/../renderer/index.html')).toBe(true)
    expect(check('file:///app/out/renderer/other.html')).toBe(false)
    expect(check('file:///APP/out/renderer/index.html')).toBe(false)
    expect(check('file://server/app/out/renderer/index.html')).toBe(false)
    expect(check('http://localhost:5173/')).toBe(false)
    expect(check('')).toBe(false)
  })

  it('compares Windows paths case-insensitively', () => {
    const check = createRendererUrlCheck(
      { kind: 'file', indexHtmlPath: 'C:\\Program Files\\Nebula\\out\\renderer\\index.html' },
      'win32'
    )
    expect(check('file:///C:/Program%20Files/Nebula/out/renderer/index.html')).toBe(true)
    expect(check('file:///c:/program%20files/nebula/OUT/renderer/index.html')).toBe(true)
    expect(check('file:///D:/Program%20Files/Nebula/out/renderer/index.html')).toBe(false)
    expect(check('file:///C:/Program%20Files/Nebula/out/renderer/other.html')).toBe(false)
  })

  it('accepts only the dev server origin for a dev-server source', () => {
    const check = createRendererUrlCheck({ kind: 'dev-server', url: 'http://localhost:5173/' })
    expect(check('http://localhost:5173/')).toBe(true)
    expect(check('http://localhost:5173/src/App.tsx')).toBe(true)
    expect(check('http://localhost:5174/')).toBe(false)
    expect(check('http://127.0.0.1:5173/')).toBe(false)
    expect(check('file:///app/out/renderer/index.html')).toBe(false)
  })
})

describe('renderer CSP', () => {
  it('forbids remote scripts, inline code, network access and framing', () => {
    const directives = new Map(
      RENDERER_CSP_HEADER.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/)
        return [name, values.join(' ')] as const
      })
    )
    expect(directives.get('default-src')).toBe("'self'")
    expect(directives.get('script-src')).toBe("'self'")
    expect(directives.get('style-src')).toBe("'self'")
    expect(directives.get('connect-src')).toBe("'none'")
    expect(directives.get('img-src')).toBe("'self' data:")
    expect(directives.get('object-src')).toBe("'none'")
    expect(directives.get('frame-ancestors')).toBe("'none'")
    expect(RENDERER_CSP_HEADER.startsWith(RENDERER_CSP_META)).toBe(true)
    expect(RENDERER_CSP_HEADER).not.toContain('unsafe')
  })
})

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void
) => void

/** The parts of Session that lockDownSession touches, recording what it installs. */
function fakeSession() {
  const installed: {
    request?: (c: unknown, p: string, cb: (granted: boolean) => void) => void
    check?: (...args: unknown[]) => boolean
    headers?: HeadersListener
  } = {}
  const session = {
    setPermissionRequestHandler: (h: typeof installed.request) => (installed.request = h),
    setPermissionCheckHandler: (h: typeof installed.check) => (installed.check = h),
    webRequest: { onHeadersReceived: (h: HeadersListener) => (installed.headers = h) }
  }
  return { session: session as unknown as Session, installed }
}

describe('lockDownSession', () => {
  it('denies every permission request and check', () => {
    const { session, installed } = fakeSession()
    lockDownSession(session, { enforceCspHeader: false })
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      let granted: boolean | undefined
      installed.request?.({}, permission, (g) => (granted = g))
      expect(granted).toBe(false)
      expect(installed.check?.({}, permission)).toBe(false)
    }
    expect(installed.headers).toBeUndefined()
  })

  it('replaces any Content-Security-Policy header with the renderer policy', () => {
    const { session, installed } = fakeSession()
    lockDownSession(session, { enforceCspHeader: true })
    let result: Record<string, string[]> | undefined
    installed.headers?.(
      {
        responseHeaders: {
          'content-security-policy': ["default-src *; script-src * 'unsafe-eval'"],
          'Content-Type': ['text/html']
        }
      },
      (response) => (result = response.responseHeaders)
    )
    expect(result).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [RENDERER_CSP_HEADER]
    })
  })
})

describe('hardenWebContents', () => {
  it('prevents navigation and webviews, and denies new windows', () => {
    const contents = new EventEmitter() as EventEmitter & {
      windowOpenHandler?: (details: { url: string }) => { action: string }
    }
    Object.assign(contents, {
      setWindowOpenHandler: (h: typeof contents.windowOpenHandler) =>
        (contents.windowOpenHandler = h)
    })
    hardenWebContents(contents as unknown as WebContents)

    for (const name of ['will-navigate', 'will-attach-webview']) {
      let prevented = false
      contents.emit(name, { preventDefault: () => (prevented = true) }, 'https://example.com/a?b')
      expect(prevented, name).toBe(true)
    }
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({
      action: 'deny'
    })
  })
})
