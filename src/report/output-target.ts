import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import path from 'node:path'
import { InputError } from '../core/errors.js'

// Where a rendered output goes. A file is written to a temporary name beside it and renamed into
// place only when the run succeeds, so a report is never half-written; the temporary file is
// created before any input is read, so an unwritable path fails first (exit 4).

export interface OutputTarget {
  readonly name: string
  write(chunk: string): void
  /** A promise to await before producing more output, or null when there is no backpressure. */
  pressure(): Promise<void> | null
  commit(): Promise<void>
  abort(): void
}

class StdoutTarget implements OutputTarget {
  readonly name = 'standard output'
  private full = false

  write(chunk: string): void {
    if (!process.stdout.write(chunk)) this.full = true
  }

  pressure(): Promise<void> | null {
    if (!this.full) return null
    this.full = false
    return new Promise((resolve) => process.stdout.once('drain', resolve))
  }

  async commit(): Promise<void> {
    await this.pressure()
  }

  abort(): void {}
}

class FileTarget implements OutputTarget {
  private fd: number | null

  constructor(
    readonly name: string,
    private readonly temp: string,
  ) {
    this.fd = openSync(temp, 'wx', 0o644)
  }

  write(chunk: string): void {
    if (this.fd === null) return
    writeSync(this.fd, chunk)
  }

  pressure(): null {
    return null
  }

  async commit(): Promise<void> {
    if (this.fd === null) return
    closeSync(this.fd)
    this.fd = null
    renameSync(this.temp, this.name)
  }

  abort(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
    try {
      unlinkSync(this.temp)
    } catch {
      // already gone
    }
  }
}

/** Opens stdout (path null or '-') or a file for atomic writing; throws InputError (exit 4) if unwritable. */
export function openTarget(file: string | null): OutputTarget {
  if (file === null || file === '-') return new StdoutTarget()
  let isDir = false
  try {
    isDir = statSync(file).isDirectory()
  } catch {
    // does not exist yet: fine
  }
  if (isDir) throw new InputError(`cannot write output ${file}: it is a directory`)
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`)
  try {
    return new FileTarget(file, temp)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : (code ?? String(err))
    throw new InputError(`cannot write output ${file}: ${why}`)
  }
}
