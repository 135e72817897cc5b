import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import { BRIDGE_GLOBAL, EVENT_CHANNEL, EVENT_METHOD, InvokeChannel } from '@shared/bridge/channels'
import type { NebulaBridge } from '@shared/bridge/api'
import type { EventBatch } from '@shared/bridge/views'

// Runs sandboxed: it may load only `electron`, so it imports channel names and types, never zod.
// Every method is derived from the contract's channel table, so a command added there is exposed
// here with no second list to keep in step. Main validates every payload and the sender frame.

const bridge: Record<string, unknown> = {}
for (const [method, channel] of Object.entries(InvokeChannel)) {
  bridge[method] = (request?: unknown) => ipcRenderer.invoke(channel, request)
}
bridge[EVENT_METHOD] = (listener: (batch: EventBatch) => void) => {
  // The IPC event object carries `sender` (this ipcRenderer): never hand it to the page.
  const forward = (_event: IpcRendererEvent, batch: EventBatch): void => listener(batch)
  ipcRenderer.on(EVENT_CHANNEL, forward)
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, forward)
  }
}

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, Object.freeze(bridge) as NebulaBridge)
