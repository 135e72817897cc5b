import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { KeychainBackend } from '@main/core/keytar-loader'
import { KEYCHAIN_SERVICE } from '@main/core/token-vault'
import { freshClaims, nowSeconds, signHmac } from '../helpers/jwt'
import { waitUntil } from '../helpers/wait'
import {
  bundleForNode,
  filesContaining,
  keyringUnavailableReason,
  nodePathEnv,
  repoRoot,
  tempDir,
  uniqueProfile,
  usePrivateKeyring
} from './support'
import { runToCompletion, type RunResult } from '../helpers/process'
import { skipAllIf, skipWith } from '../helpers/skip'

// `nebula-desktop token` as a real process against the real Secret Service. The CLI is built
// from src/main/cli/token.ts into its own script (fixtures/token-cli-entry.ts), so these tests
// do not depend on the whole app build; where out/main/cli.js exists, one more test goes through
// bin/nebula-desktop.js. Every run checks that the token appears in no output and no file under
// the temporary HOME.

const SECRET = 'cli-test-secret-0123456789abcdef'
const LINUX_FIX = 'apt-get install gnome-keyring dbus'
const keytar = (): KeychainBackend => createRequire(import.meta.url)('keytar') as KeychainBackend
const builtCli = join(repoRoot, 'out', 'main', 'cli.js')

usePrivateKeyring()

describe('nebula-desktop token', () => {
  skipAllIf(keyringUnavailableReason, 'keychain tests')
  // Created in beforeAll, so a skipped or filtered run leaves nothing behind.
  let build = { path: '', cleanup: () => {} }
  let home = { path: '', cleanup: () => {} }
  const profiles: string[] = []
  const secrets: string[] = []
  let cli = ''

  beforeAll(async () => {
    if (keyringUnavailableReason) return
    build = tempDir('nebula-token-cli-')
    home = tempDir('nebula-token-home-')
    cli = await bundleForNode('test/keychain/fixtures/token-cli-entry.ts', build.path)
  })

  afterEach(() => {
    // Nothing any test stored may show up in a file under HOME.
    for (const secret of secrets) expect(filesContaining(home.path, secret)).toEqual([])
  })

  afterAll(async () => {
    if (keyringUnavailableReason) return
    for (const id of profiles) await keytar().deletePassword(KEYCHAIN_SERVICE, id)
    build.cleanup()
    home.cleanup()
  })

  const profile = (label: string): string => {
    const id = uniqueProfile(label)
    profiles.push(id)
    return id
  }
  const remember = (token: string): string => {
    secrets.push(token)
    return token
  }

  /** Runs the CLI and checks that no remembered token leaked into its output. */
  async function token(
    args: string[],
    options: { input?: string; env?: Record<string, string | undefined> } = {}
  ): Promise<RunResult> {
    const result = await runToCompletion('node', [cli, ...args], {
      input: options.input,
      env: { ...nodePathEnv(), HOME: home.path, ...options.env }
    })
    for (const secret of secrets) {
      expect(result.stdout).not.toContain(secret)
      expect(result.stderr).not.toContain(secret)
    }
    return result
  }

  it('set reads a JWT from stdin, status reports it, delete removes it', async () => {
    const id = profile('cycle')
    const claims = freshClaims('frank', 3 * 24 * 3600)
    const jwt = remember(await signHmac(claims, SECRET))

    const set = await token(['set', '--profile', id], { input: `  ${jwt}\n` })
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toContain(`Stored the token for profile "${id}" in the OS keychain.`)
    expect(set.stdout).toMatch(/It expires in 2 d 23 h|It expires in 3 d/)
    expect(set.stderr).toBe('')
    expect(await keytar().getPassword(KEYCHAIN_SERVICE, id)).toBe(jwt)

    const status = await token(['status', '--profile', id])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain('token:   present (JWT)')
    expect(status.stdout).toContain('subject: frank')
    expect(status.stdout).toContain(`expires: ${new Date(claims.exp! * 1000).toISOString()}`)
    expect(status.stdout).not.toContain('expiring soon')

    const json = await token(['status', '-p', id, '--json'])
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual({
      profile: id,
      present: true,
      format: 'jwt',
      subject: 'frank',
      expiresAt: new Date(claims.exp! * 1000).toISOString(),
      expired: false,
      expiringSoon: false,
      persistent: true
    })

    const deleted = await token(['delete', '--profile', id])
    expect(deleted.code).toBe(0)
    expect(deleted.stdout).toContain(`Deleted the token for profile "${id}".`)
    expect(await keytar().getPassword(KEYCHAIN_SERVICE, id)).toBeNull()

    const again = await token(['delete', '--profile', id])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('nothing to delete')

    const absent = await token(['status', '--profile', id])
    expect(absent.code).toBe(1)
    expect(absent.stdout).toContain('token:   none stored')
  })

  it('uses the "default" profile when none is named', async () => {
    const before = await keytar().getPassword(KEYCHAIN_SERVICE, 'default')
    try {
      const jwt = remember(await signHmac(freshClaims('grace'), SECRET))
      expect((await token(['set'], { input: jwt })).code).toBe(0)
      expect(await keytar().getPassword(KEYCHAIN_SERVICE, 'default')).toBe(jwt)
      expect((await token(['status'])).stdout).toContain('profile: default')
    } finally {
      if (before === null) await keytar().deletePassword(KEYCHAIN_SERVICE, 'default')
      else await keytar().setPassword(KEYCHAIN_SERVICE, 'default', before)
    }
  })

  it('flags expiring and expired tokens', async () => {
    const soon = profile('soon')
    const old = profile('old')
    const past = nowSeconds() - 7200
    expect(
      (
        await token(['set', '-p', soon], {
          input: remember(await signHmac(freshClaims('h', 3600), SECRET))
        })
      ).code
    ).toBe(0)
    const setOld = await token(['set', '-p', old], {
      input: remember(await signHmac({ sub: 'i', iat: past - 60, exp: past }, SECRET))
    })
    expect(setOld.code).toBe(0)
    expect(setOld.stderr).toContain('warning: the token already expired')

    const soonStatus = await token(['status', '-p', soon])
    expect(soonStatus.stdout).toMatch(/expires: .*, in (59 min|1 h) \[expiring soon\]/)
    const oldStatus = await token(['status', '-p', old, '--json'])
    expect(JSON.parse(oldStatus.stdout)).toMatchObject({ expired: true, expiringSoon: false })
    expect((await token(['status', '-p', old])).stdout).toMatch(/2 h ago \[EXPIRED\]/)
  })

  it('accepts an opaque token with a warning, and reports its expiry as unknown', async () => {
    const id = profile('opaque')
    const opaque = remember('opaque_api_key_4f9c2d7e8b1a')
    const set = await token(['set', '--profile', id], { input: `${opaque}\n` })
    expect(set.code).toBe(0)
    expect(set.stderr).toMatch(
      /^warning: not a JWT: .*; storing it as an opaque token whose expiry is unknown\n$/
    )
    const status = await token(['status', '--profile', id])
    expect(status.stdout).toContain('token:   present (opaque, expiry unknown)')
    expect(status.stdout).not.toContain('expires:')
  })

  it('refuses bad input with exit 2 and a one-line message that never quotes it', async () => {
    const id = profile('bad')
    const jwt = remember(await signHmac(freshClaims('judy'), SECRET))
    const cases: Array<{ args: string[]; input?: string; message: RegExp }> = [
      { args: ['set', '-p', id], input: '', message: /no token on stdin/ },
      { args: ['set', '-p', id], input: ' \n\t\n', message: /no token on stdin/ },
      { args: ['set', '-p', id], input: `${jwt}\n${jwt}\n`, message: /more than one line/ },
      {
        args: ['set', '-p', id],
        input: `Bearer ${jwt}`,
        message: /without spaces \(drop any "Bearer " prefix\)/
      },
      {
        args: ['set', '-p', id, jwt],
        message: /unexpected extra argument; the token is read from stdin/
      },
      { args: ['set', `--token=${jwt}`], message: /unknown option --token/ },
      { args: ['set', '--profile', jwt], message: /invalid profile id/ },
      { args: ['set', '--profile'], message: /option --profile needs a value/ },
      { args: [], message: /missing subcommand/ },
      { args: ['show'], message: /unknown subcommand/ },
      { args: ['delete', '--json'], message: /--json applies to status only/ }
    ]
    for (const { args, input, message } of cases) {
      const result = await token(args, { input })
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/^nebula-desktop token: [^\n]+\n$/)
      expect(result.stderr).toMatch(message)
    }
    expect(await keytar().getPassword(KEYCHAIN_SERVICE, id)).toBeNull()
  })

  it('documents the subcommands and exit codes in --help', async () => {
    const help = await token(['--help'])
    expect(help.code).toBe(0)
    for (const text of [
      'set ',
      'status ',
      'delete ',
      '--profile ID',
      '0  done',
      '1  status: no token',
      '2  usage error',
      '5  OS keychain unavailable'
    ]) {
      expect(help.stdout).toContain(text)
    }
  })

  it('exits 5 with the fix when no keychain answers, without storing the token anywhere', async () => {
    const id = profile('nokeychain')
    const jwt = remember(await signHmac(freshClaims('ken'), SECRET))
    const noBus = {
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${home.path}/no-such-bus`,
      DISPLAY: undefined
    }
    for (const args of [
      ['set', '-p', id],
      ['status', '-p', id],
      ['delete', '-p', id]
    ]) {
      const result = await token(args, { input: jwt, env: noBus })
      expect(result.code, result.stderr).toBe(5)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(
        /^nebula-desktop token: OS keychain unavailable: no D-Bus session bus is reachable .*\n$/
      )
      expect(result.stderr).toContain(LINUX_FIX)
      expect(result.stderr).toContain('install or unlock gnome-keyring or KWallet')
      expect(result.stderr).toContain('run inside a D-Bus session')
    }
    expect(await keytar().getPassword(KEYCHAIN_SERVICE, id)).toBeNull()
  })

  it('prompts on a terminal without echoing what is typed', async (context) => {
    if (!existsSync('/usr/bin/script')) {
      skipWith(
        context,
        'util-linux `script` is not installed, so there is no terminal to prompt on'
      )
    }
    const id = profile('tty')
    const jwt = remember(await signHmac(freshClaims('lena'), SECRET))
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries({
      ...process.env,
      ...nodePathEnv(),
      HOME: home.path
    })) {
      if (value !== undefined) env[key] = value
    }
    // `script` gives the CLI a real pseudo-terminal as stdin and stdout.
    const child = spawn('script', ['-qfec', `node ${cli} set --profile ${id}`, '/dev/null'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    await waitUntil(() => output.includes('Token (input hidden'), {
      timeoutMs: 15_000,
      what: 'the prompt'
    })
    child.stdin.write(`${jwt}\r`)
    await waitUntil(() => output.includes('Stored the token'), {
      timeoutMs: 15_000,
      what: 'the confirmation'
    })
    child.stdin.end()
    expect(await exited).toBe(0)
    expect(output).not.toContain(jwt)
    expect(output).not.toContain(jwt.slice(0, 20))
    expect(await keytar().getPassword(KEYCHAIN_SERVICE, id)).toBe(jwt)
  })

  it('is wired into bin/nebula-desktop.js', async (context) => {
    if (!existsSync(builtCli)) {
      skipWith(context, 'out/main/cli.js is not built (npm test builds it first)')
    }
    const id = profile('bin')
    const jwt = remember(await signHmac(freshClaims('mia'), SECRET))
    const bin = join(repoRoot, 'bin', 'nebula-desktop.js')
    const env = { HOME: home.path }
    const set = await runToCompletion('node', [bin, 'token', 'set', '--profile', id], {
      input: jwt,
      env
    })
    expect(set.code, set.stderr).toBe(0)
    const status = await runToCompletion(
      'node',
      [bin, 'token', 'status', '--profile', id, '--json'],
      { env }
    )
    expect(JSON.parse(status.stdout)).toMatchObject({ profile: id, present: true, subject: 'mia' })
    expect(
      (await runToCompletion('node', [bin, 'token', 'delete', '--profile', id], { env })).code
    ).toBe(0)
    for (const result of [set, status]) expect(result.stdout + result.stderr).not.toContain(jwt)
  })
})
