import { describe, expect, it } from 'vitest'
import type { Session, WebContents } from 'electron'
import { EventEmitter } from 'node:events'
import { ELECTRON_CSP_HEADER } from '@shared/content-security-policy'
import { createRendererUrlCheck, resolveRendererSource } from '@main/electron/renderer-source'
import { hardenWebContents, lockDownSession } from '@main/electron/security'

// The lockdown rules that need no running Electron: where the page may come from, which frames
// count as ours, and what the session and web-contents hooks decide (against small fakes).

describe('resolveRendererSource', () => {
  const rendererDir = '/app/out/renderer'
  const app = { kind: 'app', url: 'app://nebula/index.html', rootDir: rendererDir }

  it('serves the built page over app:// when packaged, even if a dev-server URL is set', () => {
    expect(
      resolveRendererSource({
        isPackaged: true,
        devServerUrl: 'http://localhost:5173',
        rendererDir
      })
    ).toEqual(app)
    expect(
      resolveRendererSource({ isPackaged: false, devServerUrl: undefined, rendererDir })
    ).toEqual(app)
  })

  it('uses a loopback http dev server when unpackaged', () => {
    for (const url of ['http://localhost:5173', 'http://127.0.0.1:5173/', 'http://[::1]:5173']) {
      const source = resolveRendererSource({ isPackaged: false, devServerUrl: url, rendererDir })
      expect(source.kind).toBe('dev-server')
    }
  })

  it('refuses a dev-server URL that is remote or not http', () => {
    for (const url of ['http://example.com:5173', 'https://localhost:5173', 'file:///x', 'junk']) {
      expect(() =>
        resolveRendererSource({ isPackaged: false, devServerUrl: url, rendererDir })
      ).toThrow('ELECTRON_RENDERER_URL must be an http:// URL on localhost')
    }
  })
})

describe('createRendererUrlCheck', () => {
  it('accepts only our page on app://nebula', () => {
    const check = createRendererUrlCheck({
      kind: 'app',
      url: 'app://nebula/index.html',
      rootDir: '/app/out/renderer'
    })
    expect(check('app://nebula/index.html')).toBe(true)
    expect(check('app://nebula/index.html?x=1#/route')).toBe(true)
    expect(check('app://nebula/')).toBe(true)
    expect(check('app://nebula/other.html')).toBe(false)
    expect(check('app://nebula/assets/index.js')).toBe(false)
    expect(check('app://nebula.evil/index.html')).toBe(false)
    expect(check('app://nebula:8080/index.html')).toBe(false)
    expect(check('app://user@nebula/index.html')).toBe(false)
    expect(check('file:///app/out/renderer/index.html')).toBe(false)
    expect(check('http://nebula/index.html')).toBe(false)
    expect(check('')).toBe(false)
  })

  it('accepts only the dev server origin for a dev-server source', () => {
    const check = createRendererUrlCheck({ kind: 'dev-server', url: 'http://localhost:5173/' })
    expect(check('http://localhost:5173/')).toBe(true)
    expect(check('http://localhost:5173/src/App.tsx')).toBe(true)
    expect(check('http://localhost:5174/')).toBe(false)
    expect(check('http://127.0.0.1:5173/')).toBe(false)
    expect(check('app://nebula/index.html')).toBe(false)
  })
})

describe('Electron CSP header', () => {
  it('forbids remote scripts, inline code, network access and framing', () => {
    const directives = new Map(
      ELECTRON_CSP_HEADER.split(';').map((d): [string, string] => {
        const [name, ...values] = d.trim().split(/\s+/)
        return [name!, values.join(' ')]
      })
    )
    expect(directives.get('default-src')).toBe("'self'")
    expect(directives.get('script-src')).toBe("'self'")
    expect(directives.get('style-src')).toBe("'self'")
    expect(directives.get('connect-src')).toBe("'none'")
    expect(directives.get('img-src')).toBe("'self' data:")
    expect(directives.get('object-src')).toBe("'none'")
    expect(directives.get('frame-ancestors')).toBe("'none'")
    expect(ELECTRON_CSP_HEADER).not.toContain('unsafe')
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
      'Content-Security-Policy': [ELECTRON_CSP_HEADER]
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
