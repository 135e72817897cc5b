import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { expect } from 'vitest'
import { EVENT_CHANNEL } from '@shared/bridge/channels'
import type { BridgeResult } from '@shared/bridge/contract'
import type { BridgeEvent, EventBatch, SessionState } from '@shared/bridge/views'
import { SpawnedProcess } from '../helpers/process'
import { waitUntil } from '../helpers/wait'

// The built main entry (out/main/index.js) in a child `node`, with `require('electron')`
// answered by the recording fake (fixtures/fake-electron.cjs via fixtures/electron-hook.cjs),
// and the records it prints parsed back; for main-wiring.test.ts and shell-wiring.test.ts.

const ROOT = resolve(__dirname, '..', '..')
export const MAIN = join(ROOT, 'out', 'main', 'index.js')
const HOOK = join(__dirname, 'fixtures', 'electron-hook.cjs')
/** The dashboard page as main serves it. */
export const PAGE_URL = 'app://nebula/index.html'

/** A JWT's first two segments: base64url of '{"' twice. Nothing like it may reach the output. */
const JWT_SHAPE = /eyJ[\w-]*\.eyJ[\w-]*/
/** What Node prints when an exception or rejection goes unhandled. */
const UNCAUGHT = /Uncaught|UnhandledPromiseRejection|unhandled rejection|^\s+at .+:\d+:\d+\)?$/m

/** One line the fake printed. */
export type CallRecord = { call: string } & Record<string, unknown>
/** A connection state from a `connection` event, with its profile. */
export type SessionStatePayload = SessionState & { profile_id: string }

/** The built main process under the fake electron, with its records parsed from stdout. */
export class MainUnderFake {
  readonly process: SpawnedProcess
  private nextId = 1
  private parsed: CallRecord[] = []
  private parsedUpTo = 0

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

  /** Every complete record so far, in order (parsed once each). */
  records(): CallRecord[] {
    const stdout = this.process.stdout
    const end = stdout.lastIndexOf('\n') + 1
    if (end > this.parsedUpTo) {
      for (const line of stdout.slice(this.parsedUpTo, end).split('\n')) {
        let value: unknown
        try {
          value = JSON.parse(line)
        } catch {
          continue // main's own stdout output, if any; the records are what the test reads
        }
        if (typeof value === 'object' && value !== null && 'call' in value) {
          this.parsed.push(value as CallRecord)
        }
      }
      this.parsedUpTo = end
    }
    return this.parsed
  }

  /** The event batches sent to the window, in order. */
  batches(): EventBatch[] {
    return this.records()
      .filter((r) => r.call === 'send' && r.channel === EVENT_CHANNEL)
      .map((r) => r.payload as EventBatch)
  }

  /** Every event of type `type` sent to the window, in order. */
  events<T extends BridgeEvent['type']>(type: T): Array<Extract<BridgeEvent, { type: T }>> {
    return this.batches()
      .flatMap((batch) => batch.events)
      .filter((event): event is Extract<BridgeEvent, { type: T }> => event.type === type)
  }

  /** The connection states sent to the window, in order. */
  sessionStates(): SessionStatePayload[] {
    return this.events('connection').map((e) => ({ ...e.state, profile_id: e.profile_id }))
  }

  /** The distinct connection states of `profileId`, in order. */
  stateTransitions(profileId?: string): string[] {
    const states = this.sessionStates()
      .filter((s) => profileId === undefined || s.profile_id === profileId)
      .map((s) => s.state)
    return states.filter((state, i) => i === 0 || state !== states[i - 1])
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
      throw new Error(`${message}\nlast records:\n${this.process.stdout.slice(-6000)}`)
    })
    return found!
  }

  /** Waits for a connection event in `state` (of `profileId`, when given). */
  async waitForState(
    state: string,
    timeoutMs = 30_000,
    profileId?: string
  ): Promise<SessionStatePayload> {
    let found: SessionStatePayload | undefined
    await this.waitForRecord(
      () => {
        found = this.sessionStates().find(
          (s) => s.state === state && (profileId === undefined || s.profile_id === profileId)
        )
        return found !== undefined
      },
      `connection state '${state}'${profileId ? ` of ${profileId}` : ''}`,
      timeoutMs
    )
    return found!
  }

  /** Sends one command to the fake (see fake-electron.cjs and fake-electron-shell.cjs). */
  command(command: Record<string, unknown>): void {
    this.process.child.stdin!.write(`${JSON.stringify(command)}\n`)
  }

  /**
   * Invokes `channel` through the handler main registered, as a frame showing `frameUrl`
   * (default: the dashboard page); `ok` is false only when the handler threw.
   */
  async invoke(
    channel: string,
    options: {
      frameUrl?: string
      subframe?: boolean
      foreignSender?: boolean
      args?: unknown[]
    } = {}
  ): Promise<{ ok: boolean; value?: BridgeResult<unknown>; error?: string }> {
    const id = this.nextId++
    this.command({ cmd: 'invoke', id, channel, frameUrl: PAGE_URL, ...options })
    const result = await this.waitForRecord(
      (r) => r.call === 'invoke.result' && r.id === id,
      `the answer to invoke #${id} (${channel})`
    )
    return result as unknown as { ok: boolean; value?: BridgeResult<unknown>; error?: string }
  }

  /** Invokes a command with one request and returns its BridgeResult. */
  async request(channel: string, request?: unknown): Promise<BridgeResult<unknown>> {
    const answer = await this.invoke(channel, { args: request === undefined ? [] : [request] })
    if (!answer.ok) throw new Error(`${channel} threw: ${answer.error}`)
    return answer.value!
  }

  /** Fetches `url` through main's app:// handler. */
  async fetch(
    url: string,
    method = 'GET'
  ): Promise<{ status: number; headers: Record<string, string>; body: string; length: number }> {
    const id = this.nextId++
    this.command({ cmd: 'fetch', id, url, method })
    const result = await this.waitForRecord(
      (r) => r.call === 'fetch.result' && r.id === id,
      `the answer to fetch #${id} (${url})`
    )
    if (typeof result.error === 'string') throw new Error(`fetch ${url}: ${result.error}`)
    return result as unknown as {
      status: number
      headers: Record<string, string>
      body: string
      length: number
    }
  }

  /** Asserts the run so far leaked no token and had no unhandled exception. */
  expectCleanOutput(): void {
    // A boolean, so a failure never echoes the token into the test report.
    expect(JWT_SHAPE.test(this.process.output), 'a JWT-shaped string in the output').toBe(false)
    expect(this.process.stderr, 'an uncaught exception in stderr').not.toMatch(UNCAUGHT)
  }
}
