// How lines are read, whatever the input: the year of RFC 3164 timestamps and the longest line kept.

/** Options of line reading, shared by every input of a run. */
export interface ReadingOptions {
  /** Forced year for RFC 3164 timestamps (`--year`). */
  year: number | undefined
  /** The run's "now" in epoch ms: year inference for inputs without a modification time. */
  now: number
  /** Longer lines are counted as `too-long` and never parsed. */
  maxLineLength: number
}
