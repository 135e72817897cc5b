import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from './atomic-file'

// One process per settings folder, the desktop app or `nebula-desktop ui`: two would start the
// same sessions twice and overwrite each other's settings. (Electron's single-instance lock
// keeps out a second desktop app, but not a `ui`.) The lock is a small file naming its owner
// (what it is, pid, URL without the key); a lock whose process is gone is taken over.

export const INSTANCE_LOCK_FILE = 'instance.lock'

const InstanceKindSchema = z.enum(['desktop', 'ui'])
/** Which program holds the lock. */
export type InstanceKind = z.infer<typeof InstanceKindSchema>

const LockOwnerSchema = z.object({
  kind: InstanceKindSchema,
  pid: z.number().int().positive(),
  /** Where it serves, without the key; absent while it is starting. */
  url: z.string().optional(),
  started_at: z.string()
})
export type LockOwner = z.infer<typeof LockOwnerSchema>

/** Another live process holds the lock; the message names it and says to stop it first. */
export class InstanceLockedError extends Error {
  override name = 'InstanceLockedError'
  constructor(readonly owner: LockOwner) {
    super(
      owner.kind === 'ui'
        ? `nebula-desktop ui already serves these settings (pid ${owner.pid}${owner.url ? `, ${owner.url}` : ', starting'}); stop it first (Ctrl-C where it runs)`
        : `the Nebula Desktop app already runs on these settings (pid ${owner.pid}); quit it first`
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

/** Takes the lock in `dir` for `kind`, or throws InstanceLockedError naming the live owner. */
export function acquireInstanceLock(dir: string, kind: InstanceKind): InstanceLock {
  // The app service creates the folder too; the lock needs it first.
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, INSTANCE_LOCK_FILE)
  const owner: LockOwner = { kind, pid: process.pid, started_at: new Date().toISOString() }
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
