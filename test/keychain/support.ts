import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll } from 'vitest'
import { build } from 'vite'
import {
  keytarLoaded,
  privateKeyringUnavailableReason,
  startPrivateKeyring,
  type PrivateKeyring
} from './private-keyring'

// Shared by the keychain tests: the private keyring every test file starts for itself, building
// a TypeScript entry into a Node script a child process can run (real keytar, real
// environment), and scanning files.

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** Why the keychain tests cannot run here (they skip, saying so), or null when they can. */
export const keyringUnavailableReason = privateKeyringUnavailableReason()

// From the moment this module loads, nothing in this process (or a child it starts) can reach
// the developer's session: no display to autolaunch a bus on, and an address that leads
// nowhere until usePrivateKeyring() points it at the private bus. Vitest runs each test file
// in its own process, so these changes stay within the keychain test files.
for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS']) {
  delete process.env[name]
}
process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(tmpdir(), `nebula-no-bus-${process.pid}`)}`

/**
 * Starts this file's private bus and keyring before its tests and stops it after them, with
 * process.env pointing at it in between; `current()` is the running keyring. Refuses to run if
 * keytar was loaded before (it would keep whatever bus it found then).
 */
export function usePrivateKeyring(): { current(): PrivateKeyring } {
  let keyring: PrivateKeyring | undefined
  beforeAll(async () => {
    if (keyringUnavailableReason) return
    if (keytarLoaded()) {
      throw new Error('keytar was loaded before the private keyring started; refusing to run')
    }
    keyring = await startPrivateKeyring()
    Object.assign(process.env, keyring.env)
  }, 30_000)
  afterAll(async () => {
    await keyring?.dispose()
  })
  return {
    current() {
      if (!keyring) throw new Error('the private keyring is not running')
      return keyring
    }
  }
}

/** A throwaway directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}

/** Bundles a TypeScript entry (and what it imports from src) into one CommonJS file. */
export async function bundleForNode(entry: string, outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: repoRoot,
    build: {
      ssr: resolve(repoRoot, entry),
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      rolldownOptions: { output: { format: 'cjs', entryFileNames: 'entry.cjs' } }
    }
  })
  return join(outDir, 'entry.cjs')
}

/** Environment for a bundled script outside the repo: resolve keytar and jose from the repo. */
export function nodePathEnv(): Record<string, string> {
  return { NODE_PATH: join(repoRoot, 'node_modules') }
}

/** Every regular file under `dir` (recursively) whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = []
  const walk = (path: string): void => {
    const stats = statSync(path, { throwIfNoEntry: false })
    if (!stats) return
    if (stats.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name))
    } else if (stats.isFile() && readFileSync(path).includes(needle)) {
      hits.push(path)
    }
  }
  walk(dir)
  return hits
}

/** Every regular file under `dir`, for showing that a scan looked at something. */
export function listFiles(dir: string): string[] {
  const files: string[] = []
  const walk = (path: string): void => {
    const stats = statSync(path, { throwIfNoEntry: false })
    if (!stats) return
    if (stats.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name))
    else if (stats.isFile()) files.push(path)
  }
  walk(dir)
  return files
}

/** A profile id no other test (or earlier run) uses. */
export function uniqueProfile(label: string): string {
  return `test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`
}
