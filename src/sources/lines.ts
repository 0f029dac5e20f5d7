// Splits a byte stream into lines without ever holding more than `maxLength` bytes of one line:
// an over-long line is dropped and reported (split2's skipOverflow drops it without telling us,
// and every line must land in a counter). Lines are handed over as byte ranges, never decoded here:
// the parser reads bytes. A final line without '\n' is still a line; '\r\n' is accepted.

/** Default longest line kept, in bytes; the kernel's own lines stay far below this. */
export const DEFAULT_MAX_LINE = 16 * 1024

/** Receives one line as b[start,end), without its newline. */
export type LineHandler = (b: Buffer, start: number, end: number) => void

export class LineSplitter {
  private pending: Buffer[] = []
  private pendingLength = 0
  private discarding = false

  constructor(
    private readonly maxLength: number,
    private readonly onLine: LineHandler,
    private readonly onOverlong: (length: number) => void,
  ) {}

  /** Feeds a chunk; calls onLine/onOverlong for every line completed by it. */
  push(chunk: Buffer): void {
    let start = 0
    for (;;) {
      const nl = chunk.indexOf(10, start)
      if (nl < 0) break
      this.emit(chunk, start, nl)
      start = nl + 1
    }
    if (start < chunk.length) this.hold(chunk, start, chunk.length)
  }

  /** Flushes the last line when the input did not end with a newline. */
  end(): void {
    if (this.discarding) this.onOverlong(this.pendingLength)
    else if (this.pendingLength > 0) {
      const buf = Buffer.concat(this.pending, this.pendingLength)
      this.deliver(buf, 0, buf.length)
    }
    this.reset()
  }

  /**
   * Drops the unfinished last line instead of flushing it (an input cut short by damage: the line may
   * end mid-field) and returns its length in bytes (0 when the input ended at a line end).
   */
  drop(): number {
    const length = this.pendingLength
    this.reset()
    return length
  }

  private hold(chunk: Buffer, start: number, end: number): void {
    this.pendingLength += end - start
    if (this.discarding) return
    if (this.pendingLength > this.maxLength) {
      this.discarding = true
      this.pending = []
      return
    }
    this.pending.push(chunk.subarray(start, end))
  }

  private emit(chunk: Buffer, start: number, end: number): void {
    const total = this.pendingLength + (end - start)
    if (this.discarding || total > this.maxLength) this.onOverlong(total)
    else if (this.pendingLength === 0) this.deliver(chunk, start, end)
    else {
      this.pending.push(chunk.subarray(start, end))
      const buf = Buffer.concat(this.pending, total)
      this.deliver(buf, 0, buf.length)
    }
    this.reset()
  }

  private deliver(b: Buffer, start: number, end: number): void {
    this.onLine(b, start, end > start && b[end - 1] === 13 ? end - 1 : end)
  }

  private reset(): void {
    if (this.pendingLength !== 0) {
      this.pending = []
      this.pendingLength = 0
    }
    this.discarding = false
  }
}
