import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { expect } from 'vitest'
import type { SessionState } from '@shared/bridge/contract'
import { SpawnedProcess } from '../helpers/process'
import { waitUntil } from '../helpers/wait'

// The built main entry (out/main/index.js) in a child `node`, with `require('electron')`
// answered by the recording fake (fixtures/fake-electron.cjs via fixtures/electron-hook.cjs),
// and the records it prints parsed back; for main-wiring.test.ts.

const ROOT = resolve(__dirname, '..', '..')
export const MAIN = join(ROOT, 'out', 'main', 'index.js')
const HOOK = join(__dirname, 'fixtures', 'electron-hook.cjs')

/** A JWT's first two segments: base64url of '{"' twice. Nothing like it may reach the output. */
const JWT_SHAPE = /eyJ[\w-]*\.eyJ[\w-]*/
/** What Node prints when an exception or rejection goes unhandled. */
const UNCAUGHT = /Uncaught|UnhandledPromiseRejection|unhandled rejection|^\s+at .+:\d+:\d+\)?$/m

/** One line the fake printed. */
export type CallRecord = { call: string } & Record<string, unknown>
/** What main sends on session:state (read from the fake's output, so not re-validated). */
export type SessionStatePayload = SessionState

/** The built main process under the fake electron, with its records parsed from stdout. */
export class MainUnderFake {
  readonly process: SpawnedProcess
  private nextInvokeId = 1

  constructor(env: Record<string, string | undefined>) {
    const merged: Record<string, string> = {}
    for (const [key, value] of Object.entries({ ...process.env, ...env })) {
      if (value !== undefined) merged[key] = value
    }
    const child = spawn(process.execPath, ['--require', HOOK, MAIN], {
      cwd: ROOT,
      env: merged,
      stdio: ['pipe', 'pipe', 'pipe']
    })
    // The fake stops reading stdin when its main loop ends; a late write must not throw here.
    child.stdin.on('error', () => {})
    this.process = new SpawnedProcess(child)
  }

  /** Every complete record so far, in order. */
  records(): CallRecord[] {
    const lines = this.process.stdout.split('\n').slice(0, -1)
    const records: CallRecord[] = []
    for (const line of lines) {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        continue // main's own stdout output, if any; the records are what the test reads
      }
      if (typeof value === 'object' && value !== null && 'call' in value) {
        records.push(value as CallRecord)
      }
    }
    return records
  }

  /** The session:state payloads sent to the window, in order. */
  sessionStates(): SessionStatePayload[] {
    return this.records()
      .filter((r) => r.call === 'send' && r.channel === 'session:state')
      .map((r) => r.payload as SessionStatePayload)
  }

  /**
   * The distinct states in order: a payload equal to the one before it is a page-load replay
   * (EventPublisher resends the latest state on did-finish-load), not a new transition.
   */
  stateTransitions(): string[] {
    const payloads = this.sessionStates().map((s) => JSON.stringify(s))
    return payloads
      .filter((payload, i) => i === 0 || payload !== payloads[i - 1])
      .map((payload) => (JSON.parse(payload) as SessionStatePayload).state)
  }

  /** Waits for a record matching `predicate`; the timeout message shows what did arrive. */
  async waitForRecord(
    predicate: (record: CallRecord) => boolean,
    what: string,
    timeoutMs = 30_000
  ): Promise<CallRecord> {
    let found: CallRecord | undefined
    await waitUntil(
      () => {
        found = this.records().find(predicate)
        if (!found && !this.process.running) {
          throw new Error(`main exited before ${what}; stderr: ${this.process.stderr}`)
        }
        return found !== undefined
      },
      { timeoutMs, intervalMs: 25, what }
    ).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error)
      throw new Error(`${message}\nrecords so far:\n${this.process.stdout}`)
    })
    return found!
  }

  /** Waits for a session:state payload in `state`. */
  async waitForState(state: string, timeoutMs = 30_000): Promise<SessionStatePayload> {
    const record = await this.waitForRecord(
      (r) =>
        r.call === 'send' &&
        r.channel === 'session:state' &&
        (r.payload as SessionStatePayload).state === state,
      `session:state '${state}'`,
      timeoutMs
    )
    return record.payload as SessionStatePayload
  }

  /** Sends one command to the fake (see fake-electron.cjs). */
  command(command: Record<string, unknown>): void {
    this.process.child.stdin!.write(`${JSON.stringify(command)}\n`)
  }

  /** Invokes `channel` through the handler main registered, as a frame showing `frameUrl`. */
  async invoke(
    channel: string,
    frameUrl: string,
    options: { subframe?: boolean; args?: unknown[] } = {}
  ): Promise<{ ok: boolean; value?: unknown; error?: string }> {
    const id = this.nextInvokeId++
    this.command({ cmd: 'invoke', id, channel, frameUrl, ...options })
    const result = await this.waitForRecord(
      (r) => r.call === 'invoke.result' && r.id === id,
      `the answer to invoke #${id} (${channel})`
    )
    return result as unknown as { ok: boolean; value?: unknown; error?: string }
  }

  /** Asserts the run so far leaked no token and had no unhandled exception. */
  expectCleanOutput(): void {
    // A boolean, so a failure never echoes the token into the test report.
    expect(JWT_SHAPE.test(this.process.output), 'a JWT-shaped string in the output').toBe(false)
    expect(this.process.stderr, 'an uncaught exception in stderr').not.toMatch(UNCAUGHT)
  }
}
