/** A listener for one event of a map of event names to payload types. */
export type Listener<T> = (payload: T) => void

/**
 * A minimal typed emitter. Unlike node:events, one throwing listener neither stops the others
 * nor escapes into the emitter's caller (a simulation timer): it goes to `onError` instead.
 */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>()

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(fn as Listener<never>)
    return () => this.off(event, fn)
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(fn as Listener<never>)
  }

  /** Calls every listener of `event` with `payload`, in the order they were added. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event)
    if (!set) return
    for (const fn of [...set]) {
      try {
        ;(fn as Listener<Events[K]>)(payload)
      } catch (error) {
        this.onError(error)
      }
    }
  }

  /** Number of listeners for `event` (for leak checks). */
  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0
  }

  /** Drops every listener. */
  clear(): void {
    this.listeners.clear()
  }
}
