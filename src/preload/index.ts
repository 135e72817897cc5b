import { contextBridge, ipcRenderer } from 'electron'
import { BRIDGE_GLOBAL, EventChannel, InvokeChannel } from '@shared/bridge/channels'
import type { EventChannelName, InvokeChannelName } from '@shared/bridge/channels'
import type { EventPayload, InvokeRequest, InvokeResponse } from '@shared/bridge/contract'
import type { NebulaBridge, Unsubscribe } from '@shared/bridge/api'

// Runs sandboxed: it may load only `electron`, so it imports channel names and types, never zod.
// Main validates every payload at the boundary; this file only forwards the contract's channels.

function invoke<C extends InvokeChannelName>(
  channel: C,
  request: InvokeRequest<C>
): Promise<InvokeResponse<C>> {
  return ipcRenderer.invoke(channel, request) as Promise<InvokeResponse<C>>
}

function subscribe<C extends EventChannelName>(
  channel: C,
  listener: (payload: EventPayload<C>) => void
): Unsubscribe {
  // The IPC event object carries `sender` (this ipcRenderer): never hand it to the page.
  const forward = (_event: Electron.IpcRendererEvent, payload: EventPayload<C>): void =>
    listener(payload)
  ipcRenderer.on(channel, forward)
  return () => {
    ipcRenderer.removeListener(channel, forward)
  }
}

const bridge: NebulaBridge = {
  getAppInfo: () => invoke(InvokeChannel.AppGetInfo, undefined),
  onSessionState: (listener) => subscribe(EventChannel.SessionState, listener)
}

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge)
