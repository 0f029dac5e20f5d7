import { readSync } from 'node:fs'
import type { Detector } from '../detect/detector.js'
import type { TimeContext } from '../parse/time.js'
import type { ReadingOptions } from '../sources/reading.js'
import { BlockSplitter, type BlockText } from './block-splitter.js'
import { blockWindow, ordinalOf } from './blocks.js'
import { DOING_SLOTS, type FromWorker, type InputNotice, type LineList, type Phase, type Ring, type StreamBlock } from './messages.js'

// One analysis thread of a run with threads (part `me` of `count`). It has two jobs:
//  - split its blocks (me, me + count, me + 2·count, …) into lines: a plain file's blocks it reads
//    itself by byte range into the block's slot of the shared ring, a stream's blocks the main thread
//    puts there; each line goes to the part that owns its source (block-splitter.ts) as three
//    numbers, never copied;
//  - analyse the lines it owns, block after block in the run's order, so every source sees its
//    packets in input order, as in a serial run.
// It splits only blocks below the main thread's limit, which follows the slowest part: memory stays
// bounded, and the lowest block not yet analysed can always be split, so the run cannot stall.

/** Where a part's messages go: the main thread, and the other parts. */
export interface PartLinks {
  toMain(msg: FromWorker): void
  toPart(owner: number, list: LineList): void
}

/** Called before a block is split or analysed (a test hook that injects a fault; null: none). */
export type FaultHook = ((phase: Phase, block: number) => void) | null

const NO_WHERE = (): string => ''

/** A part's state between messages: what it may split, what it has to analyse, in order. */
export class Part {
  /** The next block whose lines this part analyses. */
  private next = 0
  private splitNext: number
  /** Blocks in the run, once the main thread has announced every input (-1 before). */
  private total = -1
  private readSent = false
  private readonly pending = new Map<number, LineList>()
  private readonly inputs: InputNotice[] = []
  /** The input holding splitNext, or the last announced before it. */
  private cursor = 0
  private readonly times: TimeContext[] = []
  private readonly streamBlocks = new Map<number, StreamBlock>()
  private readonly splitter: BlockSplitter

  constructor(
    readonly detector: Detector,
    private readonly reading: ReadingOptions,
    private readonly me: number,
    private readonly count: number,
    private readonly links: PartLinks,
    private readonly doing: Int32Array,
    private readonly ring: Ring,
    private limit: number,
    private readonly fault: FaultHook,
  ) {
    this.splitNext = me
    this.splitter = new BlockSplitter(me, count, reading.maxLineLength, (b, s, e) => detector.route(b, s, e), () => detector.overlong())
  }

  /** An input of the run, announced in reading order. */
  input(notice: InputNotice): void {
    this.inputs.push(notice)
    this.times[notice.index] = { year: this.reading.year, reference: notice.reference }
    this.pump()
  }

  /** A stream block this part splits. */
  block(b: StreamBlock): void {
    this.streamBlocks.set(b.block, b)
    this.pump()
  }

  /** Lines another part split for this one. */
  lines(list: LineList): void {
    this.pending.set(list.block, list)
    this.pump()
  }

  /** Blocks below `limit` may be split now. */
  raise(limit: number): void {
    if (limit > this.limit) this.limit = limit
    this.pump()
  }

  /** Every input is announced: the run has `blocks` blocks. */
  end(blocks: number): void {
    this.total = blocks
    this.pump()
  }

  /** Does whatever can be done now: splitting first (it feeds the other parts), then analysing. */
  private pump(): void {
    for (;;) {
      if (this.splitNext < this.limit && this.split()) continue
      const list = this.pending.get(this.next)
      // (A list can come from another thread before this one has heard of its input.)
      if (list === undefined || this.times[list.input] === undefined) break
      this.analyse(list)
    }
    if (!this.readSent && this.total >= 0 && this.next >= this.total) {
      this.readSent = true
      this.links.toMain({ type: 'read', tcpOptionsSeen: this.detector.engine.totals.tcpOptionsSeen })
    }
  }

  private split(): boolean {
    const block = this.splitNext
    if (this.total >= 0 && block >= this.total) return false
    let text: BlockText | null
    let input: number
    const sb = this.streamBlocks.get(block)
    if (sb !== undefined) {
      this.streamBlocks.delete(block)
      input = sb.input
      text = sb.overlong ? null : { b: this.slot(block, sb.length), length: sb.length, first: 0, limit: sb.length, eof: true }
    } else {
      const notice = this.rangeOf(block)
      if (notice === null) return false
      input = notice.index
      text = this.read(notice, block)
    }
    this.doing[this.me * DOING_SLOTS] = block
    this.fault?.('splitting', block)
    let lines = 1
    if (text === null) this.detector.overlong()
    else lines = this.splitter.split(text)
    for (let owner = 0; owner < this.count; owner++) {
      const list: LineList = { block, input, length: text === null ? 0 : text.length, lines: text === null ? new Int32Array(0) : this.splitter.take(owner) }
      if (owner === this.me) this.pending.set(block, list)
      else this.links.toPart(owner, list)
    }
    this.links.toMain({ type: 'split', block, lines })
    this.doing[this.me * DOING_SLOTS] = -1
    this.splitNext += this.count
    return true
  }

  /** The plain-file input that holds `block`, or null when it is a stream's or not announced yet. */
  private rangeOf(block: number): InputNotice | null {
    while (this.cursor + 1 < this.inputs.length && this.inputs[this.cursor + 1]!.firstBlock <= block) this.cursor++
    const notice = this.inputs[this.cursor]
    if (notice === undefined || notice.text.kind !== 'range' || block < notice.firstBlock) return null
    return block < notice.firstBlock + notice.text.blocks ? notice : null
  }

  /** The first `length` bytes of the ring slot of `block`. */
  private slot(block: number, length: number): Buffer {
    return Buffer.from(this.ring.bytes, (block % this.ring.slots) * this.ring.slotBytes, length)
  }

  private read(notice: InputNotice, block: number): BlockText {
    const { fd, size } = notice.text as Extract<InputNotice['text'], { kind: 'range' }>
    const w = blockWindow(block - notice.firstBlock, size, this.reading.maxLineLength)
    const b = this.slot(block, w.to - w.from)
    let got = 0
    while (got < b.length) {
      const n = readSync(fd, b, got, b.length - got, w.from + got)
      if (n === 0) break
      got += n
    }
    // A file cut short while it is read: the block is what could be read (the main thread compares
    // the file's size and mtime before and after the run and reports the change).
    const view = got < b.length ? b.subarray(0, got) : b
    return { b: view, length: got, first: w.first, limit: Math.min(w.limit, got), eof: got < b.length || w.to === size }
  }

  private analyse(list: LineList): void {
    const { block, lines } = list
    this.doing[this.me * DOING_SLOTS + 1] = block
    this.fault?.('analysing', block)
    const detector = this.detector
    const time = this.times[list.input]!
    const b = this.slot(block, list.length)
    const base = ordinalOf(block, 0)
    for (let i = 0; i < lines.length; i += 3) detector.lineBytes(b, lines[i]!, lines[i + 1]!, time, NO_WHERE, base + lines[i + 2]!)
    this.pending.delete(block)
    this.next++
    this.doing[this.me * DOING_SLOTS + 1] = -1
    this.links.toMain({ type: 'done', next: this.next })
  }
}
