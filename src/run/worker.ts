import { parentPort, type MessagePort } from 'node:worker_threads'
import { compilePlan, type Plan } from '../config/plan.js'
import { ConfigError, UsageError } from '../core/errors.js'
import { Detector } from '../detect/detector.js'
import { reportPart } from '../report/build.js'
import { DOING_SLOTS, type FromWorker, type LineList, type Phase, type ToWorker } from './messages.js'
import { Part, type FaultHook } from './part.js'

// An analysis thread of a run with threads: compiles the run's plan from its request, then runs its
// Part (part.ts) on the messages of the main thread and of the other analysis threads. Messages that
// arrive while the plan compiles wait in a backlog. Any error is reported to the main thread, which
// ends the run; after it this thread does nothing more.

const port = parentPort!
let part: Part | null = null
let plan: Plan | null = null
let doing: Int32Array | null = null
let me = 0
let broken = false
const backlog: ToWorker[] = []

function send(msg: FromWorker): void {
  port.postMessage(msg)
}

function fail(err: unknown, phase: Phase): void {
  if (broken) return
  broken = true
  const usage = err instanceof UsageError || err instanceof ConfigError
  const block = doing === null ? -1 : phase === 'splitting' ? doing[me * DOING_SLOTS]! : doing[me * DOING_SLOTS + 1]!
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err), usage, block, phase })
}

function phaseNow(): Phase {
  return doing !== null && doing[me * DOING_SLOTS]! >= 0 ? 'splitting' : 'analysing'
}

/** Runs a step of the part; a failure is reported with what the part was doing. */
function guard(step: (p: Part) => void): void {
  if (broken || part === null) return
  try {
    step(part)
  } catch (err) {
    fail(err, phaseNow())
  }
}

// A test-only hook: PORTSLEUTH_TEST_THREAD_FAULT=THREAD:BLOCK:throw|exit makes analysis thread THREAD
// (1-based) throw, or end itself, when it reaches BLOCK; test/cli/threads.test.ts checks that the run
// then fails with a clear error rather than hanging or reporting half the input.
function faultHook(): FaultHook {
  const m = /^(\d+):(\d+):(throw|exit)$/.exec(process.env.PORTSLEUTH_TEST_THREAD_FAULT ?? '')
  if (m === null || Number(m[1]) !== me + 1) return null
  const block = Number(m[2])
  return (_phase, b) => {
    if (b !== block) return
    if (m[3] === 'exit') process.exit(9)
    throw new Error('fault injected by PORTSLEUTH_TEST_THREAD_FAULT')
  }
}

function handle(msg: ToWorker): void {
  switch (msg.type) {
    case 'input':
      return guard((p) => p.input(msg.input))
    case 'block':
      return guard((p) => p.block(msg))
    case 'limit':
      return guard((p) => p.raise(msg.limit))
    case 'end':
      return guard((p) => p.end(msg.blocks))
    case 'build':
      if (broken) return
      try {
        send({ type: 'part', part: reportPart(part!.detector, plan!.settings, msg.tcpOptionsSeen) })
      } catch (err) {
        fail(err, 'building')
      }
      return
  }
}

async function start(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  me = msg.index
  doing = new Int32Array(msg.doing)
  try {
    plan = await compilePlan(msg.plan)
  } catch (err) {
    fail(err, 'starting')
    return
  }
  const links = {
    toMain: send,
    toPart: (owner: number, list: LineList) => msg.peers[owner]!.postMessage(list, [list.lines.buffer as ArrayBuffer]),
  }
  const detector = new Detector(plan)
  // One part of several: its label tallies must merge into the serial ones (detect/tally.ts).
  detector.countEveryLabel()
  part = new Part(detector, plan.request, me, msg.count, links, doing, msg.ring, msg.limit, faultHook())
  msg.peers.forEach((peer: MessagePort | null) => peer?.on('message', (list: LineList) => guard((p) => p.lines(list))))
  for (const m of backlog.splice(0)) handle(m)
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'start') void start(msg)
  else if (part === null) backlog.push(msg)
  else handle(msg)
})
