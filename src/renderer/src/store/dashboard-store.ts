import type { EventBatch, NebulaBridge } from '@shared/bridge'
import { DisposableStore } from '@shared/disposable'
import type { Disposable } from '@shared/disposable'
import { applyEvents, initialState, stateFromSnapshot } from './dashboard-state'
import type { DashboardState } from './dashboard-state'
import { executionKey } from './keys'
import type { ExecutionRef } from './keys'
import { FollowedLogs } from './followed-logs'
import { describeFailure } from '@renderer/lib/call'

// The dashboard's one store. It is fed only by the bridge: it subscribes to event batches
// FIRST, then loads the snapshot, keeps the batches that arrived meanwhile and applies those
// newer than the snapshot (snapshot-on-connect). Batches are applied and published to React
// at most once per animation frame, all those received since the last one together.

/** Runs a callback before the next paint; returns a function that cancels it. */
export type FrameScheduler = (callback: () => void) => () => void

/** The browser's animation frames. */
export const animationFrame: FrameScheduler = (callback) => {
  const id = requestAnimationFrame(callback)
  return () => cancelAnimationFrame(id)
}

/** Batches held while a snapshot loads; past this, they are dropped and a new snapshot is taken. */
const MAX_HELD_BATCHES = 5000
/** A log stream nobody shows any more is unfollowed after this long (a quick revisit reuses it). */
const UNFOLLOW_AFTER_MS = 10_000

export class DashboardStore implements Disposable {
  private working: DashboardState
  private published: DashboardState
  private readonly listeners = new Set<() => void>()
  private readonly disposables = new DisposableStore()
  private cancelFrame: (() => void) | null = null
  /** Batches received while a snapshot is on its way (null when none is). */
  private held: EventBatch[] | null = null
  /** Batches received since the last frame, applied together when it comes (see settle). */
  private pending: EventBatch[] = []
  private loadGeneration = 0
  private readonly logs = new Map<string, FollowedLogs>()
  private readonly dirtyLogs = new Set<FollowedLogs>()

  constructor(
    private readonly bridgeOrNone: NebulaBridge | undefined,
    private readonly schedule: FrameScheduler = animationFrame
  ) {
    this.working = initialState(bridgeOrNone ? 'loading' : 'unavailable')
    this.published = this.working
  }

  /** The bridge; only called by views, which render only when one exists. */
  get bridge(): NebulaBridge {
    if (!this.bridgeOrNone) throw new Error('window.nebula is not available')
    return this.bridgeOrNone
  }

  /** Subscribes to events, then loads the snapshot. */
  start(): void {
    const bridge = this.bridgeOrNone
    if (!bridge) return
    this.disposables.add(bridge.onEvents((batch) => this.receive(batch)))
    void this.reload()
  }

  /** The state as last published (stable between frames, as useSyncExternalStore needs). */
  readonly getState = (): DashboardState => this.published

  /** Calls `listener` after each published change; returns a function that stops it. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Loads a fresh snapshot (first load, the "Try again" button, or a gap in batch numbers). */
  async reload(): Promise<void> {
    const bridge = this.bridgeOrNone
    if (!bridge) return
    const generation = ++this.loadGeneration
    this.settle()
    this.held = []
    let outcome: Awaited<ReturnType<NebulaBridge['getSnapshot']>>
    try {
      outcome = await bridge.getSnapshot()
    } catch (error) {
      outcome = { ok: false, error: { code: 'internal', message: String(error) } }
    }
    if (generation !== this.loadGeneration || this.disposables.isDisposed) return
    const held = this.held ?? []
    this.held = null
    if (!outcome.ok) {
      this.update({ ...this.working, phase: 'failed', loadError: describeFailure(outcome.error) })
      return
    }
    this.working = stateFromSnapshot(outcome.value, this.working)
    for (const batch of held) this.applyBatch(batch)
    this.publishSoon()
  }

  /**
   * The log stream of `ref`, following it if nobody does yet. Get-or-create, safe to call while
   * rendering: a stream nobody holds (see `holdLogs`) stops by itself after a while.
   */
  logsFor(ref: ExecutionRef): FollowedLogs {
    const key = executionKey(ref.profile_id, ref.execution_id)
    let logs = this.logs.get(key)
    if (!logs) {
      // Owned by the store until it stops by itself (then it lets go of its place here too).
      let release = (): void => {}
      logs = new FollowedLogs(
        ref,
        this.bridge,
        (changed) => this.logsChanged(changed),
        () => {
          this.logs.delete(key)
          release()
        }
      )
      this.logs.set(key, logs)
      release = this.disposables.add(logs)
      this.unfollowLater(logs)
    }
    return logs
  }

  /** Keeps `logs` followed until the returned function is called. */
  holdLogs(logs: FollowedLogs): () => void {
    logs.retain()
    let held = true
    return () => {
      if (!held) return
      held = false
      if (logs.release() === 0) this.unfollowLater(logs)
    }
  }

  private unfollowLater(logs: FollowedLogs): void {
    const timer = this.disposables.setTimeout(() => {
      if (logs.holders === 0) logs.dispose()
    }, UNFOLLOW_AFTER_MS)
    logs.onRetain(() => this.disposables.clear(timer))
  }

  /** Hides a notice in this page (main keeps no per-page state for it). */
  dismissNotice(id: string): void {
    this.settle()
    this.update({ ...this.working, notices: this.working.notices.filter((n) => n.id !== id) })
  }

  /** Forgets a handled tray/notification request so it does not fire again. */
  clearShowRequest(nonce: number): void {
    this.settle()
    if (this.working.showRequest?.nonce === nonce) {
      this.update({ ...this.working, showRequest: null })
    }
  }

  dispose(): void {
    this.loadGeneration++
    this.cancelFrame?.()
    this.cancelFrame = null
    this.listeners.clear()
    this.pending = []
    this.disposables.dispose()
    this.logs.clear()
  }

  private receive(batch: EventBatch): void {
    // Log lines depend on no snapshot: route them at once (each buffer drops repeats by seq).
    for (const event of batch.events) {
      if (event.type !== 'logs') continue
      const logs = this.logs.get(executionKey(event.profile_id, event.execution_id))
      if (logs?.receive(event.lines)) this.logsChanged(logs)
    }
    if (this.held) {
      if (this.held.length < MAX_HELD_BATCHES) this.held.push(batch)
      else void this.reload()
      return
    }
    if (this.working.phase !== 'ready') return
    const seq = this.pending.at(-1)?.seq ?? this.working.seq
    if (batch.seq > seq + 1) {
      // A batch went missing (main numbers them without gaps): start again from a snapshot,
      // which includes this batch and the lost ones.
      void this.reload()
      return
    }
    if (batch.seq <= seq) return
    this.pending.push(batch)
    this.publishSoon()
  }

  /** Applies the batches received since the last frame, in one pass (one copy of each map). */
  private settle(): void {
    if (this.pending.length === 0) return
    const batches = this.pending
    this.pending = []
    const events = batches.length === 1 ? batches[0]!.events : batches.flatMap((b) => b.events)
    this.working = applyEvents(this.working, batches.at(-1)!.seq, events)
  }

  private logsChanged(logs: FollowedLogs): void {
    this.dirtyLogs.add(logs)
    this.publishSoon()
  }

  private applyBatch(batch: EventBatch): void {
    if (batch.seq <= this.working.seq) return
    this.working = applyEvents(this.working, batch.seq, batch.events)
  }

  private update(next: DashboardState): void {
    this.working = next
    this.publishSoon()
  }

  private publishSoon(): void {
    if (this.cancelFrame || this.disposables.isDisposed) return
    this.cancelFrame = this.schedule(() => {
      this.cancelFrame = null
      this.settle()
      this.published = this.working
      for (const logs of this.dirtyLogs) logs.publish()
      this.dirtyLogs.clear()
      for (const listener of [...this.listeners]) listener()
    })
  }
}
