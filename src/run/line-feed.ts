import type { Detector } from '../detect/detector.js'
import type { TimeContext } from '../parse/time.js'
import { LineSplitter } from '../sources/lines.js'
import type { ReadingOptions } from '../sources/reading.js'

// One input's bytes into lines for one detector. In a run with threads every thread's feed sees every
// line, and each detector gets only its share of the sources: a line goes to part `route % count`,
// where route is the source address the parser will find in it, so every packet of a source lands in
// the same part and is seen in input order, as in a serial run. Lines that name no source (noise,
// malformed, over-long) are dealt out by position. A line's position across all inputs of the run
// (its ordinal) lets the parts' results merge into the serial ones.

/** Which share of the lines a detector gets: part `index` of `count` (count 1: every line). */
export interface Share {
  index: number
  count: number
}

/** The whole run's line counter, shared by the feeds of all its inputs. */
export interface Ordinal {
  n: number
}

/** Splits one input's chunks into lines and gives its detector its share of them. */
export class LineFeed {
  private lineNo = 0
  private name = ''
  private readonly time: TimeContext
  private readonly splitter: LineSplitter

  constructor(detector: Detector, share: Share, private readonly reading: ReadingOptions, ordinal: Ordinal) {
    this.time = { year: reading.year, reference: reading.now }
    const { index, count } = share
    const where = (): string => `${this.name}:${this.lineNo}`
    this.splitter = new LineSplitter(
      reading.maxLineLength,
      count === 1
        ? (b, start, end) => {
            this.lineNo++
            detector.lineBytes(b, start, end, this.time, where, ordinal.n++)
          }
        : (b, start, end) => {
            this.lineNo++
            const route = detector.route(b, start, end)
            if ((route >= 0 ? route : ordinal.n) % count === index) detector.lineBytes(b, start, end, this.time, where, ordinal.n)
            ordinal.n++
          },
      () => {
        this.lineNo++
        if (ordinal.n % count === index) detector.overlong()
        ordinal.n++
      },
    )
  }

  /** (Re)starts the input: line numbers from 1; `mtime` (when known, else the run's now) for year inference. */
  begin(name: string, mtime: number | null): void {
    this.name = name
    this.lineNo = 0
    this.time.reference = mtime ?? this.reading.now
  }

  /** Sets the year-inference reference (a followed log: the time its lines were read). */
  refer(reference: number): void {
    this.time.reference = reference
  }

  /** Feeds a chunk; returns how many lines it completed. */
  push(chunk: Buffer): number {
    const before = this.lineNo
    this.splitter.push(chunk)
    return this.lineNo - before
  }

  /** Ends the input (its last line may lack a newline); returns the lines that completed. */
  end(): number {
    const before = this.lineNo
    this.splitter.end()
    return this.lineNo - before
  }

  /** Ends an input cut short: drops its unfinished last line; returns that line's length in bytes. */
  drop(): number {
    return this.splitter.drop()
  }

  /** Lines of this input so far. */
  get lines(): number {
    return this.lineNo
  }
}
