import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { withTimeout } from './wait'

// Spawns a real child process and collects its output, for CLI tests.

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface SpawnOptions {
  cwd?: string
  /** Merged over process.env; a key set to undefined is removed. */
  env?: Record<string, string | undefined>
  /** Written to stdin, which is then closed (default: no stdin at all). */
  input?: string | Buffer
}

/** A running child process with its stdout and stderr accumulated. */
export class SpawnedProcess {
  stdout = ''
  stderr = ''
  readonly exited: Promise<ExitInfo>
  private exitInfo: ExitInfo | undefined
  private listeners: Array<() => void> = []

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8')
    child.stderr?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk
      this.notify()
    })
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk
      this.notify()
    })
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.on('close', (code, signal) => {
        this.exitInfo = { code, signal }
        resolve(this.exitInfo)
        this.notify()
      })
    })
  }

  /** stdout followed by stderr. */
  get output(): string {
    return `${this.stdout}${this.stderr}`
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.exitInfo === undefined
  }

  /** Resolves with the first match of `pattern` in stdout or stderr; rejects on exit or timeout. */
  waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = this.stdout.match(pattern) ?? this.stderr.match(pattern)
        if (match) {
          done()
          resolve(match)
          return true
        }
        if (this.exitInfo) {
          done()
          reject(
            new Error(
              `process exited (${this.exitInfo.code ?? this.exitInfo.signal}) before printing ${pattern}; stderr: ${this.stderr.slice(0, 500)}`
            )
          )
          return true
        }
        return false
      }
      const timer = setTimeout(() => {
        done()
        reject(
          new Error(`no ${pattern} within ${timeoutMs} ms; stderr: ${this.stderr.slice(0, 500)}`)
        )
      }, timeoutMs)
      const listener = (): void => {
        check()
      }
      const done = (): void => {
        clearTimeout(timer)
        this.listeners = this.listeners.filter((l) => l !== listener)
      }
      if (!check()) this.listeners.push(listener)
    })
  }

  /** Resolves with the exit code/signal, rejecting if it takes longer than `timeoutMs`. */
  waitForExit(timeoutMs = 10_000): Promise<ExitInfo> {
    return withTimeout(this.exited, timeoutMs, 'process exit')
  }

  /** Sends `signal` to this process (by its pid) if it is still running. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.running) this.child.kill(signal)
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener()
  }
}

const started = new Set<SpawnedProcess>()

/** Starts `command args` with piped output. */
export function spawnProcess(
  command: string,
  args: string[],
  options: SpawnOptions = {}
): SpawnedProcess {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries({ ...process.env, ...options.env })) {
    if (value !== undefined) env[key] = value
  }
  const stdin = options.input === undefined ? 'ignore' : 'pipe'
  const child = spawn(command, args, { cwd: options.cwd, env, stdio: [stdin, 'pipe', 'pipe'] })
  if (options.input !== undefined) {
    child.stdin!.on('error', () => {}) // it may stop reading early (a bounded reader)
    child.stdin!.end(options.input)
  }
  const spawned = new SpawnedProcess(child)
  started.add(spawned)
  return spawned
}

/** Kills (SIGKILL, by pid) every process started here that is still running, and waits for it. */
export async function killStartedProcesses(): Promise<void> {
  const all = [...started]
  started.clear()
  for (const p of all) p.kill('SIGKILL')
  await Promise.all(all.map((p) => p.exited))
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
export function runToCompletion(
  command: string,
  args: string[],
  options: RunOptions = {}
): Promise<RunResult> {
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
