// Text of kernel netfilter LOG lines exactly as nf_log_syslog prints them (field order, spacing, the
// trailing blank, `%pI6` full-form IPv6, upper-case option hex), plus the syslog heads in front of them.
// Only formatting lives here; what to send is decided by the actors.

import { compressIPv6 } from '../src/parse/address.js'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** How a logging host writes the head of a line. */
export type HeadStyle =
  | 'bsd' // Nov 22 07:15:55 fw1 kernel: DROP IN=…
  | 'bsd-uptime' // Nov 22 07:15:55 fw1 kernel: [ 1234.567890] DROP IN=…
  | 'iso' // 2026-11-22T07:15:55.865612+00:00 gw kernel: …
  | 'iso-bare' // 2026-11-22T07:15:55 gw kernel: …  (no fraction, no zone: psad misses the time)
  | 'rfc5424' // <4>1 2026-11-22T07:15:55.865612+00:00 edge kernel - - - [ 12.3] DROP IN=…
  | 'no-tag' // Nov 22 07:15:55 ulog IN=…  (ulogd LOGEMU: no `kernel:`)

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

function pad6(n: number): string {
  return String(n).padStart(6, '0')
}

/** Formats syslog heads for one host; caches the per-second part (many lines share a second). */
export class HeadFormatter {
  private lastSecond = -1
  private lastText = ''

  constructor(
    private readonly host: string,
    private readonly style: HeadStyle,
    /** Epoch µs of the window start (UTC), and the host's kernel uptime then, in µs. */
    private readonly epochUs: number,
    private readonly uptimeUs: number,
  ) {}

  /** Returns the head for a line logged `us` µs after the window start; ends where the message begins. */
  head(us: number): string {
    const abs = this.epochUs + us
    const second = Math.floor(abs / 1e6)
    const frac = abs - second * 1e6
    if (second !== this.lastSecond) {
      this.lastSecond = second
      this.lastText = this.secondText(second)
    }
    switch (this.style) {
      case 'bsd':
      case 'no-tag':
      case 'iso-bare':
        return this.lastText
      case 'bsd-uptime':
        return `${this.lastText}${this.uptime(us)}`
      case 'iso':
        return `${this.lastText}${pad6(frac)}+00:00 ${this.host} kernel: `
      case 'rfc5424':
        return `<4>1 ${this.lastText}${pad6(frac)}+00:00 ${this.host} kernel - - - ${this.uptime(us)}`
    }
  }

  /** Returns the head of a non-kernel syslog message from `tag` (sshd[812], CRON[99]). */
  program(us: number, tag: string): string {
    const d = new Date(Math.floor((this.epochUs + us) / 1000))
    if (this.style === 'iso' || this.style === 'rfc5424' || this.style === 'iso-bare') {
      return `${isoSecond(d)}.${pad6((this.epochUs + us) % 1e6)}+00:00 ${this.host} ${tag}: `
    }
    return `${bsdSecond(d)} ${this.host} ${tag}: `
  }

  private uptime(us: number): string {
    const up = this.uptimeUs + us
    const s = Math.floor(up / 1e6)
    return `[${String(s).padStart(5, ' ')}.${pad6(up - s * 1e6)}] `
  }

  private secondText(second: number): string {
    const d = new Date(second * 1000)
    switch (this.style) {
      case 'bsd':
      case 'bsd-uptime':
        return `${bsdSecond(d)} ${this.host} kernel: `
      case 'no-tag':
        return `${bsdSecond(d)} ${this.host} `
      case 'iso-bare':
        return `${isoSecond(d)} ${this.host} kernel: `
      case 'iso':
      case 'rfc5424':
        return `${isoSecond(d)}.`
    }
  }
}

function bsdSecond(d: Date): string {
  const day = d.getUTCDate()
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
}

function isoSecond(d: Date): string {
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
}

/** Returns the dotted quad of an unsigned 32-bit address. */
export function ipv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

/** Returns the kernel's `%pI6` text of eight 16-bit groups: always 8×4 lower-case hex digits. */
export function ipv6Full(groups: readonly number[]): string {
  return groups.map((g) => g.toString(16).padStart(4, '0')).join(':')
}

/** Returns the RFC 5952 text of eight groups (what relays such as ulogd's JSON or logger users print). */
export function ipv6Short(groups: readonly number[]): string {
  return compressIPv6(groups)
}

const TOS_TEXT: string[] = Array.from({ length: 256 }, (_, tos) => {
  const t = (tos & 0x1e).toString(16).toUpperCase().padStart(2, '0')
  const p = (tos & 0xe0).toString(16).toUpperCase().padStart(2, '0')
  return `TOS=0x${t} PREC=0x${p}`
})

/** `TOS=0x.. PREC=0x..`: the kernel splits the TOS byte into its TOS and precedence bits. */
export function tosText(tos: number): string {
  return TOS_TEXT[tos & 255]!
}

export interface Ipv4Fields {
  src: string
  dst: string
  len: number
  tos: number
  ttl: number
  id: number
  df: boolean
}

/** Returns `SRC= DST= LEN= TOS= PREC= TTL= ID= [DF ]`, the IPv4 part before PROTO=. */
export function ipv4Header(f: Ipv4Fields): string {
  return `SRC=${f.src} DST=${f.dst} LEN=${f.len} ${tosText(f.tos)} TTL=${f.ttl} ID=${f.id} ${f.df ? 'DF ' : ''}`
}

export interface Ipv6Fields {
  src: string
  dst: string
  len: number
  tc: number
  hopLimit: number
  flowLabel: number
  /** Extension headers, each logged as an empty `OPT ( )` (hop-by-hop, routing, destination options). */
  extHeaders: number
}

/** Returns `SRC= DST= LEN= TC= HOPLIMIT= FLOWLBL= [OPT ( ) …]`, the IPv6 part before PROTO=. */
export function ipv6Header(f: Ipv6Fields): string {
  return `SRC=${f.src} DST=${f.dst} LEN=${f.len} TC=${f.tc} HOPLIMIT=${f.hopLimit} FLOWLBL=${f.flowLabel} ${'OPT ( ) '.repeat(f.extHeaders)}`
}

/** TCP flag words in the kernel's print order. */
export const FLAG_ORDER = ['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'] as const

export interface TcpFields {
  sport: number
  dport: number
  /** Kernel-order flag words joined by spaces; '' for a NULL scan. */
  flags: string
  window: number
  /** `--log-tcp-sequence`: [seq, ack] or null. */
  seq: readonly [number, number] | null
  /** Option bytes as upper-case hex, '' for none; null when the rule does not log options. */
  opts: string | null
  urgp: number
}

/** Returns the TCP part from `PROTO=TCP` to the end of the options. */
export function tcpText(t: TcpFields): string {
  const seq = t.seq === null ? '' : `SEQ=${t.seq[0]} ACK=${t.seq[1]} `
  const flags = t.flags === '' ? '' : `${t.flags} `
  const opts = t.opts === null || t.opts === '' ? '' : `OPT (${t.opts}) `
  return `PROTO=TCP SPT=${t.sport} DPT=${t.dport} ${seq}WINDOW=${t.window} RES=0x00 ${flags}URGP=${t.urgp} ${opts}`
}

/** Returns `PROTO=UDP SPT= DPT= LEN=` (or UDPLITE). */
export function udpText(sport: number, dport: number, len: number, lite = false): string {
  return `PROTO=${lite ? 'UDPLITE' : 'UDP'} SPT=${sport} DPT=${dport} LEN=${len} `
}

/**
 * Returns the ICMP part: TYPE/CODE, the echo ID/SEQ, and for errors the offending packet in `[ … ]`
 * (`inner` is its text without brackets), GATEWAY= for redirects, MTU= for fragmentation needed.
 */
export function icmpText(type: number, code: number, extra: { id?: number; seq?: number; inner?: string; gateway?: string; mtu?: number; parameter?: number }): string {
  let s = `PROTO=ICMP TYPE=${type} CODE=${code} `
  if (type === 0 || type === 8) s += `ID=${extra.id ?? 0} SEQ=${extra.seq ?? 0} `
  else if (type === 12) s += `PARAMETER=${extra.parameter ?? 0} `
  else {
    if (type === 5) s += `GATEWAY=${extra.gateway ?? '0.0.0.0'} `
    if ((type === 3 || type === 4 || type === 5 || type === 11) && extra.inner !== undefined) s += `[${extra.inner}] `
    if (type === 3 && code === 4) s += `MTU=${extra.mtu ?? 1400} `
  }
  return s
}

/** Returns the ICMPv6 part: TYPE/CODE, echo ID/SEQ, POINTER= for parameter problems, embedded packet, MTU=. */
export function icmp6Text(type: number, code: number, extra: { id?: number; seq?: number; inner?: string; mtu?: number; pointer?: number }): string {
  let s = `PROTO=ICMPv6 TYPE=${type} CODE=${code} `
  if (type === 128 || type === 129) s += `ID=${extra.id ?? 0} SEQ=${extra.seq ?? 0} `
  else if (type >= 1 && type <= 4) {
    if (type === 4) s += `POINTER=${(extra.pointer ?? 0).toString(16).padStart(8, '0')} `
    if (extra.inner !== undefined) s += `[${extra.inner}] `
    if (type === 2) s += `MTU=${extra.mtu ?? 1280} `
  }
  return s
}

/** Returns option bytes as the kernel prints them: upper-case hex without separators. */
export function hex(bytes: readonly number[]): string {
  let s = ''
  for (const b of bytes) s += b.toString(16).toUpperCase().padStart(2, '0')
  return s
}
