import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { applyScheduling } from './scheduling'
import type { Scheduling } from './scheduling'

// The harness's processes talk over Node's IPC channel: plain JSON messages with a `type`.
// Each bench process is one bundled entry next to run.js in out/bench.

/** A message between the orchestrator and a bench process. */
export interface BenchMessage {
  type: string
  [key: string]: unknown
}

/** The clock every bench process shares: CLOCK_MONOTONIC in microseconds (same across processes). */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n)
}

/** Bench processes started so far (numbers the CPU profiles). */
let started = 0

/** How to start a bench process. */
export interface StartOptions {
  /** Node flags (`--expose-gc`, …). */
  execArgv?: string[]
  /** Label in errors and profile names; default the entry. */
  name?: string
  /** Real-time scheduling for latency figures (see scheduling.ts); default normal. */
  scheduling?: Scheduling
}

interface Waiter {
  type: string
  resolve: (message: BenchMessage) => void
  reject: (error: Error) => void
  timer: ReturnType<typeof setTimeout>
}

/** A bench process started by the orchestrator, with typed waits on its messages. */
export class BenchChild {
  private readonly inbox: BenchMessage[] = []
  private readonly waiters: Waiter[] = []
  private readonly listeners = new Map<string, Array<(message: BenchMessage) => void>>()
  private exited: string | undefined
  readonly stderr: string[] = []

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess
  ) {
    proc.on('message', (raw) => this.receive(raw as BenchMessage))
    proc.stderr?.setEncoding('utf8')
    proc.stderr?.on('data', (chunk: string) => {
      this.stderr.push(chunk)
      if (this.stderr.length > 200) this.stderr.shift()
    })
    proc.on('exit', (code, signal) => {
      this.exited = `exited with ${signal ?? code}`
      for (const waiter of this.waiters.splice(0)) {
        clearTimeout(waiter.timer)
        waiter.reject(this.failure(`waiting for "${waiter.type}"`))
      }
    })
  }

  /** Starts `out/bench/<entry>.js` with `args`. */
  static start(entry: string, args: string[] = [], options: StartOptions = {}): BenchChild {
    const name = options.name ?? entry
    // `npm run bench -- --profile`: every bench process writes a CPU profile (see README).
    const profileDir = process.env.NEBULA_BENCH_PROFILE_DIR
    const profile = profileDir
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${profileDir}`,
          `--cpu-prof-name=${name}-${++started}.cpuprofile`
        ]
      : []
    // Entries sit next to the orchestrator's own file (out/bench/run.js).
    const proc = fork(join(dirname(process.argv[1]!), `${entry}.js`), args, {
      execArgv: [...(options.execArgv ?? []), ...profile],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc']
    })
    applyScheduling(proc.pid, options.scheduling ?? 'normal')
    return new BenchChild(name, proc)
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  send(message: BenchMessage): void {
    if (this.exited) throw this.failure(`sending "${message.type}"`)
    this.proc.send(message)
  }

  /** The next message of `type` (already received or still to come). */
  next(type: string, timeoutMs = 60_000): Promise<BenchMessage> {
    const index = this.inbox.findIndex((m) => m.type === type)
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0]!)
    if (this.exited) return Promise.reject(this.failure(`waiting for "${type}"`))
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1)
          reject(this.failure(`no "${type}" within ${timeoutMs} ms`))
        }, timeoutMs)
      }
      this.waiters.push(waiter)
    })
  }

  /** Sends `message` and waits for the answer of type `answer`. */
  ask(message: BenchMessage, answer: string, timeoutMs?: number): Promise<BenchMessage> {
    const reply = this.next(answer, timeoutMs)
    this.send(message)
    return reply
  }

  /** Every message of `type` from now on goes to `listener` instead of the inbox. */
  on(type: string, listener: (message: BenchMessage) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }

  /** Ends the process (SIGTERM, then SIGKILL after a grace) and resolves once it is gone. */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.exited) return
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()))
    this.proc.kill('SIGTERM')
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs)
    await gone
    clearTimeout(timer)
  }

  private receive(message: BenchMessage): void {
    if (message.type === 'fatal') {
      this.stderr.push(String(message.error))
      return
    }
    const listeners = this.listeners.get(message.type)
    if (listeners) {
      for (const listener of listeners) listener(message)
      return
    }
    const index = this.waiters.findIndex((w) => w.type === message.type)
    if (index >= 0) {
      const [waiter] = this.waiters.splice(index, 1)
      clearTimeout(waiter!.timer)
      waiter!.resolve(message)
    } else {
      this.inbox.push(message)
    }
  }

  private failure(what: string): Error {
    const tail = this.stderr.join('').trim().split('\n').slice(-8).join('\n')
    const state = this.exited ? ` (${this.exited})` : ''
    return new Error(`${this.name}: ${what}${state}${tail ? `\n${tail}` : ''}`)
  }
}

/** In a bench process: the IPC side, and a fatal error reported before exiting. */
export function childChannel(onMessage: (message: BenchMessage) => void | Promise<void>): {
  send: (message: BenchMessage) => void
} {
  const send = (message: BenchMessage): void => {
    process.send?.(message)
  }
  const fatal = (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
    process.stderr.write(`${text}\n`)
    send({ type: 'fatal', error: text })
    setTimeout(() => process.exit(1), 100)
  }
  process.on('message', (message) => {
    Promise.resolve()
      .then(() => onMessage(message as BenchMessage))
      .catch(fatal)
  })
  process.on('uncaughtException', fatal)
  process.on('unhandledRejection', fatal)
  // The orchestrator going away (or stopping us) ends this process.
  process.on('disconnect', () => process.exit())
  process.on('SIGTERM', () => process.exit())
  return { send }
}
