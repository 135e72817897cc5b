import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProfileStateFile, ProfileStateSaver, emptyProfileState } from '@main/core/profile-state'

// The per-profile state file directly: written atomically and privately, read back only for
// the same server, a corrupt file set aside (never lost) with a clear message, and saves
// coalesced by the saver.

let dir = ''
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nebula-profile-state-'))
})
afterEach(() => {
  vi.useRealTimers()
  rmSync(dir, { recursive: true, force: true })
})

const SERVER = 'https://nebula.example.com'

describe('ProfileStateFile', () => {
  it('round-trips a state for the same server, privately, and starts fresh for another', () => {
    const file = new ProfileStateFile(dir, 'prod', () => {})
    const state = {
      ...emptyProfileState(SERVER),
      watermark: '2026-01-01T10:00:00.000Z',
      open_execution_ids: ['e1'],
      alerted_ids: ['e0']
    }
    expect(file.save(state)).toBe(true)
    expect(statSync(file.path).mode & 0o777).toBe(0o600)
    expect(file.load(SERVER)).toMatchObject({ watermark: state.watermark, alerted_ids: ['e0'] })
    expect(file.load('https://other.example.com')).toEqual(
      emptyProfileState('https://other.example.com')
    )
    expect(readdirSync(dir)).toEqual(['prod.state.json']) // no temp file left behind
  })

  it('keeps a corrupt file aside and says so, then starts fresh', () => {
    const logs: string[] = []
    const file = new ProfileStateFile(dir, 'prod', (line) => logs.push(line))
    writeFileSync(file.path, '{"version": 1, "server": ')
    expect(file.load(SERVER)).toEqual(emptyProfileState(SERVER))
    const aside = readdirSync(dir).filter((f) => f.startsWith('prod.state.json.corrupt-'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe('{"version": 1, "server": ')
    expect(logs).toEqual([
      expect.stringMatching(/was corrupt; kept it as .*corrupt-\d+ and started fresh/)
    ])
  })

  it('refuses a profile id that could escape the directory', () => {
    expect(() => new ProfileStateFile(dir, '../evil', () => {})).toThrow()
  })

  it('bounds what it remembers', () => {
    const file = new ProfileStateFile(dir, 'prod', () => {})
    const ids = Array.from({ length: 3_000 }, (_, i) => `e${i}`)
    file.save({ ...emptyProfileState(SERVER), alerted_ids: ids })
    expect(file.load(SERVER).alerted_ids).toEqual(ids.slice(-1_000))
  })
})

describe('ProfileStateSaver', () => {
  it('writes once per burst of changes, and once more when disposed', () => {
    vi.useFakeTimers()
    const file = new ProfileStateFile(dir, 'prod', () => {})
    const save = vi.spyOn(file, 'save')
    let watermark = 'a'
    const saver = new ProfileStateSaver(file, () => ({ ...emptyProfileState(SERVER), watermark }))
    for (let i = 0; i < 10; i++) saver.schedule()
    expect(save).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1_000)
    expect(save).toHaveBeenCalledTimes(1)
    expect(saver.hasLiveTimer()).toBe(false)
    watermark = 'b'
    saver.schedule()
    saver.dispose()
    expect(save).toHaveBeenCalledTimes(2)
    expect(save.mock.calls[1]![0].watermark).toBe('b')
    expect(saver.hasLiveTimer()).toBe(false)
    saver.schedule() // after dispose: nothing
    vi.advanceTimersByTime(5_000)
    expect(save).toHaveBeenCalledTimes(2)
  })
})
