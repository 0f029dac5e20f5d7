import { isoTime, syslogTime, type TimeContext } from './time.js'

// Recognised heads (everything before the firewall message):
//   RFC 3164 / journalctl short:   Mar 11 20:35:11 fw kernel: [ 123.456] …
//   journalctl short-precise:      Mar 11 20:35:11.123456 fw kernel: …
//   RFC 3339 / journalctl short-iso: 2026-11-22T07:15:55.865612+00:00 fw kernel: …   (also +0100, Z, none)
//   RFC 5424:                      <4>1 2026-11-22T07:15:55.86+00:00 fw kernel - - - …
//   journalctl short-full:         Sun 2026-11-22 07:15:55 UTC fw kernel: …
//   no tag (ulogd LOGEMU):         Mar 11 20:35:11 fw IN=eth0 …
//   dmesg / short-monotonic:       [ 123.456] …  (no wall-clock time)
//   a `grep -H` file name glued in front: kern.log:Mar 11 20:35:11 …

/** What the head of a line says; `msgStart` is where the firewall message begins. */
export interface Header {
  time: number
  host: string
  tag: string
  msgStart: number
}

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
}
const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])

function digitsAt(s: string, i: number, n: number): number {
  let v = 0
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

// Parses `hh:mm:ss[.frac]` at i. Returns [end, h, m, s, ms] or null.
function clockAt(s: string, i: number): [number, number, number, number, number] | null {
  const h = digitsAt(s, i, 2)
  const m = digitsAt(s, i + 3, 2)
  const sec = digitsAt(s, i + 6, 2)
  if (h < 0 || m < 0 || sec < 0 || s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return null
  if (h > 23 || m > 59 || sec > 60) return null
  let end = i + 8
  let ms = 0
  if (s.charCodeAt(end) === 46) {
    let scale = 100
    end++
    while (end < s.length) {
      const c = s.charCodeAt(end) - 48
      if (c < 0 || c > 9) break
      ms += c * scale
      scale /= 10
      end++
    }
    ms = Math.floor(ms)
  }
  return [end, h, m, sec, ms]
}

// ISO 8601 date-time at i (`T` or space between date and time). Returns [end, epochMs] or null.
function isoAt(s: string, i: number): [number, number] | null {
  const y = digitsAt(s, i, 4)
  const mo = digitsAt(s, i + 5, 2)
  const d = digitsAt(s, i + 8, 2)
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return null
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return null
  const sep = s.charCodeAt(i + 10)
  if (sep !== 84 && sep !== 32) return null
  const clock = clockAt(s, i + 11)
  if (clock === null) return null
  let [end] = clock
  const [, h, m, sec, ms] = clock
  let offset: number | null = null
  const z = s.charCodeAt(end)
  if (z === 90) {
    offset = 0
    end++
  } else if (z === 43 || z === 45) {
    const oh = digitsAt(s, end + 1, 2)
    const colon = s.charCodeAt(end + 3) === 58 ? 1 : 0
    const om = digitsAt(s, end + 3 + colon, 2)
    if (oh >= 0 && om >= 0) {
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om)
      end += 5 + colon
    }
  }
  return [end, isoTime(y, mo - 1, d, h, m, sec, ms, offset)]
}

// RFC 3164 `Mmm dd hh:mm:ss[.frac]` at i. Returns [end, epochMs] or null.
function bsdAt(s: string, i: number, ctx: TimeContext): [number, number] | null {
  const month = MONTHS[s.slice(i, i + 3)]
  if (month === undefined || s.charCodeAt(i + 3) !== 32) return null
  let j = i + 4
  if (s.charCodeAt(j) === 32) j++
  let day = digitsAt(s, j, 2)
  if (day >= 0) j += 2
  else {
    day = digitsAt(s, j, 1)
    j += 1
  }
  if (day < 1 || day > 31 || s.charCodeAt(j) !== 32) return null
  const clock = clockAt(s, j + 1)
  if (clock === null) return null
  const [end, h, m, sec, ms] = clock
  return [end, syslogTime(ctx, month, day, h, m, sec, ms)]
}

// journalctl short-full: `Sun 2026-11-22 07:15:55 UTC`. Only UTC/GMT or a numeric zone is trusted.
function fullAt(s: string, i: number): [number, number] | null {
  if (!WEEKDAYS.has(s.slice(i, i + 3)) || s.charCodeAt(i + 3) !== 32) return null
  const iso = isoAt(s, i + 4)
  if (iso === null || s.charCodeAt(iso[0]) !== 32) return null
  const zoneEnd = s.indexOf(' ', iso[0] + 1)
  const zone = s.slice(iso[0] + 1, zoneEnd < 0 ? s.length : zoneEnd)
  if (zone === 'UTC' || zone === 'GMT') {
    // isoAt read it as local time; re-read as UTC.
    const local = iso[1]
    const d = new Date(local)
    const utc = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds())
    return [zoneEnd < 0 ? s.length : zoneEnd, utc]
  }
  return [iso[0], iso[1]]
}

function timeAt(s: string, i: number, ctx: TimeContext): [number, number] | null {
  const c = s.charCodeAt(i)
  if (c >= 48 && c <= 57) return isoAt(s, i)
  if (c >= 65 && c <= 90) return bsdAt(s, i, ctx) ?? fullAt(s, i)
  return null
}

// Skips a `[ 123.456]` kernel uptime at i, returning the index after it (i when there is none).
function skipBracket(s: string, i: number): number {
  if (s.charCodeAt(i) !== 91) return i
  let j = i + 1
  while (s.charCodeAt(j) === 32) j++
  let digits = 0
  let dot = false
  for (; j < s.length && j - i < 32; j++) {
    const c = s.charCodeAt(j)
    if (c >= 48 && c <= 57) digits++
    else if (c === 46 && !dot) dot = true
    else break
  }
  if (digits === 0 || !dot || s.charCodeAt(j) !== 93) return i
  j++
  while (s.charCodeAt(j) === 32) j++
  return j
}

function tokenEnd(s: string, i: number): number {
  const sp = s.indexOf(' ', i)
  return sp < 0 ? s.length : sp
}

function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === 32) i++
  return i
}

// A syslog tag: `kernel:`, `ulogd[123]:` — ends in ':' and is not a key=value token.
function isTag(s: string, start: number, end: number): boolean {
  if (end - start < 2 || s.charCodeAt(end - 1) !== 58) return false
  for (let k = start; k < end; k++) if (s.charCodeAt(k) === 61) return false
  return true
}

function parse5424(line: string, i: number, ctx: TimeContext, out: Header): void {
  let time = Number.NaN
  if (line.charCodeAt(i) !== 45) {
    const t = timeAt(line, i, ctx)
    if (t !== null) time = t[1]
  }
  i = skipSpaces(line, tokenEnd(line, i))
  const fields: string[] = []
  for (let k = 0; k < 4 && i < line.length; k++) {
    const end = tokenEnd(line, i)
    fields.push(line.slice(i, end))
    i = skipSpaces(line, end)
  }
  // Structured data: '-' or [..][..]; values may contain escaped \] .
  if (line.charCodeAt(i) === 45) i = skipSpaces(line, i + 1)
  else {
    while (line.charCodeAt(i) === 91) {
      let j = i + 1
      while (j < line.length && !(line.charCodeAt(j) === 93 && line.charCodeAt(j - 1) !== 92)) j++
      i = j + 1
    }
    i = skipSpaces(line, i)
  }
  if (line.charCodeAt(i) === 0xfeff) i++ // UTF-8 BOM allowed before MSG
  out.time = time
  out.host = fields[0] === '-' || fields[0] === undefined ? '' : fields[0]
  out.tag = fields[1] === '-' || fields[1] === undefined ? '' : fields[1]
  out.msgStart = skipBracket(line, i)
}

/** Fills `out` from the head of a log line; unknown heads give time NaN and msgStart 0. */
export function parseHeader(line: string, ctx: TimeContext, out: Header): void {
  out.time = Number.NaN
  out.host = ''
  out.tag = ''
  out.msgStart = 0
  let i = 0
  if (line.charCodeAt(0) === 60) {
    const gt = line.indexOf('>', 1)
    if (gt > 1 && gt <= 4 && digitsAt(line, 1, gt - 1) >= 0) {
      i = gt + 1
      if (line.charCodeAt(i) === 49 && line.charCodeAt(i + 1) === 32) return parse5424(line, i + 2, ctx, out)
    }
  }
  let t = timeAt(line, i, ctx)
  if (t === null && i === 0) {
    if (line.charCodeAt(0) === 91) {
      // dmesg or journalctl short-monotonic: uptime only.
      i = skipBracket(line, 0)
      const end = tokenEnd(line, i)
      if (isTag(line, i, end)) {
        out.tag = line.slice(i, end - 1)
        out.msgStart = skipBracket(line, skipSpaces(line, end))
      } else out.msgStart = i
      return
    }
    // `grep -H` output: `file:Mar 11 …`
    const colon = line.indexOf(':')
    const space = line.indexOf(' ')
    if (colon > 0 && (space < 0 || colon < space)) {
      t = timeAt(line, colon + 1, ctx)
      if (t !== null) i = colon + 1
    }
  }
  if (t === null) return
  out.time = t[1]
  i = skipSpaces(line, t[0])
  let end = tokenEnd(line, i)
  if (isTag(line, i, end)) {
    out.tag = line.slice(i, end - 1)
    out.msgStart = skipBracket(line, skipSpaces(line, end))
    return
  }
  if (line.charCodeAt(i) === 91 || line.slice(i, end).includes('=')) {
    out.msgStart = i
    return
  }
  out.host = line.slice(i, end)
  i = skipSpaces(line, end)
  end = tokenEnd(line, i)
  if (isTag(line, i, end)) {
    const tag = line.slice(i, end - 1)
    const bracket = tag.indexOf('[')
    out.tag = bracket > 0 ? tag.slice(0, bracket) : tag
    i = skipSpaces(line, end)
  }
  out.msgStart = skipBracket(line, i)
}
