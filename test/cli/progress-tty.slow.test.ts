import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'

// The progress display end to end: on a real pseudo-terminal (util-linux `script`) it appears and is
// erased before the report; with stderr piped it never appears. Standard input that pauses for a
// second outlasts the display's half-second delay however fast the machine is.

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const big = path.join(dir, 'big.log')
const hasScript = spawnSync('script', ['--version']).status === 0

beforeAll(() => {
  // 100 copies of the sample capture: about 11 MB.
  writeFileSync(big, readFileSync(path.join(ROOT, 'test/fixtures/captures/sample.log'), 'utf8').repeat(100))
})

const quote = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`

/** `cat big; sleep 1; cat big | portsleuth ARGS -` as a shell command: a run longer than the delay. */
const slowRun = (args: string[]): string => `{ cat ${quote(big)}; sleep 1; cat ${quote(big)}; } | ${[process.execPath, BIN, ...args, '-'].map(quote).join(' ')}`
const env = { ...process.env, TZ: 'UTC', NO_COLOR: '1' }

/** Runs slowRun(args) on a pseudo-terminal; returns what it showed. */
function onTty(args: string[]): string {
  const r = spawnSync('script', ['-qec', slowRun(args), '/dev/null'], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20 })
  expect(r.status).toBe(0)
  return r.stdout
}

describe.skipIf(!hasScript)('progress on a terminal', () => {
  test('drawn on the terminal, and erased before the report begins', () => {
    const out = onTty(['analyze', '--top', '1'])
    const frames = out.split('\r\u001b[2K')
    expect(frames.length).toBeGreaterThan(2)
    // Standard input has no total: bytes and rates, no ETA.
    expect(frames[1]).toMatch(/^[\d.]+ [kMG]?B read  [\d.]+ [kMG]?B\/s  \d+ lines\/s$/)
    // The last erase is followed by the report, never by a frame.
    expect(frames.at(-1)).toMatch(/^portsleuth 0\.1\.0: 1 input\(s\), 90200 lines/)
    expect(frames.at(-1)).not.toContain('lines/s')
  })
  test('--no-progress: nothing drawn', () => {
    expect(onTty(['analyze', '--top', '1', '--no-progress'])).not.toContain('\u001b[2K')
  })
})

test('stderr piped: the same run shows no progress at all', () => {
  const r = spawnSync('sh', ['-c', slowRun(['analyze', '--top', '1'])], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20 })
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(/^portsleuth 0\.1\.0: 1 input\(s\), 90200 lines/)
  expect(r.stderr).toBe('')
})
