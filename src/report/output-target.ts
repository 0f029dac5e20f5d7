import { closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import path from 'node:path'
import { OutputError } from '../core/errors.js'
import { systemReason } from '../core/system-error.js'

// Where a rendered output goes. A file is written to a temporary name beside it and renamed into
// place only when every output of the run is complete and on disk, so a report is never
// half-written; the temporary file is created before any input is read, so an unwritable path fails
// first (exit 4). A write that fails (a full disk) is an OutputError naming the output and the
// system's reason. Temporary files still open are listed here, so the command layer can remove
// them when the process is interrupted (removeTemporaryOutputs).
//
// Standard output belongs to the command layer: its errors arrive as 'error' events on
// process.stdout, which the command handles once for every kind of write (base-command.ts).

export interface OutputTarget {
  readonly name: string
  /** Writes all of `chunk`; throws OutputError when it cannot. */
  write(chunk: string): void
  /** A promise to await before producing more output, or null when there is no backpressure. */
  pressure(): Promise<void> | null
  /** Makes what was written durable and closes it, not yet visible at the target; throws OutputError. */
  finish(): Promise<void>
  /** Moves a finished output into place; throws OutputError. */
  commit(): void
  /** Drops what was written (the temporary file); never throws. */
  abort(): void
}

const open = new Set<FileTarget>()

/** Removes the temporary files of every output not yet committed (on a signal or an early exit). Never throws. */
export function removeTemporaryOutputs(): void {
  for (const t of [...open]) t.abort()
}

function failure(name: string, err: unknown): OutputError {
  return new OutputError(`cannot write output ${name}: ${systemReason(err)}`)
}

// writeSync may write less than asked (a disk filling up); the rest is retried until it throws.
function writeAll(fd: number, name: string, chunk: string): void {
  const buf = Buffer.from(chunk, 'utf8')
  let done = 0
  try {
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done)
  } catch (err) {
    throw failure(name, err)
  }
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

  async finish(): Promise<void> {
    await this.pressure()
  }

  commit(): void {}

  abort(): void {}
}

// An existing device or FIFO (`-o /dev/stdout`, a named pipe): written in place, since a temporary
// file renamed over it would replace the device node itself.
class DeviceTarget implements OutputTarget {
  private fd: number | null

  constructor(readonly name: string) {
    try {
      this.fd = openSync(name, 'w')
    } catch (err) {
      throw failure(name, err)
    }
  }

  write(chunk: string): void {
    if (this.fd !== null) writeAll(this.fd, this.name, chunk)
  }

  pressure(): null {
    return null
  }

  async finish(): Promise<void> {
    this.abort()
  }

  commit(): void {}

  abort(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}

class FileTarget implements OutputTarget {
  private fd: number | null
  private finished = false

  constructor(
    readonly name: string,
    private readonly real: string,
    private readonly temp: string,
  ) {
    this.fd = openSync(temp, 'wx', 0o644)
    open.add(this)
  }

  write(chunk: string): void {
    if (this.fd !== null) writeAll(this.fd, this.name, chunk)
  }

  pressure(): null {
    return null
  }

  // Some file systems (NFS, quotas) report a full disk only at fsync or close.
  async finish(): Promise<void> {
    if (this.fd === null) return
    const fd = this.fd
    this.fd = null
    try {
      fsyncSync(fd)
      closeSync(fd)
    } catch (err) {
      closeQuietly(fd)
      throw failure(this.name, err)
    }
    this.finished = true
  }

  commit(): void {
    if (!this.finished) return
    try {
      renameSync(this.temp, this.real)
    } catch (err) {
      throw failure(this.name, err)
    }
    this.finished = false
    open.delete(this)
  }

  abort(): void {
    if (this.fd !== null) closeQuietly(this.fd)
    this.fd = null
    this.finished = false
    open.delete(this)
    try {
      unlinkSync(this.temp)
    } catch {
      // already gone
    }
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // the write error is what gets reported
  }
}

/** Opens stdout (path null or '-') or a file for atomic writing; throws OutputError (exit 4) if unwritable. */
export function openTarget(file: string | null): OutputTarget {
  if (file === null || file === '-') return new StdoutTarget()
  let st = null
  try {
    st = statSync(file)
  } catch {
    // does not exist yet: fine
  }
  if (st?.isDirectory() === true) throw new OutputError(`cannot write output ${file}: it is a directory`)
  if (st !== null && !st.isFile()) return new DeviceTarget(file)
  // A symbolic link is written through: the file it names is replaced, the link stays.
  const real = st === null ? file : realpathSync(file)
  const temp = path.join(path.dirname(real), `.${path.basename(real)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`)
  try {
    return new FileTarget(file, real, temp)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new OutputError(`cannot write output ${file}: ${code === 'ENOENT' ? 'its directory does not exist' : systemReason(err)}`)
  }
}
