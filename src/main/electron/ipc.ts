import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { EVENT_CHANNEL, InvokeChannel } from '@shared/bridge/channels'
import type { InvokeMethod } from '@shared/bridge/channels'
import type { BridgeResult } from '@shared/bridge/contract'
import type { EventBatch } from '@shared/bridge/views'
import type { Disposer } from '@shared/disposable'
import { describeError } from '@shared/redact'

// The Electron transport of the bridge: a thin adapter over the app service's BridgeHost, which
// validates every request and answer with the contract. What only Electron knows is checked
// here: the caller is the top frame of our own page in our own window. Every channel answers a
// BridgeResult; nothing a renderer sends can make a handler throw.

/** What the adapter needs of the app service's BridgeHost. */
export interface BridgeHostLike {
  invoke(method: string, payload: unknown): Promise<BridgeResult<unknown>>
  onBatch(listener: (batch: EventBatch) => void): Disposer
}

export interface BridgeIpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  /** The host, or a promise of it while the app service starts (commands wait for it). */
  host: BridgeHostLike | Promise<BridgeHostLike>
  /** True for our page's URL (renderer-source.ts). */
  isTrustedUrl: (url: string) => boolean
  /** The dashboard window's contents, when there is one: the only sender and recipient. */
  target: () => WebContents | null
  log: (line: string) => void
}

const NOT_ALLOWED: BridgeResult<never> = {
  ok: false,
  error: { code: 'not_allowed', message: 'only the dashboard page may call this' }
}

/** One `ipcMain.handle` per command of the channel table; returns a disposer removing them. */
export function registerBridgeIpc(options: BridgeIpcOptions): Disposer {
  const channels = Object.entries(InvokeChannel) as Array<[InvokeMethod, string]>
  for (const [method, channel] of channels) {
    options.ipcMain.handle(channel, (event, ...args: unknown[]) =>
      answer(options, method, event, args)
    )
  }
  let stopEvents: Disposer | undefined
  let disposed = false
  void Promise.resolve(options.host).then(
    (host) => {
      if (!disposed) stopEvents = host.onBatch((batch) => sendBatch(options, batch))
    },
    () => {} // answered per command below
  )
  return () => {
    disposed = true
    stopEvents?.()
    for (const [, channel] of channels) options.ipcMain.removeHandler(channel)
  }
}

async function answer(
  options: BridgeIpcOptions,
  method: InvokeMethod,
  event: IpcMainInvokeEvent,
  args: unknown[]
): Promise<BridgeResult<unknown>> {
  if (!isTrustedSender(event, options)) {
    options.log(`refused ${method} from a frame that is not the dashboard`)
    return NOT_ALLOWED
  }
  // The preload passes one argument; more means someone else is calling.
  if (args.length > 1) {
    return {
      ok: false,
      error: { code: 'invalid_request', message: 'one request object expected', field: 'request' }
    }
  }
  try {
    const host = await options.host
    return await host.invoke(method, args[0])
  } catch (error) {
    // The host never throws; a failed start of the app service lands here.
    return { ok: false, error: { code: 'internal', message: describeError(error) } }
  }
}

/** The top frame of our page, in our window. */
function isTrustedSender(event: IpcMainInvokeEvent, options: BridgeIpcOptions): boolean {
  const target = options.target()
  if (target === null || target.isDestroyed() || event.sender !== target) return false
  let frame: IpcMainInvokeEvent['senderFrame']
  try {
    frame = event.senderFrame
  } catch {
    return false // the frame is gone (navigated or destroyed)
  }
  return frame !== null && frame.parent === null && options.isTrustedUrl(frame.url)
}

/** Sends a batch to the dashboard window only, and only while it shows our page. */
function sendBatch(options: BridgeIpcOptions, batch: EventBatch): void {
  const target = options.target()
  if (target === null || target.isDestroyed()) return
  if (!options.isTrustedUrl(target.getURL())) return
  try {
    target.send(EVENT_CHANNEL, batch)
  } catch (error) {
    options.log(`could not send events to the dashboard: ${describeError(error)}`)
  }
}
