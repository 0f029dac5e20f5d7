import { BLOCK_BYTES } from './blocks.js'

// Cuts a stream's text (standard input, the journal, an inflated gzip file) into blocks that end
// after a newline, so a stream is split and analysed by the threads as a plain file is. The bytes
// after a block's last newline begin the next block. A line that does not fit a block (longer than
// the line limit, see capacityFor) becomes a block of its own marked over-long, and the rest of it is
// skipped up to its newline.

const NL = 10

/**
 * Receives a block: `text` (valid until the returned promise settles) starting at `offset` of the
 * stream's text, or null for an over-long line.
 */
export type BlockSink = (text: Uint8Array | null, offset: number) => Promise<void>

/** Bytes a stream block holds, so that a full block without a newline means an over-long line. */
export function capacityFor(maxLine: number): number {
  return Math.max(BLOCK_BYTES, maxLine + 2)
}

/** Packs one stream's chunks into blocks of whole lines for `sink`. */
export class BlockCutter {
  private readonly buf: Buffer
  private filled = 0
  /** Text offset of buf[0]. */
  private offset = 0
  /** Inside an over-long line: bytes are dropped up to its newline. */
  private discarding = false

  constructor(
    private readonly capacity: number,
    private readonly sink: BlockSink,
  ) {
    this.buf = Buffer.alloc(capacity)
  }

  /** Takes a chunk; resolves once every block it completed was taken by the sink. */
  async push(chunk: Buffer): Promise<void> {
    let i = 0
    while (i < chunk.length) {
      if (this.discarding) {
        const nl = chunk.indexOf(NL, i)
        const stop = nl < 0 ? chunk.length : nl + 1
        this.offset += stop - i
        i = stop
        if (nl >= 0) this.discarding = false
        continue
      }
      const n = Math.min(this.capacity - this.filled, chunk.length - i)
      chunk.copy(this.buf, this.filled, i, i + n)
      this.filled += n
      i += n
      if (this.filled === this.capacity) await this.cut()
    }
  }

  /**
   * Ends the stream: what is left is its last line, newline or not. A stream cut short by an error
   * (`damaged`) has its unfinished last line dropped, as a serial run does (it may end mid-field);
   * returns that line's length.
   */
  async end(damaged = false): Promise<number> {
    let dropped = 0
    if (damaged && this.filled > 0) {
      const kept = this.buf.lastIndexOf(NL, this.filled - 1) + 1
      dropped = this.filled - kept
      this.filled = kept
    }
    if (this.filled > 0) await this.sink(this.buf.subarray(0, this.filled), this.offset)
    this.filled = 0
    return dropped
  }

  private async cut(): Promise<void> {
    const last = this.buf.lastIndexOf(NL, this.filled - 1)
    if (last < 0) {
      // One line fills the whole block: it is longer than any line kept.
      await this.sink(null, this.offset)
      this.offset += this.filled
      this.filled = 0
      this.discarding = true
      return
    }
    const length = last + 1
    await this.sink(this.buf.subarray(0, length), this.offset)
    this.buf.copyWithin(0, length, this.filled)
    this.offset += length
    this.filled -= length
  }
}
