import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { skipWith } from '../helpers/skip'
import { killStartedProcesses, spawnProcess } from '../helpers/process'
import { waitUntil } from '../helpers/wait'
import {
  ELECTRON_VERSION,
  ElectronMirror,
  installerEnv,
  makeProject,
  makeZip,
  ZIP_NAME
} from './fixtures/electron-mirror'

// `npm start` / `npm run dev` / `npm run dist` run scripts/start-electron.js. These tests run
// that script (a copy, in a throwaway project whose node_modules/electron has no binary) with
// Electron's REAL installer against loopback mirrors: one that is not there, one that answers
// 404, one that never answers, one that serves a (small, fake) Electron zip. Nothing here can
// reach the internet or touch the real node_modules/electron.

type Project = ReturnType<typeof makeProject>
const cleanups: Array<() => unknown> = []

afterEach(async () => {
  await killStartedProcesses()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function project(): Project {
  const made = makeProject()
  cleanups.push(made.dispose)
  return made
}

async function mirror(...args: Parameters<typeof ElectronMirror.start>): Promise<ElectronMirror> {
  const started = await ElectronMirror.start(...args)
  cleanups.push(() => started.close())
  return started
}

/** A loopback URL where nothing listens (bound once to pick the port, then closed). */
async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  await new Promise<void>((done) => server.close(() => done()))
  if (address === null || typeof address === 'string') throw new Error('no port assigned')
  return `http://127.0.0.1:${address.port}/`
}

/** Runs the project's start script to its end (bounded) and returns what it printed. */
async function runStart(
  at: Project,
  command: string,
  env: Record<string, string | undefined>
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnProcess(
    process.execPath,
    [join(at.dir, 'scripts', 'start-electron.js'), command],
    {
      cwd: at.dir,
      env
    }
  )
  const exit = await child.waitForExit(30_000)
  return { code: exit.code, stdout: child.stdout, stderr: child.stderr }
}

/** What every "cannot have Electron" message must say, whatever failed. */
function expectPlainExplanation(stderr: string, what: string): void {
  expect(stderr).toContain(
    `nebula-desktop: cannot ${what}: Electron's binary (${ELECTRON_VERSION})`
  )
  expect(stderr).toMatch(/What failed: .+\./)
  expect(stderr).toContain('ELECTRON_MIRROR')
  expect(stderr).toContain('ELECTRON_OVERRIDE_DIST_PATH')
  expect(stderr).toContain('node bin/nebula-desktop.js watch --local --format pretty')
  expect(stderr).toContain('npm run ui')
  expect(stderr).toContain('node bin/nebula-desktop.js ui --local --open')
  // No stack trace and no raw installer dump.
  expect(stderr).not.toMatch(/^\s+at .+[:(]/m)
  expect(stderr).not.toContain('node:internal')
}

describe('scripts/start-electron.js without a reachable Electron download', () => {
  it('explains, with exit code 1, when the download cannot connect (no network)', async () => {
    const at = project()
    const result = await runStart(
      at,
      'preview',
      installerEnv(await closedPortUrl(), join(at.dir, 'cache'))
    )
    expect(result.code).toBe(1)
    expectPlainExplanation(result.stderr, 'start the desktop app')
    expect(result.stderr).toMatch(
      /What failed: the download from 127\.0\.0\.1 failed: fetch failed/
    )
    // Nothing half-installed is left behind for electron-vite to trip over.
    expect(existsSync(join(at.electronDir, 'path.txt'))).toBe(false)
    expect(existsSync(join(at.electronDir, 'dist'))).toBe(false)
  })

  it('says the download host does not resolve when it does not (the build machines here)', async () => {
    const at = project()
    // .invalid never resolves (RFC 6761): the same failure as a machine without DNS.
    const env = installerEnv('http://electron-mirror.invalid/', join(at.dir, 'cache'))
    const result = await runStart(at, 'dev', env)
    expect(result.code).toBe(1)
    expectPlainExplanation(result.stderr, 'start the desktop app in development mode')
    expect(result.stderr).toContain('electron-mirror.invalid cannot be resolved')
  })

  it('names the HTTP failure when the mirror does not have the release', async () => {
    const at = project()
    const site = await mirror('not-found')
    const result = await runStart(at, 'dist', installerEnv(site.url, join(at.dir, 'cache')))
    expect(result.code).toBe(1)
    expectPlainExplanation(result.stderr, 'package the desktop app')
    expect(result.stderr).toMatch(
      /What failed: the download from 127\.0\.0\.1 failed: Response code 404/
    )
    expect(site.requests.some((url) => url.endsWith(ZIP_NAME))).toBe(true)
  })

  it('gives up on a download that never answers, and leaves no installer running', async () => {
    const at = project()
    const site = await mirror('stall')
    const env = installerEnv(site.url, join(at.dir, 'cache'), {
      NEBULA_ELECTRON_INSTALL_TIMEOUT_MS: '2000'
    })
    const result = await runStart(at, 'preview', env)
    expect(result.code).toBe(1)
    expectPlainExplanation(result.stderr, 'start the desktop app')
    expect(result.stderr).toContain('did not finish within 2 s')
    expect(site.requests.length).toBeGreaterThan(0)
    // The killed installer's connection closes: the stalled download is abandoned, not left on.
    await waitUntil(() => site.openConnections() === 0, {
      timeoutMs: 10_000,
      what: 'the stalled download connection to close'
    })
  })

  it('explains an ELECTRON_OVERRIDE_DIST_PATH that holds no Electron, without downloading', async () => {
    const at = project()
    const site = await mirror('not-found')
    const empty = join(at.dir, 'no-electron-here')
    mkdirSync(empty)
    const env = installerEnv(site.url, join(at.dir, 'cache'), {
      ELECTRON_OVERRIDE_DIST_PATH: empty
    })
    const result = await runStart(at, 'preview', env)
    expect(result.code).toBe(1)
    expectPlainExplanation(result.stderr, 'start the desktop app')
    expect(result.stderr).toContain(`ELECTRON_OVERRIDE_DIST_PATH is ${empty}`)
    expect(site.requests).toEqual([])
  })

  it('answers an unknown command with its usage and exit code 2', async () => {
    const at = project()
    const result = await runStart(at, 'launch', {})
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('usage: node scripts/start-electron.js preview|dev|dist')
  })
})

interface EnsureResult {
  ok: boolean
  binary?: string
  via?: string
  distDir?: string
  reason?: string
}
type EnsureElectron = (options: {
  root: string
  env?: Record<string, string | undefined>
  log?: (line: string) => void
}) => Promise<EnsureResult>

/** The project copy's own provisioning module (so its node_modules/electron is the one used). */
function ensureIn(at: Project): EnsureElectron {
  const load = createRequire(join(at.dir, 'scripts', 'start-electron.js'))
  return (load('./electron-binary.js') as { ensureElectron: EnsureElectron }).ensureElectron
}

function envWith(overrides: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries({ ...process.env, ...overrides })) {
    if (value !== undefined) env[key] = value
  }
  return env
}

describe('ensureElectron (scripts/electron-binary.js) with a reachable download', () => {
  const executable = process.platform === 'win32' ? 'electron.exe' : 'electron'

  it('installs once with the package installer, then finds the binary without downloading', async (context) => {
    if (process.platform === 'darwin') {
      return skipWith(context, 'the fake Electron zip is laid out for Linux and Windows, not macOS')
    }
    const at = project()
    const zip = makeZip({
      [executable]: '#!/bin/sh\necho fake electron\n',
      version: `v${ELECTRON_VERSION}`
    })
    const site = await mirror('serve', zip)
    const env = envWith(installerEnv(site.url, join(at.dir, 'cache')))
    const ensure = ensureIn(at)
    const lines: string[] = []

    const first = await ensure({ root: at.dir, env, log: (line) => lines.push(line) })
    expect(first).toMatchObject({ ok: true, via: 'installed' })
    expect(first.binary).toBe(join(at.electronDir, 'dist', executable))
    expect(readFileSync(first.binary!, 'utf8')).toContain('fake electron')
    expect(readFileSync(join(at.electronDir, 'path.txt'), 'utf8')).toBe(executable)
    expect(lines[0]).toContain(`Electron ${ELECTRON_VERSION} is not installed yet`)
    const asked = site.requests.length
    expect(site.requests.some((url) => url.endsWith(ZIP_NAME))).toBe(true)

    const second = await ensure({ root: at.dir, env, log: (line) => lines.push(line) })
    expect(second).toMatchObject({ ok: true, via: 'installed', binary: first.binary })
    expect(site.requests.length, 'no second download').toBe(asked)
    expect(lines).toHaveLength(1)
  })

  it('uses ELECTRON_OVERRIDE_DIST_PATH when it holds an Electron, without downloading', async () => {
    const at = project()
    const site = await mirror('not-found')
    const dist = join(at.dir, 'my-electron')
    mkdirSync(join(dist, 'Electron.app', 'Contents', 'MacOS'), { recursive: true })
    const relative =
      process.platform === 'darwin'
        ? join('Electron.app', 'Contents', 'MacOS', 'Electron')
        : executable
    writeFileSync(join(dist, relative), 'binary')
    const env = envWith(
      installerEnv(site.url, join(at.dir, 'cache'), { ELECTRON_OVERRIDE_DIST_PATH: dist })
    )
    const result = await ensureIn(at)({ root: at.dir, env, log: () => {} })
    expect(result).toMatchObject({
      ok: true,
      via: 'ELECTRON_OVERRIDE_DIST_PATH',
      binary: join(dist, relative),
      distDir: dist
    })
    expect(site.requests).toEqual([])
  })
})
