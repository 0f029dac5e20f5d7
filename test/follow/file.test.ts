import { appendFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Delivery } from '../../src/sources/follow/delivery.js'
import { Follower, type FollowOptions } from '../../src/sources/follow/follower.js'
import { tempDir } from '../helpers/cli.js'
import { Collector, expectExactly, SeqWriter, seqLine, sleep, until } from '../helpers/follow.js'

// Following one file: where reading starts, bounded reads, backpressure, latency, closing.

let dir: string
let cleanup: () => void
let file: string
const running: Follower[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  file = path.join(dir, 'kern.log')
})
afterEach(async () => {
  for (const f of running.splice(0)) await f.stop()
  cleanup()
})

async function follow(opts: FollowOptions = {}, files = [file], c = new Collector()): Promise<{ c: Collector; f: Follower }> {
  const f = new Follower(files.map((p) => ({ kind: 'file', path: p })), [], { log: c.log, ...opts }, c.consumer)
  running.push(f)
  await f.start()
  return { c, f }
}

describe('where reading starts', () => {
  test('by default at the end, at the start of a line still being written; the position is announced first', async () => {
    writeFileSync(file, 'old 1\nold 2\nhalf of ')
    const { c } = await follow()
    await until(() => c.deliveries.length === 1, 'the announced position')
    expect(c.deliveries[0]).toMatchObject({ bytes: Buffer.alloc(0), checkpoint: { kind: 'file', offset: 12 } })
    appendFileSync(file, 'a line\nnew\n')
    await until(() => c.text() === 'half of a line\nnew\n', 'the new lines')
  })

  test('fromStart: what the file already holds, then what is appended', async () => {
    writeFileSync(file, 'old 1\nold 2\n')
    const { c } = await follow({ fromStart: true })
    appendFileSync(file, 'new\n')
    await until(() => c.text() === 'old 1\nold 2\nnew\n', 'all lines')
  })

  test('a partial last line waits for its newline', async () => {
    writeFileSync(file, '')
    const { c } = await follow({ pollMs: 30 })
    appendFileSync(file, 'complete\npart')
    await until(() => c.text() === 'complete\n', 'the complete line')
    await sleep(200)
    expect(c.text()).toBe('complete\n')
    appendFileSync(file, 'ial\n')
    await until(() => c.text() === 'complete\npartial\n', 'the completed line')
  })
})

describe('reading', () => {
  test('a burst is read in bounded chunks of whole lines, every line once', async () => {
    writeFileSync(file, '')
    const { c } = await follow({ chunkBytes: 4096 })
    const w = new SeqWriter(file)
    const last = w.write(40_000) // about 2.5 MB at once
    await until(() => c.seqs().at(-1) === last, `seq ${last}`)
    const sizes = c.deliveries.map((d) => d.bytes.length).filter((n) => n > 0)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096)
    const total = sizes.reduce((a, b) => a + b, 0)
    expect(sizes.length).toBeGreaterThanOrEqual(Math.floor(total / 4096))
    expect(c.deliveries.every((d) => d.bytes.length === 0 || d.bytes.at(-1) === 10)).toBe(true)
    expectExactly(c.seqs(), 1, last)
  })

  test('a line longer than a chunk comes in pieces, and the lines after it whole', async () => {
    writeFileSync(file, '')
    const { c } = await follow({ chunkBytes: 1024 })
    appendFileSync(file, `${'L'.repeat(3000)}\nafter\n`)
    await until(() => c.text().endsWith('after\n'), 'the line after')
    expect(c.text()).toBe(`${'L'.repeat(3000)}\nafter\n`)
    expect(c.deliveries.filter((d) => d.bytes.length > 0).length).toBeGreaterThanOrEqual(3)
    expect(c.checkpoint(file)).toMatchObject({ offset: 3007 })
  })

  test('backpressure: while the consumer holds a delivery, nothing more comes from that input; others go on', async () => {
    const other = path.join(dir, 'other.log')
    writeFileSync(file, '')
    writeFileSync(other, '')
    let release: () => void = () => undefined
    const held = new Promise<void>((r) => (release = r))
    const got: Delivery[] = []
    const f = new Follower([{ kind: 'file', path: file }, { kind: 'file', path: other }], [], { pollMs: 30 }, async (d) => {
      got.push(d)
      if (d.input === file && d.bytes.length > 0) await held
    })
    running.push(f)
    await f.start()
    appendFileSync(file, 'first\n')
    await until(() => got.some((d) => d.input === file && d.bytes.length > 0), 'the first delivery')
    appendFileSync(file, 'second\n')
    appendFileSync(other, 'other\n')
    await until(() => got.some((d) => d.input === other && d.bytes.toString() === 'other\n'), 'the other input')
    await sleep(300)
    expect(got.filter((d) => d.input === file && d.bytes.length > 0).map((d) => d.bytes.toString())).toEqual(['first\n'])
    release()
    await until(() => got.some((d) => d.bytes.toString() === 'second\n'), 'the second line after release')
  })

  test('Delivery carries the file mtime; status says where the input stands', async () => {
    writeFileSync(file, '')
    const { c, f } = await follow()
    appendFileSync(file, 'one\ntwo\n')
    await until(() => c.text() === 'one\ntwo\n', 'two lines')
    const d = c.deliveries.at(-1)!
    expect(Math.abs(d.mtime! - Date.now())).toBeLessThan(60_000)
    expect(f.status()).toEqual([{ input: file, kind: 'file', state: 'following', reason: null, file, offset: 8, cursor: null, lines: 2, badRecords: 0 }])
  })
})

describe('latency and closing', () => {
  const fds = (): number => readdirSync('/proc/self/fd').length

  const latency: [string, FollowOptions][] = [
    ['fs.watch alone: the poll is 10 s', { watch: true, pollMs: 10_000 }],
    ['stat poll alone, at its default interval', { watch: false }],
  ]
  for (const [name, opts] of latency) {
    test(`a line appended is delivered within 1 s (${name})`, async () => {
      writeFileSync(file, '')
      const { c } = await follow(opts)
      await until(() => c.deliveries.length > 0, 'the start')
      const delays: number[] = []
      for (let i = 0; i < 5; i++) {
        const before = c.deliveries.length
        const t0 = performance.now()
        appendFileSync(file, seqLine(i))
        await until(() => c.deliveries.length > before, `line ${i}`, 5000)
        delays.push(performance.now() - t0)
        await sleep(50 + Math.random() * 200)
      }
      expect(Math.max(...delays)).toBeLessThan(1000)
    })
  }

  test('stop() closes every file and watcher', async () => {
    writeFileSync(file, '')
    const before = fds()
    const { f } = await follow({}, [file, path.join(dir, 'b.log'), path.join(dir, 'c.log')])
    await sleep(200)
    expect(fds()).toBeGreaterThan(before)
    await f.stop()
    expect(fds()).toBe(before)
    expect(f.status().map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped'])
  })
})
