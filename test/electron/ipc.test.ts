import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { BridgeHost } from '@main/app/bridge-host'
import type { BridgeHandlers } from '@main/app/bridge-host'
import { registerBridgeIpc } from '@main/electron/ipc'
import { createRendererUrlCheck } from '@main/electron/renderer-source'
import { EVENT_CHANNEL, InvokeChannel, invokeContract } from '@shared/bridge'
import type { EventBatch, InvokeMethod, InvokeRequest } from '@shared/bridge'
import type { Disposer } from '@shared/disposable'

// The Electron IPC adapter over the REAL BridgeHost (contract validation) with handlers that
// record what reaches them, against small fakes of ipcMain, WebContents and frames. ipc.ts
// imports Electron's types only, so its checks run here under plain Node.

type InvokeListener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown

/** Records `handle`/`removeHandler` like ipcMain, and lets a test invoke a channel. */
class FakeIpcMain {
  readonly handlers = new Map<string, InvokeListener>()
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  async invoke(channel: string, event: FakeEvent, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel)
    if (!listener) throw new Error(`no handler for ${channel}`)
    return listener(event as unknown as IpcMainInvokeEvent, ...args)
  }
  asIpcMain(): IpcMain {
    return this as unknown as IpcMain
  }
}

interface FakeFrame {
  url: string
  parent: FakeFrame | null
}
interface FakeEvent {
  sender: FakeWebContents
  senderFrame: FakeFrame | null
}

/** Records what `send` delivers, like a window's WebContents. */
class FakeWebContents extends EventEmitter {
  readonly sent: Array<{ channel: string; payload: unknown }> = []
  destroyed = false
  url = PAGE
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  getURL(): string {
    return this.url
  }
  asWebContents(): WebContents {
    return this as unknown as WebContents
  }
}

const PAGE = 'app://nebula/index.html'
const isTrustedUrl = createRendererUrlCheck({
  kind: 'app',
  url: PAGE,
  rootDir: '/app/out/renderer'
})

/** One valid request per command (typed: a new command without an example fails to compile). */
const VALID: { [M in InvokeMethod]: InvokeRequest<M> } = {
  getInfo: undefined,
  getSnapshot: undefined,
  signIn: { profile_id: 'prod', token: 'opaque-token-value' },
  signOut: { profile_id: 'prod' },
  saveProfile: { profile: { name: 'Prod', server_url: 'https://nebula.example.com' } },
  removeProfile: { profile_id: 'prod' },
  switchProfile: { profile_id: 'prod' },
  testConnection: { server_url: 'https://nebula.example.com' },
  setLocalDevMode: { enabled: true },
  executeWorkflow: { profile_id: 'prod', workflow_id: 'wf_1', input: { a: 1 } },
  cancelExecution: { profile_id: 'prod', execution_id: 'exec_1' },
  getExecution: { profile_id: 'prod', execution_id: 'exec_1' },
  listExecutions: { profile_id: 'prod' },
  followLogs: { profile_id: 'prod', execution_id: 'exec_1' },
  unfollowLogs: { profile_id: 'prod', execution_id: 'exec_1' },
  reconnect: {},
  markFailuresSeen: {},
  setNotificationPrefs: { pause: '1h' },
  updateSettings: { close_to_tray: false }
}

/** One invalid request per command, and the field the error must name. */
const INVALID: { [M in InvokeMethod]: [unknown, string] } = {
  getInfo: [{ x: 1 }, 'request'],
  getSnapshot: ['snapshot please', 'request'],
  signIn: [{ profile_id: 'prod', token: 'has spaces in it' }, 'token'],
  signOut: [{ profile_id: '../etc' }, 'profile_id'],
  saveProfile: [{ profile: { name: 'P', server_url: 'ftp://x' } }, 'profile.server_url'],
  removeProfile: [{}, 'profile_id'],
  switchProfile: [{ profile_id: 42 }, 'profile_id'],
  testConnection: [{ server_url: 'not a url' }, 'server_url'],
  setLocalDevMode: [{ enabled: 'yes' }, 'enabled'],
  executeWorkflow: [{ profile_id: 'prod', workflow_id: '' }, 'workflow_id'],
  cancelExecution: [{ profile_id: 'prod' }, 'execution_id'],
  getExecution: [{ execution_id: 'exec_1' }, 'profile_id'],
  listExecutions: [{ profile_id: 'prod', limit: 1000 }, 'limit'],
  followLogs: [null, 'request'],
  unfollowLogs: [{ profile_id: 'prod', execution_id: 7 }, 'execution_id'],
  reconnect: [{ profile_id: '' }, 'profile_id'],
  markFailuresSeen: [{ failures: 'all' }, 'failures'],
  setNotificationPrefs: [{ pause: 'forever' }, 'pause'],
  updateSettings: [{ close_to_tray: 'no' }, 'close_to_tray']
}

/** A valid answer per command, so the host's response check passes. */
function answerFor(method: InvokeMethod): unknown {
  const token = { present: true, storage: 'keychain', expired: false, expiring_soon: false }
  const execution = { profile_id: 'prod', id: 'exec_1', workflow_id: 'wf_1', status: 'running' }
  const info = {
    name: 'Nebula Desktop',
    version: '1.2.3',
    platform: 'linux',
    transport: 'electron'
  }
  const settings = {
    active_profile_id: null,
    local_dev_mode: true,
    notifications: { paused_until: null, muted: [], singles_per_minute: 3, notify_recovered: true },
    launch_at_login: false,
    close_to_tray: true
  }
  const answers: Record<InvokeMethod, unknown> = {
    getInfo: info,
    getSnapshot: {
      seq: 0,
      info,
      settings,
      profiles: [],
      executions: [],
      workflows: [],
      failures: [],
      notices: []
    },
    signIn: token,
    signOut: { ...token, present: false },
    saveProfile: {
      id: 'prod',
      name: 'Prod',
      server_url: 'https://nebula.example.com',
      enabled: true,
      auth_method: 'query',
      allow_insecure: false,
      local: false,
      token,
      connection: { state: 'connecting', at: 1 }
    },
    removeProfile: null,
    switchProfile: null,
    testConnection: { ok: true, message: 'reachable' },
    setLocalDevMode: null,
    executeWorkflow: execution,
    cancelExecution: execution,
    getExecution: execution,
    listExecutions: { executions: [], has_more: false },
    followLogs: { lines: [], truncated: false },
    unfollowLogs: null,
    reconnect: null,
    markFailuresSeen: null,
    setNotificationPrefs: settings.notifications,
    updateSettings: settings
  }
  return answers[method]
}

/** Handlers that record which commands reached them. */
function recordingHandlers(calls: Array<{ method: string; request: unknown }>): BridgeHandlers {
  const handlers: Record<string, (request: unknown) => unknown> = {}
  for (const method of Object.keys(invokeContract) as InvokeMethod[]) {
    handlers[method] = (request) => {
      calls.push({ method, request })
      return answerFor(method)
    }
  }
  return handlers as unknown as BridgeHandlers
}

/** A batch source the test pushes into. */
class Batches {
  private readonly listeners = new Set<(batch: EventBatch) => void>()
  onBatch(listener: (batch: EventBatch) => void): Disposer {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  push(batch: EventBatch): void {
    for (const listener of this.listeners) listener(batch)
  }
  get listenerCount(): number {
    return this.listeners.size
  }
}

function setup(host?: Promise<BridgeHost>) {
  const ipc = new FakeIpcMain()
  const calls: Array<{ method: string; request: unknown }> = []
  const batches = new Batches()
  const window = new FakeWebContents()
  const logs: string[] = []
  let target: FakeWebContents | null = window
  const realHost = new BridgeHost(recordingHandlers(calls), batches)
  const dispose = registerBridgeIpc({
    ipcMain: ipc.asIpcMain(),
    host: host ?? realHost,
    isTrustedUrl,
    target: () => target?.asWebContents() ?? null,
    log: (line) => logs.push(line)
  })
  const top = (url = PAGE): FakeEvent => ({ sender: window, senderFrame: { url, parent: null } })
  return {
    ipc,
    calls,
    batches,
    window,
    logs,
    dispose,
    top,
    setTarget: (next: FakeWebContents | null) => (target = next)
  }
}

const METHODS = Object.keys(InvokeChannel) as InvokeMethod[]

describe('registerBridgeIpc: commands', () => {
  it('registers one handler per command of the channel table, and removes them all', () => {
    const { ipc, dispose } = setup()
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.values(InvokeChannel).sort())
    dispose()
    expect(ipc.handlers.size).toBe(0)
  })

  it('passes a valid request from the dashboard to the host, for every command', async () => {
    const { ipc, calls, top } = setup()
    for (const method of METHODS) {
      const request = VALID[method]
      const args = request === undefined ? [] : [request]
      const result = await ipc.invoke(InvokeChannel[method], top(), ...args)
      expect(result, method).toMatchObject({ ok: true })
      expect(calls.at(-1)?.method, method).toBe(method)
    }
    expect(calls).toHaveLength(METHODS.length)
  })

  it('refuses every command from a sender that is not the top frame of our page in our window', async () => {
    const { ipc, calls, window, logs } = setup()
    const stranger = new FakeWebContents()
    const topFrame: FakeFrame = { url: PAGE, parent: null }
    const refused: FakeEvent[] = [
      { sender: window, senderFrame: null },
      { sender: window, senderFrame: { url: PAGE, parent: topFrame } },
      { sender: window, senderFrame: { url: 'https://example.com/', parent: null } },
      { sender: window, senderFrame: { url: 'app://nebula/other.html', parent: null } },
      { sender: window, senderFrame: { url: 'app://evil/index.html', parent: null } },
      { sender: window, senderFrame: { url: 'file:///app/out/renderer/index.html', parent: null } },
      { sender: window, senderFrame: { url: 'not a url', parent: null } },
      { sender: stranger, senderFrame: { url: PAGE, parent: null } }
    ]
    for (const method of METHODS) {
      for (const event of refused) {
        const result = await ipc.invoke(InvokeChannel[method], event, VALID[method])
        expect(result, `${method} from ${JSON.stringify(event.senderFrame)}`).toEqual({
          ok: false,
          error: { code: 'not_allowed', message: 'only the dashboard page may call this' }
        })
      }
    }
    expect(calls).toEqual([])
    expect(logs).toContain('refused signIn from a frame that is not the dashboard')
  })

  it('refuses every command once the window is gone', async () => {
    const { ipc, calls, top, window, setTarget } = setup()
    window.destroyed = true
    expect(await ipc.invoke(InvokeChannel.getInfo, top())).toMatchObject({
      error: { code: 'not_allowed' }
    })
    setTarget(null)
    expect(await ipc.invoke(InvokeChannel.getInfo, top())).toMatchObject({
      error: { code: 'not_allowed' }
    })
    expect(calls).toEqual([])
  })

  it('answers an invalid request with invalid_request naming the field, for every command', async () => {
    const { ipc, calls, top } = setup()
    for (const method of METHODS) {
      const [request, field] = INVALID[method]
      const result = await ipc.invoke(InvokeChannel[method], top(), request)
      expect(result, method).toMatchObject({ ok: false, error: { code: 'invalid_request', field } })
    }
    expect(calls).toEqual([])
  })

  it('refuses extra arguments, and never echoes a token in an error', async () => {
    const { ipc, calls, top } = setup()
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'
    const extra = await ipc.invoke(InvokeChannel.signIn, top(), VALID.signIn, token)
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    const spaced = await ipc.invoke(InvokeChannel.signIn, top(), {
      profile_id: 'prod',
      token: `${token} x`
    })
    expect(JSON.stringify(spaced)).not.toContain(token)
    expect(calls).toEqual([])
  })

  it('waits for a host that is still starting, and answers typed when it failed to start', async () => {
    let release!: (host: BridgeHost) => void
    const pending = new Promise<BridgeHost>((resolve) => (release = resolve))
    const later = setup(pending)
    const answer = later.ipc.invoke(InvokeChannel.getInfo, later.top())
    release(new BridgeHost(recordingHandlers(later.calls), later.batches))
    expect(await answer).toMatchObject({ ok: true, value: { transport: 'electron' } })

    const failed = setup(Promise.reject(new Error('settings folder is read-only')))
    expect(await failed.ipc.invoke(InvokeChannel.getInfo, failed.top())).toEqual({
      ok: false,
      error: { code: 'internal', message: 'settings folder is read-only' }
    })
  })
})

describe('registerBridgeIpc: events', () => {
  const batch = (seq: number): EventBatch => ({
    seq,
    events: [
      {
        type: 'notice',
        notice: { id: 'n', level: 'info', message: 'hi', at: '2027-01-15T08:00:00.000Z' }
      }
    ]
  })
  const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

  it('sends each batch to the dashboard window on the event channel', async () => {
    const { batches, window } = setup()
    await flush()
    batches.push(batch(1))
    batches.push(batch(2))
    expect(window.sent).toEqual([
      { channel: EVENT_CHANNEL, payload: batch(1) },
      { channel: EVENT_CHANNEL, payload: batch(2) }
    ])
  })

  it('sends nothing to a destroyed window, a missing one, or one showing another page', async () => {
    const { batches, window, setTarget } = setup()
    await flush()
    window.url = 'https://example.com/'
    batches.push(batch(1))
    window.url = PAGE
    window.destroyed = true
    batches.push(batch(2))
    setTarget(null)
    batches.push(batch(3))
    expect(window.sent).toEqual([])
  })

  it('drops events that break the contract before they leave main', async () => {
    const { batches, window } = setup()
    await flush()
    batches.push({ seq: 1, events: [{ type: 'notice', notice: { id: '' } } as never] })
    expect(window.sent).toEqual([])
  })

  it('stops forwarding on dispose', async () => {
    const { batches, dispose } = setup()
    await flush()
    expect(batches.listenerCount).toBe(1)
    dispose()
    expect(batches.listenerCount).toBe(0)
  })
})
