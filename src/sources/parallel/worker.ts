import { parentPort } from 'node:worker_threads'
import { prepareEngine } from '../../analyze.js'
import { ConfigError, UsageError } from '../../core/errors.js'
import { Analyzer } from '../../detect/analyzer.js'
import { reportPart, type ReportPart } from '../../report/build.js'
import type { Input } from '../inputs.js'
import { readPart, type Share } from './part.js'
import type { JobOptions } from './run.js'

// A worker thread of a parallel run: builds its own engine from the run's request, reads every input
// and analyses its share of the sources, says whether it saw TCP options, and, told whether the
// whole run did, sends the report part of its sources.

export interface PartJob extends JobOptions {
  inputs: Input[]
  share: Share
}

export type ToWorker = { type: 'start'; job: PartJob } | { type: 'build'; tcpOptionsSeen: boolean }

export type FromWorker =
  | { type: 'read'; tcpOptionsSeen: boolean }
  | { type: 'part'; part: ReportPart }
  /** `usage`: the configuration itself was refused (it was accepted on the main thread, so rare). */
  | { type: 'failed'; message: string; usage: boolean }

const port = parentPort!
let analyzer: Analyzer | null = null
let settings: Parameters<typeof reportPart>[1] | null = null

async function start(job: PartJob): Promise<void> {
  const engine = await prepareEngine(job.engine)
  settings = engine.settings
  analyzer = new Analyzer({ settings: engine.settings, signatures: engine.signatures?.index ?? null, fields: engine.fields, os: engine.os, lists: engine.lists })
  await readPart(job.inputs, analyzer, job.share, { year: job.year, now: job.engine.now, maxLineLength: job.maxLineLength })
  port.postMessage({ type: 'read', tcpOptionsSeen: analyzer.engine.totals.tcpOptionsSeen } satisfies FromWorker)
}

function fail(err: unknown): void {
  const usage = err instanceof UsageError || err instanceof ConfigError
  port.postMessage({ type: 'failed', message: (err as Error).message, usage } satisfies FromWorker)
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'start') start(msg.job).catch(fail)
  else {
    try {
      port.postMessage({ type: 'part', part: reportPart(analyzer!, settings!, msg.tcpOptionsSeen) } satisfies FromWorker)
    } catch (err) {
      fail(err)
    }
  }
})
