import type { Notice } from '@shared/bridge/views'

/** Notices kept at once; the oldest goes first. */
const MAX_NOTICES = 20

/**
 * What the person should know that belongs to no field (settings set aside, no keychain, an
 * ignored NEBULA_SERVER_URL): one entry per id, the newest last, bounded.
 */
export class NoticeBoard {
  private readonly notices: Notice[] = []

  constructor(private readonly now: () => number) {}

  /** Adds (or replaces, by id) a notice; returns it. */
  add(id: string, level: Notice['level'], message: string): Notice {
    const notice: Notice = { id, level, message, at: new Date(this.now()).toISOString() }
    const index = this.notices.findIndex((n) => n.id === id)
    if (index >= 0) this.notices.splice(index, 1)
    this.notices.push(notice)
    if (this.notices.length > MAX_NOTICES) this.notices.shift()
    return notice
  }

  /** Keeps notices made elsewhere (the settings store's), as they are. */
  keep(notices: readonly Notice[]): void {
    for (const notice of notices) this.notices.push(notice)
  }

  /** Every notice, oldest first. */
  list(): Notice[] {
    return [...this.notices]
  }
}
