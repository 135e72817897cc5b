import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  InstanceLockedError,
  INSTANCE_LOCK_FILE,
  acquireInstanceLock
} from '@main/app/instance-lock'
import { APP_DIR_NAME, defaultUserDataDir } from '@main/app/user-data-dir'

// One process per settings folder, the desktop app or `ui`: a live owner is named, a dead one's
// lock is taken over. And the folder `ui` shares with the desktop app by default.

let dir = ''
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nebula-lock-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A pid that existed and is gone now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid!
}

describe('instance lock', () => {
  it('is taken (creating the folder), records the URL (never a key), and is released', () => {
    dir = join(dir, 'not-yet')
    const lock = acquireInstanceLock(dir, 'ui')
    lock.setUrl('http://127.0.0.1:4321/')
    const owner = JSON.parse(readFileSync(join(dir, INSTANCE_LOCK_FILE), 'utf8'))
    expect(owner).toMatchObject({ kind: 'ui', pid: process.pid, url: 'http://127.0.0.1:4321/' })
    lock.release()
    expect(existsSync(join(dir, INSTANCE_LOCK_FILE))).toBe(false)
  })

  it('refuses while a live process holds it, naming what it is, its pid and URL', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], {
      stdio: 'ignore'
    })
    const refusal = (kind: 'ui' | 'desktop'): InstanceLockedError => {
      try {
        acquireInstanceLock(dir, kind)
      } catch (error) {
        if (error instanceof InstanceLockedError) return error
        throw error
      }
      throw new Error('the lock was taken while a live process held it')
    }
    const holdAs = (owner: object): void =>
      writeFileSync(
        join(dir, INSTANCE_LOCK_FILE),
        JSON.stringify({ pid: holder.pid, started_at: new Date().toISOString(), ...owner })
      )
    try {
      // A `ui` holds it: neither the desktop app nor another `ui` may start.
      holdAs({ kind: 'ui', url: 'http://127.0.0.1:5555/' })
      expect(refusal('desktop').message).toBe(
        `nebula-desktop ui already serves these settings (pid ${holder.pid}, http://127.0.0.1:5555/); stop it first (Ctrl-C where it runs)`
      )
      expect(refusal('ui').owner).toMatchObject({ kind: 'ui', pid: holder.pid })
      // The desktop app holds it.
      holdAs({ kind: 'desktop' })
      expect(refusal('ui').message).toBe(
        `the Nebula Desktop app already runs on these settings (pid ${holder.pid}); quit it first`
      )
      expect(JSON.parse(readFileSync(join(dir, INSTANCE_LOCK_FILE), 'utf8')).pid).toBe(holder.pid)
    } finally {
      holder.kill()
    }
  })

  it('takes over the lock of a process that is gone, or an unreadable one', async () => {
    writeFileSync(
      join(dir, INSTANCE_LOCK_FILE),
      JSON.stringify({ kind: 'ui', pid: await deadPid(), started_at: 'x' })
    )
    acquireInstanceLock(dir, 'desktop').release()
    writeFileSync(join(dir, INSTANCE_LOCK_FILE), 'garbage')
    const lock = acquireInstanceLock(dir, 'ui')
    expect(JSON.parse(readFileSync(join(dir, INSTANCE_LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    lock.release()
  })
})

describe('the user-data folder', () => {
  it("is Electron's userData path for the product name, per platform", () => {
    // Electron names the folder after package.json's productName.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(APP_DIR_NAME).toBe(pkg.productName)
    expect(defaultUserDataDir({}, 'linux', '/home/ada')).toBe('/home/ada/.config/Nebula Desktop')
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/ada')).toBe(
      '/cfg/Nebula Desktop'
    )
    expect(defaultUserDataDir({}, 'darwin', '/Users/ada')).toBe(
      '/Users/ada/Library/Application Support/Nebula Desktop'
    )
    expect(
      defaultUserDataDir(
        { APPDATA: 'C:\\\\Users\\\\ada\\\\AppData\\\\Roaming' },
        'win32',
        'C:\\\\Users\\\\ada'
      )
    ).toContain('Nebula Desktop')
  })
})
