import { describe, expect, it } from 'vitest'
import {
  InsecureServerUrlError,
  ServerUrlError,
  resolveServerEndpoints
} from '@main/core/server-url'
import { MonitorSession } from '@main/core/session'

describe('resolveServerEndpoints', () => {
  it.each([
    ['http://127.0.0.1:8000', 'http://127.0.0.1:8000', 'ws://127.0.0.1:8000/api/v1/ws'],
    [
      'https://nebula.example.com/',
      'https://nebula.example.com',
      'wss://nebula.example.com/api/v1/ws'
    ],
    ['ws://localhost:8000', 'http://localhost:8000', 'ws://localhost:8000/api/v1/ws'],
    [
      'wss://api.example.com/api/v1/ws',
      'https://api.example.com',
      'wss://api.example.com/api/v1/ws'
    ],
    [
      'https://example.com/nebula/api/v1',
      'https://example.com/nebula',
      'wss://example.com/nebula/api/v1/ws'
    ]
  ])('derives the endpoints of %s', (input, httpBase, wsUrl) => {
    const endpoints = resolveServerEndpoints(input)
    expect(endpoints.httpBase).toBe(httpBase)
    expect(endpoints.wsUrl).toBe(wsUrl)
    expect(endpoints.restBase).toBe(`${httpBase}/api/v1`)
  })

  it.each([
    ['not a url', /not a valid URL/],
    ['ftp://example.com', /unsupported scheme "ftp:"/],
    ['https://user:secret@example.com', /credentials/],
    ['https://example.com/?token=abc', /query or fragment/]
  ])('refuses %s with a clear message', (input, message) => {
    expect(() => resolveServerEndpoints(input)).toThrow(ServerUrlError)
    expect(() => resolveServerEndpoints(input)).toThrow(message)
  })

  it('never echoes credentials it refuses', () => {
    try {
      resolveServerEndpoints('https://user:hunter2-secret@example.com')
      expect.unreachable()
    } catch (error) {
      expect(String(error)).not.toContain('hunter2-secret')
    }
  })
})

describe('clear text off this machine', () => {
  it.each(['http://nebula.example.com', 'ws://10.0.0.5:8000', 'http://192.168.1.20/api/v1'])(
    'refuses %s up front, naming https',
    (url) => {
      expect(() => resolveServerEndpoints(url)).toThrow(InsecureServerUrlError)
      expect(() => resolveServerEndpoints(url)).toThrow(ServerUrlError)
      expect(() => resolveServerEndpoints(url)).toThrow(/https/)
      expect(resolveServerEndpoints(url, { allowInsecure: true }).wsUrl).toMatch(/^ws:\/\//)
    }
  )

  it.each([
    'http://127.0.0.1:8000',
    'ws://localhost:8000',
    'http://[::1]:8000',
    'https://nebula.example.com'
  ])('accepts %s without asking', (url) => {
    expect(() => resolveServerEndpoints(url)).not.toThrow()
  })

  it('is refused by a session unless allowInsecure is set', () => {
    const options = {
      server: 'http://nebula.example.com',
      profile: 'insecure',
      getToken: () => 'token-that-must-not-travel-in-clear',
      stateDir: null,
      follow: 'all' as const
    }
    expect(() => new MonitorSession(options)).toThrow(InsecureServerUrlError)
    const allowed = new MonitorSession({ ...options, allowInsecure: true })
    expect(allowed.state.state).toBe('closed') // built, never started
    allowed.dispose()
    expect(allowed.hasLiveResources()).toBe(false)
  })
})
