import { stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import type { EngineRequest } from './analyze.js'
import { Analyzer, type PacketSink } from './detect/analyzer.js'
import type { DangerEvent, DetectionLists } from './detect/engine.js'
import type { FieldCriterion } from './detect/fields.js'
import type { SignatureIndex } from './detect/signatures/signature-index.js'
import type { Settings } from './config/settings.js'
import type { OsDatabase } from './detect/os/index.js'
import { reportPart, type ReportPart } from './report/build.js'
import type { Input, InputProblem } from './sources/inputs.js'
import { PartReader, readInputs, type InputReport } from './sources/parallel/part.js'
import { runParts, threadsAvailable } from './sources/parallel/run.js'

export type { InputReport } from './sources/parallel/part.js'

export interface AnalysisOptions {
  inputs: readonly Input[]
  /** What the engine was built from, for worker threads to build theirs. */
  engine: EngineRequest
  settings: Settings
  signatures: SignatureIndex | null
  os: OsDatabase | null
  lists?: DetectionLists
  fields: readonly FieldCriterion[]
  /** Forced year for RFC 3164 timestamps (`--year`). */
  year: number | undefined
  /** The run's "now": year inference for inputs without an mtime. */
  now: number
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
   * Threads analysing the inputs together (0 or 1: this thread alone); absent: as many as CPUs
   * (at most 4; one below 3 CPUs) when the inputs are files large enough to repay starting them. Used only when nothing
   * needs each packet or event on this thread as it happens (no per-packet output, no event hook).
   */
  threads?: number
}

export interface AnalysisResult {
  /** What each thread's analyzer found (one part when the run was serial). */
  parts: ReportPart[]
  inputs: InputReport[]
  problems: InputProblem[]
}

// Starting a thread (loading the code and the configuration again) costs about 0.15 s, and every
// thread splits every line: unless told how many threads to use, inputs smaller than this (and
// standard input or the journal, whose size is unknown) are analysed on one thread. For this
// estimate only, a `.gz` file counts at a typical 8:1 ratio of log text.
const MIN_PARALLEL_BYTES = 16 * 1024 * 1024
const GZIP_RATIO = 8
const MAX_AUTO_THREADS = 4
// Unless told, threads are used only with 3 CPUs or more. On 2 (the benchmark machine, README
// Performance) a second thread gained 5-10% for 40-50 MB more memory: the main thread also reads
// and inflates, and every thread splits and routes every line.
const MIN_AUTO_CPUS = 3

/** Threads a run uses when not told, on a machine with `cpus` CPUs (for large file inputs). */
export function defaultThreads(cpus: number): number {
  return cpus < MIN_AUTO_CPUS ? 1 : Math.min(MAX_AUTO_THREADS, cpus)
}

async function inputBytes(inputs: readonly Input[]): Promise<number> {
  let total = 0
  for (const input of inputs) {
    if (input.kind !== 'file') return -1
    try {
      const st = await stat(input.path)
      total += input.path.endsWith('.gz') ? st.size * GZIP_RATIO : st.size
    } catch {
      // the read reports it
    }
  }
  return total
}

/**
 * Reads every input once, in order, through the engine. With threads, every thread gets every chunk
 * and analyses its share of the sources (see sources/parallel/part.ts); their parts merge into the
 * report a serial run gives. An input that fails is recorded (with what was read from it before the
 * failure) and the run goes on with the next; the caller decides the exit.
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
  const hooks = { onRawBytes: opts.onRawBytes, onLines: opts.onLines, afterChunk: opts.afterChunk }
  const lines = { year: opts.year, now: opts.now, maxLineLength: opts.maxLineLength }
  const threads = opts.threads ?? defaultThreads(availableParallelism())
  const wanted = threads > 1 && opts.onPacket === undefined && opts.onEvent === undefined && threadsAvailable()
  // Unless told how many threads to use, only files large enough to repay starting threads.
  if (wanted && (opts.threads !== undefined || (await inputBytes(opts.inputs)) >= MIN_PARALLEL_BYTES)) {
    return runParts(opts.inputs, threads, { engine: opts.engine, ...lines }, { analyzer, settings: opts.settings, hooks })
  }
  const { inputs, problems } = await readInputs(opts.inputs, new PartReader(analyzer, { index: 0, count: 1 }, lines), hooks)
  return { parts: [reportPart(analyzer, opts.settings)], inputs, problems }
}
