import { BLOCK_BYTES, blocksOf, placeOf } from './blocks.js'

// The main thread's record of a run's blocks: which input each belongs to, where it starts in that
// input, and how many lines it held (told by the thread that split it). From it come each input's
// line count, the `file:line` of a malformed line (the threads know only its block and its index in
// the block), and the place named when a thread fails.

interface Segment {
  input: number
  name: string
  firstBlock: number
  /** Size of a plain file read by ranges; -1 for a stream. */
  size: number
  /** Start of each block in a stream's text (after inflating). */
  offsets: number[]
}

/** Blocks of a run, in order, by input. */
export class BlockLedger {
  private readonly segments: Segment[] = []
  private readonly lines: number[] = []
  private firstLine: number[] | null = null
  /** Blocks so far. */
  total = 0

  /** Adds a plain file read by byte ranges; returns its first block. */
  addRange(input: number, name: string, size: number): number {
    const firstBlock = this.total
    this.segments.push({ input, name, firstBlock, size, offsets: [] })
    this.total += blocksOf(size)
    return firstBlock
  }

  /** Starts a stream input; its blocks are added as they are cut. Returns its first block. */
  addStream(input: number, name: string): number {
    this.segments.push({ input, name, firstBlock: this.total, size: -1, offsets: [] })
    return this.total
  }

  /** Adds a block of the last stream, starting at `offset` of its text; returns the block's number. */
  addStreamBlock(offset: number): number {
    this.segments.at(-1)!.offsets.push(offset)
    return this.total++
  }

  /** Records how many lines a block held. */
  setLines(block: number, lines: number): void {
    this.lines[block] = lines
    this.firstLine = null
  }

  private blocksIn(s: Segment): number {
    return s.size >= 0 ? blocksOf(s.size) : s.offsets.length
  }

  /** The segment holding `block` (the last one starting at or before it: empty inputs hold none). */
  private segmentOf(block: number): Segment | null {
    let lo = 0
    let hi = this.segments.length - 1
    let found: Segment | null = null
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = this.segments[mid]!
      if (s.firstBlock <= block) {
        found = s
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  /** Bytes of a plain file that a block covers (progress), 0 for a stream's block. */
  rangeBytes(block: number): number {
    const s = this.segmentOf(block)
    if (s === null || s.size < 0) return 0
    return Math.min(BLOCK_BYTES, s.size - (block - s.firstBlock) * BLOCK_BYTES)
  }

  /** Lines of an input. */
  linesOf(input: number): number {
    let n = 0
    for (const s of this.segments) {
      if (s.input !== input) continue
      for (let b = s.firstBlock; b < s.firstBlock + this.blocksIn(s); b++) n += this.lines[b] ?? 0
    }
    return n
  }

  /** `name:line` of the line with this ordinal (see blocks.ts ordinalOf). */
  where(ordinal: number): string {
    const { block, line } = placeOf(ordinal)
    const s = this.segmentOf(block)
    if (s === null) return `line ${ordinal}`
    if (this.firstLine === null) {
      // The line number in its input of each block's first line, less one.
      const firstLine: number[] = (this.firstLine = [])
      for (const seg of this.segments) {
        let n = 0
        for (let b = seg.firstBlock; b < seg.firstBlock + this.blocksIn(seg); b++) {
          firstLine[b] = n
          n += this.lines[b] ?? 0
        }
      }
    }
    return `${s.name}:${(this.firstLine[block] ?? 0) + line + 1}`
  }

  /** The place a block starts, for messages: `name at byte N` (of its text, for a stream). */
  describe(block: number): string {
    const s = this.segmentOf(block)
    if (s === null) return 'no input'
    if (s.size >= 0) return `${s.name} at byte ${(block - s.firstBlock) * BLOCK_BYTES}`
    return `${s.name} at byte ${s.offsets[block - s.firstBlock] ?? 0} of its text`
  }
}
