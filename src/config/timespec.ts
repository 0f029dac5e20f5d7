import { UsageError } from '../core/errors.js'

// Times a user types for --since/--until: ISO dates and date-times (local time unless they carry a
// zone), `@<epoch seconds>`, relative ages (`90s`, `30m`, `24h`, `7d`, `2w`, optionally with a
// leading '-'), and `now`, `today`, `yesterday` (local midnights).

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

function midnight(now: number, daysBack: number): number {
  const d = new Date(now)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - daysBack).getTime()
}

/**
 * Returns the --until a run uses: the one given, else `today` when --since is `yesterday` (the
 * previous local calendar day, the daily report's window, for analyze as for report), else none.
 */
export function untilFor(since: string | null, until: string | null): string | null {
  if (until !== null) return until
  return since?.trim() === 'yesterday' ? 'today' : null
}

/** Returns epoch ms for a time spec relative to `now`; throws UsageError naming the flag and value. */
export function parseTimeSpec(text: string, now: number, flag: string): number {
  const t = text.trim()
  let m: RegExpExecArray | null
  if (t === 'now') return now
  if (t === 'today') return midnight(now, 0)
  if (t === 'yesterday') return midnight(now, 1)
  if ((m = /^-?(\d+)\s*([smhdw])$/.exec(t))) return now - Number(m[1]) * UNIT[m[2]!]!
  if ((m = /^@(\d+)$/.exec(t))) return Number(m[1]) * 1000
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(t)
  if (m !== null) {
    const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number]
    const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60) {
      const zone = m[8]
      if (zone === undefined) return new Date(y, mo - 1, d, h, mi, s, ms).getTime()
      const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)))
      return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset * 60_000
    }
  }
  throw new UsageError(
    `${flag}: cannot read '${text}' as a time`,
    'use a date (2026-11-01), a date-time (2026-11-01T08:00, local unless it ends in Z or +hh:mm), an age (24h, 7d), @epoch, or today/yesterday',
  )
}
