import { digitsAt, latin1, RecentText } from './bytes.js'
import { isoTime, syslogMinuteStable, syslogTime, type TimeContext } from './time.js'

// Recognised heads (everything before the firewall message), parsed straight from the line's bytes:
//   RFC 3164 / journalctl short:     Mar 11 20:35:11 fw kernel: [ 123.456] …
//   journalctl short-precise:        Mar 11 20:35:11.123456 fw kernel: …
//   RFC 3339 / journalctl short-iso: 2026-11-22T07:15:55.865612+00:00 fw kernel: …   (also +0100, Z, none)
//   RFC 5424:                        <4>1 2026-11-22T07:15:55.86+00:00 fw kernel - - - …
//   journalctl short-full:           Sun 2026-11-22 07:15:55 UTC fw kernel: …
//   no tag (ulogd LOGEMU):           Mar 11 20:35:11 fw IN=eth0 …
//   dmesg / short-monotonic:         [ 123.456] …  (no wall-clock time)
//   a `grep -H` file name in front:  kern.log:Mar 11 20:35:11 …

/** What the head of a line says; `msgStart` is where the firewall message begins. */
export interface Header {
  time: number
  host: string
  tag: string
  msgStart: number
}

const SP = 32
const COLON = 58

// Month and weekday names as 24-bit codes of their three ASCII letters.
const code3 = (s: string): number => (s.charCodeAt(0) << 16) | (s.charCodeAt(1) << 8) | s.charCodeAt(2)
const MONTHS = new Map(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m, i) => [code3(m), i]))
const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map(code3))
const UTC_CODES = new Set([code3('UTC'), code3('GMT')])

function code3At(b: Uint8Array, i: number): number {
  return (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
}

// Scratch results of the clock/time readers (avoids allocating a tuple per line).
let clockStart = 0
let clockEnd = 0
let clockH = 0
let clockM = 0
let clockS = 0
let clockMs = 0

// Reads `hh:mm:ss[.frac]` at i into the clock* variables; false when it is not one.
function clockAt(b: Uint8Array, i: number, end: number): boolean {
  const h = digitsAt(b, i, 2)
  const m = digitsAt(b, i + 3, 2)
  const s = digitsAt(b, i + 6, 2)
  if (h < 0 || m < 0 || s < 0 || b[i + 2] !== COLON || b[i + 5] !== COLON || h > 23 || m > 59 || s > 60) return false
  let j = i + 8
  let ms = 0
  if (b[j] === 46) {
    let scale = 100
    j++
    while (j < end) {
      const c = b[j]! - 48
      if (c < 0 || c > 9) break
      ms += c * scale
      scale /= 10
      j++
    }
  }
  clockStart = i
  clockEnd = j
  clockH = h
  clockM = m
  clockS = s
  clockMs = Math.floor(ms)
  return true
}

// The seconds and fraction in b[i,end) (`ss` or `ss.fff…`, the span clockAt read) as milliseconds,
// computed as clockAt computes them; -1 when they are not that.
function secondsAt(b: Uint8Array, i: number, end: number): number {
  const s = digitsAt(b, i, 2)
  if (s < 0 || s > 60) return -1
  let j = i + 2
  let ms = 0
  if (j < end) {
    if (b[j] !== 46) return -1
    let scale = 100
    for (j++; j < end; j++) {
      const c = b[j]! - 48
      if (c < 0 || c > 9) return -1
      ms += c * scale
      scale /= 10
    }
  }
  return s * 1000 + Math.floor(ms)
}

let timeEnd = 0
let timeValue = 0
/** False when the last time read is an RFC 3164 one whose year could differ within its minute. */
let timeMinuteStable = true

// ISO 8601 date-time at i (`T` or space between date and time) into timeEnd/timeValue.
// `utcIfNoZone` reads a zone-less time as UTC (journalctl short-full says "UTC" after it).
function isoAt(b: Uint8Array, i: number, end: number, utcIfNoZone = false): boolean {
  const y = digitsAt(b, i, 4)
  const mo = digitsAt(b, i + 5, 2)
  const d = digitsAt(b, i + 8, 2)
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || b[i + 4] !== 45 || b[i + 7] !== 45) return false
  const sep = b[i + 10]
  if ((sep !== 84 && sep !== SP) || !clockAt(b, i + 11, end)) return false
  let j = clockEnd
  let offset: number | null = utcIfNoZone ? 0 : null
  const z = b[j]
  if (z === 90) {
    offset = 0
    j++
  } else if (z === 43 || z === 45) {
    const oh = digitsAt(b, j + 1, 2)
    const colon = b[j + 3] === COLON ? 1 : 0
    const om = digitsAt(b, j + 3 + colon, 2)
    if (oh >= 0 && om >= 0) {
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om)
      j += 5 + colon
    }
  }
  timeEnd = j
  timeMinuteStable = true
  timeValue = isoTime(y, mo - 1, d, clockH, clockM, clockS, clockMs, offset)
  return true
}

// RFC 3164 `Mmm dd hh:mm:ss[.frac]` at i.
function bsdAt(b: Uint8Array, i: number, end: number, ctx: TimeContext): boolean {
  const month = MONTHS.get(code3At(b, i))
  if (month === undefined || b[i + 3] !== SP) return false
  let j = i + 4
  if (b[j] === SP) j++
  let day = digitsAt(b, j, 2)
  if (day >= 0) j += 2
  else {
    day = digitsAt(b, j, 1)
    j += 1
  }
  if (day < 1 || day > 31 || b[j] !== SP || !clockAt(b, j + 1, end)) return false
  timeEnd = clockEnd
  timeValue = syslogTime(ctx, month, day, clockH, clockM, clockS, clockMs)
  timeMinuteStable = syslogMinuteStable(ctx, month, day, clockH, clockM)
  return true
}

// journalctl short-full: `Sun 2026-11-22 07:15:55 UTC`. Only UTC/GMT or a numeric zone is trusted.
function fullAt(b: Uint8Array, i: number, end: number): boolean {
  if (!WEEKDAYS.has(code3At(b, i)) || b[i + 3] !== SP) return false
  if (!isoAt(b, i + 4, end) || b[timeEnd] !== SP) return false
  const z = timeEnd + 1
  if (end - z >= 3 && UTC_CODES.has(code3At(b, z)) && (z + 3 === end || b[z + 3] === SP)) {
    isoAt(b, i + 4, end, true)
    timeEnd = z + 3
  }
  return true
}

function timeAt(b: Uint8Array, i: number, end: number, ctx: TimeContext): boolean {
  const c = b[i]!
  if (c >= 48 && c <= 57) return isoAt(b, i, end)
  if (c >= 65 && c <= 90) return bsdAt(b, i, end, ctx) || fullAt(b, i, end)
  return false
}

/** Skips a `[ 123.456]` kernel uptime at i; returns the index after it (i when there is none). */
export function skipUptime(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== 91) return i
  let j = i + 1
  while (b[j] === SP) j++
  let digits = 0
  let dot = false
  for (; j < end && j - i < 32; j++) {
    const c = b[j]!
    if (c >= 48 && c <= 57) digits++
    else if (c === 46 && !dot) dot = true
    else break
  }
  if (digits === 0 || !dot || b[j] !== 93) return i
  j++
  while (b[j] === SP) j++
  return j
}

function tokenEnd(b: Uint8Array, i: number, end: number): number {
  while (i < end && b[i] !== SP) i++
  return i
}

function skipSpaces(b: Uint8Array, i: number, end: number): number {
  while (i < end && b[i] === SP) i++
  return i
}

// A syslog tag: `kernel:`, `ulogd[123]:` — ends in ':' and is not a key=value token.
function isTag(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < 2 || b[end - 1] !== COLON) return false
  for (let k = start; k < end; k++) if (b[k] === 61) return false
  return true
}

/** Parses line heads; remembers recent host and tag texts so repeated ones cost no new string. */
export class HeaderParser {
  private readonly hosts = new RecentText(64, latin1)
  private readonly tags = new RecentText(64, latin1)
  // The last timestamp read, as bytes, and the time of the start of its minute: a line whose
  // timestamp differs from it only in the seconds (and their fraction) costs a byte comparison and
  // the seconds' digits. Lines arrive in time order, so most lines hit, including ISO ones with
  // microseconds, which never repeat whole.
  private readonly stamp = new Uint8Array(48)
  private stampLen = 0
  /** Where the seconds digits start and where their fraction ends, relative to the stamp. */
  private secStart = 0
  private secEnd = 0
  private minuteBase = 0
  private stampCtx: TimeContext | null = null
  private stampRef = Number.NaN

  private timeAtCached(b: Uint8Array, i: number, end: number, ctx: TimeContext): boolean {
    const n = this.stampLen
    if (n > 0 && ctx === this.stampCtx && ctx.reference === this.stampRef && i + n <= end && (i + n === end || b[i + n] === SP)) {
      const s0 = this.secStart
      const s1 = this.secEnd
      let k = n - 1
      while (k >= s1 && b[i + k] === this.stamp[k]) k--
      if (k < s1) {
        // Compared from the minute backwards: that is where consecutive minutes differ.
        k = s0 - 1
        while (k >= 0 && b[i + k] === this.stamp[k]) k--
        const offset = k < 0 ? secondsAt(b, i + s0, i + s1) : -1
        if (offset >= 0) {
          timeEnd = i + n
          timeValue = this.minuteBase + offset
          return true
        }
      }
    }
    if (!timeAt(b, i, end, ctx)) return false
    const len = timeEnd - i
    if (len <= this.stamp.length && timeMinuteStable) {
      for (let k = 0; k < len; k++) this.stamp[k] = b[i + k]!
      this.stampLen = len
      this.secStart = clockStart + 6 - i
      this.secEnd = clockEnd - i
      this.minuteBase = timeValue - (clockS * 1000 + clockMs)
      this.stampCtx = ctx
      this.stampRef = ctx.reference
    } else this.stampLen = 0
    return true
  }

  /** Fills `out` from the head of b[start,end); unknown heads give time NaN and msgStart = start. */
  parse(b: Uint8Array, start: number, end: number, ctx: TimeContext, out: Header): void {
    out.time = Number.NaN
    out.host = ''
    out.tag = ''
    out.msgStart = start
    let i = start
    if (b[i] === 60) {
      let gt = i + 1
      while (gt < end && gt - i <= 4 && b[gt] !== 62) gt++
      if (b[gt] === 62 && gt > i + 1 && digitsAt(b, i + 1, gt - i - 1) >= 0) {
        i = gt + 1
        if (b[i] === 49 && b[i + 1] === SP) return this.rfc5424(b, i + 2, end, ctx, out)
      }
    }
    let ok = this.timeAtCached(b, i, end, ctx)
    if (!ok && i === start) {
      if (b[i] === 91) {
        // dmesg or journalctl short-monotonic: uptime only.
        i = skipUptime(b, i, end)
        const te = tokenEnd(b, i, end)
        if (isTag(b, i, te)) {
          out.tag = this.tags.get(b, i, te - 1)
          out.msgStart = skipUptime(b, skipSpaces(b, te, end), end)
        } else out.msgStart = i
        return
      }
      // `grep -H` output: `file:Mar 11 …`
      let colon = i
      while (colon < end && b[colon] !== COLON && b[colon] !== SP) colon++
      if (b[colon] === COLON && colon > i && timeAt(b, colon + 1, end, ctx)) {
        ok = true
        i = colon + 1
      }
    }
    if (!ok) return
    out.time = timeValue
    i = skipSpaces(b, timeEnd, end)
    let te = tokenEnd(b, i, end)
    if (isTag(b, i, te)) {
      out.tag = this.tags.get(b, i, te - 1)
      out.msgStart = skipUptime(b, skipSpaces(b, te, end), end)
      return
    }
    if (b[i] === 91 || hasEquals(b, i, te)) {
      out.msgStart = i
      return
    }
    out.host = this.hosts.get(b, i, te)
    i = skipSpaces(b, te, end)
    te = tokenEnd(b, i, end)
    if (isTag(b, i, te)) {
      let tagEnd = te - 1
      for (let k = i; k < tagEnd; k++) {
        if (b[k] === 91) {
          tagEnd = k
          break
        }
      }
      out.tag = this.tags.get(b, i, tagEnd)
      i = skipSpaces(b, te, end)
    }
    out.msgStart = skipUptime(b, i, end)
  }

  private rfc5424(b: Uint8Array, i: number, end: number, ctx: TimeContext, out: Header): void {
    if (b[i] !== 45 && timeAt(b, i, end, ctx)) out.time = timeValue
    i = skipSpaces(b, tokenEnd(b, i, end), end)
    const spans: number[] = []
    for (let k = 0; k < 4 && i < end; k++) {
      const te = tokenEnd(b, i, end)
      spans.push(i, te)
      i = skipSpaces(b, te, end)
    }
    // Structured data: '-' or [..][..]; values may contain an escaped \] .
    if (b[i] === 45) i = skipSpaces(b, i + 1, end)
    else {
      while (b[i] === 91) {
        let j = i + 1
        while (j < end && !(b[j] === 93 && b[j - 1] !== 92)) j++
        i = j + 1
      }
      i = skipSpaces(b, i, end)
    }
    if (b[i] === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) i += 3 // UTF-8 BOM allowed before MSG
    const field = (k: number, cache: RecentText): string => {
      const s = spans[2 * k]
      const e = spans[2 * k + 1]
      if (s === undefined || e === undefined || (e - s === 1 && b[s] === 45)) return ''
      return cache.get(b, s, e)
    }
    out.host = field(0, this.hosts)
    out.tag = field(1, this.tags)
    out.msgStart = skipUptime(b, i, end)
  }
}

function hasEquals(b: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (b[k] === 61) return true
  return false
}
