import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import type { PlanRequest } from '../config/plan.js'
import { InternalError, UsageError } from '../core/errors.js'
import type { ReportPart } from '../report/build.js'
import { slotBytesFor } from './blocks.js'
import { DOING_SLOTS, type FromWorker, type InputNotice, type Phase, type Ring, type ToWorker } from './messages.js'

// The analysis threads of a run, seen from the main thread: starts them (each compiles the plan from
// its request) with a port to each other, announces the inputs, hands out stream blocks, keeps the
// splitting at most WINDOW blocks ahead of the slowest thread, and collects their report parts.
// A thread that throws, or ends, fails the whole run at once: every wait is rejected with an error
// naming the thread, the input and the byte it was at, and the other threads are stopped.

const WORKER = new URL('./worker.js', import.meta.url)

/**
 * A worker's young generation, in MB (V8's default here is 48): a worker's garbage is per-line
 * scratch, and 12 cut a 2-thread run of 1M lines by 20-35 MB at the same speed.
 */
const WORKER_YOUNG_MB = 12

/** Blocks (about 1 MiB each) split ahead of the slowest thread's analysis, per thread. */
const WINDOW_PER_THREAD = 4

/** True when the compiled worker script exists (not when running from TypeScript sources, e.g. in tests). */
export function threadsAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER))
}

interface Waiter {
  ready: () => boolean
  resolve: () => void
  reject: (err: Error) => void
}

export interface CrewHooks {
  /** A block was split: how many lines it held. */
  onSplit(block: number, lines: number): void
  /** The place block `block` starts, for failure messages (`kern.log at byte 1048576`). */
  describe(block: number): string
}

/** The analysis threads of one run. */
export class Crew {
  private readonly workers: Worker[]
  private readonly doing: Int32Array
  private readonly ring: Ring
  private readonly next: number[]
  private readonly window: number
  private limit: number
  private readonly read: (boolean | null)[]
  private readonly parts: (ReportPart | null)[]
  private waiters: Waiter[] = []
  private failure: Error | null = null

  constructor(
    request: PlanRequest,
    readonly count: number,
    private readonly hooks: CrewHooks,
  ) {
    this.window = WINDOW_PER_THREAD * count
    this.limit = this.window
    const slotBytes = slotBytesFor(request.maxLineLength)
    this.ring = { bytes: new SharedArrayBuffer(this.window * slotBytes), slots: this.window, slotBytes }
    this.next = new Array<number>(count).fill(0)
    this.read = new Array<boolean | null>(count).fill(null)
    this.parts = new Array<ReportPart | null>(count).fill(null)
    const doing = new SharedArrayBuffer(count * DOING_SLOTS * 4)
    this.doing = new Int32Array(doing).fill(-1)
    // One channel per pair of threads: the lines one splits for the other go straight there.
    const peers: (MessagePort | null)[][] = Array.from({ length: count }, () => new Array<MessagePort | null>(count).fill(null))
    for (let i = 0; i < count; i++) {
      for (let j = i + 1; j < count; j++) {
        const { port1, port2 } = new MessageChannel()
        peers[i]![j] = port1
        peers[j]![i] = port2
      }
    }
    this.workers = peers.map((mine, index) => {
      const w = new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } })
      w.on('message', (msg: FromWorker) => this.receive(index, msg))
      w.on('error', (err) => this.fail(index, err.message, null, -1))
      w.on('exit', (code) => this.fail(index, `it ended (exit code ${code})`, null, -1))
      const start: ToWorker = { type: 'start', plan: request, index, count, peers: mine, doing, ring: this.ring, limit: this.limit }
      w.postMessage(start, mine.filter((p) => p !== null))
      return w
    })
  }

  private receive(index: number, msg: FromWorker): void {
    switch (msg.type) {
      case 'split':
        this.hooks.onSplit(msg.block, msg.lines)
        break
      case 'done':
        this.next[index] = msg.next
        this.advance()
        break
      case 'read':
        this.read[index] = msg.tcpOptionsSeen
        break
      case 'part':
        this.parts[index] = msg.part
        break
      case 'failed':
        if (msg.usage) this.stop(new UsageError(msg.message))
        else this.fail(index, msg.message, msg.phase, msg.block)
        return
    }
    this.wake()
  }

  // The slowest thread moved on: the others may split further ahead.
  private advance(): void {
    const limit = Math.min(...this.next) + this.window
    if (limit <= this.limit) return
    this.limit = limit
    this.broadcast({ type: 'limit', limit })
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.ready()) return true
      w.resolve()
      return false
    })
  }

  private wait(ready: () => boolean): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure)
    if (ready()) return Promise.resolve()
    return new Promise((resolve, reject) => this.waiters.push({ ready, resolve, reject }))
  }

  private fail(index: number, message: string, phase: Phase | null, block: number): void {
    if (this.failure !== null) return
    // A thread that died could not say what it was doing: the shared slots tell.
    const splitting = this.doing[index * DOING_SLOTS]!
    const analysing = this.doing[index * DOING_SLOTS + 1]!
    const what = phase ?? (splitting >= 0 ? 'splitting' : analysing >= 0 ? 'analysing' : null)
    const at = block >= 0 ? block : what === 'splitting' ? splitting : analysing
    const place = at >= 0 && (what === 'splitting' || what === 'analysing') ? ` while ${what} ${this.hooks.describe(at)}` : what === null ? '' : ` while ${what}`
    this.stop(new InternalError(`analysis thread ${index + 1} of ${this.count} failed${place}: ${message}`))
  }

  private stop(err: Error): void {
    if (this.failure !== null) return
    this.failure = err
    for (const w of this.waiters) w.reject(err)
    this.waiters = []
    for (const w of this.workers) w.removeAllListeners('exit')
    for (const w of this.workers) void w.terminate()
  }

  private broadcast(msg: ToWorker): void {
    for (const w of this.workers) w.postMessage(msg)
  }

  /** Announces an input to every thread. */
  announce(input: InputNotice): void {
    this.broadcast({ type: 'input', input })
  }

  /**
   * Puts a stream block (null: an over-long line) in its ring slot once the window has room for it,
   * and hands it to the thread that splits it.
   */
  async send(block: number, input: number, text: Uint8Array | null): Promise<void> {
    await this.wait(() => block < this.limit)
    const { bytes, slots, slotBytes } = this.ring
    if (text !== null) new Uint8Array(bytes, (block % slots) * slotBytes, text.length).set(text)
    const msg: ToWorker = { type: 'block', block, input, length: text?.length ?? 0, overlong: text === null }
    this.workers[block % this.count]!.postMessage(msg)
  }

  /** Says that every input has been announced, in `blocks` blocks; resolves once every thread analysed all. */
  async finish(blocks: number): Promise<boolean> {
    this.broadcast({ type: 'end', blocks })
    await this.wait(() => this.read.every((r) => r !== null))
    return this.read.some((r) => r === true)
  }

  /** Asks every thread for its report part; `tcpOptionsSeen` is the whole run's. */
  async build(tcpOptionsSeen: boolean): Promise<ReportPart[]> {
    this.broadcast({ type: 'build', tcpOptionsSeen })
    await this.wait(() => this.parts.every((p) => p !== null))
    return this.parts as ReportPart[]
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    for (const w of this.workers) w.removeAllListeners('exit')
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
