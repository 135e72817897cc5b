import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

// Shared by the keychain tests: the skip rule, building a TypeScript entry into a Node script a
// child process can run (real keytar, real environment), running it, and scanning files.

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** Set by scripts/with-keyring.sh where no keyring daemon is installed. */
export const keyringUnavailableReason = process.env.NEBULA_KEYRING_UNAVAILABLE
/** Set by scripts/with-keyring.sh inside its D-Bus session with an unlocked gnome-keyring. */
export const inKeyringSession = process.env.NEBULA_IN_KEYRING_SESSION === '1'

if (keyringUnavailableReason) {
  console.warn(`keychain tests skipped: ${keyringUnavailableReason}`)
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

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Written to stdin, which is then closed. */
  input?: string
  /** Merged over process.env; undefined removes a variable. */
  env?: Record<string, string | undefined>
  timeoutMs?: number
}

/** Runs a command to completion with piped stdio; rejects (after SIGKILL) on timeout. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries({ ...process.env, ...options.env })) {
    if (value !== undefined) env[key] = value
  }
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.on('error', () => {}) // the child may exit before reading everything
  child.stdin.end(options.input ?? '')
  const timeoutMs = options.timeoutMs ?? 30_000
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(
          `${command} ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr: ${stderr}`
        )
      )
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolvePromise({ code, signal, stdout, stderr })
    })
  })
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
