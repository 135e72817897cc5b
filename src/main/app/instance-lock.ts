import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from './atomic-file'

// One `nebula-desktop ui` per settings folder: two would start the same sessions twice and
// overwrite each other's settings. The lock is a small file naming its owner (pid, URL without
// the key); a lock whose process is gone is taken over.

export const UI_LOCK_FILE = 'ui.lock'

const LockOwnerSchema = z.object({
  pid: z.number().int().positive(),
  /** Where it serves, without the key; absent while it is starting. */
  url: z.string().optional(),
  started_at: z.string()
})
export type LockOwner = z.infer<typeof LockOwnerSchema>

/** Another live process holds the lock. */
export class InstanceLockedError extends Error {
  override name = 'InstanceLockedError'
  constructor(readonly owner: LockOwner) {
    super(
      `another nebula-desktop ui already serves these settings (pid ${owner.pid}${owner.url ? `, ${owner.url}` : ', starting'}); stop it first, or use --settings-dir for a separate one`
    )
  }
}

export interface InstanceLock {
  /** Records where this instance serves (never the key). */
  setUrl(url: string): void
  /** Removes the lock (if still ours). */
  release(): void
}

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = LockOwnerSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** Takes the lock in `dir`, or throws InstanceLockedError naming the live owner. */
export function acquireInstanceLock(dir: string, name = UI_LOCK_FILE): InstanceLock {
  const path = join(dir, name)
  const owner: LockOwner = { pid: process.pid, started_at: new Date().toISOString() }
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      try {
        writeSync(fd, JSON.stringify(owner))
      } finally {
        closeSync(fd)
      }
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error
      const current = readOwner(path)
      if (current && current.pid !== process.pid && alive(current.pid)) {
        throw new InstanceLockedError(current)
      }
      // Stale (its process is gone) or unreadable: take it over.
      unlinkSync(path)
    }
  }
  let released = false
  const release = (): void => {
    if (released) return
    released = true
    process.off('exit', release)
    if (readOwner(path)?.pid !== process.pid) return
    try {
      unlinkSync(path)
    } catch {
      // already gone
    }
  }
  // Even a crash that skips the normal shutdown leaves no lock behind.
  process.on('exit', release)
  return {
    setUrl(url) {
      if (!released) writeFileAtomic(path, JSON.stringify({ ...owner, url }))
    },
    release
  }
}
