import { describe, expect, test } from 'vitest'
import { parseTimeSpec } from '../../src/config/timespec.js'
import { syslogTime } from '../../src/parse/time.js'

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
