import { copyFileSync, existsSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Delivery } from '../../src/sources/follow/delivery.js'
import { Follower, type FollowOptions } from '../../src/sources/follow/follower.js'
import { OpenFile } from '../../src/sources/follow/open-file.js'
import { copiesAfter, locateCopy } from '../../src/sources/follow/truncation.js'
import { tempDir } from '../helpers/cli.js'
import { Collector, expectExactly, Gate, hasLines, inodeOf, SeqWriter, sleep, until } from '../helpers/follow.js'

// copytruncate at the worst moments of the follower's work, placed there by holding a delivery
// (Gate) or by a hook on the follower's next read, never by timing: between its look at the file
// and its read, right after a read, twice before it looked again, while it reads the copy, and
// right after it started the truncated file anew. Lines written between logrotate's copy and its
// truncation are in neither file (an inherent window): these tests write none there.

let dir: string
let cleanup: () => void
let file: string
let ino: number
const running: Follower[] = []
const gates: Gate[] = []
const restores: (() => void)[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  file = path.join(dir, 'kern.log')
  writeFileSync(file, '')
  ino = statSync(file).ino
})
afterEach(async () => {
  for (const r of restores.splice(0)) r()
  for (const g of gates.splice(0)) g.open()
  for (const f of running.splice(0)) await f.stop()
  cleanup()
})

async function follow(opts: FollowOptions = {}): Promise<{ c: Collector; gate: Gate }> {
  const c = new Collector()
  const gate = new Gate(c)
  gates.push(gate)
  const f = new Follower([{ kind: 'file', path: file }], [], { log: c.log, pollMs: 100, ...opts }, gate.consumer)
  running.push(f)
  await f.start()
  await until(() => c.deliveries.length > 0, 'the first checkpoint')
  return { c, gate }
}

/** logrotate's copytruncate with numbered copies: kern.log.N → kern.log.N+1, copy to kern.log.1, truncate. */
function copytruncate(): void {
  for (let i = 8; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`)
  copyFileSync(file, `${file}.1`)
  truncateSync(file, 0)
}

const fromFile = (d: Delivery): boolean => inodeOf(d) === ino
const fromCopy = (d: Delivery): boolean => inodeOf(d) !== null && inodeOf(d) !== ino

/** Holds a delivery of lines: the follower reads nothing more until it is released. */
async function holdLines(gate: Gate, w: SeqWriter): Promise<Delivery> {
  const held = gate.hold(hasLines, 'a delivery to hold')
  w.write(3)
  return held
}

async function finish(c: Collector, w: SeqWriter): Promise<void> {
  const last = w.write(5)
  await until(() => c.seqs().includes(last), `seq ${last}`)
  await sleep(300) // anything delivered twice would arrive now
  expectExactly(c.seqs(), 1, last)
}

/**
 * Runs `hook` once, at the follower's next read of a whole chunk (`chunkBytes` at an offset past 0),
 * before or after the read itself: there is no other way to be between a look and a read.
 */
async function atNextChunkRead(chunkBytes: number, when: 'before' | 'after', hook: () => void): Promise<void> {
  const probe = await open(file, 'r')
  const proto = Object.getPrototypeOf(probe) as FileHandle
  await probe.close()
  const read = proto.read
  let armed = true
  const patched = async function (this: FileHandle, ...args: unknown[]): Promise<unknown> {
    const fire = armed && args[2] === chunkBytes && typeof args[3] === 'number' && args[3] > 0
    if (fire) armed = false
    if (fire && when === 'before') hook()
    const result = await (read as (...a: unknown[]) => Promise<unknown>).apply(this, args)
    if (fire && when === 'after') hook()
    return result
  }
  proto.read = patched as FileHandle['read']
  restores.push(() => {
    proto.read = read
  })
}

describe('copytruncate at the worst moment: every line once', () => {
  test('between the look at the file and the read: the new lines at the old offset are not taken for old ones', async () => {
    const { c, gate } = await follow({ chunkBytes: 2048 })
    const w = new SeqWriter(file)
    const held = gate.hold((d) => c.seqs().length > 100, 'a read under way')
    w.write(1000)
    await held
    let grown = 0
    await atNextChunkRead(2048, 'before', () => {
      copytruncate()
      w.write(2000) // past the offset: the read finds new lines there
      grown = statSync(file).size
    })
    gate.release()
    await until(() => grown > 0, 'the hook')
    await finish(c, w)
    expect(c.logged(/truncated \(copytruncate\); reading the rest of .*kern\.log\.1 from offset/)).toBe(true)
  })

  test('right after a read, no copy kept: the lines read before the truncation are handed on', async () => {
    const { c, gate } = await follow({ chunkBytes: 2048 })
    const w = new SeqWriter(file)
    const held = gate.hold((d) => c.seqs().length > 100, 'a read under way')
    w.write(1000)
    await held
    const before = c.seqs().length
    const next = w.next
    let ran = false
    await atNextChunkRead(2048, 'after', () => {
      truncateSync(file, 0) // the copy went elsewhere (compressed at once): the rest of the old file is lost
      w.write(3)
      ran = true
    })
    gate.release()
    await until(() => ran, 'the hook')
    await until(() => c.seqs().includes(next + 2), 'the lines written after the truncation')
    await sleep(300)
    const seqs = c.seqs()
    const kept = seqs.indexOf(next)
    expect(kept).toBeGreaterThan(before) // the chunk read before the truncation came through
    expectExactly(seqs.slice(0, kept), 1, kept)
    expectExactly(seqs.slice(kept), next, next + 2)
    expect(c.logged(/truncated at offset \d+ and no rotated copy holds more/, 'warn')).toBe(true)
  })

  test('twice before the follower looked again: the rest of the first copy, then the second copy whole', async () => {
    const { c, gate } = await follow()
    const w = new SeqWriter(file)
    await holdLines(gate, w)
    w.write(40)
    copytruncate()
    w.write(40)
    copytruncate()
    w.write(40)
    gate.release()
    await finish(c, w)
    expect(c.logged(/truncated \(copytruncate\); reading the rest of .*kern\.log\.2 from offset/)).toBe(true)
    expect(c.logged(/rotated again since; reading .*kern\.log\.1 first/)).toBe(true)
  })

  test('again while the follower reads the copy: the copy made meanwhile comes before the file', async () => {
    const { c, gate } = await follow({ chunkBytes: 2048 })
    const w = new SeqWriter(file)
    await holdLines(gate, w)
    w.write(200)
    copytruncate()
    w.write(40)
    const inCopy = gate.hold(fromCopy, 'a delivery from the copy')
    gate.release()
    await inCopy
    copytruncate()
    w.write(40)
    gate.release()
    await finish(c, w)
    expect(c.logged(/rotated again since; reading .*kern\.log\.1 first/)).toBe(true)
  })

  test('again right after the follower started the truncated file anew, before it read a line of it', async () => {
    const { c, gate } = await follow()
    const w = new SeqWriter(file)
    await holdLines(gate, w)
    w.write(40)
    copytruncate()
    w.write(40) // what the file holds when the follower starts it anew
    const anew = gate.hold((d) => fromFile(d) && !hasLines(d) && d.checkpoint?.kind === 'file' && d.checkpoint.offset === 0, 'the file started anew')
    gate.release()
    await anew
    copytruncate()
    w.write(40)
    gate.release()
    await finish(c, w)
    expect(c.logs.filter((l) => /truncated \(copytruncate\); reading the rest of .*kern\.log\.1 from offset/.test(l.message))).toHaveLength(2)
  })
})

describe('copytruncate: the copies', () => {
  test('everything read before the copy: the copy holds nothing more, which is no warning', async () => {
    const { c } = await follow()
    const w = new SeqWriter(file)
    const last = w.write(40)
    await until(() => c.seqs().includes(last), `seq ${last}`)
    copytruncate()
    await until(() => c.logged(/truncated \(copytruncate\); reading the rest of .*kern\.log\.1 from offset/), 'the truncation noticed')
    await finish(c, w)
    expect(c.logs.filter((l) => l.level === 'warn')).toEqual([])
  })

  test('the copy is found by the first bytes seen, also at offset 0; the copies after it, oldest first, leave out a copy of what the file holds now', async () => {
    const w = new SeqWriter(file)
    w.write(10)
    const seen = await OpenFile.open(file) // offset 0, its first bytes seen
    copytruncate() // kern.log.1: a copy of what `seen` saw
    const copy = await locateCopy(seen, file)
    expect(copy?.name).toBe(`${file}.1`)
    expect(copy?.offset).toBe(0)
    w.write(10)
    copytruncate() // the copy above is kern.log.2 now
    w.write(10)
    copytruncate()
    w.write(10)
    const now = await OpenFile.open(file)
    expect(await copiesAfter(copy!, now, file)).toEqual([`${file}.2`, `${file}.1`])
    copyFileSync(file, `${file}.1`) // as if rotated between the look at the file and the listing
    expect(await copiesAfter(copy!, now, file)).toEqual([`${file}.2`])
    await copy!.close()
    renameSync(`${file}.3`, `${file}.3.gz`) // compressed: the copy is no longer among the siblings
    expect(await copiesAfter(copy!, now, file)).toEqual([])
    await seen.close()
    await now.close()
  })
})
