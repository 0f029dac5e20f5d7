import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Clock } from '../core/clock.js'
import { StateError } from '../core/errors.js'
import { LOCK_FILE } from './schema.js'

// The state directory: created if missing, proven writable before anything is read, held by one
// process at a time (a lock file with its pid), and the place where an unusable state file is set
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

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the directory's lock for this process; throws StateError when another live process (or
 * another store in this one) holds it. A lock left by a process that died is taken over.
 */
export function lockDirectory(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE)
  const key = path.resolve(dir)
  if (held.has(key)) throw new StateError(`state directory ${dir} is already open in this process`)
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateError(`cannot write ${file}: ${reason(err)}`)
    const owner = Number.parseInt(readText(file), 10)
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new StateError(`state directory ${dir} is in use by process ${owner}`, `stop that process, or remove ${file} if it is not portsleuth`)
    }
    try {
      writeFileSync(file, `${process.pid}\n`)
    } catch (e) {
      throw new StateError(`cannot write ${file}: ${reason(e)}`)
    }
  }
  held.add(key)
  return () => {
    held.delete(key)
    try {
      if (readText(file).trim() === String(process.pid)) unlinkSync(file)
    } catch {
      // already gone: nothing to release
    }
  }
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
