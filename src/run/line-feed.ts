import type { Detector } from '../detect/detector.js'
import type { TimeContext } from '../parse/time.js'
import { LineSplitter } from '../sources/lines.js'
import type { ReadingOptions } from '../sources/reading.js'

// One input's bytes into lines for one detector, in order. A line's position across all inputs of
// the run (its ordinal) is what run-wide label tallies remember (detect/tally.ts).

/** The whole run's line counter, shared by the feeds of all its inputs. */
export interface Ordinal {
  n: number
}

/** Splits one input's chunks into lines and gives them to its detector. */
export class LineFeed {
  private lineNo = 0
  private name = ''
  private readonly time: TimeContext
  private readonly splitter: LineSplitter

  constructor(detector: Detector, private readonly reading: ReadingOptions, ordinal: Ordinal) {
    this.time = { year: reading.year, reference: reading.now }
    const where = (): string => `${this.name}:${this.lineNo}`
    this.splitter = new LineSplitter(
      reading.maxLineLength,
      (b, start, end) => {
        this.lineNo++
        detector.lineBytes(b, start, end, this.time, where, ordinal.n++)
      },
      () => {
        this.lineNo++
        detector.overlong()
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
