import { existsSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import path from 'node:path'
import type { Clock } from '../core/clock.js'
import { StateError } from '../core/errors.js'
import { LOCK_FILE } from './schema.js'

// The state directory: created if missing, proven writable before anything is read, held by one
// process at a time (see lockDirectory), and the place where an unusable state file is set
// aside for inspection.

const reason = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err))

/** Creates the directory if needed and proves it writable; throws StateError naming it and why not. */
export function prepareDirectory(dir: string): void {
  const probe = path.join(dir, `.write-test-${process.pid}`)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o750 })
    writeFileSync(probe, '')
    unlinkSync(probe)
  } catch (err) {
    throw new StateError(`state directory ${dir} is not writable: ${reason(err)}`, 'give a writable --state-dir, or run as a user who may write there')
  }
}

const held = new Set<string>()

/**
 * Takes the directory's lock for this process; throws StateError when another process (or another
 * store in this one) holds it. The lock is SQLite's exclusive lock on `state.lock`: a POSIX record
 * lock the kernel releases when its process ends in any way (kill -9 included), so a lock can never
 * be left behind — unlike a pid file, which a reused pid or a zombie makes look alive.
 */
export function lockDirectory(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE)
  const key = path.resolve(dir)
  if (held.has(key)) throw new StateError(`state directory ${dir} is already open in this process`)
  for (let attempt = 0; ; attempt++) {
    let db: Database.Database
    try {
      db = new Database(file, { timeout: 0 })
    } catch (err) {
      throw new StateError(`cannot open ${file}: ${reason(err)}`, 'the lock file must be writable by this user; remove it when no portsleuth process runs')
    }
    try {
      db.pragma('locking_mode = EXCLUSIVE')
      db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS owner (pid INTEGER); DELETE FROM owner;')
      db.prepare('INSERT INTO owner (pid) VALUES (?)').run(process.pid)
      db.exec('COMMIT')
    } catch (err) {
      db.close()
      if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new StateError(`state directory ${dir} is in use by another process (a running watch, or a status or block command)`, 'stop the watcher first, or give this command its own --state-dir')
      throw new StateError(`cannot lock ${file}: ${reason(err)}`)
    }
    // The holder before us removes the file when it lets go; if it did so between our open and our
    // lock, we hold a lock on a file no longer at the path: let go and take the one that is there.
    if (!lockedOrphan(file) || attempt >= 3) {
      held.add(key)
      return () => {
        held.delete(key)
        // Removed while still locked, so no other process can be holding the file we remove; a
        // lock file left behind would belong to whichever user created it (root's `status` would lock
        // the service user out).
        try {
          unlinkSync(file)
        } catch {
          // already gone
        }
        db.close()
      }
    }
    db.close()
  }
}

// True when this process holds a descriptor of `file` that is no longer at its path (Linux shows it
// as `<path> (deleted)` under /proc/self/fd).
function lockedOrphan(file: string): boolean {
  const gone = `${path.resolve(file)} (deleted)`
  try {
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`) === gone) return true
      } catch {
        // a descriptor closed meanwhile
      }
    }
  } catch {
    // no /proc: cannot tell; the window is a few microseconds wide
  }
  return false
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
}

/**
 * Moves a state file (with its WAL) aside as `<file>.broken-<UTC time>` and returns the new name.
 * Throws StateError when it cannot be moved.
 */
export function setAside(file: string, clock: Clock): string {
  let target = `${file}.broken-${stamp(clock.now())}`
  for (let n = 1; existsSync(target); n++) target = `${file}.broken-${stamp(clock.now())}-${n}`
  try {
    renameSync(file, target)
    if (existsSync(`${file}-wal`)) renameSync(`${file}-wal`, `${target}-wal`)
    rmSync(`${file}-shm`, { force: true })
  } catch (err) {
    throw new StateError(`cannot move the unusable state file ${file} aside: ${reason(err)}`)
  }
  return target
}
