import type { LogBuffer } from './log-buffer'

// Which lines of a LogBuffer a person sees: by level and by a case-insensitive text search.
// Matches are kept as line indexes in a typed array and extended incrementally as lines arrive,
// so following a busy execution never rescans what was already checked.

/** The criteria; `levels` null means every level. */
export interface LogCriteria {
  levels: ReadonlySet<string> | null
  query: string
}

export class LogFilter {
  private matches = new Uint32Array(1024)
  private count = 0
  private scanned = 0
  private epoch = -1
  private criteria: LogCriteria = { levels: null, query: '' }
  private pattern: RegExp | null = null

  /** Number of matching lines (after the last `update`). */
  get length(): number {
    return this.count
  }

  /** True when the criteria let every line through (indexes are then the buffer's own). */
  get passesAll(): boolean {
    return this.criteria.levels === null && this.pattern === null
  }

  /** The buffer index of the `n`th matching line. */
  lineAt(n: number): number {
    return this.passesAll ? n : this.matches[n]
  }

  /** Brings the matches up to date with `buffer` and `criteria`; returns the match count. */
  update(buffer: LogBuffer, criteria: LogCriteria): number {
    if (!sameCriteria(criteria, this.criteria) || buffer.epoch !== this.epoch) {
      this.criteria = criteria
      this.pattern = criteria.query ? new RegExp(escapeRegExp(criteria.query), 'i') : null
      this.epoch = buffer.epoch
      this.count = 0
      this.scanned = 0
    }
    if (this.passesAll) {
      this.count = buffer.length
      this.scanned = buffer.length
      return this.count
    }
    const levelIds = this.levelIds(buffer)
    for (let i = this.scanned; i < buffer.length; i++) {
      if (levelIds && !levelIds.has(buffer.levelAt(i))) continue
      if (this.pattern && !this.pattern.test(buffer.message(i))) continue
      this.push(i)
    }
    this.scanned = buffer.length
    return this.count
  }

  private levelIds(buffer: LogBuffer): Set<number> | null {
    if (!this.criteria.levels) return null
    const ids = new Set<number>()
    for (const name of this.criteria.levels) ids.add(buffer.levelId(name))
    return ids
  }

  private push(index: number): void {
    if (this.count === this.matches.length) {
      const bigger = new Uint32Array(this.matches.length * 2)
      bigger.set(this.matches)
      this.matches = bigger
    }
    this.matches[this.count++] = index
  }
}

function sameCriteria(a: LogCriteria, b: LogCriteria): boolean {
  if (a.query !== b.query) return false
  if (a.levels === b.levels) return true
  if (!a.levels || !b.levels || a.levels.size !== b.levels.size) return false
  for (const level of a.levels) if (!b.levels.has(level)) return false
  return true
}

/** Escapes `text` for use as a literal in a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
