// Converting syslog timestamps to epoch milliseconds. The only place that decides which year an
// RFC 3164 line (`Mar 11 20:35:11`, no year) belongs to.

/** How to read timestamps that carry no year or no zone. */
export interface TimeContext {
  /** Forced year for RFC 3164 lines (`--year`); undefined to infer it. */
  year: number | undefined
  /** Epoch ms the year is inferred against: the input file's mtime, else the current time. */
  reference: number
}

// A line may be up to this much later than its file's mtime (clock skew between the logging host and
// the file system) before we decide it belongs to the previous year.
const FUTURE_SLACK_MS = 2 * 86_400_000

const hourCache = new Map<number, number>()

/** Returns epoch ms for a local wall-clock time (TZ of this process); month is 0-based. */
export function localTime(year: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  const key = ((year * 12 + month) * 31 + day) * 24 + h
  let base = hourCache.get(key)
  if (base === undefined) {
    // Per hour, not per day: an hour start is exact across DST changes, minutes and seconds are not affected.
    base = new Date(year, month, day, h).getTime()
    if (hourCache.size > 100_000) hourCache.clear()
    hourCache.set(key, base)
  }
  return base + m * 60_000 + s * 1000 + ms
}

let lastReference = Number.NaN
let lastReferenceYear = 0

function referenceYear(reference: number): number {
  if (reference !== lastReference) {
    lastReference = reference
    lastReferenceYear = new Date(reference).getFullYear()
  }
  return lastReferenceYear
}

/** True for a leap year of the Gregorian calendar. */
export function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/**
 * Returns epoch ms for an RFC 3164 timestamp (month 0-based), choosing the year: `ctx.year` if given,
 * else the reference year, or the year before when that would put the line in the future (a December
 * line read in January). Feb 29 goes to the latest leap year not after the chosen one.
 */
export function syslogTime(ctx: TimeContext, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  let year = ctx.year
  if (year === undefined) {
    year = referenceYear(ctx.reference)
    if (localTime(year, month, day, h, m, s, ms) > ctx.reference + FUTURE_SLACK_MS) year--
  }
  if (month === 1 && day === 29) while (!isLeap(year)) year--
  return localTime(year, month, day, h, m, s, ms)
}

/**
 * True when syslogTime picks the same year for every second of this minute (the year can only change
 * where the minute straddles the reference plus the slack), so a minute's start time can be reused.
 */
export function syslogMinuteStable(ctx: TimeContext, month: number, day: number, h: number, m: number): boolean {
  if (ctx.year !== undefined) return true
  const start = localTime(referenceYear(ctx.reference), month, day, h, m, 0, 0)
  const limit = ctx.reference + FUTURE_SLACK_MS
  return start > limit || start + 61_000 <= limit
}

/** Returns epoch ms for an ISO date-time; `offsetMin` is the zone offset, or null for local time. */
export function isoTime(year: number, month: number, day: number, h: number, m: number, s: number, ms: number, offsetMin: number | null): number {
  if (offsetMin === null) return localTime(year, month, day, h, m, s, ms)
  return Date.UTC(year, month, day, h, m, s, ms) - offsetMin * 60_000
}

// A report formats two times per source and per destination: the text up to the minute is made once
// per minute, the seconds and milliseconds come from tables.
const minuteTexts = new Map<number, string>()
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'))
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'))
/** The last ms of year 9999: later (and negative) times have Date's six-digit year form. */
const LAST_FOUR_DIGIT_YEAR = 253_402_300_799_999

/** Returns the ISO 8601 UTC text (`2026-11-22T07:15:55.865Z`) of epoch ms, or null for NaN. */
export function isoUtc(ms: number): string | null {
  if (!Number.isFinite(ms)) return null
  if (ms < 0 || ms > LAST_FOUR_DIGIT_YEAR || !Number.isInteger(ms)) return new Date(ms).toISOString()
  const minute = Math.floor(ms / 60_000)
  let head = minuteTexts.get(minute)
  if (head === undefined) {
    head = new Date(minute * 60_000).toISOString().slice(0, 17)
    if (minuteTexts.size >= 100_000) minuteTexts.clear()
    minuteTexts.set(minute, head)
  }
  const within = ms - minute * 60_000
  return `${head}${TWO_DIGITS[Math.floor(within / 1000)]}.${THREE_DIGITS[within % 1000]}Z`
}
