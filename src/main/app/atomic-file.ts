import {
  closeSync,
  constants,
  copyFileSync,
  fsyncSync,
  linkSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, extname, join } from 'node:path'

// Small files that must never be half-written or silently lost: the settings file and the
// `ui` instance lock. Plain Node, synchronous (the files are tiny and written rarely).

/** Writes `data` to `path` so a crash leaves either the old or the new content, never a mix. */
export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const fd = openSync(temp, 'wx', mode)
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    renameSync(temp, path)
  } catch (error) {
    // EXDEV (temp on another device) or EPERM (Windows: the target is open elsewhere): copy.
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EXDEV' && code !== 'EPERM') {
      safeUnlink(temp)
      throw error
    }
    try {
      copyFileSync(temp, path)
    } finally {
      safeUnlink(temp)
    }
  }
  syncDirectory(dir)
}

/**
 * Moves `path` aside as `<name>.<label>-<stamp><ext>` next to it, never overwriting an existing
 * file (a suffix is added instead); returns the new path.
 */
export function setAside(path: string, label: string, now: Date = new Date()): string {
  const ext = extname(path)
  const stem = join(dirname(path), basename(path, ext))
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  for (let n = 0; n < 1000; n++) {
    const target = `${stem}.${label}-${stamp}${n === 0 ? '' : `-${n}`}${ext}`
    try {
      moveWithoutOverwrite(path, target)
      syncDirectory(dirname(path))
      return target
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  throw new Error(`could not find a free name to set ${basename(path)} aside`)
}

/** link + unlink fails with EEXIST instead of replacing; copy with COPYFILE_EXCL where links fail. */
function moveWithoutOverwrite(from: string, to: string): void {
  try {
    linkSync(from, to)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw error
    copyFileSync(from, to, constants.COPYFILE_EXCL)
  }
  unlinkSync(from)
}

/** Makes a rename durable (POSIX); directories cannot be opened for fsync on Windows. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself has happened.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // already gone
  }
}
