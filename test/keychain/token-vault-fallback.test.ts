import { describe, expect, it } from 'vitest'
import { KeychainUnavailableError } from '@main/core/keychain-errors'
import type { KeychainBackend } from '@main/core/keytar-loader'
import { TokenVault } from '@main/core/token-vault'

// The vault's fallback rules against small fake keychains (no Secret Service involved): when it
// falls back to memory, how often it warns, what it throws with `fallback: 'none'`, timeouts,
// and that no message ever carries the token. The real keychain: token-vault.test.ts.

const LINUX_FIX = 'apt-get install gnome-keyring dbus'

describe('TokenVault fallback rules (fake backend)', () => {
  const token = 'fake-backend-token-abcdef123456'

  function failingBackend(message: string): KeychainBackend & { calls: number } {
    const backend = {
      calls: 0,
      async getPassword(): Promise<string | null> {
        backend.calls += 1
        throw new Error(message)
      },
      async setPassword(): Promise<void> {
        backend.calls += 1
        throw new Error(message)
      },
      async deletePassword(): Promise<boolean> {
        backend.calls += 1
        throw new Error(message)
      }
    }
    return backend
  }

  it('warns once, stays in memory for the rest of the run, and never retries the keychain', async () => {
    const backend = failingBackend(
      'The name org.freedesktop.secrets was not provided by any .service files'
    )
    const warnings: KeychainUnavailableError[] = []
    const vault = new TokenVault({ backend, onWarning: (w) => warnings.push(w), platform: 'linux' })
    expect(await vault.get('p1')).toBeNull()
    expect(await vault.set('p1', token)).toEqual({ persistent: false })
    expect(await vault.set('p2', `${token}-2`)).toEqual({ persistent: false })
    expect(await vault.get('p1')).toBe(token)
    expect(await vault.delete('p2')).toBe(true)
    expect(backend.calls).toBe(1)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.reason).toMatch(/no Secret Service \(gnome-keyring or KWallet\) is running/)
    expect(warnings[0]!.message).toContain(LINUX_FIX)
    expect(vault.unavailable?.fix).toContain('install or unlock gnome-keyring or KWallet')
  })

  it('throws with fallback none, every time, and stays persistent', async () => {
    const backend = failingBackend('Cannot create an item in a locked collection')
    const vault = new TokenVault({
      backend,
      fallback: 'none',
      onWarning: () => expect.fail('no warning')
    })
    for (let i = 0; i < 2; i += 1) {
      const error = await vault.set('p', token).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(KeychainUnavailableError)
      expect((error as KeychainUnavailableError).reason).toBe(
        'the keyring is locked or has no default collection'
      )
    }
    expect(backend.calls).toBe(2)
    expect(vault.persistent).toBe(true)
  })

  it('redacts the token should the keychain library ever echo it', async () => {
    const vault = new TokenVault({
      backend: failingBackend(`refused secret ${token} for you`),
      fallback: 'none'
    })
    const error = (await vault.set('p', token).catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(KeychainUnavailableError)
    expect(error.message).not.toContain(token)
    expect(error.message).toContain('[redacted]')
  })

  it('turns a native module that cannot be loaded into a clear error', async () => {
    const vault = new TokenVault({
      backend: () => {
        throw new Error("Cannot find module '../build/Release/keytar.node'")
      },
      fallback: 'none'
    })
    const error = (await vault.get('p').catch((e: unknown) => e)) as KeychainUnavailableError
    expect(error).toBeInstanceOf(KeychainUnavailableError)
    expect(error.message).toMatch(/OS keychain unavailable: .*keytar.*Fix: .*npm rebuild keytar/)
  })

  it('gives up on a keychain that never answers', async () => {
    const hanging: KeychainBackend = {
      getPassword: () => new Promise(() => {}),
      setPassword: () => new Promise(() => {}),
      deletePassword: () => new Promise(() => {})
    }
    const warnings: string[] = []
    const vault = new TokenVault({
      backend: hanging,
      timeoutMs: 50,
      onWarning: (w) => warnings.push(w.message)
    })
    expect(await vault.set('p', token)).toEqual({ persistent: false })
    expect(await vault.get('p')).toBe(token)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('the keychain did not answer')
  })

  it('phrases the fix for macOS and Windows too', async () => {
    for (const [platform, fix] of [
      ['darwin', /login keychain/],
      ['win32', /Credential Manager/]
    ] as const) {
      const vault = new TokenVault({ backend: failingBackend('nope'), fallback: 'none', platform })
      const error = (await vault.get('p').catch((e: unknown) => e)) as KeychainUnavailableError
      expect(error.fix).toMatch(fix)
    }
  })
})
