import { copyFileSync, existsSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { FileCheckpoint } from '../../src/sources/follow/checkpoint.js'
import { Follower, type FollowOptions } from '../../src/sources/follow/follower.js'
import { tempDir } from '../helpers/cli.js'
import { pausableClock } from '../helpers/clock.js'
import { Collector, expectExactly, Gate, hasLines, inodeOf, SeqWriter, seqLine, sleep, until } from '../helpers/follow.js'

// A writer appends numbered lines while the test rotates the log the ways logrotate and people do;
// the consumer must see every number exactly once, in order. Rotations happen right after a burst
// is written, before the follower had a chance to read it, so the rest of the old file matters.
// Where that must be so whatever the speed of the machine, the consumer holds a delivery (Gate)
// while the log is written and rotated: the follower reads nothing meanwhile.

let dir: string
let cleanup: () => void
let file: string
const running: Follower[] = []
const gates: Gate[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  file = path.join(dir, 'kern.log')
})
afterEach(async () => {
  for (const g of gates.splice(0)) g.open()
  for (const f of running.splice(0)) await f.stop()
  cleanup()
})

async function follow(opts: FollowOptions = {}): Promise<Collector> {
  return (await followGated(opts)).c
}

/** Follows `file` through a Gate, so that the test can hold a delivery. */
async function followGated(opts: FollowOptions = {}): Promise<{ c: Collector; gate: Gate }> {
  if (!existsSync(file)) writeFileSync(file, '')
  const c = new Collector()
  const gate = new Gate(c)
  gates.push(gate)
  const f = new Follower([{ kind: 'file', path: file }], [], { log: c.log, pollMs: 100, rotateGraceMs: 300, ...opts }, gate.consumer)
  running.push(f)
  await f.start()
  await until(() => c.deliveries.length > 0, 'the first checkpoint')
  return { c, gate }
}


/** logrotate's rename scheme: kern.log.N → kern.log.N+1, kern.log → kern.log.1. */
function shift(): void {
  for (let i = 8; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`)
  renameSync(file, `${file}.1`)
}

async function writeAWhile(w: SeqWriter, ticks: number): Promise<void> {
  for (let i = 0; i < ticks; i++) {
    w.write(3)
    await sleep(5)
  }
}

async function finish(c: Collector, w: SeqWriter, from = 1): Promise<void> {
  const last = w.write(5)
  await until(() => c.seqs().includes(last), `seq ${last}`)
  await sleep(300) // anything delivered twice would arrive now
  expectExactly(c.seqs(), from, last)
}

describe('rotation while following: every line once', () => {
  test('rename + create, writer opening the log by name, twice before the first file is finished', async () => {
    writeFileSync(file, seqLine(0)) // there before following began: a tail start skips it
    const w = new SeqWriter(file)
    const c = await follow()
    for (let round = 0; round < 3; round++) {
      await writeAWhile(w, 10)
      w.write(40)
      shift()
      writeFileSync(file, '')
    }
    await finish(c, w)
    expect(c.logged(/replaced by a new file; reading the rest of the old file first/)).toBe(true)
  })

  test('rename + create, writer still writing to the old file until it reopens (rsyslog before its HUP)', async () => {
    const w = new SeqWriter(file, true)
    w.write(1)
    // Time stands still for the follower while the writer still writes to the renamed file, so
    // that a slow machine cannot make it look idle for the grace period.
    const clock = pausableClock()
    const c = await follow({ clock })
    for (let round = 0; round < 2; round++) {
      await writeAWhile(w, 10)
      clock.pause()
      shift()
      writeFileSync(file, '')
      await writeAWhile(w, 20) // lands in the renamed file
      w.reopen()
      clock.resume()
    }
    await finish(c, w, 2) // line 1 was there before the tail start
  })

  test('copytruncate: the lines the follower had not read yet come from the copy', async () => {
    const w = new SeqWriter(file)
    const { c, gate } = await followGated()
    const ino = statSync(file).ino
    for (let round = 0; round < 3; round++) {
      await writeAWhile(w, 10)
      const held = gate.hold(hasLines, 'a delivery to hold')
      w.write(3)
      await held
      const first = w.next
      const last = w.write(40)
      if (existsSync(`${file}.1`)) renameSync(`${file}.1`, `${file}.2`)
      copyFileSync(file, `${file}.1`)
      truncateSync(file, 0)
      gate.release()
      await until(() => c.seqs().includes(last), `seq ${last}`)
      const fromCopies = new Set(c.seqsWhere((d) => inodeOf(d) !== ino))
      expect(Array.from({ length: last - first + 1 }, (_, k) => first + k).filter((n) => !fromCopies.has(n))).toEqual([]) // none read from the file
    }
    await finish(c, w)
    expect(c.logs.filter((l) => /truncated \(copytruncate\); reading the rest of .*kern\.log\.1 from offset/.test(l.message))).toHaveLength(3)
  })

  test('copytruncate noticed by the first bytes when the file grew past the old offset again', async () => {
    const w = new SeqWriter(file)
    const { c, gate } = await followGated()
    await writeAWhile(w, 5)
    const held = gate.hold(hasLines, 'a delivery to hold')
    w.write(3)
    const offset = ((await held).checkpoint as FileCheckpoint).offset
    w.write(40)
    copyFileSync(file, `${file}.1`)
    truncateSync(file, 0)
    w.write(400)
    expect(statSync(file).size).toBeGreaterThan(offset) // only the first bytes tell
    gate.release()
    await finish(c, w)
    expect(c.logged(/truncated \(copytruncate\); reading the rest of .*kern\.log\.1/)).toBe(true)
  })

  test('copytruncate in the middle of a long read by a slow consumer, the new file growing past the old offset', async () => {
    writeFileSync(file, '')
    const { c, gate } = await followGated({ chunkBytes: 2048 })
    const w = new SeqWriter(file)
    const held = gate.hold(() => c.seqs().length > 200, 'the read under way')
    w.write(2000) // about 100 KB: some 50 deliveries
    const offset = ((await held).checkpoint as FileCheckpoint).offset
    expect(c.seqs().length).toBeLessThan(1900)
    copyFileSync(file, `${file}.1`)
    truncateSync(file, 0)
    w.write(4000)
    expect(statSync(file).size).toBeGreaterThan(offset)
    gate.release()
    await finish(c, w)
    expect(c.logged(/truncated \(copytruncate\); reading the rest of/)).toBe(true)
  })

  test('delete and re-create: the deleted file is read to its end, then the new one from its start', async () => {
    const w = new SeqWriter(file)
    const c = await follow()
    await writeAWhile(w, 10)
    w.write(40)
    unlinkSync(file)
    await writeAWhile(w, 10) // re-created by the first append
    w.write(40)
    unlinkSync(file)
    await until(() => c.logged(/kern\.log: no such file; waiting for it to appear/), 'the follower to wait for the file')
    await writeAWhile(w, 5)
    await finish(c, w)
  })

  test('a final partial line of a rotated file is delivered with a newline added', async () => {
    writeFileSync(file, '')
    const c = await follow()
    writeFileSync(file, `${seqLine(1)}seq=2 unfinished`)
    await until(() => c.seqs().includes(1), 'seq 1')
    shift()
    writeFileSync(file, seqLine(3))
    await until(() => c.seqs().includes(3), 'seq 3')
    expect(c.text()).toBe(`${seqLine(1)}seq=2 unfinished\n${seqLine(3)}`)
  })
})
