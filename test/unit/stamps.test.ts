import { describe, expect, test } from 'vitest'
import { BAD_STAMP, NO_STAMP, secondsAt, STAMP, StampReader } from '../../src/parse/stamp-reader.js'

// The timestamps that start syslog lines, one reader call each: a stamp (its time and where it
// ends), not a stamp (the line has some other head), or a bad one (the shape of a stamp with a value
// no clock shows, and the reason). TZ=UTC for the whole suite (vitest.config.ts).

const ctx = { year: 2026, reference: Date.UTC(2026, 11, 6) }

type Want = { time: string; end: number } | { bad: string } | 'none'

function read(text: string, reader = new StampReader()): Want {
  const b = Buffer.from(text, 'utf8')
  const r = reader.read(b, 0, b.length, ctx)
  if (r === NO_STAMP) return 'none'
  if (r === BAD_STAMP) return { bad: reader.error }
  expect(r).toBe(STAMP)
  return { time: new Date(reader.time).toISOString(), end: reader.end }
}

function readPve(text: string): Want {
  const reader = new StampReader()
  const b = Buffer.from(text, 'utf8')
  const r = reader.readPve(b, 0, b.length)
  if (r === BAD_STAMP) return { bad: reader.error }
  expect(r).toBe(STAMP)
  return { time: new Date(reader.time).toISOString(), end: reader.end }
}

const at = (time: string, end: number): Want => ({ time, end })
const bad = (why: string, text: string): Want => ({ bad: `${why} in timestamp '${text}'` })

describe('ISO 8601 / RFC 3339', () => {
  test.each<[string, Want]>([
    ['2026-11-22T07:15:55Z', at('2026-11-22T07:15:55.000Z', 20)],
    ['2026-11-22 07:15:55+01:00 fw', at('2026-11-22T06:15:55.000Z', 25)],
    ['2026-11-22T07:15:55-0130 fw', at('2026-11-22T08:45:55.000Z', 24)],
    ['2026-11-22T07:15:55+23:59', at('2026-11-21T07:16:55.000Z', 25)],
    ['2026-11-22T07:15:55.5 fw', at('2026-11-22T07:15:55.500Z', 21)],
    ['2026-11-22T07:15:55.123456+00:00', at('2026-11-22T07:15:55.123Z', 32)],
    ['2026-11-22T23:59:59Z', at('2026-11-22T23:59:59.000Z', 20)],
    ['2026-11-22T23:59:60Z', at('2026-11-23T00:00:00.000Z', 20)],
    ['2026-01-01T00:00:00Z', at('2026-01-01T00:00:00.000Z', 20)],
    ['2026-12-31T00:00:00Z', at('2026-12-31T00:00:00.000Z', 20)],
    ['2024-02-29T00:00:00Z', at('2024-02-29T00:00:00.000Z', 20)],
    ['2000-02-29T00:00:00Z', at('2000-02-29T00:00:00.000Z', 20)],
    ['2026-11-22T24:00:00Z', bad('no such time of day', '2026-11-22T24:00:00Z')],
    ['2026-11-22T23:60:00Z', bad('no such time of day', '2026-11-22T23:60:00Z')],
    ['2026-11-22T07:15:55+24:00', bad('no such zone offset', '2026-11-22T07:15:55+24:00')],
    ['2026-11-22T07:15:55+00:60', bad('no such zone offset', '2026-11-22T07:15:55+00:60')],
    ['2026-11-22T07:15:55-0x:00', bad('no such zone offset', '2026-11-22T07:15:55-0x:00')],
    ['2026-11-22T07:15:55+01:x0', bad('no such zone offset', '2026-11-22T07:15:55+01:x0')],
    ['1900-02-29T00:00:00Z', bad('no such date', '1900-02-29T00:00:00Z')],
    ['2026-02-29T00:00:00Z', bad('no such date', '2026-02-29T00:00:00Z')],
    ['2026-11-00T00:00:00Z', bad('no such date', '2026-11-00T00:00:00Z')],
    ['2026-00-10T00:00:00Z', bad('no such date', '2026-00-10T00:00:00Z')],
    ['2026-11-22T7:15:55Z', bad('no time of day after the date', '2026-11-22T7:15:55Z')],
    ['2026-11-22T07-15:55Z', bad('no time of day after the date', '2026-11-22T07-15:55Z')],
    ['2026-11-22T07:15-55Z', bad('no time of day after the date', '2026-11-22T07:15-55Z')],
    ['2026-11-22T07:15:5Z', bad('no time of day after the date', '2026-11-22T07:15:5Z')],
    ['2026-11-22X07:15:55Z', 'none'],
    ['2026/11-22T07:15:55Z', 'none'],
    ['2026-11/22T07:15:55Z', 'none'],
    ['202x-11-22T07:15:55Z', 'none'],
    ['2026-1x-22T07:15:55Z', 'none'],
    ['2026-11-2xT07:15:55Z', 'none'],
  ])('%s', (text, want) => {
    expect(read(text)).toEqual(want)
  })

  test('a bad stamp\'s reason quotes at most its first 40 bytes', () => {
    expect(read('2026-02-31T10:00:00Z fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.1')).toEqual(bad('no such date', '2026-02-31T10:00:00Z fw kernel: DROP IN='))
  })
})

describe('RFC 3164 (no year: --year 2026 here)', () => {
  test.each<[string, Want]>([
    ['Mar 11 20:35:11 fw', at('2026-03-11T20:35:11.000Z', 15)],
    ['Mar  1 20:35:11 fw', at('2026-03-01T20:35:11.000Z', 15)],
    ['Mar 01 20:35:11', at('2026-03-01T20:35:11.000Z', 15)],
    ['Mar 31 20:35:11', at('2026-03-31T20:35:11.000Z', 15)],
    ['Mar 11 20:35:11.123456 fw', at('2026-03-11T20:35:11.123Z', 22)],
    ['Feb 29 12:00:00', at('2024-02-29T12:00:00.000Z', 15)],
    ['Dez  4 15:05:56', at('2026-12-04T15:05:56.000Z', 15)],
    ['12月  4 15:05:56', at('2026-12-04T15:05:56.000Z', 17)],
    ['Mar 11 24:35:11', bad('no such time of day', 'Mar 11 24:35:11')],
    ['Mar 11 20:60:11', bad('no such time of day', 'Mar 11 20:60:11')],
    ['Mar 11 20:35:61', bad('no such time of day', 'Mar 11 20:35:61')],
    ['Apr 31 20:35:11', bad('no such date', 'Apr 31 20:35:11')],
    ['Mar 00 20:35:11', bad('no such date', 'Mar 00 20:35:11')],
    ['Mar 0 20:35:11', bad('no such date', 'Mar 0 20:35:11')],
    ['Mar11 20:35:11', 'none'],
    ['Mar 11 20:35', 'none'],
    ['Mar 11 20:35:1x', 'none'],
    ['Mar 11 20.35:11', 'none'],
    ['Mar 11 20:35.11', 'none'],
    ['Mar 123 20:35:11', 'none'],
    ['Mar 11  20:35:11', 'none'],
    ['Mar x 20:35:11', 'none'],
    ['Xyz 11 20:35:11', 'none'],
  ])('%s', (text, want) => {
    expect(read(text)).toEqual(want)
  })
})

describe('dmesg -T', () => {
  test.each<[string, Want]>([
    ['[Fri Dec  4 15:05:56 2026] DROP', at('2026-12-04T15:05:56.000Z', 26)],
    ['[Fri Dec 04 15:05:56 2026]', at('2026-12-04T15:05:56.000Z', 26)],
    ['[Thu Feb 29 12:00:00 2024]', at('2024-02-29T12:00:00.000Z', 26)],
    ['[Fr Dez  4 15:05:56 2026]', at('2026-12-04T15:05:56.000Z', 25)],
    ['[Sat Feb 29 12:00:00 2026]', bad('no such date', '[Sat Feb 29 12:00:00 2026]')],
    ['[Thu Dec 31 12:00:00 2026]', at('2026-12-31T12:00:00.000Z', 26)],
    ['[Fri Dec 32 12:00:00 2026]', bad('no such date', '[Fri Dec 32 12:00:00 2026]')],
    ['[Fri Dec  x 15:05:56 2026]', bad('no day of the month', '[Fri Dec  x 15:05:56 2026]')],
    ['[Fri Dec  4 25:05:56 2026]', bad('no such time of day', '[Fri Dec  4 25:05:56 2026]')],
    ['[Fri Dec  4 15:05 2026]', bad('not `[weekday month day hh:mm:ss year]`', '[Fri Dec  4 15:05 2026]')],
    ['[Fri Dec  4 15:05:56  2026]', bad('not `[weekday month day hh:mm:ss year]`', '[Fri Dec  4 15:05:56  2026]')],
    ['[Fri Dec  4 15:05:56 26]', bad('not `[weekday month day hh:mm:ss year]`', '[Fri Dec  4 15:05:56 26]')],
    ['[Fri Dec  4 15:05:56 2026', bad('not `[weekday month day hh:mm:ss year]`', '[Fri Dec  4 15:05:56 2026')],
    ['[Fri Xyz  4 15:05:56 2026]', 'none'],
    ['[Xyz Dec  4 15:05:56 2026]', 'none'],
  ])('%s', (text, want) => {
    expect(read(text)).toEqual(want)
  })
})

describe('journalctl short-full', () => {
  test.each<[string, Want]>([
    ['Sun 2026-11-22 07:15:55 UTC fw', at('2026-11-22T07:15:55.000Z', 27)],
    ['Sun 2026-11-22 07:15:55 GMT', at('2026-11-22T07:15:55.000Z', 27)],
    ['So 2026-11-22 07:15:55 UTC', at('2026-11-22T07:15:55.000Z', 26)],
    ['Sun 2026-11-22 07:15:55 CET fw', at('2026-11-22T07:15:55.000Z', 23)],
    ['Sun 2026-11-22 07:15:55 UTCX', at('2026-11-22T07:15:55.000Z', 23)],
    ['Sun 2026-11-22 07:15:55 UT', at('2026-11-22T07:15:55.000Z', 23)],
    ['Sun 2026-11-22 07:15:55', at('2026-11-22T07:15:55.000Z', 23)],
    ['Sun 2026-11-22 07:15:55+01:00 fw', at('2026-11-22T06:15:55.000Z', 29)],
    ['Sun 2026-11-32 07:15:55 UTC', bad('no such date', '2026-11-32 07:15:55 UTC')],
    ['Sun 2026-11-22X07:15:55 UTC', 'none'],
    ['Sun2026-11-22 07:15:55 UTC', 'none'],
    ['Xyz 2026-11-22 07:15:55 UTC', 'none'],
  ])('%s', (text, want) => {
    expect(read(text)).toEqual(want)
  })
})

describe('Proxmox VE', () => {
  test.each<[string, Want]>([
    ['04/Dec/2026:15:05:57 +0100 policy', at('2026-12-04T14:05:57.000Z', 26)],
    ['04/Dec/2026:15:05:57 -0130', at('2026-12-04T16:35:57.000Z', 26)],
    ['04/Dec/2026:15:05:57 +2359', at('2026-12-03T15:06:57.000Z', 26)],
    ['29/Feb/2024:00:00:00 +0000', at('2024-02-29T00:00:00.000Z', 26)],
    ['01/Jan/2026:00:00:00 +0000', at('2026-01-01T00:00:00.000Z', 26)],
    ['31/Dec/2026:23:59:59 +0000', at('2026-12-31T23:59:59.000Z', 26)],
    ['29/Feb/2026:00:00:00 +0000', bad('no such date', '29/Feb/2026:00:00:00 +0000')],
    ['00/Dec/2026:00:00:00 +0000', bad('no such date', '00/Dec/2026:00:00:00 +0000')],
    ['32/Dec/2026:00:00:00 +0000', bad('no such date', '32/Dec/2026:00:00:00 +0000')],
    ['04/Dec/2026:24:05:57 +0100', bad('no such time of day', '04/Dec/2026:24:05:57 +0100')],
    ['04/Dec/2026:15:05:57 0100', bad('no such zone offset', '04/Dec/2026:15:05:57 0100')],
    ['04/Dec/2026:15:05:57 +2400', bad('no such zone offset', '04/Dec/2026:15:05:57 +2400')],
    ['04/Dec/2026:15:05:57 +0060', bad('no such zone offset', '04/Dec/2026:15:05:57 +0060')],
    ['04/Dec/2026:15:05:57 +x100', bad('no such zone offset', '04/Dec/2026:15:05:57 +x100')],
    ['04/Dec/2026:15:05:57 +01x0', bad('no such zone offset', '04/Dec/2026:15:05:57 +01x0')],
    ...['4/Dec/2026:15:05:57 +0100', '04-Dec/2026:15:05:57 +0100', '04/Xyz/2026:15:05:57 +0100', '04/Dec-2026:15:05:57 +0100', '04/Dec/26:15:05:57 +0100',
      '04/Dec/2026 15:05:57 +0100', '04/Dec/2026:15:05 +0100', '04/Dec/2026:15:05:57.5 +0100', '04/Dec/2026:15:05:57+0100'].map((t): [string, Want] => [t, bad('not `dd/Mon/yyyy:hh:mm:ss +hhmm`', t)]),
  ])('%s', (text, want) => {
    expect(readPve(text)).toEqual(want)
  })
})

describe('the seconds of a cached minute', () => {
  test.each<[string, number]>([
    ['07', 7000],
    ['00', 0],
    ['60', 60_000],
    ['07.5', 7500],
    ['07.123456', 7123],
    ['07.', 7000],
    ['61', -1],
    ['7x', -1],
    ['07x', -1],
    ['07.5x', -1],
    ['07.5/', -1],
  ])('%s', (text, ms) => {
    const b = Buffer.from(` ${text} `)
    expect(secondsAt(b, 1, 1 + text.length)).toBe(ms)
  })
})

describe('one reader, stamp after stamp', () => {
  test('each result is the last stamp\'s own, after a stamp of another format or a bad one', () => {
    const reader = new StampReader()
    expect(read('2026-11-22T07:15:55.5Z', reader)).toEqual(at('2026-11-22T07:15:55.500Z', 22))
    expect(read('Mar 11 20:35:11', reader)).toEqual(at('2026-03-11T20:35:11.000Z', 15))
    expect(read('2026-02-31T10:00:00Z', reader)).toEqual(bad('no such date', '2026-02-31T10:00:00Z'))
    expect(read('[Fri Dec  4 15:05:56 2026]', reader)).toEqual(at('2026-12-04T15:05:56.000Z', 26))
    expect([reader.hour, reader.minute, reader.second, reader.ms, reader.minuteStable]).toEqual([15, 5, 56, 0, true])
  })
})
