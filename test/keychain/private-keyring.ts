import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { waitUntil, withTimeout } from '../helpers/wait'

// A private D-Bus session bus with an unlocked gnome-keyring in a throwaway XDG home: the only
// Secret Service the keychain tests may ever talk to. Everything is started here from an
// environment built from scratch (PATH and nothing else is inherited), so a developer's own
// session bus, keyring and display are never reached, whatever command runs the tests.

const execFileAsync = promisify(execFile)
const TOOLS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'] as const
const SECRETS_NAME = 'org.freedesktop.secrets'

/** A running private session; `env` is what a process needs to use it (and only it). */
export interface PrivateKeyring {
  /** DBUS_SESSION_BUS_ADDRESS and the XDG directories of the throwaway home. */
  readonly env: Readonly<Record<string, string>>
  /** Where gnome-keyring keeps its (encrypted) keyring files. */
  readonly dataDir: string
  /** Stops the keyring daemon and the bus, and removes the throwaway home. */
  dispose(): Promise<void>
}

/** Why no private keyring can be started here (a tool is missing), or null when it can. */
export function privateKeyringUnavailableReason(): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  const found = (tool: string): boolean =>
    dirs.some((dir) => {
      try {
        accessSync(join(dir, tool), constants.X_OK)
        return true
      } catch {
        return false
      }
    })
  const missing = TOOLS.filter((tool) => !found(tool))
  return missing.length === 0
    ? null
    : `no private Secret Service can be started: ${missing.join(', ')} not installed (Debian: apt-get install dbus gnome-keyring)`
}

/** True once keytar's native module is loaded in this process (it then keeps its bus). */
export function keytarLoaded(): boolean {
  const cache = createRequire(import.meta.url).cache
  return Object.keys(cache).some((path) => /[\\/]node_modules[\\/]keytar[\\/]/.test(path))
}

/** Starts a bus and an unlocked keyring in a fresh temporary home. */
export async function startPrivateKeyring(): Promise<PrivateKeyring> {
  const home = mkdtempSync(join(tmpdir(), 'nebula-keyring-'))
  const runtime = join(home, 'runtime')
  for (const dir of ['data', 'cache', 'config', 'home', 'runtime']) mkdirSync(join(home, dir))
  // gnome-keyring wants a private runtime dir; without one it puts its socket under ~/.cache.
  chmodSync(runtime, 0o700)
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(home, 'home'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_RUNTIME_DIR: runtime
  }
  const children: ChildProcess[] = []
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) await stopChild(child)
    rmSync(home, { recursive: true, force: true })
  }
  try {
    // The socket lives beside (not in) the runtime dir, so "no bus in XDG_RUNTIME_DIR" stays
    // true for tests that take the address away.
    const bus = spawn(
      'dbus-daemon',
      ['--session', '--nofork', `--address=unix:path=${join(home, 'bus')}`, '--print-address=1'],
      { env: base, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    children.push(bus)
    const address = await firstLine(bus, 'dbus-daemon')
    const env = { ...base, DBUS_SESSION_BUS_ADDRESS: address }

    // --unlock reads the password on stdin and, in a fresh home, creates the default "login"
    // collection with it, unlocked; --foreground keeps it our child, so we can stop it.
    const keyring = spawn(
      'gnome-keyring-daemon',
      ['--foreground', '--unlock', '--components=secrets'],
      { env, stdio: ['pipe', 'ignore', 'pipe'] }
    )
    children.push(keyring)
    keyring.stdin!.end('nebula-test')
    const exited = new Promise<never>((_, reject) =>
      keyring.once('exit', (code) =>
        reject(new Error(`gnome-keyring-daemon exited (${code}) before it claimed the bus name`))
      )
    )
    exited.catch(() => {})
    // It claims the name a moment after starting. Wait for that (and check it is this daemon,
    // not one D-Bus activated on its own), or the first keytar call would race a locked one.
    await Promise.race([
      exited,
      waitUntil(async () => (await secretsOwnerPid(address)) === keyring.pid, {
        timeoutMs: 15_000,
        intervalMs: 50,
        what: `${SECRETS_NAME} on the private bus`
      })
    ])
    return { env, dataDir: join(base.XDG_DATA_HOME!, 'keyrings'), dispose: stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** The pid owning org.freedesktop.secrets on the bus at `address`, or null. */
async function secretsOwnerPid(address: string): Promise<number | null> {
  try {
    const { stdout } = await execFileAsync('dbus-send', [
      `--bus=${address}`,
      '--print-reply=literal',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.GetConnectionUnixProcessID',
      `string:${SECRETS_NAME}`
    ])
    const pid = Number(/uint32 (\d+)/.exec(stdout)?.[1])
    return Number.isInteger(pid) ? pid : null
  } catch {
    return null // not owned yet
  }
}

/** The first line a child prints on stdout; rejects if it exits first. */
function firstLine(child: ChildProcess, name: string): Promise<string> {
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const line = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const newline = out.indexOf('\n')
      if (newline >= 0) resolve(out.slice(0, newline).trim())
    })
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${stderr.trim()}`)))
    child.once('error', reject)
  })
  return withTimeout(line, 15_000, `${name} to print its address`)
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s; resolves once it has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  await withTimeout(exited, 5_000, 'exit').catch(async () => {
    child.kill('SIGKILL')
    await exited
  })
}
