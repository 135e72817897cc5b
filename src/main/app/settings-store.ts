import { mkdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Notice } from '@shared/bridge/views'
import type { Disposer } from '@shared/disposable'
import { Emitter } from '@shared/emitter'
import { describeError } from '@shared/redact'
import {
  AppSettingsSchema,
  LOCAL_PROFILE_ID,
  SETTINGS_VERSION,
  defaultSettings
} from '@shared/settings'
import type { AppSettings } from '@shared/settings'
import { setAside, writeFileAtomic } from './atomic-file'

// The settings file (`settings.json` in the user-data folder, or the directory `ui` and tests
// pass in): profiles and preferences, never a secret. Validated on load; a file that cannot be
// read is moved aside (never overwritten) and the app starts with defaults and says so; a file
// from a newer version is left untouched and this run keeps its changes in memory only.
// Saves are batched, skipped when nothing changed, written atomically and flushed on dispose.

export const SETTINGS_FILE = 'settings.json'

export interface SettingsStoreOptions {
  /** The directory holding settings.json (created when missing). */
  dir: string
  /** Batching delay of saves (default 100 ms). */
  saveDelayMs?: number
  now?: () => number
  log?: (line: string) => void
}

/** A settings value that breaks the schema (a bug in the caller, or a bad request). */
export class InvalidSettingsError extends Error {
  override name = 'InvalidSettingsError'
  constructor(
    readonly field: string,
    message: string
  ) {
    super(message)
  }
}

type LoadResult = { settings: AppSettings; notice?: Notice; readOnly: boolean; onDisk?: string }

/** Loads, validates, holds and saves the app's settings. */
export class SettingsStore {
  readonly path: string
  private current: AppSettings
  private readonly saveDelayMs: number
  private readonly now: () => number
  private readonly log: (line: string) => void
  private readonly emitter: Emitter<{ change: (settings: AppSettings) => void }>
  private readonly startupNotices: Notice[] = []
  private readonly readOnlyReason: boolean
  /** The JSON last written (or read): a save of the same content is skipped. */
  private written: string | undefined
  /** Changed since loaded: nothing is written for a run that changed nothing. */
  private dirty = false
  private saveTimer: NodeJS.Timeout | undefined
  private disposed = false

  constructor(options: SettingsStoreOptions) {
    this.path = join(options.dir, SETTINGS_FILE)
    this.saveDelayMs = options.saveDelayMs ?? 100
    this.now = options.now ?? Date.now
    this.log = options.log ?? (() => {})
    this.emitter = new Emitter((error) =>
      this.log(`settings listener failed: ${describeError(error)}`)
    )
    mkdirSync(options.dir, { recursive: true, mode: 0o700 })
    const loaded = this.load()
    this.current = loaded.settings
    this.readOnlyReason = loaded.readOnly
    this.written = loaded.onDisk
    if (loaded.notice) this.startupNotices.push(loaded.notice)
  }

  /** The settings now (the persisted ones; run-only overrides are applied elsewhere). */
  get value(): AppSettings {
    return this.current
  }

  /** What went wrong while loading, for the dashboard. */
  get notices(): readonly Notice[] {
    return this.startupNotices
  }

  /** True when the file on disk is from a newer version: changes are kept in memory only. */
  get readOnly(): boolean {
    return this.readOnlyReason
  }

  /** Calls `listener` after every change; returns a disposer. */
  onChange(listener: (settings: AppSettings) => void): Disposer {
    return this.emitter.on('change', listener)
  }

  /** Applies a change; throws InvalidSettingsError (naming the field) when the result is invalid. */
  update(change: (current: AppSettings) => AppSettings): AppSettings {
    const parsed = AppSettingsSchema.safeParse(change(structuredClone(this.current)))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new InvalidSettingsError(
        issue?.path.map(String).join('.') ?? '',
        issue?.message ?? 'invalid'
      )
    }
    const problem =
      consistencyProblem(parsed.data) ??
      (danglingActiveProfile(parsed.data)
        ? { field: 'active_profile_id', message: 'no profile has this id' }
        : undefined)
    if (problem) throw new InvalidSettingsError(problem.field, problem.message)
    if (JSON.stringify(parsed.data) === JSON.stringify(this.current)) return this.current
    this.current = parsed.data
    this.dirty = true
    this.scheduleSave()
    this.emitter.emit('change', this.current)
    return this.current
  }

  /** Writes pending changes now. */
  flush(): void {
    clearTimeout(this.saveTimer)
    this.saveTimer = undefined
    if (this.readOnlyReason || !this.dirty) return
    const json = `${JSON.stringify(this.current, null, 2)}\n`
    if (json === this.written) return
    try {
      writeFileAtomic(this.path, json)
      this.written = json
    } catch (error) {
      this.log(`could not save settings: ${describeError(error)}`)
    }
  }

  /** Flushes and stops; later updates are kept in memory only. */
  dispose(): void {
    if (this.disposed) return
    this.flush()
    this.disposed = true
    this.emitter.removeAll()
  }

  private scheduleSave(): void {
    if (this.disposed || this.saveTimer) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined
      this.flush()
    }, this.saveDelayMs)
  }

  private load(): LoadResult {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { settings: defaultSettings(), readOnly: false }
      }
      // Unreadable (permissions): do not move or overwrite what we cannot even read.
      const why = describeError(error)
      return {
        settings: defaultSettings(),
        readOnly: true,
        notice: this.notice(
          'error',
          `${basename(this.path)} could not be read (${why}); Nebula Desktop runs with default settings and will not save changes this time.`
        )
      }
    }
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      return this.reset('it is not valid JSON')
    }
    const version = (raw as { version?: unknown } | null)?.version
    if (typeof version === 'number' && version > SETTINGS_VERSION) {
      return {
        settings: defaultSettings(),
        readOnly: true,
        notice: this.notice(
          'warning',
          `${basename(this.path)} was written by a newer version of Nebula Desktop (settings version ${version}); this version runs with default settings, keeps the file as it is and will not save changes.`
        )
      }
    }
    const parsed = AppSettingsSchema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''
      return this.reset(`${where}${issue?.message ?? 'invalid'}`)
    }
    const problem = consistencyProblem(parsed.data)
    if (problem) return this.reset(`${problem.field}: ${problem.message}`)
    const settings = parsed.data
    // A dangling default profile (hand-edited file) is not worth a reset: fall back to none.
    if (danglingActiveProfile(settings)) settings.active_profile_id = null
    return { settings, readOnly: false, onDisk: text }
  }

  /** The file is unusable: move it aside, start with defaults, and say so. */
  private reset(why: string): LoadResult {
    let kept: string
    try {
      kept = `it was kept as ${basename(setAside(this.path, 'corrupt', new Date(this.now())))}`
    } catch (error) {
      this.log(`could not set the unreadable settings file aside: ${describeError(error)}`)
      return {
        settings: defaultSettings(),
        readOnly: true,
        notice: this.notice(
          'error',
          `${basename(this.path)} could not be used (${why}) nor moved aside; Nebula Desktop runs with default settings and will not save changes this time.`
        )
      }
    }
    this.log(`settings file unusable (${why}); ${kept}`)
    return {
      settings: defaultSettings(),
      readOnly: false,
      notice: this.notice(
        'warning',
        `Your settings could not be read (${why}), so Nebula Desktop started with default settings; ${kept}.`
      )
    }
  }

  private notice(level: Notice['level'], message: string): Notice {
    return { id: 'settings-load', level, message, at: new Date(this.now()).toISOString() }
  }
}

/** Rules the schema alone does not express: unique profile ids, none named like the built-in one. */
function consistencyProblem(settings: AppSettings): { field: string; message: string } | undefined {
  const seen = new Set<string>()
  for (const [index, profile] of settings.profiles.entries()) {
    if (profile.id === LOCAL_PROFILE_ID) {
      return {
        field: `profiles.${index}.id`,
        message: `"${LOCAL_PROFILE_ID}" is the built-in local dev mode profile`
      }
    }
    if (seen.has(profile.id)) {
      return { field: `profiles.${index}.id`, message: 'another profile has this id' }
    }
    seen.add(profile.id)
  }
  return undefined
}

/** True when the default profile names no profile (the built-in one always exists). */
function danglingActiveProfile(settings: AppSettings): boolean {
  const id = settings.active_profile_id
  return id !== null && id !== LOCAL_PROFILE_ID && !settings.profiles.some((p) => p.id === id)
}
