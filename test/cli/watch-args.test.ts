import { describe, expect, it } from 'vitest'
import { parseWatchArgs, WATCH_HELP } from '@main/cli/watch-args'
import { usageErrorOf } from './support'

// `watch` flags (src/main/cli/watch-args.ts): what each becomes, and usage errors that never
// quote what the user typed.

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl'

const usageError = (argv: string[]): string => usageErrorOf(() => parseWatchArgs(argv))

describe('parseWatchArgs', () => {
  it('fills in the defaults', () => {
    expect(parseWatchArgs(['--server', 'https://nebula.example.com'])).toMatchObject({
      server: 'https://nebula.example.com',
      local: false,
      allowInsecure: false,
      profile: 'default',
      tokenStdin: false,
      subscriptions: [],
      format: 'pretty',
      authMethod: 'query',
      exitOnOffline: false
    })
    expect(parseWatchArgs(['--local'])).toMatchObject({
      local: true,
      profile: 'local',
      stateDir: null
    })
    expect(parseWatchArgs(['--help'])).toBe('help')
  })

  it('refuses http and ws to another machine unless --allow-insecure, naming https', () => {
    for (const server of ['http://nebula.example.com', 'ws://10.1.2.3:8000']) {
      const message = usageError(['--server', server])
      expect(message).toMatch(/^--server: .*clear text.*https/)
      expect(message).toContain('--allow-insecure')
      expect(parseWatchArgs(['--server', server, '--allow-insecure'])).toMatchObject({
        server,
        allowInsecure: true
      })
    }
    for (const server of ['http://127.0.0.1:8000', 'http://localhost:8000', 'ws://[::1]:8000']) {
      expect(parseWatchArgs(['--server', server])).toMatchObject({ allowInsecure: false })
    }
  })

  it('reports a stray argument, a token in the wrong place, or an odd value without quoting it', () => {
    for (const argv of [
      ['--local', SECRET],
      ['--server', 'https://nebula.example.com', SECRET],
      ['--server', 'https://nebula.example.com', '--token-env', SECRET],
      ['--local', '--format', SECRET],
      ['--local', '--auth-method', SECRET],
      ['--local', '--heartbeat-ms', SECRET],
      ['--local', '--subscribe', SECRET],
      ['--local', `--token=${SECRET}`]
    ]) {
      const message = usageError(argv)
      expect(message, argv.join(' ')).not.toContain(SECRET.slice(0, 12))
    }
    expect(usageError(['--local', SECRET])).toMatch(/^unexpected argument/)
    expect(usageError(['--server', 'https://x.example', '--token-env', SECRET])).toBe(
      '--token-env takes the NAME of an environment variable, not a token'
    )
  })

  it('documents --allow-insecure and every exit code in --help', () => {
    expect(WATCH_HELP).toContain('--allow-insecure')
    for (const code of [0, 1, 2, 3, 4, 5])
      expect(WATCH_HELP).toMatch(new RegExp(`\\n  ${code}  \\S`))
  })
})
