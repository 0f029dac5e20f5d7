import { parentPort } from 'node:worker_threads'
import { prepareEngine } from '../../analyze.js'
import { ConfigError, UsageError } from '../../core/errors.js'
import { Analyzer } from '../../detect/analyzer.js'
import { reportPart, type ReportPart } from '../../report/build.js'
import { PartReader, type Share } from './part.js'
import type { JobOptions } from './run.js'

// A worker thread of a run with threads: builds its own engine from the run's request, takes every
// chunk of every input from the main thread and analyses its share of the sources, says whether it
// saw TCP options, and, told whether the whole run did, sends the report part of its sources.
// Messages are handled in order; engine preparation is awaited before the first chunk.

export type ToWorker =
  | { type: 'start'; job: JobOptions; share: Share }
  | { type: 'begin'; name: string; mtime: number | null }
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'finish' }
  | { type: 'build'; tcpOptionsSeen: boolean }

export type FromWorker =
  | { type: 'ack' }
  | { type: 'read'; tcpOptionsSeen: boolean }
  | { type: 'part'; part: ReportPart }
  /** `usage`: the configuration itself was refused (it was accepted on the main thread, so rare). */
  | { type: 'failed'; message: string; usage: boolean }

const port = parentPort!
let ready: Promise<{ analyzer: Analyzer; reader: PartReader; settings: Parameters<typeof reportPart>[1] }> | null = null
let queue: Promise<void> = Promise.resolve()

async function start(job: JobOptions, share: Share): Promise<{ analyzer: Analyzer; reader: PartReader; settings: Parameters<typeof reportPart>[1] }> {
  const engine = await prepareEngine(job.engine)
  const analyzer = new Analyzer({ settings: engine.settings, signatures: engine.signatures?.index ?? null, fields: engine.fields, os: engine.os, lists: engine.lists })
  return { analyzer, reader: new PartReader(analyzer, share, job), settings: engine.settings }
}

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'start') {
    ready = start(msg.job, msg.share)
    return
  }
  const { analyzer, reader, settings } = await ready!
  switch (msg.type) {
    case 'begin':
      reader.begin(msg.name, msg.mtime)
      break
    case 'chunk':
      reader.push(Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength))
      port.postMessage({ type: 'ack' } satisfies FromWorker)
      break
    case 'end':
      reader.end()
      break
    case 'finish':
      port.postMessage({ type: 'read', tcpOptionsSeen: analyzer.engine.totals.tcpOptionsSeen } satisfies FromWorker)
      break
    case 'build':
      port.postMessage({ type: 'part', part: reportPart(analyzer, settings, msg.tcpOptionsSeen) } satisfies FromWorker)
      break
  }
}

function fail(err: unknown): void {
  const usage = err instanceof UsageError || err instanceof ConfigError
  port.postMessage({ type: 'failed', message: (err as Error).message, usage } satisfies FromWorker)
}

// Chained so that each message is handled after the previous one, even across the awaits.
port.on('message', (msg: ToWorker) => {
  queue = queue.then(() => handle(msg)).catch(fail)
})
