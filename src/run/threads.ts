import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Plan, PlanRequest } from '../config/plan.js'
import { InternalError, UsageError } from '../core/errors.js'
import type { Detector } from '../detect/detector.js'
import { reportPart, type ReportPart } from '../report/build.js'
import type { Input } from '../sources/inputs.js'
import { Driver, type ChunkForward, type DriverHooks } from './driver.js'
import { readAll, type ReadOutcome } from './read-all.js'
import type { FromWorker, ToWorker } from './worker.js'

// A run with threads: this thread reads every input once (gzip inflated by zlib off this thread),
// analyses part 0 and hands every chunk to the worker threads, which analyse the other parts (see
// line-feed.ts). When all have read every line, they agree on the one run-wide fact a source's record
// depends on (whether any TCP options were logged), and each builds the records of its sources.

const WORKER = new URL('./worker.js', import.meta.url)

/**
 * A worker's young generation, in MB (V8's default here is 48): a worker's garbage is chunks and
 * per-line scratch, and 12 cut a 2-thread run of 1M lines from 250-270 MB to 215-235 MB at the same
 * speed (README Performance).
 */
const WORKER_YOUNG_MB = 12

/** Chunks handed to a worker and not yet analysed there, at most (about 1 MiB each). */
const MAX_IN_FLIGHT = 8

/** True when the compiled worker script exists (not when running from TypeScript sources, e.g. in tests). */
export function threadsAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER))
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

/** One worker thread and the chunks it has not analysed yet. */
class Helper {
  readonly box = new Mailbox()
  readonly worker = new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } })
  private inFlight = 0
  private resume: (() => void) | null = null
  private failed = false

  constructor() {
    this.worker.on('message', (msg: FromWorker) => this.receive(msg))
    this.worker.on('error', (err) => this.receive({ type: 'failed', message: err.message, usage: false }))
    this.worker.on('exit', (code) => this.receive({ type: 'failed', message: `exited with code ${code}`, usage: false }))
  }

  private receive(msg: FromWorker): void {
    if (msg.type === 'ack') this.inFlight--
    else {
      // A worker that failed acknowledges no more chunks: stop waiting for it (the failure is
      // thrown when its answer is taken, after this thread has read the inputs).
      if (msg.type === 'failed') this.failed = true
      this.box.put(msg)
    }
    this.wakeUp()
  }

  private wakeUp(): void {
    const r = this.resume
    this.resume = null
    r?.()
  }

  send(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer)
  }

  /** Sends a copy of the chunk; resolves when the worker is at most MAX_IN_FLIGHT chunks behind. */
  chunk(chunk: Buffer): Promise<void> | null {
    if (this.failed) return null
    const copy = new Uint8Array(chunk.length)
    copy.set(chunk)
    this.send({ type: 'chunk', bytes: copy }, [copy.buffer])
    if (++this.inFlight <= MAX_IN_FLIGHT) return null
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.failed || this.inFlight <= MAX_IN_FLIGHT) resolve()
        else this.resume = check
      }
      check()
    })
  }
}

/**
 * Runs the analysis in `threads` parts (this thread with `detector`, and threads − 1 workers that
 * compile the same plan) and returns every part.
 */
export async function runParts(
  plan: Plan,
  inputs: readonly Input[],
  threads: number,
  detector: Detector,
  hooks: DriverHooks & { onRawBytes?: ((n: number) => void) | null },
): Promise<ReadOutcome & { parts: ReportPart[] }> {
  const helpers = Array.from({ length: threads - 1 }, () => new Helper())
  const request: PlanRequest = plan.request
  helpers.forEach((h, k) => h.send({ type: 'start', plan: request, share: { index: k + 1, count: threads } }))
  const forward: ChunkForward = {
    begin: (name, mtime) => helpers.forEach((h) => h.send({ type: 'begin', name, mtime })),
    chunk: (chunk) => {
      const waits = helpers.map((h) => h.chunk(chunk)).filter((w) => w !== null)
      return waits.length === 0 ? null : Promise.all(waits).then(() => undefined)
    },
    end: (damaged) => helpers.forEach((h) => h.send({ type: 'end', damaged })),
  }
  try {
    const driver = new Driver(detector, { index: 0, count: threads }, plan.request, { ...hooks, forward })
    const read = await readAll(inputs, driver, hooks.onRawBytes ?? null)
    for (const h of helpers) h.send({ type: 'finish' })
    let tcpOptionsSeen = detector.engine.totals.tcpOptionsSeen
    for (const h of helpers) {
      // Every worker must have read every line before any is told to build.
      const seen = (await h.box.take('read')).tcpOptionsSeen
      tcpOptionsSeen ||= seen
    }
    for (const h of helpers) h.send({ type: 'build', tcpOptionsSeen })
    const parts = [reportPart(detector, plan.settings, tcpOptionsSeen)]
    for (const h of helpers) parts.push((await h.box.take('part')).part)
    return { parts, ...read }
  } finally {
    for (const h of helpers) h.worker.removeAllListeners('exit')
    await Promise.all(helpers.map((h) => h.worker.terminate()))
  }
}
