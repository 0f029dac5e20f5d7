import type { Detector } from '../detect/detector.js'
import type { ReadingOptions } from '../sources/reading.js'
import { LineFeed, type Ordinal } from './line-feed.js'

// The one loop that feeds a detector from chunks of bytes, whatever the input: the files of a serial
// `analyze` read one after the other, or the followed logs of `watch` delivering whole lines as they
// are written (several inputs interleaved). The source decides when bytes come; the driver keeps one
// line feed per input and tells the hooks how far it got. (A run with threads splits blocks into
// lines itself, see part.ts, and gives each detector whole lines.)

export interface DriverHooks {
  /** Called after each chunk with the number of lines it completed (progress). */
  onLines?: ((n: number) => void) | null
  /** Awaited after each chunk when it returns a promise (backpressure of streaming outputs). */
  afterChunk?: (() => Promise<void> | null) | null
}

/** Feeds the inputs' bytes to one detector, line by line (see line-feed.ts). */
export class Driver {
  private readonly feeds = new Map<string, LineFeed>()
  private readonly ordinal: Ordinal = { n: 0 }

  constructor(
    readonly detector: Detector,
    private readonly reading: ReadingOptions,
    private readonly hooks: DriverHooks = {},
  ) {}

  private feed(input: string): LineFeed {
    let feed = this.feeds.get(input)
    if (feed === undefined) {
      feed = new LineFeed(this.detector, this.reading, this.ordinal)
      feed.begin(input, null)
      this.feeds.set(input, feed)
    }
    return feed
  }

  /** Starts (or restarts) an input; `mtime`, when known, is the reference for year inference. */
  begin(input: string, mtime: number | null): void {
    this.feed(input).begin(input, mtime)
  }

  /**
   * Feeds a chunk of an input; `reference` updates its year-inference reference (a live log: when its
   * lines were read). Returns a promise to await before the next chunk when an output is behind.
   */
  push(input: string, chunk: Buffer, reference?: number): Promise<void> | null {
    const feed = this.feed(input)
    if (reference !== undefined) feed.refer(reference)
    const lines = feed.push(chunk)
    this.hooks.onLines?.(lines)
    return this.hooks.afterChunk?.() ?? null
  }

  /**
   * Ends an input: its last line may lack a newline. An input cut short by an error (`damaged`) has
   * its unfinished last line dropped, not analysed (it may end mid-field); returns that line's length.
   */
  end(input: string, damaged = false): number {
    // Not inside `onLines?.(…)`: an optional call skips its arguments when there is no hook.
    const feed = this.feed(input)
    const dropped = damaged ? feed.drop() : 0
    const lines = feed.end()
    this.hooks.onLines?.(lines)
    return dropped
  }

  /** Lines of an input so far. */
  lines(input: string): number {
    return this.feeds.get(input)?.lines ?? 0
  }
}
