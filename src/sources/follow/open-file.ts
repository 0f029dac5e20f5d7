import { open, type FileHandle } from 'node:fs/promises'
import type { FileCheckpoint } from './checkpoint.js'
import { FINGERPRINT_BYTES, fingerprint, readHead } from './fingerprint.js'

const NL = 10
/** How far back a tail start looks for the beginning of the last line. */
const TAIL_SCAN = 64 * 1024

/**
 * Returns how many of the `bytesRead` bytes in `buf` are whole lines: up to the last newline, or
 * all of a full buffer without one (a line longer than a chunk goes in pieces).
 */
function linesEnd(buf: Buffer, bytesRead: number): number {
  if (bytesRead === 0) return 0
  const end = buf.lastIndexOf(NL, bytesRead - 1) + 1
  return end === 0 && bytesRead === buf.length ? bytesRead : end
}

/** Hands over bytes read (whole lines); awaited before the next chunk is read. */
export type ChunkSink = (bytes: Buffer) => Promise<void>

/**
 * One open regular file read by byte offset. The handle stays open after the file is renamed or
 * removed, so a rotated file can be read to its end. Reads go in bounded chunks; only whole lines
 * are handed over, a partial last line is read again once its newline has arrived.
 */
export class OpenFile {
  offset = 0
  /** Set when readLines stopped because the file was truncated or rewritten under it. */
  stale = false
  private buf: Buffer | null = null
  private seen = ''

  private constructor(
    readonly name: string,
    private readonly fh: FileHandle,
    readonly dev: number,
    readonly ino: number,
    public size: number,
    public mtime: number,
    /** The first bytes seen in the file (up to 256): at least min(offset, 256), maybe more not read yet. */
    private head: Buffer,
  ) {}

  /** Opens a regular file at offset 0; throws the system error (code ENOENT, EACCES …, or ENOTREG). */
  static async open(name: string): Promise<OpenFile> {
    const fh = await open(name, 'r')
    try {
      const st = await fh.stat()
      if (!st.isFile()) throw Object.assign(new Error(`${name}: not a regular file`), { code: 'ENOTREG' })
      return new OpenFile(name, fh, st.dev, st.ino, st.size, st.mtimeMs, await readHead(fh))
    } catch (err) {
      await fh.close()
      throw err
    }
  }

  /** Whether this is the file with device `dev` and inode `ino`. */
  is(id: { dev: number; ino: number }): boolean {
    return id.dev === this.dev && id.ino === this.ino
  }

  /** Whether this file holds what a checkpoint covers: at least as many bytes, the same first ones. */
  holds(cp: Pick<FileCheckpoint, 'fingerprint' | 'offset'>): boolean {
    return this.size >= cp.offset && fingerprint(this.head, cp.offset) === cp.fingerprint
  }

  /** Returns the position after the last line delivered, as a checkpoint of the followed `path`. */
  checkpoint(path: string): FileCheckpoint {
    return { kind: 'file', path, dev: this.dev, ino: this.ino, fingerprint: fingerprint(this.head, this.offset), offset: this.offset }
  }

  /** Moves the read position to `offset` (a checkpoint's, at most the size). */
  seek(offset: number): void {
    this.offset = offset
  }

  /** Moves the read position to the start of the line under way at `limit`, so that a tail start never cuts a line. */
  async seekLineStart(limit: number): Promise<void> {
    const from = Math.max(0, limit - TAIL_SCAN)
    const buf = Buffer.alloc(limit - from)
    const { bytesRead } = buf.length === 0 ? { bytesRead: 0 } : await this.fh.read(buf, 0, buf.length, from)
    const nl = bytesRead === 0 ? -1 : buf.lastIndexOf(NL, bytesRead - 1)
    // Without a newline in reach the line under way is too long to keep anyway: start after it.
    this.offset = nl >= 0 ? from + nl + 1 : from === 0 ? 0 : limit
  }

  /**
   * Re-reads size and mtime; returns true when the file was truncated or rewritten in place
   * (copytruncate): it is shorter than the offset, or the first bytes seen in it (up to 256, also
   * those not read yet, so that a truncation at offset 0 shows too) are no longer there.
   */
  async replaced(): Promise<boolean> {
    const st = await this.fh.stat()
    this.size = st.size
    this.mtime = st.mtimeMs
    if (st.size < this.offset) return true
    const n = this.head.length
    const seen = `${st.size}:${st.mtimeMs}:${st.ctimeMs}`
    if (n === 0 || seen === this.seen) return false
    this.seen = seen
    const now = await readHead(this.fh)
    return now.length < n || !now.subarray(0, n).equals(this.head)
  }

  /**
   * Whether this file, found among the rotated ones, is a copy of `original` made after it was
   * read to its offset: at least that long, and starting with the bytes seen at the start of
   * `original` (as far as both have them; an original read up to 0 still has its first bytes seen).
   */
  copyOf(original: OpenFile): boolean {
    const n = Math.min(this.head.length, original.head.length)
    return !this.is(original) && this.size >= original.offset && n > 0 && this.head.subarray(0, n).equals(original.head.subarray(0, n))
  }

  /** Starts again at offset 0, after the file was truncated and is being written anew. */
  async rewind(): Promise<void> {
    this.offset = 0
    this.stale = false
    this.seen = ''
    this.head = await readHead(this.fh)
  }

  /**
   * Reads whole lines from the offset to the end, `chunkBytes` at a time, handing each chunk's lines
   * to `sink` (awaited: backpressure) with the offset already past them. Stops early, with `stale`
   * set, when the file was truncated or rewritten. Returns the bytes handed over.
   */
  async readLines(chunkBytes: number, sink: ChunkSink, stopped: () => boolean): Promise<number> {
    if (this.buf === null || this.buf.length !== chunkBytes) this.buf = Buffer.allocUnsafe(chunkBytes)
    const buf = this.buf
    let total = 0
    while (!stopped()) {
      const { bytesRead } = await this.fh.read(buf, 0, chunkBytes, this.offset)
      const end = linesEnd(buf, bytesRead)
      // A copytruncate can land between any earlier look at the file and this read, so the bytes
      // are handed over only after a look that follows the read. When the file was truncated,
      // bytes read from the new content at the old offset are still in the file (it only grows
      // after a truncation) and are read again from offset 0; bytes that are not there any more
      // were read before the truncation and are the old file's.
      if (await this.replaced()) {
        this.stale = true
        if (end > 0 && !(await this.holdsAt(this.offset, buf.subarray(0, end)))) {
          await this.hand(buf.subarray(0, end), sink)
          total += end
        }
        break
      }
      if (end === 0) break // nothing new, or a partial line: wait for its newline
      await this.hand(buf.subarray(0, end), sink)
      total += end
    }
    return total
  }

  /**
   * For a file nobody writes any more (rotated away, or a copy): reads to the end and hands over a
   * final partial line with a '\n' added. Returns the bytes read.
   */
  async finish(chunkBytes: number, sink: ChunkSink, stopped: () => boolean): Promise<number> {
    let total = await this.readLines(chunkBytes, sink, stopped)
    if (stopped()) return total
    const rest = Math.min(chunkBytes, (await this.fh.stat()).size - this.offset)
    if (rest <= 0) return total
    const buf = Buffer.alloc(rest + 1)
    const { bytesRead } = await this.fh.read(buf, 0, rest, this.offset)
    if (bytesRead === 0) return total
    buf[bytesRead] = NL
    this.advance(buf.subarray(0, bytesRead))
    await sink(buf.subarray(0, bytesRead + 1))
    return total + bytesRead
  }

  /** Closes the handle; never throws. */
  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined)
  }

  /** Hands over whole lines read at the offset: a copy, since the read buffer is reused. */
  private async hand(read: Buffer, sink: ChunkSink): Promise<void> {
    const bytes = Buffer.from(read)
    this.advance(bytes)
    await sink(bytes)
  }

  /** Whether the file holds exactly `bytes` at `offset` now. */
  private async holdsAt(offset: number, bytes: Buffer): Promise<boolean> {
    const now = Buffer.alloc(bytes.length)
    const { bytesRead } = await this.fh.read(now, 0, bytes.length, offset)
    return bytesRead === bytes.length && now.equals(bytes)
  }

  private advance(fileBytes: Buffer): void {
    // Keeps the first 256 bytes: the fingerprint of any later offset is made from them.
    if (this.head.length < FINGERPRINT_BYTES) {
      this.head = Buffer.concat([this.head.subarray(0, this.offset), fileBytes]).subarray(0, FINGERPRINT_BYTES)
    }
    this.offset += fileBytes.length
  }
}
