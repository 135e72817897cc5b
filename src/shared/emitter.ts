/** Listener signatures keyed by event name. */
export type EventMap = Record<string, (...args: never[]) => void>

/**
 * A tiny typed event emitter. A throwing listener is reported to `onListenerError` and never
 * propagates into the socket or timer callback that emitted, so one bad consumer cannot take
 * down the main process. Hold one privately and expose `on` (composition, never inheritance):
 * only the owner can emit or clear.
 */
export class Emitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>()

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => this.off(event, listener)
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof E>(event: K, listener: E[K]): void {
    const set = this.listeners.get(event)
    set?.delete(listener)
    if (set && set.size === 0) this.listeners.delete(event)
  }

  /** Calls every listener of `event` in order. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.listeners.get(event)
    if (!set) return
    for (const listener of [...set]) {
      // A listener removed by an earlier one during this emit is not called any more.
      if (!set.has(listener)) continue
      try {
        ;(listener as (...a: Parameters<E[K]>) => void)(...args)
      } catch (error) {
        this.onListenerError(error)
      }
    }
  }

  /** Number of listeners currently attached (all events), for leak checks. */
  listenerCount(): number {
    let n = 0
    for (const set of this.listeners.values()) n += set.size
    return n
  }

  /** Drops every listener (the owner's teardown). */
  removeAll(): void {
    for (const set of this.listeners.values()) set.clear()
    this.listeners.clear()
  }
}
