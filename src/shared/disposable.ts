// Ownership of long-lived resources: whatever starts a timer, opens a socket or adds a listener
// hands the way to release it to an owner, and the owner releases everything in one dispose().

/** Releases one resource; calling it again does nothing. */
export type Disposer = () => void

/** Something that owns resources and releases all of them in `dispose()`. */
export interface Disposable {
  dispose(): void
}

type Timer = ReturnType<typeof setTimeout>

/**
 * Holds disposers, child disposables and timers, and releases them all, newest first, exactly
 * once. Timers started through it drop out by themselves when they fire, so `size` and
 * `hasLive()` tell whether anything is still running (leak checks in tests).
 */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposer>()
  private readonly timers = new Map<Timer, Disposer>()
  private disposed = false

  /** Takes ownership of `item`; returns a disposer that releases it early (and forgets it). */
  add(item: Disposer | Disposable): Disposer {
    const release = typeof item === 'function' ? item : () => item.dispose()
    if (this.disposed) {
      release()
      return () => {}
    }
    let done = false
    const disposer: Disposer = () => {
      if (done) return
      done = true
      this.items.delete(disposer)
      release()
    }
    this.items.add(disposer)
    return disposer
  }

  /** A timeout owned by this store; its handle can be passed to `clear`. */
  setTimeout(callback: () => void, ms: number): Timer {
    const handle: Timer = setTimeout(() => {
      this.timers.delete(handle)
      callback()
    }, ms)
    this.timers.set(handle, () => clearTimeout(handle))
    if (this.disposed) this.clear(handle)
    return handle
  }

  /** An interval owned by this store. */
  setInterval(callback: () => void, ms: number): Timer {
    const handle = setInterval(callback, ms)
    this.timers.set(handle, () => clearInterval(handle))
    if (this.disposed) this.clear(handle)
    return handle
  }

  /** Stops a timer started through this store (undefined is ignored). */
  clear(handle: Timer | undefined): void {
    if (handle === undefined) return
    const stop = this.timers.get(handle)
    if (!stop) return
    this.timers.delete(handle)
    stop()
  }

  /** True while a timer or another owned resource is alive. */
  hasLive(): boolean {
    return this.timers.size > 0 || this.items.size > 0
  }

  /** Number of live timers (for leak checks). */
  get liveTimers(): number {
    return this.timers.size
  }

  /** True once `dispose()` ran; later additions are released at once. */
  get isDisposed(): boolean {
    return this.disposed
  }

  /** Releases everything, newest first; never throws past the first error's reporting. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const stop of this.timers.values()) stop()
    this.timers.clear()
    const items = [...this.items].reverse()
    this.items.clear()
    let first: unknown
    for (const release of items) {
      try {
        release()
      } catch (error) {
        first ??= error
      }
    }
    if (first !== undefined) throw first
  }
}
