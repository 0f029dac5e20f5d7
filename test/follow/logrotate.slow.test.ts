import { execFile, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Follower } from '../../src/sources/follow/follower.js'
import { tempDir } from '../helpers/cli.js'
import { pausableClock } from '../helpers/clock.js'
import { Collector, expectExactly, Gate, hasLines, SeqWriter, sleep, until } from '../helpers/follow.js'

// A real logrotate (config and state file in a temporary directory, forced with -f) rotates a log
// that a writer keeps appending to, with `create` and with `copytruncate`, compressing with
// delaycompress as Debian does for kern.log. Every line must reach the consumer exactly once.

const run = promisify(execFile)
const hasLogrotate = spawnSync('logrotate', ['--version']).status === 0

let dir: string
let cleanup: () => void
let file: string
let timer: NodeJS.Timeout | null = null
const running: Follower[] = []
const gates: Gate[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  file = path.join(dir, 'kern.log')
  writeFileSync(file, '')
})
afterEach(async () => {
  if (timer !== null) clearInterval(timer)
  timer = null
  for (const g of gates.splice(0)) g.open()
  for (const f of running.splice(0)) await f.stop()
  cleanup()
})

function config(mode: 'create' | 'copytruncate', reopenFlag: string): string {
  const conf = path.join(dir, 'logrotate.conf')
  writeFileSync(conf, `${file} {\n  rotate 5\n  ${mode}\n  missingok\n  compress\n  delaycompress\n  postrotate\n    touch ${reopenFlag}\n  endscript\n}\n`, { mode: 0o644 })
  return conf
}

async function logrotate(conf: string): Promise<void> {
  await run('logrotate', ['-f', '-s', path.join(dir, 'logrotate.state'), conf])
}

describe.skipIf(!hasLogrotate)('real logrotate', () => {
  test('create: the writer keeps its descriptor until postrotate tells it to reopen (rsyslog and its HUP)', async () => {
    const flag = path.join(dir, 'reopen')
    const conf = config('create', flag)
    const c = new Collector()
    // Time stands still for the follower from the rotation until the writer reopened, so that a
    // slow machine cannot make the renamed file look idle for the grace period meanwhile.
    const clock = pausableClock()
    const f = new Follower([{ kind: 'file', path: file }], [], { log: c.log, rotateGraceMs: 500, clock }, c.consumer)
    running.push(f)
    await f.start()
    const w = new SeqWriter(file, true)
    timer = setInterval(() => {
      w.write(3)
      if (existsSync(flag)) {
        rmSync(flag)
        w.reopen()
      }
    }, 5)
    for (let i = 0; i < 4; i++) {
      await sleep(400)
      clock.pause()
      await logrotate(conf) // the writer goes on meanwhile
      await until(() => !existsSync(flag), 'the writer to reopen the log')
      clock.resume()
    }
    await sleep(300)
    clearInterval(timer)
    timer = null
    w.close()
    const last = w.next - 1
    await until(() => c.seqs().includes(last), `seq ${last}`, 30_000)
    await sleep(500)
    expectExactly(c.seqs(), 1, last)
    expect(readdirSync(dir).filter((n) => n.endsWith('.gz')).length).toBeGreaterThan(0)
    expect(c.logged(/replaced by a new file; reading the rest of the old file first/)).toBe(true)
  }, 120_000)

  test('copytruncate: the rest of the file is read from the copy (the writer pauses for the copy-to-truncate window)', async () => {
    const conf = config('copytruncate', path.join(dir, 'unused'))
    const c = new Collector()
    // The consumer holds a delivery while a burst is written and logrotate runs, so logrotate
    // copies lines that were not read yet. The follower reads them from the copy before the next
    // rotation: one more would compress that copy (delaycompress), and compressed files are not
    // followed.
    const gate = new Gate(c)
    gates.push(gate)
    const f = new Follower([{ kind: 'file', path: file }], [], { log: c.log, chunkBytes: 4096 }, gate.consumer)
    running.push(f)
    await f.start()
    const w = new SeqWriter(file)
    for (let i = 0; i < 4; i++) {
      timer = setInterval(() => w.write(3), 5)
      await sleep(300)
      clearInterval(timer)
      timer = null
      const held = gate.hold(hasLines, 'a delivery to hold')
      w.write(3)
      await held
      const last = w.write(3000)
      await logrotate(conf)
      gate.release()
      await until(() => c.seqs().includes(last), `seq ${last}`, 60_000)
    }
    const last = w.write(10)
    await until(() => c.seqs().includes(last), `seq ${last}`, 60_000)
    await sleep(500)
    expectExactly(c.seqs(), 1, last)
    expect(c.logged(/truncated \(copytruncate\); reading the rest of .*kern\.log\.1 from offset/)).toBe(true)
  }, 120_000)
})
