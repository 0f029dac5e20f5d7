import { BACKSLASH, COLON, DIGIT_0, DIGIT_9, DOT, EQ, GT, LBRACKET, LT, MINUS, RBRACKET, SP } from './ascii.js'
import { digitsAt, latin1, RecentText } from './bytes.js'
import { BAD_STAMP, NO_STAMP, secondsAt, STAMP, StampReader } from './stamp-reader.js'
import type { TimeContext } from './time.js'

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
  /** Why the head is malformed (a timestamp no clock shows…); '' when it is not. */
  error: string
}

const DIGIT_1 = 49

/** Skips a `[ 123.456]` kernel uptime at i; returns the index after it (i when there is none). */
export function skipUptime(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== LBRACKET) return i
  let j = i + 1
  while (b[j] === SP) j++
  let digits = 0
  let dot = false
  for (; j < end && j - i < 32; j++) {
    const c = b[j]!
    if (c >= DIGIT_0 && c <= DIGIT_9) digits++
    else if (c === DOT && !dot) dot = true
    else break
  }
  if (digits === 0 || !dot || b[j] !== RBRACKET) return i
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

function hasEquals(b: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (b[k] === EQ) return true
  return false
}

// A syslog tag: `kernel:`, `ulogd[123]:` — ends in ':' and is not a key=value token.
function isTag(b: Uint8Array, start: number, end: number): boolean {
  return end - start >= 2 && b[end - 1] === COLON && !hasEquals(b, start, end)
}

/** Parses line heads; remembers recent host and tag texts so repeated ones cost no new string. */
export class HeaderParser {
  private readonly hosts = new RecentText(64, latin1)
  private readonly tags = new RecentText(64, latin1)
  private readonly stamps = new StampReader()
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
  /** The time and end of the stamp read by timeAtCached. */
  private time = 0
  private timeEnd = 0

  // Reads the stamp at i into time/timeEnd, from the cached minute when only the seconds differ:
  // NO_STAMP, STAMP or BAD_STAMP (see StampReader.read).
  private timeAtCached(b: Uint8Array, i: number, end: number, ctx: TimeContext): number {
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
          this.timeEnd = i + n
          this.time = this.minuteBase + offset
          return STAMP
        }
      }
    }
    const r = this.stamps
    const found = r.read(b, i, end, ctx)
    if (found !== STAMP) return found
    this.time = r.time
    this.timeEnd = r.end
    const len = r.end - i
    if (len <= this.stamp.length && r.minuteStable) {
      for (let k = 0; k < len; k++) this.stamp[k] = b[i + k]!
      this.stampLen = len
      this.secStart = r.clockStart + 6 - i
      this.secEnd = r.clockEnd - i
      this.minuteBase = r.time - (r.second * 1000 + r.ms)
      this.stampCtx = ctx
      this.stampRef = ctx.reference
    } else this.stampLen = 0
    return STAMP
  }

  /** Fills `out` from the head of b[start,end); unknown heads give time NaN and msgStart = start. */
  parse(b: Uint8Array, start: number, end: number, ctx: TimeContext, out: Header): void {
    out.time = Number.NaN
    out.host = ''
    out.tag = ''
    out.msgStart = start
    out.error = ''
    let i = start
    if (b[i] === LT) {
      let gt = i + 1
      while (gt < end && gt - i <= 4 && b[gt] !== GT) gt++
      if (b[gt] === GT && gt > i + 1 && digitsAt(b, i + 1, gt - i - 1) >= 0) {
        i = gt + 1
        if (b[i] === DIGIT_1 && b[i + 1] === SP) return this.rfc5424(b, i + 2, end, ctx, out)
      }
    }
    let found = this.timeAtCached(b, i, end, ctx)
    if (found === NO_STAMP && i === start) {
      if (b[i] === LBRACKET) return this.monotonic(b, i, end, out)
      // `grep -H` output: `file:Mar 11 …`
      let colon = i
      while (colon < end && b[colon] !== COLON && b[colon] !== SP) colon++
      if (b[colon] === COLON && colon > i) {
        found = this.stamps.read(b, colon + 1, end, ctx)
        i = colon + 1
        this.time = this.stamps.time
        this.timeEnd = this.stamps.end
      }
    }
    if (found === NO_STAMP) return
    if (found === BAD_STAMP) {
      out.error = this.stamps.error
      return
    }
    if (this.timeEnd < end && b[this.timeEnd] !== SP) {
      out.error = 'timestamp not followed by a space'
      return
    }
    out.time = this.time
    i = skipSpaces(b, this.timeEnd, end)
    let te = tokenEnd(b, i, end)
    if (isTag(b, i, te)) {
      out.tag = this.tags.get(b, i, te - 1)
      out.msgStart = skipUptime(b, skipSpaces(b, te, end), end)
      return
    }
    if (b[i] === LBRACKET || hasEquals(b, i, te)) {
      out.msgStart = i
      return
    }
    out.host = this.hosts.get(b, i, te)
    i = skipSpaces(b, te, end)
    te = tokenEnd(b, i, end)
    if (isTag(b, i, te)) {
      let tagEnd = te - 1
      for (let k = i; k < tagEnd; k++) {
        if (b[k] === LBRACKET) {
          tagEnd = k
          break
        }
      }
      out.tag = this.tags.get(b, i, tagEnd)
      i = skipSpaces(b, te, end)
    }
    out.msgStart = skipUptime(b, i, end)
  }

  // dmesg or journalctl short-monotonic: uptime only.
  private monotonic(b: Uint8Array, i: number, end: number, out: Header): void {
    i = skipUptime(b, i, end)
    const te = tokenEnd(b, i, end)
    if (isTag(b, i, te)) {
      out.tag = this.tags.get(b, i, te - 1)
      out.msgStart = skipUptime(b, skipSpaces(b, te, end), end)
    } else out.msgStart = i
  }

  private rfc5424(b: Uint8Array, i: number, end: number, ctx: TimeContext, out: Header): void {
    if (b[i] !== MINUS) {
      const found = this.stamps.read(b, i, end, ctx)
      if (found === BAD_STAMP) {
        out.error = this.stamps.error
        return
      }
      if (found === STAMP) out.time = this.stamps.time
    }
    i = skipSpaces(b, tokenEnd(b, i, end), end)
    const spans: number[] = []
    for (let k = 0; k < 4 && i < end; k++) {
      const te = tokenEnd(b, i, end)
      spans.push(i, te)
      i = skipSpaces(b, te, end)
    }
    // Structured data: '-' or [..][..]; values may contain an escaped \] .
    if (b[i] === MINUS) i = skipSpaces(b, i + 1, end)
    else {
      while (b[i] === LBRACKET) {
        let j = i + 1
        while (j < end && !(b[j] === RBRACKET && b[j - 1] !== BACKSLASH)) j++
        i = j + 1
      }
      i = skipSpaces(b, i, end)
    }
    if (b[i] === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) i += 3 // UTF-8 BOM allowed before MSG
    const field = (k: number, cache: RecentText): string => {
      const s = spans[2 * k]
      const e = spans[2 * k + 1]
      if (s === undefined || e === undefined || (e - s === 1 && b[s] === MINUS)) return ''
      return cache.get(b, s, e)
    }
    out.host = field(0, this.hosts)
    out.tag = field(1, this.tags)
    out.msgStart = skipUptime(b, i, end)
  }
}
