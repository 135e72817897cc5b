import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InvalidSettingsError, SETTINGS_FILE, SettingsStore } from '@main/app/settings-store'
import { applyOverrides, overridesFromEnv } from '@main/app/run-overrides'
import { AppSettingsSchema, defaultSettings } from '@shared/settings'

// The settings file on a real disk: load, save (batched, skipped when unchanged, atomic),
// corruption set aside without ever overwriting a backup, a newer version left untouched,
// starting from no file, and the run-only overrides.

let dir = ''
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nebula-settings-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const file = () => join(dir, SETTINGS_FILE)
const fixedNow = Date.parse('2025-03-04T05:06:07.890Z')
const open = () => new SettingsStore({ dir, saveDelayMs: 5, now: () => fixedNow })
const profile = (id: string, url = 'https://nebula.example.com') => ({
  id,
  name: id,
  server_url: url,
  enabled: true,
  auth_method: 'query' as const,
  allow_insecure: false
})
function thrown(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
const backups = () =>
  readdirSync(dir)
    .filter((n) => n.startsWith('settings.corrupt-'))
    .sort()

describe('SettingsStore', () => {
  it('starts from no file with defaults and writes nothing until something changes', () => {
    const store = open()
    expect(store.value).toEqual(defaultSettings())
    expect(store.notices).toEqual([])
    store.dispose()
    expect(existsSync(file())).toBe(false)
  })

  it('saves a change as a valid, versioned file (owner-only), and loads it back', () => {
    const store = open()
    store.update((s) => ({ ...s, profiles: [profile('prod')], active_profile_id: 'prod' }))
    store.flush()
    const saved = JSON.parse(readFileSync(file(), 'utf8'))
    expect(AppSettingsSchema.parse(saved)).toEqual(store.value)
    expect(saved.version).toBe(1)
    if (process.platform !== 'win32') expect(statSync(file()).mode & 0o777).toBe(0o600)
    store.dispose()
    const again = open()
    expect(again.value.profiles).toEqual([profile('prod')])
    expect(again.value.active_profile_id).toBe('prod')
    again.dispose()
    // Atomic writes leave no temporary files behind.
    expect(readdirSync(dir)).toEqual([SETTINGS_FILE])
  })

  it('batches saves and skips writing when nothing changed', async () => {
    const store = open()
    store.update((s) => ({ ...s, launch_at_login: true }))
    store.update((s) => ({ ...s, close_to_tray: false }))
    expect(existsSync(file())).toBe(false)
    await new Promise<void>((resolve) => {
      const stop = setInterval(() => {
        if (existsSync(file())) {
          clearInterval(stop)
          resolve()
        }
      }, 2)
    })
    const first = statSync(file())
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toMatchObject({
      launch_at_login: true,
      close_to_tray: false
    })
    // The same value again is no change: no event, no write.
    let changes = 0
    store.onChange(() => changes++)
    store.update((s) => ({ ...s, launch_at_login: true }))
    store.flush()
    expect(changes).toBe(0)
    expect(statSync(file()).ino).toBe(first.ino)
    expect(statSync(file()).mtimeMs).toBe(first.mtimeMs)
    store.dispose()
  })

  it('flushes a pending change on dispose', () => {
    const store = new SettingsStore({ dir, saveDelayMs: 60_000 })
    store.update((s) => ({ ...s, launch_at_login: true }))
    store.dispose()
    expect(JSON.parse(readFileSync(file(), 'utf8')).launch_at_login).toBe(true)
  })

  it('refuses an invalid change, naming the field, and keeps the old value', () => {
    const store = open()
    expect(() => store.update((s) => ({ ...s, profiles: [profile('a', 'ftp://x')] }))).toThrow(
      InvalidSettingsError
    )
    const duplicate = thrown(() =>
      store.update((s) => ({ ...s, profiles: [profile('a'), profile('a')] }))
    )
    expect(duplicate).toBeInstanceOf(InvalidSettingsError)
    expect((duplicate as InvalidSettingsError).field).toBe('profiles.1.id')
    expect(() => store.update((s) => ({ ...s, profiles: [profile('local')] }))).toThrow(/built-in/)
    expect(() => store.update((s) => ({ ...s, active_profile_id: 'nobody' }))).toThrow(
      InvalidSettingsError
    )
    expect(store.value).toEqual(defaultSettings())
    store.dispose()
  })

  it('sets a file that is not JSON aside, starts with defaults and says so', () => {
    writeFileSync(file(), '{"profiles": [')
    const store = open()
    expect(store.value).toEqual(defaultSettings())
    expect(backups()).toEqual(['settings.corrupt-2025-03-04T05-06-07-890Z.json'])
    expect(readFileSync(join(dir, backups()[0]!), 'utf8')).toBe('{"profiles": [')
    expect(store.notices).toHaveLength(1)
    expect(store.notices[0]!.message).toMatch(
      /not valid JSON.*default settings.*settings\.corrupt-/
    )
    // It can save again (the reset file is gone, not locked).
    store.update((s) => ({ ...s, launch_at_login: true }))
    store.dispose()
    expect(JSON.parse(readFileSync(file(), 'utf8')).launch_at_login).toBe(true)
  })

  it('never overwrites an earlier backup, even one with the same timestamp', () => {
    writeFileSync(file(), 'first garbage')
    open().dispose()
    writeFileSync(file(), 'second garbage')
    open().dispose()
    expect(backups()).toEqual([
      'settings.corrupt-2025-03-04T05-06-07-890Z-1.json',
      'settings.corrupt-2025-03-04T05-06-07-890Z.json'
    ])
    const contents = backups().map((name) => readFileSync(join(dir, name), 'utf8'))
    expect(contents.sort()).toEqual(['first garbage', 'second garbage'])
  })

  it('sets a file that breaks the schema aside, naming the field', () => {
    writeFileSync(
      file(),
      JSON.stringify({
        version: 1,
        profiles: [{ id: 'bad id!', name: 'x', server_url: 'https://x' }]
      })
    )
    const store = open()
    expect(store.value).toEqual(defaultSettings())
    expect(store.notices[0]!.message).toContain('profiles.0.id')
    expect(backups()).toHaveLength(1)
    store.dispose()
  })

  it('leaves a file from a newer version untouched and keeps changes in memory only', () => {
    const newer = JSON.stringify({ version: 2, profiles: [], something_new: true })
    writeFileSync(file(), newer)
    const store = open()
    expect(store.readOnly).toBe(true)
    expect(store.value).toEqual(defaultSettings())
    expect(store.notices[0]!.message).toMatch(/newer version.*settings version 2/)
    store.update((s) => ({ ...s, launch_at_login: true }))
    expect(store.value.launch_at_login).toBe(true)
    store.flush()
    store.dispose()
    expect(readFileSync(file(), 'utf8')).toBe(newer)
    expect(backups()).toEqual([])
  })

  it('drops a dangling default profile from a hand-edited file instead of resetting it', () => {
    writeFileSync(file(), JSON.stringify({ profiles: [profile('a')], active_profile_id: 'gone' }))
    const store = open()
    expect(store.value.profiles).toHaveLength(1)
    expect(store.value.active_profile_id).toBeNull()
    expect(store.notices).toEqual([])
    store.dispose()
  })
})

describe('run overrides', () => {
  it('NEBULA_SERVER_URL adds a profile for this run, makes it the default and turns local dev mode off', () => {
    const overrides = overridesFromEnv({
      NEBULA_SERVER_URL: 'https://n.example.com',
      NEBULA_PROFILE: 'prod'
    })
    expect(overrides).toEqual({ server: { url: 'https://n.example.com', profile: 'prod' } })
    const settings = applyOverrides(defaultSettings(), overrides)
    expect(settings.profiles).toEqual([{ ...profile('prod', 'https://n.example.com') }])
    expect(settings.active_profile_id).toBe('prod')
    expect(settings.local_dev_mode).toBe(false)
  })

  it('overrides the URL of a saved profile of that name, without changing what is saved', () => {
    const saved = {
      ...defaultSettings(),
      profiles: [profile('default', 'https://old.example.com')]
    }
    const settings = applyOverrides(
      saved,
      overridesFromEnv({ NEBULA_SERVER_URL: 'https://new.example.com' })
    )
    expect(settings.profiles).toEqual([profile('default', 'https://new.example.com')])
    expect(saved.profiles[0]!.server_url).toBe('https://old.example.com')
  })

  it('ignores a NEBULA_SERVER_URL no profile could hold, saying why', () => {
    const reasons: string[] = []
    expect(
      overridesFromEnv({ NEBULA_SERVER_URL: 'ftp://x.example' }, (r) => reasons.push(r))
    ).toEqual({})
    expect(reasons).toEqual(['NEBULA_SERVER_URL ignored: enter an http(s):// or ws(s):// address'])
    const named = overridesFromEnv(
      { NEBULA_SERVER_URL: 'https://x.example', NEBULA_PROFILE: 'bad id' },
      (r) => reasons.push(r)
    )
    expect(named.server?.profile).toBe('default')
    expect(reasons[1]).toMatch(/NEBULA_PROFILE/)
  })

  it('without NEBULA_SERVER_URL there is no override, and --local forces local dev mode', () => {
    expect(overridesFromEnv({ NEBULA_PROFILE: 'prod' })).toEqual({})
    const off = { ...defaultSettings(), local_dev_mode: false }
    expect(applyOverrides(off, { localDevMode: true }).local_dev_mode).toBe(true)
  })
})
