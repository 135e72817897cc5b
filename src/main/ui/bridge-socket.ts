import { z } from 'zod'
import type { WebSocket } from 'ws'
import type { BridgeResult } from '@shared/bridge/contract'
import type { EventBatch } from '@shared/bridge/views'
import { WS_CLOSE_PROTOCOL_ERROR } from '@shared/bridge/ws-protocol'
import type { WsServerFrame } from '@shared/bridge/ws-protocol'
import type { Disposer } from '@shared/disposable'
import type { BridgeHost } from '@main/app/bridge-host'

// One page's WebSocket: commands in, answers and event batches out. Everything a command
// carries is validated by the BridgeHost exactly as Electron IPC is; this layer only checks the
// frame around it.

const WsCommandSchema = z.object({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(100),
  payload: z.unknown().optional()
})

/** Commands one page may have running at once. */
const MAX_IN_FLIGHT = 64
/** Unsent bytes before a page is judged too slow; it is closed and reloads from a snapshot. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024

/** Serves the bridge on one authenticated WebSocket. */
export class BridgeSocket {
  private inFlight = 0
  private readonly stopBatches: Disposer
  private alive = true

  constructor(
    private readonly socket: WebSocket,
    private readonly bridge: BridgeHost,
    private readonly log: (line: string) => void
  ) {
    // Subscribed before the first command can arrive: a getSnapshot answer never overtakes
    // the batches it already includes (the page drops batches up to snapshot.seq).
    this.stopBatches = bridge.onBatch((batch) => this.sendBatch(batch))
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary))
    socket.on('pong', () => (this.alive = true))
    socket.on('close', () => this.stopBatches())
    socket.on('error', (error) => this.log(`bridge socket error: ${error.message}`))
  }

  /** Pings; a page that did not answer the previous ping is cut off. */
  heartbeat(): void {
    if (!this.alive) return void this.socket.terminate()
    this.alive = false
    this.socket.ping()
  }

  /** Closes the socket (server shutdown: 1001). */
  close(code = 1001, reason = 'server stopping'): void {
    this.stopBatches()
    this.socket.close(code, reason)
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) return this.socket.close(1003, 'text frames only')
    let parsed: z.infer<typeof WsCommandSchema>
    try {
      parsed = WsCommandSchema.parse(JSON.parse(data.toString()))
    } catch {
      return this.socket.close(WS_CLOSE_PROTOCOL_ERROR, 'not a bridge command')
    }
    const { id, method, payload } = parsed
    if (this.inFlight >= MAX_IN_FLIGHT) {
      return this.answer(id, {
        ok: false,
        error: { code: 'invalid_request', message: 'too many commands at once', field: 'method' }
      })
    }
    this.inFlight++
    void this.bridge.invoke(method, payload).then((result) => {
      this.inFlight--
      this.answer(id, result)
    })
  }

  private answer(id: number, result: BridgeResult<unknown>): void {
    this.send({ type: 'result', id, result })
  }

  private sendBatch(batch: EventBatch): void {
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log('a dashboard page fell too far behind; closing it so it reloads')
      this.socket.close(1013, 'too far behind')
      return
    }
    this.send({ type: 'events', batch })
  }

  private send(frame: WsServerFrame): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame))
  }
}
