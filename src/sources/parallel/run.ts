import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { InternalError } from '../../core/errors.js'
import { emptyPacket } from '../../parse/packet.js'
import { readPacket, type PacketBatch } from './packet-codec.js'
import type { WorkUnit } from './plan.js'
import type { FromWorker, ToWorker, UnitDone, UnitOptions } from './worker.js'

// Runs parsing threads over the work units and hands their results to the caller strictly in unit
// order (the order of the inputs and of the byte ranges within them), so the engine sees exactly the
// packet sequence a serial run would.

export interface ParallelConsumer {
  /** Called for every packet, in order; `p` is refilled for the next packet, so keep no reference. */
  packet(unit: WorkUnit, p: ReturnType<typeof readPacket>): void
  /** Bytes and lines read so far (progress). */
  progress(bytes: number, lines: number): void
  /** Called once per unit after its last packet. */
  done(unit: WorkUnit, result: UnitDone): void
}

const WORKER = new URL('./worker.js', import.meta.url)

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

  async take(): Promise<FromWorker> {
    while (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve))
    return this.items.shift()!
  }
}

/** Parses `units` on `threads` worker threads and feeds `consumer` in unit order. Throws InternalError if a thread dies. */
export async function runParallel(units: readonly WorkUnit[], threads: number, opts: UnitOptions, consumer: ParallelConsumer): Promise<void> {
  const boxes = units.map(() => new Mailbox())
  const count = Math.max(1, Math.min(threads, units.length))
  const workers = Array.from({ length: count }, () => new Worker(WORKER))
  let failure: Error | null = null
  for (const w of workers) {
    w.on('message', (msg: FromWorker) => boxes[msg.id]!.put(msg))
    w.on('error', (err) => {
      failure = err
      for (const b of boxes) b.put({ type: 'done', id: -1, bytes: 0, gzip: false, lines: 0, skipped: {}, malformed: [], error: null })
    })
  }
  units.forEach((unit, id) => workers[id % count]!.postMessage({ type: 'unit', id, unit, opts } satisfies ToWorker))
  try {
    for (let id = 0; id < units.length; id++) {
      const unit = units[id]!
      const worker = workers[id % count]!
      for (;;) {
        const msg = await boxes[id]!.take()
        if (failure !== null) throw new InternalError(`a parsing thread failed: ${(failure as Error).message}`)
        if (msg.type === 'done') {
          consumer.done(unit, msg)
          break
        }
        worker.postMessage({ type: 'credit' } satisfies ToWorker)
        consumeBatch(unit, msg.batch, consumer)
        consumer.progress(msg.bytes, msg.lines)
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

// One packet refilled for every packet of every batch: the consumer (the engine) keeps no reference.
const scratch = emptyPacket()

function consumeBatch(unit: WorkUnit, batch: PacketBatch, consumer: ParallelConsumer): void {
  for (let i = 0; i < batch.count; i++) consumer.packet(unit, readPacket(batch, i, scratch))
}
