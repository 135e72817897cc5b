import type { LogLine, NebulaBridge } from '@shared/bridge'
import type { Disposable } from '@shared/disposable'
import { call, describeFailure } from '@renderer/lib/call'
import { LogBuffer } from './log-buffer'
import type { ExecutionRef } from './keys'

// One execution's log stream: `followLogs` answers with the lines kept so far while `logs`
// events may already be arriving, so events are held until that backlog is in, then applied on
// top of it (repeats dropped by `seq`).

export type LogStreamStatus = 'loading' | 'ready' | 'failed'

export class FollowedLogs implements Disposable {
  readonly buffer = new LogBuffer()
  private statusValue: LogStreamStatus = 'loading'
  private errorValue: string | null = null
  /** Lines that arrived before the backlog (null once the backlog is in). */
  private early: LogLine[] | null = []
  private version = 0
  private readonly listeners = new Set<() => void>()
  private retainHooks: Array<() => void> = []
  private holderCount = 0
  private disposed = false

  constructor(
    readonly ref: ExecutionRef,
    private readonly bridge: NebulaBridge,
    /** Asks the store to publish this stream on the next frame. */
    private readonly changed: (logs: FollowedLogs) => void,
    private readonly onDisposed: () => void
  ) {
    void this.follow()
  }

  get status(): LogStreamStatus {
    return this.statusValue
  }

  get error(): string | null {
    return this.errorValue
  }

  get holders(): number {
    return this.holderCount
  }

  /** Changes on every published change (for useSyncExternalStore). */
  readonly getVersion = (): number => this.version

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  retain(): void {
    this.holderCount++
    const hooks = this.retainHooks
    this.retainHooks = []
    for (const hook of hooks) hook()
  }

  /** Returns how many holders are left. */
  release(): number {
    this.holderCount = Math.max(0, this.holderCount - 1)
    return this.holderCount
  }

  /** Runs `hook` the next time someone retains this stream (cancels a pending unfollow). */
  onRetain(hook: () => void): void {
    this.retainHooks.push(hook)
  }

  /** Takes the lines of a `logs` event; true when something visible changed. */
  receive(lines: LogLine[]): boolean {
    if (this.early) {
      this.early.push(...lines)
      return false
    }
    return this.buffer.append(lines) > 0
  }

  /** Tries again after a failed follow. */
  retry(): void {
    if (this.statusValue !== 'failed') return
    this.statusValue = 'loading'
    this.errorValue = null
    this.early = []
    this.changed(this)
    void this.follow()
  }

  /** Called by the store on the frame after a change. */
  publish(): void {
    this.version++
    for (const listener of [...this.listeners]) listener()
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.listeners.clear()
    this.onDisposed()
    void call(() => this.bridge.unfollowLogs(this.ref))
  }

  private async follow(): Promise<void> {
    const result = await call(() => this.bridge.followLogs(this.ref))
    if (this.disposed) return
    const early = this.early ?? []
    this.early = null
    if (result.ok) {
      this.buffer.append(result.value.lines)
      if (result.value.truncated) this.buffer.truncated = true
      this.buffer.append(early)
      this.statusValue = 'ready'
    } else {
      this.statusValue = 'failed'
      this.errorValue = describeFailure(result.error)
    }
    this.changed(this)
  }
}
