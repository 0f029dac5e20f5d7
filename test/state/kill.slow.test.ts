import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { fixedClock } from '../helpers/clock.js'
import type { Detector } from '../../src/detect/detector.js'
import { detectorOf } from '../helpers/detector.js'
import { attachTracker } from '../../src/detect/tracker.js'
import { buildReport, reportPart } from '../../src/report/build.js'
import { StateStore } from '../../src/state/store.js'
import { ROOT, tempDir } from '../helpers/cli.js'
import { prng } from '../helpers/packet-stream.js'
import { BATCH, killTestLine, killTestSettings, TIME } from './kill-lines.mjs'

// kill -9 at random moments: a child process (test/state/kill-child.mjs, the built code) reads
// numbered lines and saves state and checkpoint together every 97 lines; it is SIGKILLed again and
// again, and restarted from whatever it saved. After every kill the saved state must be exactly the
// state of an analyzer that read the lines its checkpoint counts (no line lost, none counted twice),
// and the run that finally completes must equal one that never crashed.

const ROUNDS = 20
const CHILD = path.join(ROOT, 'test', 'state', 'kill-child.mjs')
const { dir: root, cleanup } = tempDir()
const dir = path.join(root, 'state')
const running = new Set<ChildProcess>()

afterAll(async () => {
  await Promise.all([...running].map((c) => new Promise((resolve) => {
    c.once('exit', resolve)
    c.kill('SIGKILL')
  })))
  cleanup()
})

const settings = killTestSettings(defaultSettings())
const reportOf = (a: Detector): string => JSON.stringify(buildReport({ parts: [reportPart(a, settings)], inputs: [] }, 'test'))

// The same run without crashes, advanced batch by batch as the child does (expiry included).
const reference = detectorOf({ settings })
const refTracker = attachTracker(reference.engine, { recordChanges: false })
let refLines = 0
function advanceTo(lines: number): void {
  while (refLines < lines) {
    const upto = Math.min(lines, refLines + BATCH)
    for (let i = refLines; i < upto; i++) reference.line(killTestLine(i), TIME, () => `line ${i + 1}`)
    refLines = upto
    refTracker.expire({ budget: 1e9 })
  }
  expect(refLines).toBe(lines)
}

/** Opens the saved state as a restart would and checks it against the reference; returns its line count. */
async function verify(): Promise<number> {
  const log: string[] = []
  const { store, analyzer, restored } = StateStore.open(dir, { clock: fixedClock(0), log: (m) => log.push(m), analyzer: () => detectorOf({ settings }) })
  try {
    expect(log).toEqual([])
    const lines = (restored?.checkpoints.get('lines') as number | undefined) ?? 0
    expect(analyzer.linesRead).toBe(lines)
    let packets = 0
    analyzer.engine.sources.forEach((s) => (packets += s.packets))
    expect(packets).toBe(lines)
    expect([...analyzer.engine.totals.timeline.values()].reduce((n, row) => n + row.reduce((x, y) => x + y, 0), 0)).toBe(lines)
    if (lines > 0) expect(restored!.alerts.get(`batch-${lines}`)).toEqual({ done: lines })
    advanceTo(lines)
    expect(reportOf(analyzer)).toBe(reportOf(reference))
    return lines
  } finally {
    await store.close()
  }
}

/** Starts the child, told to stop after `total` lines. */
function start(total: number): { child: ChildProcess; opened: Promise<number>; saved: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CHILD, dir, String(total)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += String(d)))
  let out = ''
  child.stdout!.on('data', (d) => (out += String(d)))
  const seen = (re: RegExp, what: string): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const look = (): void => {
        const m = re.exec(out)
        if (m) resolve(m)
      }
      child.stdout!.on('data', look)
      child.once('exit', (code) => reject(new Error(`child exited (${code}) before ${what}: ${stderr}`)))
      look()
    })
  const opened = seen(/open (\d+)\n/, 'opening').then((m) => Number(m[1]))
  const saved = seen(/saved \d+\n/, 'its first save').then(() => undefined)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child)
      if (code !== 0 && code !== null) process.stderr.write(stderr)
      resolve(code)
    }),
  )
  return { child, opened, saved, exited }
}

// The child runs dist/: `npm test` builds first; a lone run of this file needs `npm run build`.
test('SIGKILL at random moments never loses or double-counts a line', async () => {
  const r = prng(42)
  let before = 0
  const seen: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const { child, opened, saved, exited } = start(1e9)
    expect(await opened).toBe(before)
    // After its first save of this run, so every round gets somewhere; then anywhere in what follows.
    await saved
    await new Promise((resolve) => setTimeout(resolve, Math.floor(r() * 150)))
    child.kill('SIGKILL')
    await exited
    const lines = await verify()
    expect(lines).toBeGreaterThan(before)
    seen.push(lines)
    before = lines
  }
  expect(seen).toHaveLength(ROUNDS)
  // A last run that is not killed finishes a few batches later, as if it had never crashed.
  const total = before + 10 * BATCH + 13
  const { opened, saved, exited } = start(total)
  saved.catch(() => {})
  expect(await opened).toBe(before)
  expect(await exited).toBe(0)
  expect(await verify()).toBe(total)
})
