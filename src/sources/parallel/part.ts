import type { Analyzer } from '../../detect/analyzer.js'
import { InputError } from '../../core/errors.js'
import type { TimeContext } from '../../parse/time.js'
import { inputName, type Input, type InputProblem } from '../inputs.js'
import { LineSplitter } from '../lines.js'
import { readInput, type ReadStats } from '../read.js'

// Lines into one analyzer. In a run with threads, the main thread reads every input once and hands
// each chunk to every thread; each thread's analyzer gets only the lines of its share of the
// sources: a line goes to part `route % count`, where route is the source address the parser will
// find in it, so every packet of a source lands in the same part and is seen in input order, as in
// a serial run. Lines that name no source (noise, malformed, over-long) are dealt out by position.
// The line's position across all inputs (its ordinal) lets the parts' results merge into the
// serial ones.

/** How one input went. */
export interface InputReport extends ReadStats {
  lines: number
  error: string | null
}

/** Which share of the lines an analyzer gets: part `index` of `count` (count 1: every line). */
export interface Share {
  index: number
  count: number
}

export interface LineOptions {
  /** Forced year for RFC 3164 timestamps (`--year`). */
  year: number | undefined
  /** Year-inference reference for inputs without an mtime. */
  now: number
  maxLineLength: number
}

/** Splits the chunks of the inputs, in order, into lines and gives its analyzer its share of them. */
export class PartReader {
  private ordinal = 0
  private lineNo = 0
  private name = ''
  private readonly time: TimeContext
  private readonly splitter: LineSplitter

  constructor(
    analyzer: Analyzer,
    share: Share,
    private readonly opts: LineOptions,
  ) {
    this.time = { year: opts.year, reference: opts.now }
    const { index, count } = share
    const where = (): string => `${this.name}:${this.lineNo}`
    this.splitter = new LineSplitter(
      opts.maxLineLength,
      count === 1
        ? (b, start, end) => {
            this.lineNo++
            analyzer.lineBytes(b, start, end, this.time, where, this.ordinal++)
          }
        : (b, start, end) => {
            this.lineNo++
            const route = analyzer.route(b, start, end)
            if ((route >= 0 ? route : this.ordinal) % count === index) analyzer.lineBytes(b, start, end, this.time, where, this.ordinal)
            this.ordinal++
          },
      () => {
        this.lineNo++
        if (this.ordinal % count === index) analyzer.overlong()
        this.ordinal++
      },
    )
  }

  /** Starts the next input; `mtime` (when known) is the reference for year inference. */
  begin(name: string, mtime: number | null): void {
    this.name = name
    this.lineNo = 0
    this.time.reference = mtime ?? this.opts.now
  }

  /** Feeds a chunk of the current input; returns how many lines it completed. */
  push(chunk: Buffer): number {
    const before = this.lineNo
    this.splitter.push(chunk)
    return this.lineNo - before
  }

  /** Ends the current input (its last line may lack a newline); returns the lines that completed. */
  end(): number {
    const before = this.lineNo
    this.splitter.end()
    return this.lineNo - before
  }

  /** Lines of the current input so far. */
  get lines(): number {
    return this.lineNo
  }
}

/** Receives every input's bytes as they are read (the other threads of a run). */
export interface ChunkForward {
  begin(name: string, mtime: number | null): void
  /** May return a promise (the receivers are behind) that is awaited before the next chunk. */
  chunk(chunk: Buffer): Promise<void> | null
  end(): void
}

export interface ReadHooks {
  onRawBytes?: (n: number) => void
  /** Called after each input chunk with the number of lines it completed. */
  onLines?: (n: number) => void
  /** Awaited after each input chunk when it returns a promise (backpressure of streaming outputs). */
  afterChunk?: () => Promise<void> | null
}

/**
 * Reads every input once, in order, into `reader` (and `forward`). An input that fails is
 * recorded, with what was read from it before the failure, and the run goes on with the next.
 */
export async function readInputs(
  inputs: readonly Input[],
  reader: PartReader,
  hooks: ReadHooks,
  forward: ChunkForward | null = null,
): Promise<{ inputs: InputReport[]; problems: InputProblem[] }> {
  const reports: InputReport[] = []
  const problems: InputProblem[] = []
  for (const input of inputs) {
    const name = inputName(input)
    const report: InputReport = { name, bytes: 0, gzip: false, mtime: null, lines: 0, error: null }
    reader.begin(name, null)
    try {
      const stats = await readInput(input, {
        onStart: (s) => {
          reader.begin(name, s.mtime)
          forward?.begin(name, s.mtime)
        },
        onChunk: (chunk) => {
          const waitForward = forward?.chunk(chunk) ?? null
          const lines = reader.push(chunk)
          hooks.onLines?.(lines)
          const waitOutput = hooks.afterChunk?.() ?? null
          return waitForward === null && waitOutput === null ? null : Promise.all([waitForward, waitOutput]).then(() => undefined)
        },
        onRawBytes: hooks.onRawBytes,
      })
      Object.assign(report, stats)
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      report.error = err.message
      problems.push({ input: name, message: err.message })
    }
    const last = reader.end()
    hooks.onLines?.(last)
    forward?.end()
    report.lines = reader.lines
    reports.push(report)
  }
  return { inputs: reports, problems }
}
