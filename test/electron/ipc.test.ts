import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { EventPublisher, registerInvokeHandlers } from '@main/electron/ipc'
import { createRendererUrlCheck } from '@main/electron/renderer-source'
import { EventChannel, InvokeChannel } from '@shared/bridge'
import type { SessionState } from '@shared/bridge'

// The main side of the bridge against small fakes of ipcMain and WebContents: ipc.ts imports
// Electron's types only, so its checks run here under plain Node.

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
  async invoke(channel: string, frame: FakeFrame | null, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel)
    if (!listener) throw new Error(`no handler for ${channel}`)
    return listener({ senderFrame: frame } as unknown as IpcMainInvokeEvent, ...args)
  }
  asIpcMain(): IpcMain {
    return this as unknown as IpcMain
  }
}

interface FakeFrame {
  url: string
  parent: FakeFrame | null
}

const INDEX_HTML = '/opt/Nebula Desktop/resources/app.asar/out/renderer/index.html'
const OUR_PAGE = 'file:///opt/Nebula%20Desktop/resources/app.asar/out/renderer/index.html'
const isTrustedUrl = createRendererUrlCheck({ kind: 'file', indexHtmlPath: INDEX_HTML }, 'linux')
const appInfo = { name: 'Nebula Desktop', version: '1.2.3', platform: 'linux' }

function setup(getInfo: () => unknown = () => appInfo) {
  const ipc = new FakeIpcMain()
  const dispose = registerInvokeHandlers(ipc.asIpcMain(), isTrustedUrl, {
    [InvokeChannel.AppGetInfo]: getInfo as () => typeof appInfo
  })
  return { ipc, dispose }
}

describe('registerInvokeHandlers', () => {
  it('answers app:get-info for the top frame of our own page', async () => {
    const { ipc } = setup()
    await expect(
      ipc.invoke(InvokeChannel.AppGetInfo, { url: OUR_PAGE, parent: null })
    ).resolves.toEqual(appInfo)
    await expect(
      ipc.invoke(
        InvokeChannel.AppGetInfo,
        { url: `${OUR_PAGE}#/settings`, parent: null },
        undefined
      )
    ).resolves.toEqual(appInfo)
  })

  it('refuses senders that are not the top frame of our page', async () => {
    const { ipc } = setup()
    const top: FakeFrame = { url: OUR_PAGE, parent: null }
    const refused: Array<FakeFrame | null> = [
      null,
      { url: OUR_PAGE, parent: top },
      { url: 'https://example.com/', parent: null },
      { url: 'file:///tmp/evil/index.html', parent: null },
      {
        url: 'file://host/opt/Nebula%20Desktop/resources/app.asar/out/renderer/index.html',
        parent: null
      },
      { url: 'not a url', parent: null }
    ]
    for (const frame of refused) {
      await expect(ipc.invoke(InvokeChannel.AppGetInfo, frame)).rejects.toThrow(
        'app:get-info: sender not allowed'
      )
    }
  })

  it('refuses requests that do not match the contract, without echoing them', async () => {
    const { ipc } = setup()
    const frame = { url: OUR_PAGE, parent: null }
    for (const args of [['secret-looking-payload'], [{}], [undefined, undefined]]) {
      const failure = ipc.invoke(InvokeChannel.AppGetInfo, frame, ...args)
      await expect(failure).rejects.toThrow('app:get-info: request does not match the contract')
      await expect(failure).rejects.not.toThrow(/secret/)
    }
  })

  it('checks responses against the contract and strips unknown fields', async () => {
    const frame = { url: OUR_PAGE, parent: null }
    const extra = setup(() => ({ ...appInfo, token: 'must-not-cross' }))
    await expect(extra.ipc.invoke(InvokeChannel.AppGetInfo, frame)).resolves.toEqual(appInfo)
    const broken = setup(() => ({ name: 'Nebula Desktop' }))
    await expect(broken.ipc.invoke(InvokeChannel.AppGetInfo, frame)).rejects.toThrow()
  })

  it('registers every contract channel once and removes them on dispose', () => {
    const { ipc, dispose } = setup()
    expect([...ipc.handlers.keys()]).toEqual([InvokeChannel.AppGetInfo])
    dispose()
    expect(ipc.handlers.size).toBe(0)
  })
})

/** Records what `send` delivers, emits lifecycle events like WebContents. */
class FakeWebContents extends EventEmitter {
  readonly sent: Array<{ channel: string; payload: unknown }> = []
  destroyed = false
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  asWebContents(): WebContents {
    return this as unknown as WebContents
  }
}

const reconnecting: SessionState = {
  state: 'reconnecting',
  attempt: 2,
  retry_in_ms: 4000,
  server_url: 'http://127.0.0.1:8000'
}

describe('EventPublisher', () => {
  it('sends validated payloads to attached windows and replays the latest after a load', () => {
    const publisher = new EventPublisher(EventChannel.SessionState)
    const contents = new FakeWebContents()
    publisher.attach(contents.asWebContents())

    contents.emit('did-finish-load')
    expect(contents.sent).toEqual([]) // nothing published yet, nothing to replay

    publisher.publish(reconnecting)
    contents.emit('did-finish-load')
    expect(contents.sent).toEqual([
      { channel: 'session:state', payload: reconnecting },
      { channel: 'session:state', payload: reconnecting }
    ])
  })

  it('rejects payloads that break the contract and keeps the last good one', () => {
    const publisher = new EventPublisher(EventChannel.SessionState)
    const contents = new FakeWebContents()
    publisher.attach(contents.asWebContents())
    publisher.publish(reconnecting)
    const invalid = [
      { state: 'dancing', server_url: 'http://127.0.0.1:8000' },
      { state: 'open', server_url: 42 },
      { state: 'open', server_url: 'not a url' },
      { state: 'reconnecting', attempt: 0, server_url: 'http://127.0.0.1:8000' },
      { state: 'reconnecting', retry_in_ms: -1, server_url: 'http://127.0.0.1:8000' }
    ]
    for (const payload of invalid) {
      expect(() => publisher.publish(payload as SessionState)).toThrow()
    }
    contents.emit('did-finish-load')
    expect(contents.sent.map((m) => m.payload)).toEqual([reconnecting, reconnecting])
  })

  it('strips fields outside the contract before sending', () => {
    const publisher = new EventPublisher(EventChannel.SessionState)
    const contents = new FakeWebContents()
    publisher.attach(contents.asWebContents())
    publisher.publish({ state: 'open', server_url: 'http://h:1', token: 'x' } as SessionState)
    expect(contents.sent[0]?.payload).toEqual({ state: 'open', server_url: 'http://h:1' })
  })

  it('stops sending to detached or destroyed windows', () => {
    const publisher = new EventPublisher(EventChannel.SessionState)
    const detached = new FakeWebContents()
    const destroyed = new FakeWebContents()
    publisher.attach(detached.asWebContents())()
    publisher.attach(destroyed.asWebContents())
    destroyed.destroyed = true
    destroyed.emit('destroyed')
    publisher.publish(reconnecting)
    detached.emit('did-finish-load')
    expect(detached.sent).toEqual([])
    expect(destroyed.sent).toEqual([])
    expect(detached.listenerCount('did-finish-load')).toBe(0)
    expect(destroyed.listenerCount('did-finish-load')).toBe(0)
  })
})
