import { stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import type { Plan } from '../config/plan.js'
import { Detector, type PacketSink } from '../detect/detector.js'
import type { DangerEvent } from '../detect/engine.js'
import { reportPart, type ReportPart } from '../report/build.js'
import type { Input } from '../sources/inputs.js'
import { Driver } from './driver.js'
import { readAll, type ReadOutcome } from './read-all.js'
import { MAX_THREADED_LINE } from './blocks.js'
import { runParts, threadsAvailable } from './threads.js'

// A finite analysis: every input read once, in order, through the plan's detector — on this thread, or
// on several threads, each splitting its share of the text and analysing its share of the sources
// (threads.ts); their parts merge into the report one thread gives.

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

// A thread costs its start (loading the code and compiling the configuration again: 0.1-0.2 s of
// one CPU) and memory (its own heap, 15 MB before its share of the sources). It repays that only with
// enough text to share: unless told how many threads to use, a run uses one thread per
// BYTES_PER_THREAD of input, as many as there are CPUs, at most MAX_AUTO_THREADS, and one thread for
// standard input or the journal, whose size is unknown. For this estimate only, a `.gz` file counts
// at a typical 8:1 ratio of log text.
const BYTES_PER_THREAD = 16 * 1024 * 1024
const GZIP_RATIO = 8
// Beyond 8 a few busy sources make one thread's share the larger part of the work (README Performance).
const MAX_AUTO_THREADS = 8

/** Threads a run uses when not told: for `bytes` of file input (-1: unknown) on `cpus` CPUs. */
export function defaultThreads(cpus: number, bytes: number): number {
  if (bytes < 0) return 1
  return Math.max(1, Math.min(cpus, MAX_AUTO_THREADS, Math.floor(bytes / BYTES_PER_THREAD)))
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
 * hook needs each packet or event on this thread as it happens, and for lines of at most
 * MAX_THREADED_LINE bytes. Input failures are returned, not thrown; a failed thread throws (runParts).
 */
export async function runAnalysis(plan: Plan, inputs: readonly Input[], threads: number | undefined, hooks: AnalysisHooks = {}): Promise<AnalysisResult> {
  const possible = hooks.onPacket == null && hooks.onEvent == null && plan.request.maxLineLength <= MAX_THREADED_LINE && threadsAvailable()
  const count = !possible || threads === 0 ? 1 : (threads ?? defaultThreads(availableParallelism(), await inputBytes(inputs)))
  if (count > 1) return runParts(plan, inputs, count, { onRawBytes: hooks.onRawBytes, onLines: hooks.onLines })
  const detector = new Detector(plan, { onEvent: hooks.onEvent, sink: hooks.onPacket })
  const driver = new Driver(detector, plan.request, hooks)
  const read = await readAll(inputs, driver, hooks.onRawBytes ?? null)
  return { parts: [reportPart(detector, plan.settings)], ...read }
}
