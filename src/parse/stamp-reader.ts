import { COLON, DIGIT_0, DOT, LBRACKET, MINUS, PLUS, RBRACKET, SLASH, SP } from './ascii.js'
import { NameReader } from './month-names.js'
import { digitsAt, latin1 } from './bytes.js'
import { isLeap, isoTime, syslogMinuteStable, syslogTime, type TimeContext } from './time.js'

// Reading the timestamps that start syslog lines, straight from the bytes:
//   RFC 3164:            Mar 11 20:35:11[.frac]   (journalctl short: month names of LC_TIME too)
//   ISO 8601 / RFC 3339: 2026-11-22T07:15:55[.frac][Z|+hh:mm|+hhmm]   (T or a space)
//   journalctl full:     Sun 2026-11-22 07:15:55 UTC
//   dmesg -T:            [Fri Dec  4 15:05:56 2026]   (strftime's %a %b %e %T %Y, in LC_TIME)
//   Proxmox VE:          14/Mar/2014:12:47:07 +0100   (strftime's %d/%b/%Y:%T %z, C locale)
// A stamp that has the shape of one of these but a value no clock shows (2026-02-31, month 13,
// 25:00, a +99:99 zone) is not read as something else: it is BAD, with a reason.

/** What StampReader.read found. */
export const NO_STAMP = 0
export const STAMP = 1
export const BAD_STAMP = 2

const UPPER_T = 84
const UPPER_Z = 90

// Month and weekday names as 24-bit codes of their three ASCII letters.
const code3 = (s: string): number => (s.charCodeAt(0) << 16) | (s.charCodeAt(1) << 8) | s.charCodeAt(2)
const MONTHS = new Map(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m, i) => [code3(m), i]))
const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map(code3))
const UTC_CODES = new Set([code3('UTC'), code3('GMT')])

function code3At(b: Uint8Array, i: number): number {
  return (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** Days in a month (0-based); February has 29 when the year is not known. */
export function daysIn(month: number, year: number | undefined): number {
  return month === 1 && year !== undefined && !isLeap(year) ? 28 : DAYS_IN_MONTH[month]!
}

/**
 * Reads one timestamp at a time; what it read is in its fields (no tuple per line): `end` and
 * `time` for the whole stamp, the clock's parts for the header's per-minute cache, `error` for a
 * BAD one.
 */
export class StampReader {
  /** Where the last stamp read ends, and its time in epoch ms. */
  end = 0
  time = 0
  /** False when the last stamp is an RFC 3164 one whose year could differ within its minute. */
  minuteStable = true
  /** The `hh:mm:ss[.frac]` of the last stamp: where it starts and ends, and its values. */
  clockStart = 0
  clockEnd = 0
  hour = 0
  minute = 0
  second = 0
  ms = 0
  /** Why the last stamp is BAD_STAMP. */
  error = ''
  private readonly names = new NameReader()

  /**
   * Reads the stamp at i (RFC 3164, ISO 8601, journalctl's full form, dmesg -T): NO_STAMP, STAMP
   * or BAD_STAMP.
   */
  read(b: Uint8Array, i: number, end: number, ctx: TimeContext): number {
    const c = b[i]!
    if (c >= 48 && c <= 57) {
      const r = this.iso(b, i, end)
      return r !== NO_STAMP ? r : this.bsd(b, i, end, ctx) // zh_CN and ja_JP months: `12月`
    }
    if (c === LBRACKET) return this.ctime(b, i, end)
    const r = this.bsd(b, i, end, ctx)
    return r !== NO_STAMP ? r : this.full(b, i, end)
  }

  // The month at i: English by its three letters (most logs), else a name of LC_TIME; -1 when none.
  // Sets monthEnd to the space after it.
  private monthEnd = 0
  private month(b: Uint8Array, i: number, end: number): number {
    const english = MONTHS.get(code3At(b, i))
    if (english !== undefined && b[i + 3] === SP) {
      this.monthEnd = i + 3
      return english
    }
    const m = this.names.month(b, i, end)
    this.monthEnd = this.names.end
    return m
  }

  // `d` or `dd` after one or two spaces (strftime's %d, or %e padded with a space) and the space
  // after it: returns the day (-1 when not that) and sets dayEnd to that space.
  private dayEnd = 0
  private day(b: Uint8Array, i: number): number {
    if (b[i] !== SP) return -1
    i++
    if (b[i] === SP) i++
    let day = digitsAt(b, i, 2)
    if (day >= 0) i += 2
    else {
      day = digitsAt(b, i, 1)
      i += 1
    }
    if (day < 0 || b[i] !== SP) return -1
    this.dayEnd = i
    return day
  }

  private bad(b: Uint8Array, start: number, end: number, what: string): number {
    this.error = `${what} in timestamp '${latin1(b, start, Math.min(end, start + 40))}'`
    return BAD_STAMP
  }

  // `hh:mm:ss[.frac]` at i: NO_STAMP when it does not have that shape.
  private clock(b: Uint8Array, i: number, end: number, start: number): number {
    const h = digitsAt(b, i, 2)
    const m = digitsAt(b, i + 3, 2)
    const s = digitsAt(b, i + 6, 2)
    if (h < 0 || m < 0 || s < 0 || b[i + 2] !== COLON || b[i + 5] !== COLON) return NO_STAMP
    if (h > 23 || m > 59 || s > 60) return this.bad(b, start, end, 'no such time of day')
    let j = i + 8
    let ms = 0
    if (b[j] === DOT) {
      let scale = 100
      j++
      while (j < end) {
        const c = b[j]! - DIGIT_0
        if (c < 0 || c > 9) break
        ms += c * scale
        scale /= 10
        j++
      }
    }
    this.clockStart = i
    this.clockEnd = j
    this.hour = h
    this.minute = m
    this.second = s
    this.ms = Math.floor(ms)
    return STAMP
  }

  // ISO 8601 date-time at i (`T` or space between date and time). `utcIfNoZone` reads a zone-less
  // time as UTC (journalctl short-full says "UTC" after it).
  private iso(b: Uint8Array, i: number, end: number, utcIfNoZone = false): number {
    const y = digitsAt(b, i, 4)
    const mo = digitsAt(b, i + 5, 2)
    const d = digitsAt(b, i + 8, 2)
    const sep = b[i + 10]
    if (y < 0 || mo < 0 || d < 0 || b[i + 4] !== MINUS || b[i + 7] !== MINUS || (sep !== UPPER_T && sep !== SP)) return NO_STAMP
    const clock = this.clock(b, i + 11, end, i)
    if (clock === BAD_STAMP) return clock
    if (clock === NO_STAMP) return this.bad(b, i, end, 'no time of day after the date')
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(mo - 1, y)) return this.bad(b, i, end, 'no such date')
    let j = this.clockEnd
    let offset: number | null = utcIfNoZone ? 0 : null
    const z = b[j]
    if (z === UPPER_Z) {
      offset = 0
      j++
    } else if (z === PLUS || z === MINUS) {
      const oh = digitsAt(b, j + 1, 2)
      const colon = b[j + 3] === COLON ? 1 : 0
      const om = digitsAt(b, j + 3 + colon, 2)
      // RFC 3339's time-numoffset: hours 00-23, minutes 00-59.
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return this.bad(b, i, end, 'no such zone offset')
      offset = (z === MINUS ? -1 : 1) * (oh * 60 + om)
      j += 5 + colon
    }
    this.end = j
    this.minuteStable = true
    this.time = isoTime(y, mo - 1, d, this.hour, this.minute, this.second, this.ms, offset)
    return STAMP
  }

  // RFC 3164 `Mmm dd hh:mm:ss[.frac]` at i (journalctl short prints its month names in LC_TIME).
  private bsd(b: Uint8Array, i: number, end: number, ctx: TimeContext): number {
    const month = this.month(b, i, end)
    if (month < 0) return NO_STAMP
    const day = this.day(b, this.monthEnd)
    if (day < 0) return NO_STAMP
    const clock = this.clock(b, this.dayEnd + 1, end, i)
    if (clock !== STAMP) return clock
    // Any year: February 29 is valid, syslogTime finds its leap year.
    if (day < 1 || day > daysIn(month, undefined)) return this.bad(b, i, end, 'no such date')
    this.end = this.clockEnd
    this.time = syslogTime(ctx, month, day, this.hour, this.minute, this.second, this.ms)
    this.minuteStable = syslogMinuteStable(ctx, month, day, this.hour, this.minute)
    return STAMP
  }

  // dmesg -T: `[Fri Dec  4 15:05:56 2026]`, local time, names in LC_TIME (`[Fr Dez  4 …]`,
  // `[金 12月  4 …]`). A known weekday and month make it one: then any other flaw is BAD, and the
  // weekday must be the date's.
  private ctime(b: Uint8Array, i: number, end: number): number {
    const weekdays = this.names.weekdays(b, i + 1, end)
    if (weekdays === 0) return NO_STAMP
    let j = this.names.end + 1
    while (b[j] === SP) j++
    const month = this.month(b, j, end)
    if (month < 0) return NO_STAMP
    const day = this.day(b, this.monthEnd)
    if (day < 0) return this.bad(b, i, end, 'no day of the month')
    const clock = this.clock(b, this.dayEnd + 1, end, i)
    if (clock === BAD_STAMP) return clock
    const y = digitsAt(b, this.clockEnd + 1, 4)
    if (clock === NO_STAMP || b[this.clockEnd] !== SP || y < 0 || b[this.clockEnd + 5] !== RBRACKET) return this.bad(b, i, end, 'not `[weekday month day hh:mm:ss year]`')
    if (day < 1 || day > daysIn(month, y)) return this.bad(b, i, end, 'no such date')
    if ((weekdays & (1 << new Date(Date.UTC(y, month, day)).getUTCDay())) === 0) return this.bad(b, i, end, 'weekday not that of the date')
    this.end = this.clockEnd + 6
    this.minuteStable = true
    this.time = isoTime(y, month, day, this.hour, this.minute, this.second, this.ms, null)
    return STAMP
  }

  /**
   * Proxmox VE's `dd/Mon/yyyy:hh:mm:ss +hhmm` at i (English months: pvefw-logger never sets a
   * locale): STAMP, or BAD_STAMP with the reason.
   */
  readPve(b: Uint8Array, i: number, end: number): number {
    const d = digitsAt(b, i, 2)
    const month = MONTHS.get(code3At(b, i + 3))
    const y = digitsAt(b, i + 7, 4)
    if (d < 0 || b[i + 2] !== SLASH || month === undefined || b[i + 6] !== SLASH || y < 0 || b[i + 11] !== COLON) return this.bad(b, i, end, 'not `dd/Mon/yyyy:hh:mm:ss +hhmm`')
    const clock = this.clock(b, i + 12, end, i)
    if (clock === BAD_STAMP) return clock
    if (clock === NO_STAMP || this.clockEnd !== i + 20 || b[i + 20] !== SP) return this.bad(b, i, end, 'not `dd/Mon/yyyy:hh:mm:ss +hhmm`')
    if (d < 1 || d > daysIn(month, y)) return this.bad(b, i, end, 'no such date')
    const z = b[i + 21]
    const oh = digitsAt(b, i + 22, 2)
    const om = digitsAt(b, i + 24, 2)
    if ((z !== PLUS && z !== MINUS) || oh < 0 || om < 0 || oh > 23 || om > 59) return this.bad(b, i, end, 'no such zone offset')
    this.end = i + 26
    this.minuteStable = true
    this.time = isoTime(y, month, d, this.hour, this.minute, this.second, this.ms, (z === MINUS ? -1 : 1) * (oh * 60 + om))
    return STAMP
  }

  // journalctl short-full: `Sun 2026-11-22 07:15:55 UTC` (the weekday in LC_TIME). Only UTC/GMT or a
  // numeric zone is trusted.
  private full(b: Uint8Array, i: number, end: number): number {
    let dateAt: number
    if (WEEKDAYS.has(code3At(b, i)) && b[i + 3] === SP) dateAt = i + 4
    else if (this.names.weekdays(b, i, end) !== 0) dateAt = this.names.end + 1
    else return NO_STAMP
    const r = this.iso(b, dateAt, end)
    if (r !== STAMP || b[this.end] !== SP) return r
    const z = this.end + 1
    if (end - z >= 3 && UTC_CODES.has(code3At(b, z)) && (z + 3 === end || b[z + 3] === SP)) {
      this.iso(b, dateAt, end, true)
      this.end = z + 3
    }
    return STAMP
  }
}

/**
 * The seconds and fraction in b[i,end) (`ss` or `ss.fff…`, the span a StampReader's clock read) as
 * milliseconds, computed as it computes them; -1 when they are not that.
 */
export function secondsAt(b: Uint8Array, i: number, end: number): number {
  const s = digitsAt(b, i, 2)
  if (s < 0 || s > 60) return -1
  let j = i + 2
  let ms = 0
  if (j < end) {
    if (b[j] !== DOT) return -1
    let scale = 100
    for (j++; j < end; j++) {
      const c = b[j]! - DIGIT_0
      if (c < 0 || c > 9) return -1
      ms += c * scale
      scale /= 10
    }
  }
  return s * 1000 + Math.floor(ms)
}
