import type { Analyzer } from '../../detect/analyzer.js'
import { InputError } from '../../core/errors.js'
import type { TimeContext } from '../../parse/time.js'
import { inputName, type Input, type InputProblem } from '../inputs.js'
import { LineSplitter } from '../lines.js'
import { readInput, type ReadStats } from '../read.js'

// Reads every input, in order, into one analyzer. A run in parts (threads) reads the whole input in
// each part and gives each part's analyzer only the lines of its share of the sources: a line goes
// to part `route % count`, where route is the source address the parser will find in it, so every
// packet of a source lands in the same part and is seen in input order, as in a serial run. Lines
// that name no source (noise, malformed, over-long) are dealt out by their position. The line
// position across all inputs (the ordinal) lets the parts' results merge into the serial ones.

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

export interface PartHooks {
  /** Forced year for RFC 3164 timestamps (`--year`). */
  year: number | undefined
  /** Year-inference reference for inputs without an mtime. */
  now: number
  maxLineLength: number
  onRawBytes?: (n: number) => void
  /** Called after each input chunk with the number of lines it completed. */
  onLines?: (n: number) => void
  /** Awaited after each input chunk when it returns a promise (backpressure of streaming outputs). */
  afterChunk?: () => Promise<void> | null
}

/**
 * Reads the inputs into `analyzer` (its share of the lines). An input that fails is recorded, with
 * what was read from it before the failure, and the run goes on with the next.
 */
export async function readPart(
  inputs: readonly Input[],
  analyzer: Analyzer,
  share: Share,
  hooks: PartHooks,
): Promise<{ inputs: InputReport[]; problems: InputProblem[] }> {
  const reports: InputReport[] = []
  const problems: InputProblem[] = []
  const { index, count } = share
  let ordinal = 0
  for (const input of inputs) {
    const name = inputName(input)
    const time: TimeContext = { year: hooks.year, reference: hooks.now }
    let lineNo = 0
    const where = (): string => `${name}:${lineNo}`
    const splitter = new LineSplitter(
      hooks.maxLineLength,
      count === 1
        ? (b, start, end) => {
            lineNo++
            analyzer.lineBytes(b, start, end, time, where, ordinal++)
          }
        : (b, start, end) => {
            lineNo++
            const route = analyzer.route(b, start, end)
            if ((route >= 0 ? route : ordinal) % count === index) analyzer.lineBytes(b, start, end, time, where, ordinal)
            ordinal++
          },
      () => {
        lineNo++
        if (ordinal % count === index) analyzer.overlong()
        ordinal++
      },
    )
    const report: InputReport = { name, bytes: 0, gzip: false, mtime: null, lines: 0, error: null }
    try {
      const stats = await readInput(input, {
        onStart: (s) => {
          if (s.mtime !== null) time.reference = s.mtime
        },
        onChunk: (chunk) => {
          const before = lineNo
          splitter.push(chunk)
          hooks.onLines?.(lineNo - before)
          return hooks.afterChunk?.() ?? null
        },
        onRawBytes: hooks.onRawBytes,
      })
      Object.assign(report, stats)
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      report.error = err.message
      problems.push({ input: name, message: err.message })
    }
    const before = lineNo
    splitter.end()
    hooks.onLines?.(lineNo - before)
    report.lines = lineNo
    reports.push(report)
  }
  return { inputs: reports, problems }
}
