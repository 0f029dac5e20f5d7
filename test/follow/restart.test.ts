import { copyFileSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Checkpoint } from '../../src/sources/follow/checkpoint.js'
import { Follower } from '../../src/sources/follow/follower.js'
import { tempDir } from '../helpers/cli.js'
import { Collector, expectExactly, SeqWriter, sleep, until } from '../helpers/follow.js'

// Stop, let the log move on while nothing follows it (lines appended, rotations of every kind),
// start again from the saved checkpoint: exactly the lines after it, once each, in order.

let dir: string
let cleanup: () => void
let file: string
const running: Follower[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  file = path.join(dir, 'kern.log')
  writeFileSync(file, '')
})
afterEach(async () => {
  for (const f of running.splice(0)) await f.stop()
  cleanup()
})

/** Follows `file` from `checkpoint` until seq `last` arrived (or only until started, for last 0); stops. */
async function session(checkpoint: Checkpoint | null, last: number): Promise<{ c: Collector; checkpoint: Checkpoint }> {
  const c = new Collector()
  const f = new Follower([{ kind: 'file', path: file }], checkpoint === null ? [] : [checkpoint], { log: c.log, pollMs: 50, rotateGraceMs: 200 }, c.consumer)
  running.push(f)
  await f.start()
  await until(() => c.deliveries.length > 0 && (last === 0 || c.seqs().includes(last)), `seq ${last}`)
  await sleep(150)
  await f.stop()
  return { c, checkpoint: c.checkpoint(file)! }
}

/** Runs a first session over seq 1..n, returns its last checkpoint. */
async function firstSession(w: SeqWriter, n: number): Promise<Checkpoint> {
  const started = await session(null, 0)
  w.write(n)
  const { c, checkpoint } = await session(started.checkpoint, n)
  expectExactly(c.seqs(), 1, n)
  return checkpoint
}

describe('restart from a checkpoint: the lines after it, once each', () => {
  test('lines appended while stopped', async () => {
    const w = new SeqWriter(file)
    const cp = await firstSession(w, 30)
    const last = w.write(20)
    expectExactly((await session(cp, last)).c.seqs(), 31, last)
  })

  test('rotated (rename + create) while stopped: the rest of kern.log.1, then the new kern.log', async () => {
    const w = new SeqWriter(file)
    const cp = await firstSession(w, 30)
    w.write(20)
    renameSync(file, `${file}.1`)
    writeFileSync(file, '')
    const last = w.write(20)
    const { c } = await session(cp, last)
    expectExactly(c.seqs(), 31, last)
    expect(c.logged(/rotated while not followed; reading the rest of .*kern\.log\.1 from offset \d+ first/)).toBe(true)
  })

  test('rotated twice while stopped: kern.log.2 from the offset, kern.log.1 and kern.log whole', async () => {
    const w = new SeqWriter(file)
    const cp = await firstSession(w, 30)
    w.write(20)
    renameSync(file, `${file}.1`)
    w.write(20)
    renameSync(`${file}.1`, `${file}.2`)
    renameSync(file, `${file}.1`)
    const last = w.write(20)
    expectExactly((await session(cp, last)).c.seqs(), 31, last)
  })

  test('dateext names (kern.log-20261101)', async () => {
    const w = new SeqWriter(file)
    const cp = await firstSession(w, 30)
    w.write(20)
    renameSync(file, `${file}-20261101`)
    const last = w.write(20)
    expectExactly((await session(cp, last)).c.seqs(), 31, last)
  })

  test('copytruncate while stopped: the rest from the copy, then the truncated file from its start', async () => {
    const w = new SeqWriter(file)
    const cp = await firstSession(w, 30)
    w.write(20)
    copyFileSync(file, `${file}.1`)
    truncateSync(file, 0)
    const last = w.write(60) // past the old offset: only the first bytes tell
    expectExactly((await session(cp, last)).c.seqs(), 31, last)
  })

  test('checkpoint taken before any line (offset 0), file written and rotated while stopped', async () => {
    const w = new SeqWriter(file)
    const { checkpoint } = await session(null, 0)
    expect(checkpoint).toMatchObject({ kind: 'file', offset: 0 })
    w.write(20)
    renameSync(file, `${file}.1`)
    const last = w.write(20)
    expectExactly((await session(checkpoint, last)).c.seqs(), 1, last)
  })

  test('the checkpointed file is gone (compressed away): logged, and kern.log is read from its start', async () => {
    const w = new SeqWriter(file)
    const cp = await firstSession(w, 30)
    w.write(20)
    renameSync(file, `${file}.1.gz`) // stands for gzip: not followed
    const first = w.next
    const last = w.write(20)
    const { c } = await session(cp, last)
    expectExactly(c.seqs(), first, last)
    expect(c.logged(/the file of the checkpoint \(offset \d+\) is gone/, 'warn')).toBe(true)
  })

  test('deleted and re-created while stopped (the inode may be reused): the new file from its start', async () => {
    const w = new SeqWriter(file)
    const cp = await firstSession(w, 30)
    unlinkSync(file)
    const first = w.next
    const last = w.write(40)
    expectExactly((await session(cp, last)).c.seqs(), first, last)
  })

  test('truncated while stopped, no copy kept: from the start', async () => {
    const w = new SeqWriter(file)
    const cp = await firstSession(w, 30)
    truncateSync(file, 0)
    const first = w.next
    const last = w.write(10)
    expectExactly((await session(cp, last)).c.seqs(), first, last)
  })

  test('a checkpoint whose file is not there and no file at the path: waits, then reads the new file whole', async () => {
    const w = new SeqWriter(file)
    const cp = await firstSession(w, 30)
    rmSync(file)
    const c = new Collector()
    const f = new Follower([{ kind: 'file', path: file }], [cp], { log: c.log, pollMs: 50 }, c.consumer)
    running.push(f)
    await f.start()
    await until(() => c.logged(/waiting for it to appear/), 'the waiting message')
    expect(f.status()[0]).toMatchObject({ state: 'waiting', reason: 'no such file' })
    const last = w.write(10)
    await until(() => c.seqs().includes(last), `seq ${last}`)
    expectExactly(c.seqs(), 31, last)
  })
})
