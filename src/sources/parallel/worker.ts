import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { parentPort } from 'node:worker_threads'
import { InputError } from '../../core/errors.js'
import { LineParser } from '../../parse/line.js'
import { LineSplitter } from '../lines.js'
import { readInput } from '../read.js'
import { BatchWriter, type PacketBatch } from './packet-codec.js'
import type { WorkUnit } from './plan.js'

// A parsing thread: reads its units (whole files, gzip included, or byte ranges of large plain files),
// splits and parses lines, counts every line that is not a packet, and sends packets in batches.
// It never runs the engine. Credits from the main thread bound the batches in flight.

export interface UnitOptions {
  sidString: string
  maxLineLength: number
  year: number | undefined
  /** Year-inference reference when the file's mtime cannot be read. */
  fallbackReference: number
}

export type ToWorker = { type: 'unit'; id: number; unit: WorkUnit; opts: UnitOptions } | { type: 'credit' } | { type: 'stop' }

export interface UnitDone {
  type: 'done'
  id: number
  bytes: number
  gzip: boolean
  lines: number
  skipped: Record<string, number>
  /** First malformed lines, numbered within the unit. */
  malformed: { line: number; error: string }[]
  error: string | null
}

/** A batch of packets, with the bytes and lines read since the previous message (for progress). */
export type FromWorker = { type: 'batch'; id: number; batch: PacketBatch; bytes: number; lines: number } | UnitDone

const MAX_IN_FLIGHT = 8
const MAX_SAMPLES = 20
const port = parentPort!
let credits = MAX_IN_FLIGHT
let waiting: (() => void) | null = null
const queue: Extract<ToWorker, { type: 'unit' }>[] = []
let busy = false

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer)
}

async function sendBatch(id: number, batch: PacketBatch, bytes: number, lines: number): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (waiting = resolve))
  credits--
  send({ type: 'batch', id, batch, bytes, lines }, [batch.nums.buffer as ArrayBuffer])
}

async function runUnit({ id, unit, opts }: Extract<ToWorker, { type: 'unit' }>): Promise<void> {
  const parser = new LineParser({ sidString: opts.sidString })
  const writer = new BatchWriter()
  const skipped: Record<string, number> = {}
  const malformed: UnitDone['malformed'] = []
  let lines = 0
  const ready: PacketBatch[] = []
  let mtime = opts.fallbackReference
  try {
    mtime = (await stat(unit.path)).mtimeMs
  } catch {
    // the read below reports the problem
  }
  const time = { year: opts.year, reference: mtime }
  const skip = (reason: string): void => {
    skipped[reason] = (skipped[reason] ?? 0) + 1
  }
  const splitter = new LineSplitter(
    opts.maxLineLength,
    (b, start, end) => {
      lines++
      const r = parser.parseBytes(b, start, end, time)
      if (typeof r === 'string') {
        skip(r)
        if (r === 'malformed' && malformed.length < MAX_SAMPLES) malformed.push({ line: lines, error: parser.error })
      } else if (writer.add(r)) ready.push(writer.take())
    },
    () => {
      lines++
      skip('too-long')
    },
  )
  const done: UnitDone = { type: 'done', id, bytes: 0, gzip: false, lines: 0, skipped, malformed, error: null }
  let sentBytes = 0
  let sentLines = 0
  const sendReady = async (): Promise<void> => {
    for (const batch of ready) {
      await sendBatch(id, batch, done.bytes - sentBytes, lines - sentLines)
      sentBytes = done.bytes
      sentLines = lines
    }
    ready.length = 0
  }
  const onChunk = async (chunk: Buffer): Promise<void> => {
    splitter.push(chunk)
    if (ready.length > 0) await sendReady()
  }
  try {
    if (unit.start === 0 && unit.end === Infinity) {
      const stats = await readInput({ kind: 'file', path: unit.path }, { onChunk: (c) => onChunk(c), onRawBytes: (n) => (done.bytes += n) })
      done.bytes = stats.bytes
      done.gzip = stats.gzip
    } else {
      const stream = createReadStream(unit.path, { start: unit.start, end: unit.end - 1, highWaterMark: 1 << 20 })
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        done.bytes += chunk.length
        await onChunk(chunk)
      }
    }
  } catch (err) {
    done.error = err instanceof InputError ? err.message : `${unit.path}: ${(err as Error).message}`
  }
  splitter.end()
  if (writer.count > 0) ready.push(writer.take())
  await sendReady()
  done.lines = lines
  // `bytes` and `lines` of the done message are totals; the batches carried running deltas.
  send(done)
}

async function drain(): Promise<void> {
  if (busy) return
  busy = true
  while (queue.length > 0) await runUnit(queue.shift()!)
  busy = false
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'credit') {
    credits++
    const w = waiting
    waiting = null
    w?.()
  } else if (msg.type === 'unit') {
    queue.push(msg)
    void drain()
  } else port.close()
})
