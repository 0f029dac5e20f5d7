import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { EngineRequest } from '../../analyze.js'
import type { Settings } from '../../config/settings.js'
import { InternalError, UsageError } from '../../core/errors.js'
import type { Analyzer } from '../../detect/analyzer.js'
import { reportPart, type ReportPart } from '../../report/build.js'
import type { Input, InputProblem } from '../inputs.js'
import type { InputReport, Share } from './part.js'
import type { FromWorker, PartJob, ToWorker } from './worker.js'

// A parallel run: this thread analyses part 0 and each worker thread one further part (see part.ts).
// When every part has read its lines, the threads agree on the one run-wide fact a source's record
// depends on (whether any TCP options were logged), then each builds the records of its sources.

const WORKER = new URL('./worker.js', import.meta.url)

/** True when the compiled worker script exists (not when running from TypeScript sources, e.g. in tests). */
export function threadsAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER))
}

/** This thread's part of the run. */
export interface LocalPart {
  analyzer: Analyzer
  settings: Settings
  /** Reads the inputs into `analyzer` (its share of the lines), reporting progress. */
  read(share: Share): Promise<{ inputs: InputReport[]; problems: InputProblem[] }>
}

/** What a worker needs besides its share: how to build its engine and read lines. */
export interface JobOptions {
  engine: EngineRequest
  year: number | undefined
  maxLineLength: number
}

class Mailbox {
  private readonly items: FromWorker[] = []
  private wake: (() => void) | null = null

  put(msg: FromWorker): void {
    this.items.push(msg)
    const w = this.wake
    this.wake = null
    w?.()
  }

  async take<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    while (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve))
    const msg = this.items.shift()!
    if (msg.type === 'failed') throw msg.usage ? new UsageError(msg.message) : new InternalError(`an analysis thread failed: ${msg.message}`)
    if (msg.type !== type) throw new InternalError(`an analysis thread answered '${msg.type}' where '${type}' was expected`)
    return msg as Extract<FromWorker, { type: T }>
  }
}

/** Runs the analysis in `threads` parts (this thread and threads − 1 workers) and returns every part. */
export async function runParts(
  inputs: readonly Input[],
  threads: number,
  opts: JobOptions,
  local: LocalPart,
): Promise<{ parts: ReportPart[]; inputs: InputReport[]; problems: InputProblem[] }> {
  const workers = Array.from({ length: threads - 1 }, () => new Worker(WORKER))
  const boxes = workers.map(() => new Mailbox())
  workers.forEach((w, k) => {
    w.on('message', (msg: FromWorker) => boxes[k]!.put(msg))
    w.on('error', (err) => boxes[k]!.put({ type: 'failed', message: err.message, usage: false }))
    w.on('exit', (code) => boxes[k]!.put({ type: 'failed', message: `exited with code ${code}`, usage: false }))
    const job: PartJob = { ...opts, inputs: [...inputs], share: { index: k + 1, count: threads } }
    w.postMessage({ type: 'start', job } satisfies ToWorker)
  })
  try {
    const read = await local.read({ index: 0, count: threads })
    let tcpOptionsSeen = local.analyzer.engine.totals.tcpOptionsSeen
    for (const box of boxes) {
      // Every worker must have finished reading before any is told to build.
      const seen = (await box.take('read')).tcpOptionsSeen
      tcpOptionsSeen ||= seen
    }
    for (const w of workers) w.postMessage({ type: 'build', tcpOptionsSeen } satisfies ToWorker)
    const parts = [reportPart(local.analyzer, local.settings, tcpOptionsSeen)]
    for (const box of boxes) parts.push((await box.take('part')).part)
    return { parts, ...read }
  } finally {
    for (const w of workers) w.removeAllListeners('exit')
    await Promise.all(workers.map((w) => w.terminate()))
  }
}
