import WebSocket from 'ws'

/** How long a closing socket may wait for the peer's close frame before it is cut. */
const CLOSE_GRACE_MS = 1_000

/**
 * Closes sockets politely (a close frame with a code) and cuts any that the peer does not
 * answer within a moment: a frozen peer never answers, and `ws` would hold the socket for 30 s
 * (keeping a stopping `watch` alive). Tracks the sockets still closing, for leak checks.
 */
export class SocketCloser {
  private readonly closing = new Set<WebSocket>()

  /** Closes `ws` with `code` (at once when it is not open). */
  close(ws: WebSocket, code: number, reason: string): void {
    if (ws.readyState !== WebSocket.OPEN) {
      ws.terminate()
      return
    }
    ws.close(code, reason)
    this.closing.add(ws)
    const cut = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS)
    ws.once('close', () => {
      clearTimeout(cut)
      this.closing.delete(ws)
    })
  }

  /** Sockets whose close has not completed yet. */
  get pending(): number {
    return this.closing.size
  }
}

/** Stops listening to a socket that is being let go; a late error is swallowed, never thrown. */
export function silence(ws: WebSocket): void {
  for (const event of ['message', 'open', 'pong', 'unexpected-response'])
    ws.removeAllListeners(event)
  // Keep an error listener: a late socket error must never become an uncaught exception.
  ws.on('error', () => {})
}
