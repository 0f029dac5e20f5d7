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

// Whether threads repay their cost, from what a run spends (CPU time on the 1M-line corpus, README
// Performance). A serial run's own thread spends SERIAL_MS_PER_MIB per MiB of text. With threads, the
// work per MiB grows (THREADED_MS_PER_MIB in all: every line is also routed, and V8's helper threads
// compile and collect for every thread) and is shared by t threads; each thread adds THREAD_MS, mostly
// the JIT warming up its own copy of the code (a first pass over 200k lines takes twice the time of
// the next ones). So t threads take about THREADED_MS_PER_MIB·MiB / t + THREAD_MS, and are used only
// when that is at least MIN_GAIN faster. One CPU is left to V8's helpers (a quarter of a threaded
// run's CPU time) and the main thread: on 2 CPUs two threads gained nothing (README Performance), so
// a run without --threads uses one there; on 4 CPUs three from about 140 MiB of text, on 16 eight
// from about 93 MiB. Standard input and the journal, whose size is unknown, are read on one thread;
// a `.gz` file counts at a typical 8:1 ratio of log text.
const SERIAL_MS_PER_MIB = 10.9
const THREADED_MS_PER_MIB = 12.8
const THREAD_MS = 770
const MIN_GAIN = 1.1
const GZIP_RATIO = 8
// Beyond 8 a few busy sources make one thread's share the larger part of the work (README Performance).
const MAX_AUTO_THREADS = 8

/** Threads a run uses when not told: for `bytes` of file input (-1: unknown) on `cpus` CPUs. */
export function defaultThreads(cpus: number, bytes: number): number {
  const t = Math.min(cpus - 1, MAX_AUTO_THREADS)
  if (bytes < 0 || t < 2) return 1
  const mib = bytes / 2 ** 20
  return (THREADED_MS_PER_MIB * mib) / t + THREAD_MS <= (SERIAL_MS_PER_MIB * mib) / MIN_GAIN ? t : 1
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
