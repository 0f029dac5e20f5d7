import { describe, expect, test } from 'vitest'
import { parseTimeSpec } from '../../src/config/timespec.js'
import { localTime, syslogMinuteStable, syslogTime } from '../../src/parse/time.js'

// TZ=UTC for the whole suite (vitest.config.ts), so local time equals UTC here.
const at = (iso: string): number => Date.parse(iso)
const iso = (ms: number): string => new Date(ms).toISOString()

describe('year inference for RFC 3164 timestamps', () => {
  test('a December line read in January belongs to last year', () => {
    expect(iso(syslogTime({ year: undefined, reference: at('2027-01-03T10:00:00Z') }, 11, 31, 23, 59, 58, 0))).toBe('2026-12-31T23:59:58.000Z')
  })
  test('a January line read in January is this year', () => {
    expect(iso(syslogTime({ year: undefined, reference: at('2027-01-03T10:00:00Z') }, 0, 2, 8, 0, 0, 0))).toBe('2027-01-02T08:00:00.000Z')
  })
  test('a line a little after the reference (clock skew) stays in the reference year', () => {
    expect(iso(syslogTime({ year: undefined, reference: at('2026-12-31T23:59:00Z') }, 0, 1, 0, 30, 0, 0))).toBe('2026-01-01T00:30:00.000Z')
    expect(iso(syslogTime({ year: undefined, reference: at('2026-11-22T10:00:00Z') }, 10, 23, 9, 0, 0, 0))).toBe('2026-11-23T09:00:00.000Z')
  })
  test('--year overrides inference', () => {
    expect(iso(syslogTime({ year: 2019, reference: at('2027-01-03T10:00:00Z') }, 11, 31, 23, 59, 58, 0))).toBe('2019-12-31T23:59:58.000Z')
  })
  test('Feb 29 goes to the latest leap year', () => {
    expect(iso(syslogTime({ year: undefined, reference: at('2026-03-01T00:00:00Z') }, 1, 29, 12, 0, 0, 0))).toBe('2024-02-29T12:00:00.000Z')
  })
  test('Feb 29 skips the century years that are not leap years and keeps those divisible by 400', () => {
    expect(iso(syslogTime({ year: undefined, reference: at('2101-06-01T00:00:00Z') }, 1, 29, 12, 0, 0, 0))).toBe('2096-02-29T12:00:00.000Z')
    expect(iso(syslogTime({ year: 1900, reference: 0 }, 1, 29, 0, 0, 0, 0))).toBe('1896-02-29T00:00:00.000Z')
    expect(iso(syslogTime({ year: 2000, reference: 0 }, 1, 29, 0, 0, 0, 0))).toBe('2000-02-29T00:00:00.000Z')
  })
  test('only Feb 29 moves to a leap year: Jan 29, Feb 28 and Mar 29 of a common year stay there', () => {
    const ctx = { year: 2023, reference: 0 }
    expect(iso(syslogTime(ctx, 0, 29, 1, 0, 0, 0))).toBe('2023-01-29T01:00:00.000Z')
    expect(iso(syslogTime(ctx, 1, 28, 1, 0, 0, 0))).toBe('2023-02-28T01:00:00.000Z')
    expect(iso(syslogTime(ctx, 2, 29, 1, 0, 0, 0))).toBe('2023-03-29T01:00:00.000Z')
  })
  test('a line exactly two days after the reference is still this year; one millisecond later it is last year', () => {
    const ctx = { year: undefined, reference: at('2026-06-10T12:00:00Z') }
    expect(iso(syslogTime(ctx, 5, 12, 12, 0, 0, 0))).toBe('2026-06-12T12:00:00.000Z')
    expect(iso(syslogTime(ctx, 5, 12, 12, 0, 0, 1))).toBe('2025-06-12T12:00:00.001Z')
  })
})

describe('local wall-clock times', () => {
  test('every hour of a year, and every day of each month over thirty years, gives what Date gives', () => {
    // Converted in one sequence so that two times sharing a cached hour would show up as a wrong result.
    const wrong: string[] = []
    const check = (y: number, mo: number, d: number, h: number, mi: number): void => {
      const want = new Date(y, mo, d, h, mi, 7, 250).getTime()
      if (localTime(y, mo, d, h, mi, 7, 250) !== want) wrong.push(`${y}-${mo + 1}-${d} ${h}:${mi}`)
    }
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
      const x = new Date(t)
      check(x.getUTCFullYear(), x.getUTCMonth(), x.getUTCDate(), x.getUTCHours(), 5)
    }
    for (let y = 2000; y < 2030; y++) for (let mo = 0; mo < 12; mo++) for (let d = 1; d <= 28; d++) check(y, mo, d, 3, 59)
    expect(wrong).toEqual([])
  })
})

describe('whether a minute can reuse its start time', () => {
  // The year of an RFC 3164 line changes where it passes the reference plus two days of slack:
  // here 2026-06-12 12:00:00.
  const ctx = { year: undefined, reference: at('2026-06-10T12:00:00Z') }
  test.each([
    ['well before the limit', 10, 0, true],
    ['the last minute that ends before the limit', 11, 58, true],
    ['the minute before the limit (its 61st second reaches it)', 11, 59, false],
    ['the minute that starts at the limit', 12, 0, false],
    ['the minute after', 12, 1, true],
  ])('%s', (_name, h, m, stable) => {
    expect(syslogMinuteStable(ctx, 5, 12, h, m)).toBe(stable)
  })
  test('with --year every minute is stable', () => {
    expect(syslogMinuteStable({ year: 2026, reference: at('2026-06-10T12:00:00Z') }, 5, 12, 12, 0)).toBe(true)
  })
})

describe('--since/--until time specs', () => {
  const now = at('2026-11-22T15:30:00Z')
  test.each([
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T08:15', '2026-11-01T08:15:00.000Z'],
    ['2026-11-01 08:15:30+02:00', '2026-11-01T06:15:30.000Z'],
    ['24h', '2026-11-21T15:30:00.000Z'],
    ['-90m', '2026-11-22T14:00:00.000Z'],
    ['7d', '2026-11-15T15:30:00.000Z'],
    ['yesterday', '2026-11-21T00:00:00.000Z'],
    ['today', '2026-11-22T00:00:00.000Z'],
    ['@1790000000', '2026-09-21T14:13:20.000Z'],
  ])('%s', (spec, expected) => {
    expect(iso(parseTimeSpec(spec, now, '--since'))).toBe(expected)
  })
  test.each(['last tuesday', '2026-13-01', '12', ''])('%j is a usage error naming the flag', (spec) => {
    expect(() => parseTimeSpec(spec, now, '--since')).toThrow(/--since: cannot read/)
  })
})
