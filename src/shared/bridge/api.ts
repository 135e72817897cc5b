import type { InvokeMethod } from './channels'
import type { BridgeResult, InvokeRequest, InvokeResponse } from './contract'
import type { EventBatch } from './views'

/** Stops an event subscription; calling it again does nothing. */
export type Unsubscribe = () => void

/** A command as the dashboard calls it: no argument when the request is empty. */
type Command<M extends InvokeMethod> = [InvokeRequest<M>] extends [undefined]
  ? () => Promise<BridgeResult<InvokeResponse<M>>>
  : (request: InvokeRequest<M>) => Promise<BridgeResult<InvokeResponse<M>>>

/**
 * `window.nebula`: one method per command of the contract, plus `onEvents`. Nothing else (no
 * generic send, no `ipcRenderer`). Provided by the preload in Electron and by the WebSocket
 * transport in a browser; the views cannot tell which.
 */
export type NebulaBridge = { readonly [M in InvokeMethod]: Command<M> } & {
  /** Calls `listener` with every batch of events from main, in order. */
  onEvents(listener: (batch: EventBatch) => void): Unsubscribe
}
