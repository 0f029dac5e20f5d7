import { describe, expect, test } from 'vitest'
import { LineSplitter } from '../../src/sources/lines.js'
import { rotationOrder } from '../../src/sources/rotation.js'
import { Driver } from '../../src/run/driver.js'
import type { Detector } from '../../src/detect/detector.js'

function split(chunks: string[], max = 20): { lines: string[]; long: number[] } {
  const lines: string[] = []
  const long: number[] = []
  const s = new LineSplitter(max, (b, start, end) => lines.push(b.toString('utf8', start, end)), (n) => long.push(n))
  for (const c of chunks) s.push(Buffer.from(c))
  s.end()
  return { lines, long }
}

describe('line splitting', () => {
  test('lines across chunk boundaries, CRLF, final line without newline', () => {
    expect(split(['ab', 'c\nde', 'f\r\n', '\nlast']).lines).toEqual(['abc', 'def', '', 'last'])
  })
  test('over-long lines are counted, never kept, and do not swallow the next line', () => {
    const r = split(['short\n', 'x'.repeat(15), 'y'.repeat(15), '\nnext\n', 'z'.repeat(30)])
    expect(r.lines).toEqual(['short', 'next'])
    expect(r.long).toEqual([30, 30])
  })
  test('a line of exactly the limit is kept', () => {
    expect(split(['x'.repeat(20) + '\n']).lines).toEqual(['x'.repeat(20)])
  })
})

describe('rotation order', () => {
  test('a rotated set is read oldest first whatever order it was given in', () => {
    expect(rotationOrder(['kern.log', 'kern.log.1', 'kern.log.3.gz', 'kern.log.2.gz'])).toEqual(['kern.log.3.gz', 'kern.log.2.gz', 'kern.log.1', 'kern.log'])
  })
  test('dateext names sort by date, before the live file', () => {
    expect(rotationOrder(['/v/kern.log', '/v/kern.log-20261102.gz', '/v/kern.log-20261101'])).toEqual(['/v/kern.log-20261101', '/v/kern.log-20261102.gz', '/v/kern.log'])
  })
  test('different logs keep the order they were named in', () => {
    expect(rotationOrder(['messages', 'kern.log.1', 'messages.1', 'kern.log'])).toEqual(['messages.1', 'messages', 'kern.log.1', 'kern.log'])
  })
  test('same name in two directories are two sets', () => {
    expect(rotationOrder(['a/kern.log', 'b/kern.log.1', 'a/kern.log.1', 'b/kern.log'])).toEqual(['a/kern.log.1', 'a/kern.log', 'b/kern.log.1', 'b/kern.log'])
  })
})

describe('driver', () => {
  function driven(damaged: boolean): { lines: string[]; dropped: number; count: number } {
    const lines: string[] = []
    const detector = { lineBytes: (b: Uint8Array, start: number, end: number) => lines.push(Buffer.from(b.subarray(start, end)).toString()), overlong: () => {}, route: () => -1 }
    // No hooks at all: a run without progress on a terminal.
    const d = new Driver(detector as unknown as Detector, { year: 2026, now: 0, maxLineLength: 100 })
    d.begin('in', null)
    d.push('in', Buffer.from('first\nsecond\nunfini'))
    const dropped = d.end('in', damaged)
    return { lines, dropped, count: d.lines('in') }
  }
  test('the last line of an input is analysed even without a newline', () => {
    expect(driven(false)).toEqual({ lines: ['first', 'second', 'unfini'], dropped: 0, count: 3 })
  })
  test('an input cut short by damage drops its unfinished last line and says how long it was', () => {
    expect(driven(true)).toEqual({ lines: ['first', 'second'], dropped: 6, count: 2 })
  })
})
