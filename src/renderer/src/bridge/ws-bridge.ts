import { BRIDGE_GLOBAL, EVENT_METHOD, InvokeChannel } from '@shared/bridge/channels'
import type { NebulaBridge, Unsubscribe } from '@shared/bridge/api'
import type { BridgeResult } from '@shared/bridge/contract'
import type { EventBatch } from '@shared/bridge/views'
import { UiPath } from '@shared/bridge/ws-protocol'
import type { WsCommand, WsServerFrame } from '@shared/bridge/ws-protocol'

// `window.nebula` in a browser (`nebula-desktop ui`): the same API the Electron preload
// provides, carried over one WebSocket to the server that served the page. The page's session
// cookie (from the bootstrap page's key exchange) authenticates the socket; main validates
// every command exactly as over IPC. The views cannot tell which transport they run on.
//
// If the socket drops, calls in flight fail with a typed error, the page marks itself
// (`<html data-bridge="lost">`, a `nebula-bridge` event on window) and waits for the server to
// answer again, then reloads: a reload shows the current state at once (snapshot on connect).

/** The `<html data-bridge>` values and the `nebula-bridge` event's `detail`. */
export type BrowserBridgeState = 'connecting' | 'open' | 'lost'

const LOST = {
  ok: false,
  error: { code: 'internal', message: 'lost the connection to nebula-desktop ui' }
} as const satisfies BridgeResult<never>

export interface WsBridge {
  bridge: NebulaBridge
  /** Resolves true once the socket is open, false when it could not open. */
  ready: Promise<boolean>
  /** Called once if an open socket closes. */
  onLost(listener: () => void): void
  close(): void
}

/** A NebulaBridge over a WebSocket at `socketUrl`. */
export function createWsBridge(socketUrl: string): WsBridge {
  const socket = new WebSocket(socketUrl)
  const pending = new Map<number, (result: BridgeResult<unknown>) => void>()
  const listeners = new Set<(batch: EventBatch) => void>()
  const queued: string[] = []
  const lostListeners: Array<() => void> = []
  let nextId = 1
  let opened = false
  let closed = false

  const ready = new Promise<boolean>((resolve) => {
    socket.addEventListener('open', () => {
      opened = true
      for (const frame of queued.splice(0)) socket.send(frame)
      resolve(true)
    })
    socket.addEventListener('close', () => {
      closed = true
      resolve(false)
      for (const settle of pending.values()) settle(LOST)
      pending.clear()
      if (opened) for (const listener of lostListeners) listener()
    })
  })
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return
    const frame = JSON.parse(event.data) as WsServerFrame
    if (frame.type === 'result') {
      const settle = pending.get(frame.id)
      pending.delete(frame.id)
      settle?.(frame.result)
    } else if (frame.type === 'events') {
      for (const listener of [...listeners]) {
        try {
          listener(frame.batch)
        } catch (error) {
          console.error('nebula: an event listener failed', error)
        }
      }
    }
  })

  const call = (method: string, payload: unknown): Promise<BridgeResult<unknown>> => {
    if (closed) return Promise.resolve(LOST)
    const id = nextId++
    const command: WsCommand = payload === undefined ? { id, method } : { id, method, payload }
    const frame = JSON.stringify(command)
    return new Promise((resolve) => {
      pending.set(id, resolve)
      if (opened) socket.send(frame)
      else queued.push(frame)
    })
  }

  const bridge: Record<string, unknown> = {}
  for (const method of Object.keys(InvokeChannel)) {
    bridge[method] = (request?: unknown) => call(method, request)
  }
  bridge[EVENT_METHOD] = (listener: (batch: EventBatch) => void): Unsubscribe => {
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
    }
  }
  return {
    bridge: Object.freeze(bridge) as NebulaBridge,
    ready,
    onLost: (listener) => void lostListeners.push(listener),
    close: () => socket.close(1000)
  }
}

/** The bridge socket's URL for a page served at `location`. */
export function bridgeSocketUrl(location: Location): string {
  const url = new URL(UiPath.bridge, location.href)
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  url.hash = ''
  url.search = ''
  return url.href
}

function announce(state: BrowserBridgeState): void {
  document.documentElement.dataset.bridge = state
  window.dispatchEvent(new CustomEvent<BrowserBridgeState>('nebula-bridge', { detail: state }))
}

/** After a loss: wait until the server answers again (either way), then reload. */
async function reloadWhenBack(): Promise<void> {
  for (let delay = 500; ; delay = Math.min(delay * 2, 5_000)) {
    await new Promise((resolve) => setTimeout(resolve, delay))
    try {
      const response = await fetch(UiPath.session, {
        cache: 'no-store',
        credentials: 'same-origin'
      })
      // 204: the session is still good; 401: the server restarted, the bootstrap page explains.
      if (response.status === 204 || response.status === 401) return location.reload()
    } catch {
      // not back yet
    }
  }
}

/**
 * Provides `window.nebula` over the `ui` server's WebSocket when the preload did not (a page in
 * a browser). Call before the dashboard starts; resolves once the bridge is usable, or leaves
 * `window.nebula` undefined when there is no such server (the dashboard then says so).
 */
export async function installBrowserBridge(): Promise<void> {
  if (window[BRIDGE_GLOBAL] !== undefined) return
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return
  announce('connecting')
  const transport = createWsBridge(bridgeSocketUrl(location))
  if (!(await transport.ready)) {
    // No `ui` server behind this page (or it refused): the dashboard shows it has no bridge.
    delete document.documentElement.dataset.bridge
    return
  }
  transport.onLost(() => {
    announce('lost')
    void reloadWhenBack()
  })
  Object.defineProperty(window, BRIDGE_GLOBAL, {
    value: transport.bridge,
    enumerable: true,
    configurable: false,
    writable: false
  })
  announce('open')
}
