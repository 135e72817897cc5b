import { describe, expect, it } from 'vitest'
import { parseUiArgs } from '@main/cli/ui-args'
import { openerCommand } from '@main/ui/open-browser'
import { usageErrorOf } from './support'

// `nebula-desktop ui` arguments: what each flag means, and usage errors that never echo a value
// (a stray argument is often a pasted token).

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'

const usageError = (argv: string[]): string => usageErrorOf(() => parseUiArgs(argv))

describe('parseUiArgs', () => {
  it('defaults: loopback, any free port, no browser, the app settings, env overrides', () => {
    expect(parseUiArgs([])).toEqual({
      overrides: {},
      host: '127.0.0.1',
      port: 0,
      allowRemote: false,
      open: false,
      settingsDir: undefined,
      failureRate: undefined,
      seed: undefined
    })
  })

  it('--local, --server/--profile, --open, and local dev mode demo flags', () => {
    expect(
      parseUiArgs(['--local', '--open', '--failure-rate', '0.5', '--seed', '7'])
    ).toMatchObject({
      overrides: { localDevMode: true },
      open: true,
      failureRate: 0.5,
      seed: 7
    })
    expect(
      parseUiArgs(['--server', 'https://n.example.com', '--profile', 'prod', '--no-open'])
    ).toMatchObject({
      overrides: { server: { url: 'https://n.example.com', profile: 'prod' } },
      open: false
    })
    expect(parseUiArgs(['--server', 'https://n.example.com'])).toMatchObject({
      overrides: { server: { profile: 'default' } }
    })
    expect(parseUiArgs(['--host', '0.0.0.0', '--allow-remote', '--port', '8080'])).toMatchObject({
      host: '0.0.0.0',
      allowRemote: true,
      port: 8080
    })
    expect(parseUiArgs(['--help'])).toBe('help')
  })

  it('refuses contradictions and bad values with a plain message', () => {
    expect(usageError(['--local', '--server', 'https://x.example'])).toMatch(/not both/)
    expect(usageError(['--profile', 'prod'])).toMatch(/goes with --server/)
    expect(usageError(['--server', 'ftp://x'])).toMatch(/--server: unsupported scheme/)
    expect(usageError(['--server', 'https://x.example', '--profile', 'bad id'])).toMatch(
      /--profile/
    )
    expect(usageError(['--port', '70000'])).toMatch(/--port/)
    expect(usageError(['--failure-rate', '2'])).toMatch(/--failure-rate/)
    expect(usageError(['--host', '192.0.2.1'])).toMatch(/--allow-remote/)
  })

  it('never echoes a value, even in an unexpected argument or an unknown option', () => {
    for (const argv of [[SECRET], [`--token=${SECRET}`], ['--port', SECRET], ['--local', SECRET]]) {
      expect(usageError(argv)).not.toContain(SECRET)
    }
  })
})

describe('--open', () => {
  it('uses the platform opener on a private redirect page, never the key on a command line', () => {
    expect(openerCommand('linux', 'file:///tmp/x.html')).toEqual([
      'xdg-open',
      ['file:///tmp/x.html']
    ])
    expect(openerCommand('darwin', 'file:///tmp/x.html')).toEqual(['open', ['file:///tmp/x.html']])
    expect(openerCommand('win32', 'file:///C:/x.html')).toEqual([
      'cmd',
      ['/c', 'start', '""', 'file:///C:/x.html']
    ])
  })
})
