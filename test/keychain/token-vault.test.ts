import { createRequire } from 'node:module'
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KeychainBackend } from '@main/core/keytar-loader'
import {
  InvalidProfileError,
  InvalidTokenError,
  KEYCHAIN_SERVICE,
  TokenVault
} from '@main/core/token-vault'
import { freshClaims, nowSeconds, signHmac } from '../helpers/jwt'
import { waitUntil } from '../helpers/wait'
import { skipAllIf } from '../helpers/skip'
import {
  bundleForNode,
  filesContaining,
  keyringUnavailableReason,
  listFiles,
  nodePathEnv,
  tempDir,
  uniqueProfile,
  usePrivateKeyring
} from './support'
import { runToCompletion } from '../helpers/process'

// The vault against the real Secret Service (gnome-keyring on this file's private D-Bus bus,
// see private-keyring.ts), the unavailable paths against real keytar in child processes with a
// broken D-Bus environment, and the fallback rules with a small fake backend.

const keyring = usePrivateKeyring()

/** keytar itself, loaded on first use, to check what the vault wrote. */
const keytar = {
  get module(): KeychainBackend {
    return createRequire(import.meta.url)('keytar') as KeychainBackend
  }
}
/** What fixtures/vault-child.ts prints. */
interface Outcome {
  unavailable?: boolean
  resolved?: boolean
  name?: string
  reason?: string
  fix?: string
  message?: string
}
interface ChildReport {
  persistentBefore: boolean
  set: unknown
  persistent: boolean
  roundtrip: boolean
  status: unknown
  cause: Outcome
  deleted: boolean
  deletedAgain: boolean
  afterDelete: unknown
  strictGet: Outcome
  strictSet: Outcome
  strictPersistent: boolean
}

const SECRET = 'vault-test-secret-0123456789abcdef'
const LINUX_FIX = 'apt-get install gnome-keyring dbus'

describe('TokenVault with the real Secret Service', () => {
  skipAllIf(keyringUnavailableReason, 'keychain tests')
  const profiles: string[] = []
  const profile = (label: string): string => {
    const id = uniqueProfile(label)
    profiles.push(id)
    return id
  }

  afterAll(async () => {
    if (keyringUnavailableReason) return
    for (const id of profiles) await keytar.module.deletePassword(KEYCHAIN_SERVICE, id)
  })

  it("talks to this file's private bus only", () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS).toBe(
      keyring.current().env.DBUS_SESSION_BUS_ADDRESS
    )
    expect(process.env.DISPLAY).toBeUndefined()
  })

  it('stores, reads, reports and deletes a JWT in the OS keychain', async () => {
    const id = profile('roundtrip')
    const claims = freshClaims('alice', 48 * 3600)
    const token = await signHmac(claims, SECRET)
    const vault = new TokenVault({ onWarning: () => expect.fail('no fallback expected') })

    expect(await vault.set(id, token)).toEqual({ persistent: true })
    expect(await vault.get(id)).toBe(token)
    // It really is in the Secret Service, under service nebula-desktop / account = profile.
    expect(await keytar.module.getPassword(KEYCHAIN_SERVICE, id)).toBe(token)
    // And a fresh vault (as after a restart) finds it.
    expect(await new TokenVault().get(id)).toBe(token)

    const status = await vault.status(id)
    expect(status).toEqual({
      present: true,
      format: 'jwt',
      subject: 'alice',
      expiresAt: new Date(claims.exp! * 1000).toISOString(),
      expired: false,
      expiringSoon: false,
      persistent: true
    })
    expect(JSON.stringify(status)).not.toContain(token)

    expect(await vault.delete(id)).toBe(true)
    expect(await vault.get(id)).toBeNull()
    expect(await keytar.module.getPassword(KEYCHAIN_SERVICE, id)).toBeNull()
    expect(await vault.delete(id)).toBe(false)
    expect(await vault.status(id)).toEqual({
      present: false,
      expired: false,
      expiringSoon: false,
      persistent: true
    })
    expect(vault.persistent).toBe(true)
  })

  it('reports expiring-soon and expired tokens, and opaque ones without an expiry', async () => {
    const soon = profile('soon')
    const expired = profile('expired')
    const opaque = profile('opaque')
    const vault = new TokenVault({ expiringSoonMs: 3 * 3600_000 })
    await vault.set(soon, await signHmac(freshClaims('bob', 2 * 3600), SECRET))
    const past = nowSeconds() - 60
    await vault.set(expired, await signHmac({ sub: 'carol', iat: past - 3600, exp: past }, SECRET))
    await vault.set(opaque, 'opaque-api-key-1234567890')

    expect(await vault.status(soon)).toMatchObject({ expired: false, expiringSoon: true })
    expect(await vault.status(expired)).toMatchObject({
      expired: true,
      expiringSoon: false,
      subject: 'carol',
      expiresAt: new Date(past * 1000).toISOString()
    })
    const opaqueStatus = await vault.status(opaque)
    expect(opaqueStatus).toEqual({
      present: true,
      format: 'opaque',
      expired: false,
      expiringSoon: false,
      persistent: true
    })
    // The default window is 24 h: the 2 h token counts as expiring soon there too.
    expect(await new TokenVault().status(soon)).toMatchObject({ expiringSoon: true })
  })

  it('keeps profiles apart and overwrites on set', async () => {
    const a = profile('a')
    const b = profile('b')
    const vault = new TokenVault()
    await vault.set(a, 'token-for-a-1')
    await vault.set(b, 'token-for-b-1')
    await vault.set(a, 'token-for-a-2')
    expect(await vault.get(a)).toBe('token-for-a-2')
    expect(await vault.get(b)).toBe('token-for-b-1')
  })

  it('never leaves the token in plaintext in the keyring files', async () => {
    const dataDir = keyring.current().dataDir
    const snapshot = (): string =>
      existsSync(dataDir!)
        ? readdirSync(dataDir!)
            .map((name) => readFileSync(join(dataDir!, name)).toString('base64'))
            .join('|')
        : ''
    const before = snapshot()
    const id = profile('disk')
    const token = await signHmac(freshClaims('dave'), SECRET)
    await new TokenVault().set(id, token)
    // gnome-keyring rewrites the (encrypted) keyring file on change: wait for that, then look.
    await waitUntil(() => snapshot() !== before, {
      timeoutMs: 10_000,
      what: 'the keyring file to change'
    })
    expect(listFiles(dataDir!).length).toBeGreaterThan(0)
    expect(filesContaining(dataDir!, token)).toEqual([])
    expect(filesContaining(dataDir!, token.split('.')[1]!)).toEqual([])
  })

  it('rejects invalid profile ids and tokens without echoing them or touching the keychain', async () => {
    const vault = new TokenVault()
    const longId = `eyJ${'x'.repeat(70)}`
    for (const bad of ['', 'has space', 'slash/path', '../up', 'x'.repeat(65), longId, 'ümlaut']) {
      const error = await vault.get(bad).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InvalidProfileError)
      if (bad.length > 3) expect((error as Error).message).not.toContain(bad)
    }
    const id = profile('badtoken')
    for (const bad of [
      '',
      'two words',
      'line\nbreak',
      'Bearer abc.def.ghi',
      't'.repeat(16 * 1024 + 1)
    ]) {
      const error = await vault.set(id, bad).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InvalidTokenError)
      if (bad.length > 3) expect((error as Error).message).not.toContain(bad)
    }
    expect(await keytar.module.getPassword(KEYCHAIN_SERVICE, id)).toBeNull()
    expect(vault.persistent).toBe(true)
  })
})

describe('TokenVault where no keychain answers (real keytar, child process)', () => {
  skipAllIf(keyringUnavailableReason, 'keychain tests')
  let script = ''
  let build: ReturnType<typeof tempDir> | undefined

  beforeAll(async () => {
    if (keyringUnavailableReason) return
    build = tempDir('nebula-vault-child-')
    script = await bundleForNode('test/keychain/fixtures/vault-child.ts', build.path)
  })
  afterAll(() => build?.cleanup())

  const scenarios: Array<{
    name: string
    reason: RegExp
    /** False where reading a missing item from a locked Secret Service just finds nothing. */
    getFails: boolean
    command: (script: string) => [string, string[]]
    env: (home: string) => Record<string, string | undefined>
  }> = [
    {
      name: 'DBUS_SESSION_BUS_ADDRESS points to a socket that does not exist',
      reason: /no D-Bus session bus is reachable/,
      getFails: true,
      command: (s) => ['node', [s]],
      env: (home) => ({
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${home}/no-such-bus`,
        DISPLAY: undefined
      })
    },
    {
      name: 'no D-Bus session at all and no X11 display (Cannot autolaunch D-Bus)',
      reason: /no D-Bus session bus is reachable/,
      getFails: true,
      command: (s) => ['node', [s]],
      // XDG_RUNTIME_DIR too: a desktop's $XDG_RUNTIME_DIR/bus is its real session bus.
      env: (home) => ({
        DBUS_SESSION_BUS_ADDRESS: undefined,
        DISPLAY: undefined,
        XDG_RUNTIME_DIR: home
      })
    },
    {
      // A session bus whose Secret Service cannot offer an unlocked default collection (the
      // activated gnome-keyring has no login keyring and no prompter to create one).
      name: 'a D-Bus session without an unlocked keyring',
      reason: /keyring is locked or has no default collection|no Secret Service/,
      getFails: false,
      command: (s) => ['dbus-run-session', ['--', 'node', s]],
      env: (home) => ({
        DBUS_SESSION_BUS_ADDRESS: undefined,
        DISPLAY: undefined,
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CACHE_HOME: join(home, 'cache'),
        XDG_RUNTIME_DIR: undefined
      })
    }
  ]

  for (const scenario of scenarios) {
    it(`falls back to memory with a clear warning once, or throws with the fix: ${scenario.name}`, async () => {
      const home = tempDir('nebula-vault-home-')
      try {
        const token = await signHmac(freshClaims('erin', 3600), SECRET)
        const [command, args] = scenario.command(script)
        const result = await runToCompletion(command, args, {
          input: `${token}\n`,
          env: { ...nodePathEnv(), HOME: home.path, ...scenario.env(home.path) },
          timeoutMs: 60_000
        })
        expect(result.code, result.stderr).toBe(0)
        const line = result.stdout.split('\n').find((l) => l.startsWith('REPORT '))
        expect(line, result.stdout).toBeDefined()
        const report = JSON.parse(line!.slice('REPORT '.length)) as ChildReport

        // Fallback (default): works for this run, in memory, and says so.
        expect(report.persistentBefore).toBe(true)
        expect(report.set).toEqual({ persistent: false })
        expect(report.persistent).toBe(false)
        expect(report.roundtrip).toBe(true)
        expect(report.status).toMatchObject({
          present: true,
          format: 'jwt',
          subject: 'erin',
          persistent: false
        })
        expect(report.deleted).toBe(true)
        expect(report.deletedAgain).toBe(false)
        expect(report.afterDelete).toBeNull()
        expect(report.cause).toMatchObject({
          unavailable: true,
          name: 'KeychainUnavailableError'
        })
        expect(report.cause.reason).toMatch(scenario.reason)
        expect(report.cause.message).toContain(LINUX_FIX)
        expect(report.cause.message).toContain('install or unlock gnome-keyring or KWallet')
        expect(report.cause.message).toContain('D-Bus session')

        // The warning, once, on stderr (process.emitWarning), naming the fix and the memory-only store.
        const warnings = result.stderr.match(/OS keychain unavailable/g) ?? []
        expect(warnings, result.stderr).toHaveLength(1)
        expect(result.stderr).toContain('kept in memory for this run only')
        expect(result.stderr).toContain(LINUX_FIX)

        // Strict vault (what the CLI uses): a KeychainUnavailableError naming the fix.
        if (!scenario.getFails) expect(report.strictGet).toEqual({ resolved: true })
        for (const attempt of scenario.getFails
          ? [report.strictGet, report.strictSet]
          : [report.strictSet]) {
          expect(attempt).toMatchObject({ unavailable: true, name: 'KeychainUnavailableError' })
          expect(attempt.message).toMatch(/^OS keychain unavailable: /)
          expect(attempt.message).toContain(LINUX_FIX)
          expect(attempt.reason).toMatch(scenario.reason)
        }
        expect(report.strictPersistent).toBe(true)

        // The token is nowhere: not in the output, not in any file under HOME.
        expect(result.stdout).not.toContain(token)
        expect(result.stderr).not.toContain(token)
        expect(filesContaining(home.path, token)).toEqual([])
        expect(filesContaining(home.path, token.split('.')[1]!)).toEqual([])
      } finally {
        home.cleanup()
      }
    })
  }
})
