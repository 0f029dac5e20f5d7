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
//   dmesg:                           [ 123.456] FINAL_REJECT: IN=…  (no wall-clock time, no host or tag)
//   journalctl short-monotonic:      [ 123.456] fw kernel: …
//   dmesg -T:                        [Fri Dec  4 15:05:56 2026] …  (names in LC_TIME, like journalctl's)
//   a `grep -H` file name in front:  kern.log:Mar 11 20:35:11 …
//   Proxmox VE pve-firewall.log:     101 6 tap101i0-IN 14/Mar/2014:12:47:07 +0100 policy DROP: IN=…
//                                    (VM id or 0, log level 0-7, chain or `-`: see Header.dialect)
// The kernel's uptime may be followed by a printk caller id (`[  12.345678][    C1]`, or in dmesg
// `[  12.345678] [  T1234]`); neither is part of the message.

/** What the head of a line says; `msgStart` is where the firewall message begins. */
export interface Header {
  time: number
  host: string
  tag: string
  msgStart: number
  /** Why the head is malformed (a timestamp no clock shows…); '' when it is not. */
  error: string
  /** The format of the message: the kernel's LOG text, or Proxmox VE's pvefw-logger (Dialect). */
  dialect: number
  /** Proxmox VE: the chain the rule is in (`tap101i0-IN`, `PVEFW-HOST-IN`), '' for none (`-`). */
  chain: string
}

/** Header.dialect: the kernel's nf_log_syslog text (and ulogd's, which follows it). */
export const KERNEL_DIALECT = 0
/** Header.dialect: Proxmox VE's pvefw-logger, which prints its own body (see NetfilterParser). */
export const PVE_DIALECT = 1

const DIGIT_1 = 49
const DIGIT_7 = 55
const UPPER_C = 67
const UPPER_T = 84
/** Longest chain name pvefw-logger prints. */
const PVE_MAX_CHAIN = 28

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

/** Skips a printk caller id at i (`[ T1234]`, `[    C1]`: thread or CPU); returns the index after it. */
export function skipCaller(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== LBRACKET) return i
  let j = i + 1
  while (b[j] === SP && j - i < 12) j++
  if (b[j] !== UPPER_T && b[j] !== UPPER_C) return i
  const first = ++j
  while (j < end && j - first < 10 && b[j]! >= DIGIT_0 && b[j]! <= DIGIT_9) j++
  if (j === first || b[j] !== RBRACKET) return i
  j++
  while (b[j] === SP) j++
  return j
}

/** Skips what the kernel puts before a message: its uptime, then a printk caller id, either optional. */
export function skipKernelStamps(b: Uint8Array, i: number, end: number): number {
  return skipCaller(b, skipUptime(b, i, end), end)
}

/**
 * Where the message of a line with Proxmox VE's head starts (after `<vmid> <level> <chain> <time>
 * <zone> `), or -1 when the line does not start like one. Only the shape: HeaderParser checks values.
 */
export function pveMessageStart(b: Uint8Array, start: number, end: number): number {
  let j = start
  while (j < end && j - start <= 10 && b[j]! >= DIGIT_0 && b[j]! <= DIGIT_9) j++
  if (j === start || b[j] !== SP || b[j + 1]! < DIGIT_0 || b[j + 1]! > DIGIT_7 || b[j + 2] !== SP) return -1
  const chainEnd = tokenEnd(b, j + 3, end)
  const stampEnd = tokenEnd(b, chainEnd + 1, end)
  const zoneEnd = tokenEnd(b, stampEnd + 1, end)
  return zoneEnd < end ? zoneEnd + 1 : -1
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
    out.dialect = KERNEL_DIALECT
    out.chain = ''
    let i = start
    const c = b[i]
    if (c === LT) {
      let gt = i + 1
      while (gt < end && gt - i <= 4 && b[gt] !== GT) gt++
      if (b[gt] === GT && gt > i + 1 && digitsAt(b, i + 1, gt - i - 1) >= 0) {
        i = gt + 1
        if (b[i] === DIGIT_1 && b[i + 1] === SP) return this.rfc5424(b, i + 2, end, ctx, out)
      }
    } else if (c !== undefined && c >= DIGIT_0 && c <= DIGIT_9 && this.pve(b, i, end, out)) return
    // journalctl in ja_JP pads months 1-9 with a space: ` 1月 04 15:05:56 fw kernel: …`.
    while (b[i] === SP) i++
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
    if (b[i] === LBRACKET) {
      // dmesg -T: the message follows (no host, no tag).
      out.time = this.time
      out.msgStart = skipKernelStamps(b, skipSpaces(b, this.timeEnd, end), end)
      return
    }
    out.time = this.time
    i = skipSpaces(b, this.timeEnd, end)
    let te = tokenEnd(b, i, end)
    if (isTag(b, i, te)) {
      out.tag = this.tags.get(b, i, te - 1)
      out.msgStart = skipKernelStamps(b, skipSpaces(b, te, end), end)
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
    out.msgStart = skipKernelStamps(b, i, end)
  }

  // dmesg (`[ 123.456] DROP IN=…`: the message right after the uptime and caller id) or journalctl
  // short-monotonic (`[ 123.456] fw kernel: …`: a host, then a tag).
  private monotonic(b: Uint8Array, i: number, end: number, out: Header): void {
    i = skipKernelStamps(b, i, end)
    out.msgStart = i
    const he = tokenEnd(b, i, end)
    if (he === i || b[he - 1] === COLON || hasEquals(b, i, he)) return
    const t = skipSpaces(b, he, end)
    const te = tokenEnd(b, t, end)
    if (!isTag(b, t, te)) return
    out.host = this.hosts.get(b, i, he)
    out.tag = this.tags.get(b, t, te - 1)
    out.msgStart = skipKernelStamps(b, skipSpaces(b, te, end), end)
  }

  // Proxmox VE: `<vmid> <level 0-7> <chain> <dd/Mon/yyyy:hh:mm:ss> <+hhmm> <message>`. False when
  // the line does not start like one; true when it does, with the time or the reason it is bad.
  private pve(b: Uint8Array, i: number, end: number, out: Header): boolean {
    let j = i
    while (j < end && j - i <= 10 && b[j]! >= DIGIT_0 && b[j]! <= DIGIT_9) j++
    if (b[j] !== SP || b[j + 1]! < DIGIT_0 || b[j + 1]! > DIGIT_7 || b[j + 2] !== SP) return false
    out.dialect = PVE_DIALECT
    const chainStart = j + 3
    const chainEnd = tokenEnd(b, chainStart, end)
    if (chainEnd === chainStart || chainEnd - chainStart > PVE_MAX_CHAIN || chainEnd >= end) {
      out.error = 'Proxmox VE line without a chain name of 1-28 bytes'
      return true
    }
    if (this.stamps.readPve(b, chainEnd + 1, end) !== STAMP) {
      out.error = this.stamps.error
      return true
    }
    out.time = this.stamps.time
    if (!(chainEnd - chainStart === 1 && b[chainStart] === MINUS)) out.chain = this.tags.get(b, chainStart, chainEnd)
    out.msgStart = this.stamps.end < end && b[this.stamps.end] === SP ? this.stamps.end + 1 : this.stamps.end
    return true
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
    out.msgStart = skipKernelStamps(b, i, end)
  }
}
