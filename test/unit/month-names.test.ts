import { describe, expect, test } from 'vitest'
import { NameReader } from '../../src/parse/month-names.js'

// Month and weekday names as journalctl and dmesg -T print them (%b, %a in LC_TIME): each known
// spelling, in its own case, followed by a space that lies inside the range read.

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8')

function month(text: string, limit = Buffer.byteLength(text)): [number, number] {
  const r = new NameReader()
  const m = r.month(bytes(text), 0, limit)
  return [m, m < 0 ? -1 : r.end]
}

function weekdays(text: string, limit = Buffer.byteLength(text)): [number, number] {
  const r = new NameReader()
  const mask = r.weekdays(bytes(text), 0, limit)
  return [mask, r.end]
}

describe('month names', () => {
  test.each([
    ['Jan 5', 0, 3],
    ['Dec 31', 11, 3],
    ['Mär 1', 2, 4],
    ['mars 1', 2, 4],
    ['mar 1', 2, 3],
    ['févr. 1', 1, 6],
    ['Okt 1', 9, 3],
    ['mrt 1', 2, 3],
    ['1月 1', 0, 4],
    ['10月 1', 9, 5],
    ['12月 1', 11, 5],
  ])('%j is month %i, its name ending at byte %i', (text, want, end) => {
    expect(month(text)).toEqual([want, end])
  })

  test.each(['JAN 5', 'jAn 5', 'DEC 5', 'Marx 5', 'Ma 5', 'Jan5', 'Jan', 'xyz 5', '13月 1'])('%j names no month', (text) => {
    expect(month(text)[0]).toBe(-1)
  })

  test('the space after the name must lie inside the range', () => {
    expect(month('Mar 5', 4)).toEqual([2, 3])
    expect(month('Mar 5', 3)[0]).toBe(-1)
    expect(month('mars 5', 4)[0]).toBe(-1)
  })

  test('past the end of the buffer there is no month', () => {
    const r = new NameReader()
    expect(r.month(bytes('Jan 5'), 5, 5)).toBe(-1)
    expect(r.month(bytes('Jan 5'), 9, 9)).toBe(-1)
  })
})

describe('weekday names', () => {
  test.each([
    ['Sun 5', 1 << 0, 3],
    ['Sat 5', 1 << 6, 3],
    ['Mo 5', 1 << 1, 2],
    ['dom 5', 1 << 0, 3],
    ['sáb 5', 1 << 6, 4],
    ['mar. 5', 1 << 2, 4],
    ['月 5', 1 << 1, 3],
    ['日 5', 1 << 0, 3],
  ])('%j means the weekdays %i, its name ending at byte %i', (text, mask, end) => {
    expect(weekdays(text)).toEqual([mask, end])
  })

  test.each(['MON 5', 'Monx 5', 'Mon5', 'Mon', 'xyz 5'])('%j names no weekday', (text) => {
    expect(weekdays(text)).toEqual([0, 0])
  })

  test('the space after the name must lie inside the range', () => {
    expect(weekdays('Mon 5', 4)).toEqual([1 << 1, 3])
    expect(weekdays('Mon 5', 3)).toEqual([0, 0])
  })
})
