import { describe, expect, test } from 'vitest'
import { BlockCutter } from '../../src/run/block-cutter.js'
import { BlockSplitter, type BlockText } from '../../src/run/block-splitter.js'
import { BLOCK_BYTES, blocksOf, blockWindow, ordinalOf, ownerOf, placeOf } from '../../src/run/blocks.js'
import { BlockLedger } from '../../src/run/ledger.js'
import { LineSplitter } from '../../src/sources/lines.js'

// A run with threads cuts its text into blocks (by byte ranges of a file, or after newlines of a
// stream) and splits each block into lines on its own. Whatever the cut, the lines must be exactly
// the ones the serial line splitter finds: same text, same order, over-long lines in the same places.

const MAX = 300

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 0x1_0000_0000
  }
}

/** Random text of about `bytes` bytes: short and long lines, CRLF, empty lines, a few lines of over a block. */
function randomText(seed: number, bytes: number, finalNewline: boolean): Buffer {
  const r = rng(seed)
  const parts: string[] = []
  let n = 0
  while (n < bytes) {
    const kind = r()
    const len = kind < 0.002 ? BLOCK_BYTES + Math.floor(r() * BLOCK_BYTES) : kind < 0.1 ? MAX - 20 + Math.floor(r() * 40) : kind < 0.15 ? 0 : Math.floor(r() * 200)
    const body = String.fromCharCode(97 + (parts.length % 26)).repeat(len)
    const line = `${body}${r() < 0.1 ? '\r' : ''}\n`
    parts.push(line)
    n += line.length
  }
  const text = parts.join('')
  return Buffer.from(finalNewline ? text : `${text}tail without newline`)
}

/** What the serial splitter finds: each line's text, or LONG. */
function serial(text: Buffer): string[] {
  const out: string[] = []
  const s = new LineSplitter(MAX, (b, start, end) => out.push(b.toString('latin1', start, end)), () => out.push('LONG'))
  for (let i = 0; i < text.length; i += 65536) s.push(text.subarray(i, i + 65536))
  s.end()
  return out
}

/** Splits one block with `count` owners (route: the line's length) and returns its lines in order. */
function splitBlock(t: BlockText, count: number): string[] {
  let long = 0
  const splitter = new BlockSplitter(0, count, MAX, (_b, s, e) => e - s, () => long++)
  const lines = splitter.split(t)
  const slots = new Array<string | null>(lines).fill(null)
  const wrong: string[] = []
  for (let owner = 0; owner < count; owner++) {
    const list = splitter.take(owner)
    let last = -1
    for (let i = 0; i < list.length; i += 3) {
      const [start, end, index] = [list[i]!, list[i + 1]!, list[i + 2]!]
      // Each owner gets its lines in order, and only the lines of its routes.
      if (index <= last || (end > start && ownerOf(end - start, count) !== owner)) wrong.push(`${owner}:${index}`)
      last = index
      slots[index] = t.b.toString('latin1', start, end)
    }
  }
  expect(wrong).toEqual([])
  expect(slots.filter((s) => s === null)).toHaveLength(long)
  return slots.map((s) => s ?? 'LONG')
}

/** Splits a file's text block by block, as the threads read it by byte ranges. */
function byRanges(text: Buffer, count: number): string[] {
  const out: string[] = []
  for (let j = 0; j < blocksOf(text.length); j++) {
    const w = blockWindow(j, text.length, MAX)
    const b = Buffer.from(text.subarray(w.from, w.to))
    for (const line of splitBlock({ b, length: b.length, first: w.first, limit: w.limit, eof: w.to === text.length }, count)) out.push(line)
  }
  return out
}

/** Cuts a stream's text into blocks (chunks of `chunk` bytes), then splits each block. */
async function byStream(text: Buffer, chunk: number): Promise<string[]> {
  const out: string[] = []
  const cutter = new BlockCutter(BLOCK_BYTES, async (t) => {
    if (t === null) out.push('LONG')
    else {
      expect(t[t.length - 1] === 10 || t.length < BLOCK_BYTES).toBe(true)
      const b = Buffer.from(t)
      for (const line of splitBlock({ b, length: b.length, first: 0, limit: b.length, eof: true }, 3)) out.push(line)
    }
  })
  for (let i = 0; i < text.length; i += chunk) await cutter.push(text.subarray(i, i + chunk))
  await cutter.end()
  return out
}

describe('blocks of a run with threads', () => {
  test('a file split by byte ranges gives the serial lines, whatever the owners', () => {
    for (const [seed, newline] of [[1, true], [2, false], [3, true]] as const) {
      const text = randomText(seed, 5 * BLOCK_BYTES, newline)
      const expected = serial(text)
      expect(expected).toContain('LONG')
      expect(byRanges(text, 1)).toEqual(expected)
      expect(byRanges(text, 4)).toEqual(expected)
    }
  })

  test('lines that start or end exactly at a block boundary belong to one block', () => {
    const line = (n: number): string => `${'x'.repeat(n - 1)}\n`
    // A newline as the last byte of block 0 (block 1 starts with a line), then one as its first byte.
    // A line of exactly the limit starting at the last byte of a block.
    const cases = [line(BLOCK_BYTES - 1) + line(MAX + 1) + line(10), line(BLOCK_BYTES - 200) + line(100) + line(100) + line(50), line(BLOCK_BYTES - 200) + line(201) + line(50), `${'a\n'.repeat(BLOCK_BYTES / 2 + 3)}end`]
    for (const c of cases) expect(byRanges(Buffer.from(c), 2)).toEqual(serial(Buffer.from(c)))
  })

  test('a stream cut into blocks after newlines gives the serial lines', async () => {
    const text = randomText(4, 4 * BLOCK_BYTES, false)
    const expected = serial(text)
    expect(await byStream(text, 65536)).toEqual(expected)
    expect(await byStream(text, 1_000_003)).toEqual(expected)
    // A block filled exactly up to its only newline, and a line of exactly the limit after it.
    const exact = Buffer.from(`${'x'.repeat(BLOCK_BYTES - 1)}\n${'y'.repeat(MAX)}\nmore\n`)
    expect(await byStream(exact, 4096)).toEqual(['LONG', 'y'.repeat(MAX), 'more'])
  })

  test('ordinals order lines as line numbers do', () => {
    expect(ordinalOf(3, 5)).toBeLessThan(ordinalOf(3, 6))
    expect(ordinalOf(3, BLOCK_BYTES * 2 - 1)).toBeLessThan(ordinalOf(4, 0))
    expect(placeOf(ordinalOf(123_456, 77))).toEqual({ block: 123_456, line: 77 })
  })

  test('sources are dealt out evenly, also IPv4 addresses that differ only in high bits', () => {
    const counts = [0, 0, 0, 0]
    for (let i = 0; i < 40_000; i++) counts[ownerOf(((10 << 24) | (i << 8)) >>> 0, 4)]!++
    for (const c of counts) expect(c).toBeGreaterThan(9000)
    expect(ownerOf(0xffffffff, 16)).toBeLessThan(16)
  })

  test("the ledger turns a block's line index into file:line and names a block's place", () => {
    const ledger = new BlockLedger()
    expect(ledger.addRange(0, 'a.log', 2 * BLOCK_BYTES + 10)).toBe(0)
    expect(ledger.addRange(1, 'empty.log', 0)).toBe(3)
    expect(ledger.addStream(2, '-')).toBe(3)
    expect(ledger.addStreamBlock(0)).toBe(3)
    expect(ledger.addStreamBlock(5000)).toBe(4)
    ;[100, 200, 1, 7, 8].forEach((n, b) => ledger.setLines(b, n))
    expect(ledger.where(ordinalOf(1, 0))).toBe('a.log:101')
    expect(ledger.where(ordinalOf(2, 0))).toBe('a.log:301')
    expect(ledger.where(ordinalOf(4, 2))).toBe('-:10')
    expect([0, 1, 2].map((i) => ledger.linesOf(i))).toEqual([301, 0, 15])
    expect(ledger.describe(2)).toBe(`a.log at byte ${2 * BLOCK_BYTES}`)
    expect(ledger.describe(4)).toBe('- at byte 5000 of its text')
    expect(ledger.rangeBytes(2)).toBe(10)
  })
})
