import type { Clock } from './core/clock.js'
import { InputError } from './core/errors.js'
import { Analyzer, type PacketSink } from './detect/analyzer.js'
import type { DangerEvent, DetectionLists } from './detect/engine.js'
import type { FieldCriterion } from './detect/fields.js'
import type { SignatureIndex } from './detect/signatures/signature-index.js'
import type { Settings } from './config/settings.js'
import type { OsDatabase } from './detect/os/index.js'
import type { TimeContext } from './parse/time.js'
import { inputName, type Input, type InputProblem } from './sources/inputs.js'
import { LineSplitter } from './sources/lines.js'
import { readInput, type ReadStats } from './sources/read.js'

export interface AnalysisOptions {
  inputs: readonly Input[]
  settings: Settings
  signatures: SignatureIndex | null
  os: OsDatabase | null
  lists?: DetectionLists
  fields: readonly FieldCriterion[]
  /** Forced year for RFC 3164 timestamps (`--year`). */
  year: number | undefined
  clock: Clock
  maxLineLength: number
  onEvent?: (e: DangerEvent) => void
  onRawBytes?: (n: number) => void
  /** Called with every accepted packet, in input order. */
  onPacket?: PacketSink
  /** Called after each input chunk with the number of lines it completed. */
  onLines?: (n: number) => void
  /** Awaited after each input chunk when it returns a promise (backpressure of streaming outputs). */
  afterChunk?: () => Promise<void> | null
}

/** How one input went. */
export interface InputReport extends ReadStats {
  lines: number
  error: string | null
}

export interface AnalysisResult {
  analyzer: Analyzer
  inputs: InputReport[]
  problems: InputProblem[]
}

/**
 * Reads every input in order through one analyzer. An input that fails is recorded (with what was
 * read from it before the failure) and the run goes on with the next; the caller decides the exit.
 */
export async function runAnalysis(opts: AnalysisOptions): Promise<AnalysisResult> {
  const analyzer = new Analyzer({
    settings: opts.settings,
    signatures: opts.signatures,
    fields: opts.fields,
    os: opts.os,
    lists: opts.lists,
    onEvent: opts.onEvent,
    sink: opts.onPacket,
  })
  const reports: InputReport[] = []
  const problems: InputProblem[] = []
  for (const input of opts.inputs) {
    const name = inputName(input)
    const time: TimeContext = { year: opts.year, reference: opts.clock.now() }
    let lineNo = 0
    const where = (): string => `${name}:${lineNo}`
    const splitter = new LineSplitter(
      opts.maxLineLength,
      (b, start, end) => {
        lineNo++
        analyzer.lineBytes(b, start, end, time, where)
      },
      () => {
        lineNo++
        analyzer.overlong()
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
          opts.onLines?.(lineNo - before)
          return opts.afterChunk?.() ?? null
        },
        onRawBytes: opts.onRawBytes,
      })
      Object.assign(report, stats)
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      report.error = err.message
      problems.push({ input: name, message: err.message })
    }
    splitter.end()
    report.lines = lineNo
    reports.push(report)
  }
  return { analyzer, inputs: reports, problems }
}
