import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { describeError } from '@shared/redact'
import { assertProfileId } from './token-vault'

/** What the monitor remembers per server profile between runs. Holds no secret. */
export const ProfileStateSchema = z.object({
  version: z.literal(1),
  server: z.string(),
  /** Newest execution `started_at` seen (server clock); reconciliation lists from here. */
  watermark: z.string().nullable(),
  /** Executions that were not terminal when last seen: re-checked at start. */
  open_execution_ids: z.array(z.string()).max(5000),
  /** Recently alerted executions, so a restart never alerts the same failure twice. */
  alerted_ids: z.array(z.string()).max(5000),
  saved_at: z.string()
})
export type ProfileState = z.infer<typeof ProfileStateSchema>

const MAX_ALERTED = 1000

/** A fresh state for a server never seen before under this profile. */
export function emptyProfileState(server: string): ProfileState {
  return {
    version: 1,
    server,
    watermark: null,
    open_execution_ids: [],
    alerted_ids: [],
    saved_at: new Date(0).toISOString()
  }
}

/**
 * The per-profile state file. Writes are atomic (temp file + rename). A corrupt or unreadable
 * file is moved aside (never deleted) and the monitor starts fresh, with a clear message.
 */
export class ProfileStateFile {
  readonly path: string

  constructor(
    dir: string,
    profile: string,
    private readonly log: (line: string) => void
  ) {
    assertProfileId(profile)
    this.path = join(dir, `${profile}.state.json`)
    this.dir = dir
  }

  private readonly dir: string

  /** Loads the state for `server`; a state saved for another server URL starts fresh. */
  load(server: string): ProfileState {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log(`cannot read ${this.path}: ${describeError(error)}; starting fresh`)
      }
      return emptyProfileState(server)
    }
    let parsed: ProfileState
    try {
      parsed = ProfileStateSchema.parse(JSON.parse(text))
    } catch {
      const aside = `${this.path}.corrupt-${Date.now()}`
      try {
        renameSync(this.path, aside)
        this.log(`state file ${this.path} was corrupt; kept it as ${aside} and started fresh`)
      } catch (error) {
        this.log(
          `state file ${this.path} was corrupt and could not be moved aside: ${describeError(error)}`
        )
      }
      return emptyProfileState(server)
    }
    if (parsed.server !== server) return emptyProfileState(server)
    return parsed
  }

  /** Writes the state atomically; failures are logged, never thrown. */
  save(state: ProfileState): boolean {
    const next: ProfileState = {
      ...state,
      alerted_ids: state.alerted_ids.slice(-MAX_ALERTED),
      open_execution_ids: state.open_execution_ids.slice(-5000),
      saved_at: new Date().toISOString()
    }
    const tmp = `${this.path}.${process.pid}.tmp`
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 })
      writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 })
      renameSync(tmp, this.path)
      return true
    } catch (error) {
      this.log(`could not save ${this.path}: ${describeError(error)}`)
      return false
    }
  }
}

/**
 * Saves a session's state a moment after it changes (one write per burst) and once more at
 * dispose. Owns its timer.
 */
export class ProfileStateSaver {
  private timer: ReturnType<typeof setTimeout> | undefined
  private disposed = false

  constructor(
    private readonly file: ProfileStateFile,
    private readonly snapshot: () => ProfileState,
    private readonly delayMs = 1_000
  ) {}

  /** Saves within `delayMs` (several calls, one write). */
  schedule(): void {
    if (this.timer || this.disposed) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.saveNow()
    }, this.delayMs)
  }

  /** Writes now. */
  saveNow(): void {
    this.file.save(this.snapshot())
  }

  /** True while a save is scheduled (leak checks). */
  hasLiveTimer(): boolean {
    return this.timer !== undefined
  }

  /** Stops the timer and writes the final state. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    clearTimeout(this.timer)
    this.timer = undefined
    this.saveNow()
  }
}
