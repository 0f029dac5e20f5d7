import { stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import type { Plan } from '../config/plan.js'
import { Detector, type PacketSink } from '../detect/detector.js'
import type { DangerEvent } from '../detect/engine.js'
import { reportPart, type ReportPart } from '../report/build.js'
import type { Input } from '../sources/inputs.js'
import { Driver } from './driver.js'
import { readAll, type ReadOutcome } from './read-all.js'
import { runParts, threadsAvailable } from './threads.js'

// A finite analysis: every input read once, in order, through the plan's detector — on this thread, or
// on several, each analysing its share of the sources (threads.ts); their parts merge into the report
// one thread gives.

/** Who hears the analysis while it runs; every hook is optional. */
export interface AnalysisHooks {
  onEvent?: ((e: DangerEvent) => void) | null
  /** Every accepted packet, in input order (per-packet outputs); forces one thread. */
  onPacket?: PacketSink | null
  /** Raw (possibly compressed) bytes as they are read, for progress. */
  onRawBytes?: ((n: number) => void) | null
  /** Lines completed by each chunk, for progress. */
  onLines?: ((n: number) => void) | null
  /** Awaited after each chunk when it returns a promise (backpressure of streaming outputs). */
  afterChunk?: (() => Promise<void> | null) | null
}

/** What an analysis found: one report part per thread, and how each input went. */
export interface AnalysisResult extends ReadOutcome {
  parts: ReportPart[]
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
 * Reads every input once, in order, through the plan's detector (`threads`: 0 or 1 this thread
 * alone; undefined: as many as repay their cost, see defaultThreads). Threads are used only when no
 * hook needs each packet or event on this thread as it happens. Input failures are returned, not thrown.
 */
export async function runAnalysis(plan: Plan, inputs: readonly Input[], threads: number | undefined, hooks: AnalysisHooks = {}): Promise<AnalysisResult> {
  const detector = new Detector(plan, { onEvent: hooks.onEvent, sink: hooks.onPacket })
  const count = threads ?? defaultThreads(availableParallelism())
  const wanted = count > 1 && hooks.onPacket == null && hooks.onEvent == null && threadsAvailable()
  // Unless told how many threads to use, only files large enough to repay starting threads.
  if (wanted && (threads !== undefined || (await inputBytes(inputs)) >= MIN_PARALLEL_BYTES)) {
    return runParts(plan, inputs, count, detector, hooks)
  }
  const driver = new Driver(detector, { index: 0, count: 1 }, plan.request, hooks)
  const read = await readAll(inputs, driver, hooks.onRawBytes ?? null)
  return { parts: [reportPart(detector, plan.settings)], ...read }
}
