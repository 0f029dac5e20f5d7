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
import { runParallel, threadsAvailable } from './sources/parallel/run.js'
import { planUnits, type WorkUnit } from './sources/parallel/plan.js'
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
  /**
   * Parsing threads for file inputs (0: parse on this thread). Used only when nothing needs the
   * lines or packets on this thread as they are read (no per-packet output, no FW_MSG_SEARCH).
   */
  threads?: number
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
 * With `threads`, file inputs are parsed on worker threads and fed to the one engine in input order,
 * which gives the same report as parsing here.
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
  const threads = opts.threads ?? 0
  if (threads > 0 && opts.onPacket === undefined && !analyzer.needsLineText && threadsAvailable()) {
    const units = await planUnits(opts.inputs, threads)
    if (units !== null && units.length > 0) return runThreaded(opts, analyzer, units, threads)
  }
  return runSerial(opts, analyzer)
}

async function runThreaded(opts: AnalysisOptions, analyzer: Analyzer, units: WorkUnit[], threads: number): Promise<AnalysisResult> {
  const reports: InputReport[] = opts.inputs.map((input) => ({ name: inputName(input), bytes: 0, gzip: false, mtime: null, lines: 0, error: null }))
  const problems: InputProblem[] = []
  const sent = { bytes: 0, lines: 0 }
  await runParallel(
    units,
    threads,
    { sidString: opts.settings.filters.sidString, maxLineLength: opts.maxLineLength, year: opts.year, fallbackReference: opts.clock.now() },
    {
      packet: (_unit, p) => analyzer.packet(p),
      progress: (bytes, lines) => {
        sent.bytes += bytes
        sent.lines += lines
        opts.onRawBytes?.(bytes)
        opts.onLines?.(lines)
      },
      done: (unit, d) => {
        const r = reports[unit.input]!
        // Lines of this unit are numbered after those of earlier ranges of the same file.
        const offset = r.lines
        analyzer.addSkipped(d.skipped)
        for (const m of d.malformed) analyzer.addMalformed(`${r.name}:${offset + m.line}`, m.error)
        const unsentBytes = d.bytes - sent.bytes
        const unsentLines = d.lines - sent.lines
        if (unsentBytes > 0) opts.onRawBytes?.(unsentBytes)
        if (unsentLines > 0) opts.onLines?.(unsentLines)
        sent.bytes = 0
        sent.lines = 0
        r.bytes += d.bytes
        r.lines += d.lines
        r.gzip ||= d.gzip
        if (d.error !== null && r.error === null) {
          r.error = d.error
          problems.push({ input: r.name, message: d.error })
        }
      },
    },
  )
  return { analyzer, inputs: reports, problems }
}

async function runSerial(opts: AnalysisOptions, analyzer: Analyzer): Promise<AnalysisResult> {
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
