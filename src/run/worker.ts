import { parentPort } from 'node:worker_threads'
import { compilePlan, type Plan, type PlanRequest } from '../config/plan.js'
import { ConfigError, UsageError } from '../core/errors.js'
import { Detector } from '../detect/detector.js'
import { reportPart, type ReportPart } from '../report/build.js'
import { Driver } from './driver.js'
import type { Share } from './line-feed.js'

// A worker thread of a run with threads: compiles the run's plan from its request, takes every chunk
// of every input from the main thread and analyses its share of the sources (the same Driver as the
// main thread), says whether it saw TCP options, and, told whether the whole run did, sends the report
// part of its sources. Messages are handled in order; compiling is awaited before the first chunk.

export type ToWorker =
  | { type: 'start'; plan: PlanRequest; share: Share }
  | { type: 'begin'; name: string; mtime: number | null }
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end'; damaged: boolean }
  | { type: 'finish' }
  | { type: 'build'; tcpOptionsSeen: boolean }

export type FromWorker =
  | { type: 'ack' }
  | { type: 'read'; tcpOptionsSeen: boolean }
  | { type: 'part'; part: ReportPart }
  /** `usage`: the configuration itself was refused (it was accepted on the main thread, so rare). */
  | { type: 'failed'; message: string; usage: boolean }

const port = parentPort!
let ready: Promise<{ plan: Plan; driver: Driver }> | null = null
let queue: Promise<void> = Promise.resolve()
/** The input being read (the main thread reads one at a time). */
let input = ''

async function start(request: PlanRequest, share: Share): Promise<{ plan: Plan; driver: Driver }> {
  const plan = await compilePlan(request)
  return { plan, driver: new Driver(new Detector(plan), share, plan.request) }
}

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'start') {
    ready = start(msg.plan, msg.share)
    return
  }
  const { plan, driver } = await ready!
  switch (msg.type) {
    case 'begin':
      input = msg.name
      driver.begin(input, msg.mtime)
      break
    case 'chunk':
      driver.push(input, Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength))
      port.postMessage({ type: 'ack' } satisfies FromWorker)
      break
    case 'end':
      driver.end(input, msg.damaged)
      break
    case 'finish':
      port.postMessage({ type: 'read', tcpOptionsSeen: driver.detector.engine.totals.tcpOptionsSeen } satisfies FromWorker)
      break
    case 'build':
      port.postMessage({ type: 'part', part: reportPart(driver.detector, plan.settings, msg.tcpOptionsSeen) } satisfies FromWorker)
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
