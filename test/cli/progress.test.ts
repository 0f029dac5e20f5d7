import { existsSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { formatBytes, Progress, progressWanted, runProgress, totalBytes, type ProgressStream } from '../../src/cli/progress.js'
import { batchRequest, outputRequest } from '../../src/cli/flags.js'
import { runBatch, type RunProgress } from '../../src/run/batch.js'
import type { Clock } from '../../src/core/clock.js'
import { fixedClock } from '../helpers/clock.js'
import { ROOT, tempDir } from '../helpers/cli.js'

const SAMPLE = path.join(ROOT, 'test/fixtures/captures/sample.log')
const { dir, cleanup } = tempDir()
afterAll(cleanup)

/** A stream that records what was written, as a terminal of `columns` or as a pipe. */
function fakeStream(isTTY: boolean, columns = 80): ProgressStream & { writes: string[] } {
  const writes: string[] = []
  return { isTTY, columns, writes, write: (s: string) => (writes.push(s), true) }
}

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000): Clock & { t: number } {
  const c = { t: start, now: () => c.t }
  return c
}

describe('when to show progress', () => {
  test('only on a terminal, only without --no-progress, not on TERM=dumb; NO_COLOR is irrelevant', () => {
    expect(progressWanted({ isTTY: true }, true, {})).toBe(true)
    expect(progressWanted({ isTTY: true }, true, { NO_COLOR: '1' })).toBe(true)
    expect(progressWanted({ isTTY: false }, true, {})).toBe(false)
    expect(progressWanted({ isTTY: undefined }, true, { FORCE_COLOR: '1' })).toBe(false)
    expect(progressWanted({ isTTY: true }, false, {})).toBe(false)
    expect(progressWanted({ isTTY: true }, true, { TERM: 'dumb' })).toBe(false)
    expect(runProgress(fakeStream(false), fixedClock(0), true, {})).toBeNull()
    expect(runProgress(fakeStream(true), fixedClock(0), true, {})).not.toBeNull()
  })
})

describe('drawing', () => {
  test('nothing for the first half second, then at most one redraw per 250 ms', () => {
    const clock = manualClock()
    const out = fakeStream(true)
    const bar = new Progress(out, clock, { total: 10_000_000 })
    for (let ms = 0; ms < 500; ms += 10) {
      clock.t = 1_000_000 + ms
      bar.bytes(1000)
    }
    expect(out.writes).toEqual([])
    for (let ms = 500; ms < 1500; ms += 10) {
      clock.t = 1_000_000 + ms
      bar.bytes(1000)
    }
    // Drawn at 500, 750, 1000 and 1250 ms: four redraws for a hundred updates.
    expect(out.writes).toHaveLength(4)
    expect(out.writes.every((w) => w.startsWith('\r\u001b[2K') && !w.includes('\n'))).toBe(true)
  })
  test('known total: bytes of total, percent, rate, lines/s, ETA and a bar, within the width', () => {
    const clock = manualClock(0)
    const bar = new Progress(fakeStream(true), clock, { total: 100_000_000 })
    bar.bytes(25_000_000)
    bar.lines(2000)
    bar.lines(3000)
    const line = bar.line(10_000, 100)
    expect(line).toMatch(/^\[#+\.+\] {2}25% {2}25\.0 MB \/ 100 MB {2}2\.50 MB\/s {2}500 lines\/s {2}ETA 0:30$/)
    const room = line.indexOf(']') - 1
    expect(line.match(/#/g)).toHaveLength(Math.round(room / 4))
    expect(line.length).toBeLessThan(100)
    expect(bar.line(10_000, 80).length).toBeLessThan(80)
    expect(bar.line(10_000, 64)).not.toContain('[')
    expect(bar.line(10_000, 40).length).toBe(39)
  })
  test('unknown total (standard input, journal): bytes and rate, no percentage, no ETA', () => {
    const bar = new Progress(fakeStream(true), fixedClock(0), { total: null })
    bar.bytes(3_500_000)
    const line = bar.line(2000, 120)
    expect(line).toBe('3.50 MB read  1.75 MB/s  0 lines/s')
  })
  test('an ETA over an hour', () => {
    const bar = new Progress(fakeStream(true), fixedClock(0), { total: 10_000_000_000 })
    bar.bytes(1_000_000)
    expect(bar.line(1000, 200)).toContain('ETA 2:46:39')
  })
  test('clear erases only what was drawn', () => {
    const clock = manualClock(0)
    const out = fakeStream(true)
    const bar = new Progress(out, clock, { total: null, delayMs: 0 })
    bar.clear()
    expect(out.writes).toEqual([])
    bar.bytes(1)
    bar.clear()
    bar.clear()
    expect(out.writes.slice(1)).toEqual(['\r\u001b[2K'])
  })
  test('byte units', () => {
    expect([0, 999, 1000, 12_345, 123_456, 1_234_567_890, 5e12].map(formatBytes)).toEqual(['0 B', '999 B', '1.00 kB', '12.3 kB', '123 kB', '1.23 GB', '5.00 TB'])
  })
})

describe('totals and wiring', () => {
  test('the total is the sum of file sizes (compressed size for gzip); stdin or the journal make it unknown', async () => {
    const gz = path.join(dir, 'k.log.gz')
    writeFileSync(gz, gzipSync('x'.repeat(10_000)))
    expect(await totalBytes([{ kind: 'file', path: SAMPLE }, { kind: 'file', path: gz }])).toBe(statSync(SAMPLE).size + statSync(gz).size)
    expect(await totalBytes([{ kind: 'file', path: SAMPLE }, { kind: 'stdin' }])).toBeNull()
    expect(await totalBytes([{ kind: 'journal', since: null, until: null }])).toBeNull()
    expect(await totalBytes([{ kind: 'file', path: path.join(dir, 'missing') }])).toBeNull()
  })
  test('runBatch feeds raw bytes and lines, and stops the display before the report is written', async () => {
    const out = path.join(dir, 'wired.json')
    const seen = { inputs: 0, bytes: 0, lines: 0, stoppedBeforeReport: false }
    const progress: RunProgress = {
      start: async (inputs) => void (seen.inputs = inputs.length),
      bytes: (n) => void (seen.bytes += n),
      lines: (n) => void (seen.lines += n),
      stop: () => void (seen.stoppedBeforeReport = !existsSync(out)),
    }
    const clock = fixedClock(Date.UTC(2026, 10, 23))
    const req = batchRequest([SAMPLE], {}, 'test', clock)
    const outcome = await runBatch(req, { outputs: (id) => outputRequest({ output: [out] }, id), progress })
    expect(seen).toEqual({ inputs: 1, bytes: statSync(SAMPLE).size, lines: outcome.report.summary.linesRead, stoppedBeforeReport: true })
    expect(existsSync(out)).toBe(true)
  })
})
