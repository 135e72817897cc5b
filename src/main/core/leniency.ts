import type { UnreadableRecord } from './rest-client'

/** How much the monitor had to overlook to keep going: counts, for diagnostics. */
export interface LeniencyCounts {
  /** Per field path: values that did not have the expected shape and were dropped. */
  dropped_fields: Record<string, number>
  /** REST records skipped because even their required fields could not be read. */
  unreadable_records: number
}

/** Most unreadable record ids kept for another look. */
const MAX_RETRY_IDS = 1_000

/**
 * Counts what was read leniently (a field dropped, a REST record skipped) and remembers the
 * skipped records' ids so the next reconciliation looks at them again. The first occurrence
 * of each kind is logged, the rest only counted, so an odd server cannot flood the log.
 */
export class Leniency {
  private readonly fields = new Map<string, number>()
  private records = 0
  private readonly retry = new Set<string>()
  private readonly logged = new Set<string>()

  constructor(private readonly log: (line: string) => void) {}

  /** Fields dropped from messages or records that were kept. */
  droppedFields(paths: readonly string[]): void {
    for (const path of paths) {
      this.fields.set(path, (this.fields.get(path) ?? 0) + 1)
      this.once(`field ${path}`, () =>
        this.log(
          `a server value for ${path} had an unexpected shape; dropped that field and kept the rest (further ones are counted)`
        )
      )
    }
  }

  /** A REST record that could not be read at all. */
  unreadableRecord(record: UnreadableRecord): void {
    this.records++
    const label = record.id ? `execution ${record.id}` : 'a record without a readable id'
    this.once(`record ${record.id ?? ''}`, () =>
      this.log(
        `skipped ${label} that could not be read (${record.detail}); the others are unaffected`
      )
    )
  }

  /** Ids to look at again in the next reconciliation. */
  unreadableIds(ids: readonly string[]): void {
    for (const id of ids) {
      this.retry.add(id)
      if (this.retry.size > MAX_RETRY_IDS) this.retry.delete(this.retry.values().next().value!)
    }
  }

  /** An execution was read after all. */
  read(id: string): void {
    this.retry.delete(id)
  }

  /** The ids still worth another look. */
  get retryIds(): string[] {
    return [...this.retry]
  }

  /** The counts so far. */
  counts(): LeniencyCounts {
    return { dropped_fields: Object.fromEntries(this.fields), unreadable_records: this.records }
  }

  private once(key: string, report: () => void): void {
    if (this.logged.has(key) || this.logged.size > 1_000) return
    this.logged.add(key)
    report()
  }
}
