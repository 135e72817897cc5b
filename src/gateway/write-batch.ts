import type { Duplex } from 'node:stream'

/**
 * Lets every frame a socket is given within one turn of the event loop leave in one write.
 * Fan-out sends each engine event to every subscriber, one write (a system call) per socket;
 * when events come faster than that, several fan-outs run in the same turn (expired timers run
 * together), and holding each socket corked until the turn ends turns their writes into one.
 * At low load a turn holds one event, so nothing waits longer than before.
 */
export class WriteBatch {
  private readonly held = new Set<Duplex>()
  private immediate: ReturnType<typeof setImmediate> | undefined
  private disposed = false

  /** Holds `socket`'s writes until the end of this turn (idempotent within a turn). */
  hold(socket: Duplex): void {
    if (this.disposed || this.held.has(socket)) return
    socket.cork()
    this.held.add(socket)
    this.immediate ??= setImmediate(() => this.release())
  }

  /** Lets everything held go now and stops holding. */
  dispose(): void {
    this.disposed = true
    this.release()
  }

  private release(): void {
    if (this.immediate) clearImmediate(this.immediate)
    this.immediate = undefined
    for (const socket of this.held) if (!socket.destroyed) socket.uncork()
    this.held.clear()
  }
}
