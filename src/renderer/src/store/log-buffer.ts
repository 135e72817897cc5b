import type { LogLine } from '@shared/bridge'

// The log lines of one followed execution, kept compactly so 100,000 lines stay cheap: one
// typed array per numeric column, levels and action ids interned to small integers, only the
// message as a string. Lines are addressed by index (0 = oldest kept).

/** Lines kept per execution; past this the oldest quarter is dropped at once. */
export const MAX_LOG_LINES = 200_000

const NO_ACTION = -1
/** Level ids are a byte; past 255 distinct names, the rest share the last one. */
const MAX_LEVELS = 255

/** One line read back from the buffer. */
export interface LogRow {
  seq: number
  /** Milliseconds since the epoch, NaN when the server sent an unreadable timestamp. */
  time: number
  level: string
  message: string
  actionId: string | null
}

export class LogBuffer {
  private seqs = new Float64Array(1024)
  private times = new Float64Array(1024)
  private levelIds = new Uint8Array(1024)
  private actionIds = new Int32Array(1024)
  private messages: string[] = []
  private readonly levelNames: string[] = []
  private readonly levelIndex = new Map<string, number>()
  private readonly actionNames: string[] = []
  private readonly actionIndex = new Map<string, number>()
  private count = 0
  private lastSeq = -1
  /** Lines dropped from the front since the buffer was created (by the cap or by main). */
  private droppedLines = 0
  /** Bumped whenever indexes shift (lines dropped from the front), so filters rescan. */
  private epochValue = 0
  /** True when main said older lines were not kept, or the cap dropped some. */
  truncated = false

  constructor(private readonly capacity = MAX_LOG_LINES) {}

  /** Number of lines kept. */
  get length(): number {
    return this.count
  }

  /** Changes whenever existing indexes stop meaning the same lines. */
  get epoch(): number {
    return this.epochValue
  }

  get dropped(): number {
    return this.droppedLines
  }

  /** Level names seen so far, in first-seen order. */
  levels(): readonly string[] {
    return this.levelNames
  }

  /** Appends lines newer than the last one kept (by `seq`); returns how many were added. */
  append(lines: readonly LogLine[]): number {
    let added = 0
    for (const line of lines) {
      if (line.seq <= this.lastSeq) continue
      this.ensureRoom()
      const i = this.count++
      this.seqs[i] = line.seq
      this.times[i] = Date.parse(line.timestamp)
      this.levelIds[i] = this.intern(line.level.toLowerCase())
      this.actionIds[i] = line.action_id ? this.internAction(line.action_id) : NO_ACTION
      this.messages[i] = line.message
      this.lastSeq = line.seq
      added++
    }
    return added
  }

  /** The line at `index` (0 = oldest kept). */
  row(index: number): LogRow {
    const action = this.actionIds[index]
    return {
      seq: this.seqs[index],
      time: this.times[index],
      level: this.levelNames[this.levelIds[index]],
      message: this.messages[index] ?? '',
      actionId: action === NO_ACTION ? null : this.actionNames[action]
    }
  }

  /** The level id at `index` (see `levelId`). */
  levelAt(index: number): number {
    return this.levelIds[index]
  }

  message(index: number): string {
    return this.messages[index] ?? ''
  }

  /** The id of a level name, or -1 when no line had it yet. */
  levelId(name: string): number {
    return this.levelIndex.get(name) ?? -1
  }

  private intern(level: string): number {
    let id = this.levelIndex.get(level)
    if (id === undefined) {
      id = Math.min(this.levelNames.length, MAX_LEVELS)
      if (id === this.levelNames.length) this.levelNames.push(level)
      this.levelIndex.set(level, id)
    }
    return id
  }

  private internAction(actionId: string): number {
    let id = this.actionIndex.get(actionId)
    if (id === undefined) {
      id = this.actionNames.length
      this.actionNames.push(actionId)
      this.actionIndex.set(actionId, id)
    }
    return id
  }

  private ensureRoom(): void {
    if (this.count >= this.capacity) this.dropOldest(Math.max(1, Math.floor(this.capacity / 4)))
    if (this.count < this.seqs.length) return
    const size = Math.min(Math.max(this.seqs.length * 2, 1024), this.capacity)
    this.seqs = grow(this.seqs, new Float64Array(size))
    this.times = grow(this.times, new Float64Array(size))
    this.levelIds = grow(this.levelIds, new Uint8Array(size))
    this.actionIds = grow(this.actionIds, new Int32Array(size))
  }

  private dropOldest(n: number): void {
    this.seqs.copyWithin(0, n, this.count)
    this.times.copyWithin(0, n, this.count)
    this.levelIds.copyWithin(0, n, this.count)
    this.actionIds.copyWithin(0, n, this.count)
    this.messages.splice(0, n)
    this.count -= n
    this.droppedLines += n
    this.epochValue++
    this.truncated = true
  }
}

function grow<T extends Float64Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from)
  return to
}
