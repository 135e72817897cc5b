import type { BridgeResult } from './contract'
import type { EventBatch } from './views'

// How `nebula-desktop ui` carries the bridge contract over one WebSocket. The frames wrap the
// contract's own values unchanged: a command is its method name and request, an answer is its
// BridgeResult, an event batch is the EventBatch the Electron preload would deliver.

/** Paths of the `ui` server. */
export const UiPath = {
  /** POST: exchange the key (header KEY_HEADER) for a session cookie; GET: is my cookie valid? */
  session: '/session',
  /** The WebSocket carrying the bridge. */
  bridge: '/bridge'
} as const

/** The request header that carries the per-run key in the one exchange. */
export const KEY_HEADER = 'x-nebula-key'

/** The fragment parameter of the printed URL (`#key=…`): a fragment never reaches a server log. */
export const KEY_FRAGMENT_PARAM = 'key'

/** Page → server: run one command. `id` pairs the answer with the call. */
export interface WsCommand {
  id: number
  method: string
  /** The command's request (absent for commands without one). */
  payload?: unknown
}

/** Server → page: a command's answer, or a batch of events. */
export type WsServerFrame =
  | { type: 'result'; id: number; result: BridgeResult<unknown> }
  | { type: 'events'; batch: EventBatch }

/** WebSocket close code the server uses for a frame that is not a WsCommand. */
export const WS_CLOSE_PROTOCOL_ERROR = 1008
