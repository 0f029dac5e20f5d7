import { ownerOf } from './blocks.js'

// Splits one block's text into lines, once, and deals each line to the part that owns its source:
// the line's route (the source address, found without parsing the rest of the line) picks the part.
// A line is kept as (start, end, index in the block); its bytes stay where they are, in memory the
// threads share. Lines are cut as the serial line splitter (sources/lines.ts) cuts them: at '\n',
// without a final '\r', a last line without '\n' still a line, and lines over the limit counted as
// too long and never parsed.

const NL = 10
const CR = 13

/** A block's text: b[0,length) read from the input; lines that start in [first, limit) belong to it. */
export interface BlockText {
  b: Buffer
  length: number
  /** Where the block starts: 0 at the input's start, else 1 (b[0] is the byte before the block). */
  first: number
  limit: number
  /** b ends where the input ends (its last line may lack a newline). */
  eof: boolean
}

/** One growable list of (start, end, index) triples per part. */
class LineLists {
  private readonly lists: Int32Array[]
  private readonly sizes: number[]

  constructor(count: number) {
    this.lists = Array.from({ length: count }, () => new Int32Array(0))
    this.sizes = new Array<number>(count).fill(0)
  }

  reset(expected: number): void {
    for (let o = 0; o < this.lists.length; o++) {
      this.lists[o] = new Int32Array(Math.max(64, expected) * 3)
      this.sizes[o] = 0
    }
  }

  add(owner: number, start: number, end: number, line: number): void {
    let list = this.lists[owner]!
    const n = this.sizes[owner]!
    if (n + 3 > list.length) {
      const grown = new Int32Array(list.length * 2)
      grown.set(list)
      this.lists[owner] = list = grown
    }
    list[n] = start
    list[n + 1] = end
    list[n + 2] = line
    this.sizes[owner] = n + 3
  }

  take(owner: number): Int32Array {
    return this.lists[owner]!.subarray(0, this.sizes[owner])
  }
}

/** Splits blocks for part `me` of `count`, routing lines with the parser's cheap source finder. */
export class BlockSplitter {
  private readonly lists: LineLists
  private expected = 0

  constructor(
    private readonly me: number,
    private readonly count: number,
    private readonly maxLine: number,
    private readonly route: (b: Uint8Array, start: number, end: number) => number,
    private readonly onOverlong: () => void,
  ) {
    this.lists = new LineLists(count)
  }

  /**
   * Splits a block; returns how many lines start in it. `take(owner)` then gives each part its lines.
   * Lines that name no source stay with this part; over-long lines are counted here (onOverlong).
   */
  split(t: BlockText): number {
    this.lists.reset(this.expected)
    const { b, limit, length } = t
    let p = t.first
    if (p > 0 && b[p - 1] !== NL) {
      const nl = b.indexOf(NL, p)
      if (nl < 0) return 0
      p = nl + 1
    }
    let line = 0
    while (p < limit) {
      const nl = b.indexOf(NL, p)
      if (nl < 0 && !t.eof) {
        // No newline within maxLine bytes past the block: the line is longer than the limit.
        this.onOverlong()
        line++
        break
      }
      const end = nl < 0 ? length : nl
      if (end - p > this.maxLine) this.onOverlong()
      else {
        const e = end > p && b[end - 1] === CR ? end - 1 : end
        const r = this.route(b, p, e)
        this.lists.add(r < 0 ? this.me : ownerOf(r, this.count), p, e, line)
      }
      line++
      if (nl < 0) break
      p = nl + 1
    }
    this.expected = Math.ceil(line / this.count)
    return line
  }

  /** The lines of the last split block that part `owner` analyses. */
  take(owner: number): Int32Array {
    return this.lists.take(owner)
  }
}
