import { formatIPv4 } from './address.js'

/** IANA protocol numbers the engine treats specially. */
export const PROTO_ICMP = 1
export const PROTO_TCP = 6
export const PROTO_UDP = 17
export const PROTO_ICMPV6 = 58
export const PROTO_UDPLITE = 136

/** TCP flag bits; the kernel prints them in the order CWR ECE URG ACK PSH RST SYN FIN. */
export const FIN = 0x01
export const SYN = 0x02
export const RST = 0x04
export const PSH = 0x08
export const ACK = 0x10
export const URG = 0x20
export const ECE = 0x40
export const CWR = 0x80

/** Flag bits for "not logged" (ipchains logs only SYN). */
export const FLAGS_UNKNOWN = -1

export type Chain = 'INPUT' | 'OUTPUT' | 'FORWARD'

/**
 * One accepted firewall log line. Numeric fields are -1 when the line does not carry them;
 * strings are '' when absent. Times are epoch milliseconds (NaN when the line has none).
 */
export interface Packet {
  time: number
  host: string
  prefix: string
  chain: Chain
  inIf: string
  outIf: string
  physIn: string
  physOut: string
  /** `MAC=` as logged (dst:src:ethertype), or `MACSRC`/`MACDST` from `--log-macdecode`. */
  mac: string
  macSrc: string
  macDst: string
  ipv6: boolean
  src: string
  dst: string
  /** The zone an IPv6 address was logged with (`fe80::3%eth0` → `eth0`), '' when none: not part of the address. */
  srcZone: string
  dstZone: string
  /** IPv4 address as an unsigned 32-bit integer, -1 for IPv6. */
  srcNum: number
  dstNum: number
  len: number
  tos: number
  ttl: number
  /** IPv6 flow label, -1 for IPv4. */
  flowLabel: number
  ipId: number
  df: boolean
  fragment: boolean
  /** Hex of the IPv4 options (`--log-ip-options`), '' when none were logged. */
  ipOpts: string
  /** IPv6 extension-header groups `OPT ( … )` logged before PROTO=, and how many of them were empty. */
  extHeaders: number
  emptyExtHeaders: number
  proto: number
  sport: number
  dport: number
  window: number
  flags: number
  seq: number
  ack: number
  /** Hex of the TCP options (`--log-tcp-options`); null when the line has no TCP options blob. */
  tcpOpts: string | null
  /** Length in bytes of the logged TCP options, -1 when none were logged (no hex decoding needed). */
  readonly tcpOptsBytes: number
  udpLen: number
  icmpType: number
  icmpCode: number
  icmpId: number
  icmpSeq: number
  /** fwsnort rule: SID from `SID<n>` in the prefix, rule number from `[n]`, ESTAB marker. */
  fwsnortSid: number
  fwsnortRule: number
  estab: boolean
}

// Text fields that most runs never read (the IPv4 address text, MAC, option hex) stay as offsets into
// the line's bytes and are decoded on first read: the engine works on numbers, so a million lines
// cost a million fewer small strings each.

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.prototype.latin1Slice.call(buf, start, end) as string
}

class LogPacket implements Packet {
  time = Number.NaN
  host = ''
  prefix = ''
  chain: Chain = 'INPUT'
  inIf = ''
  outIf = ''
  physIn = ''
  physOut = ''
  macSrc = ''
  macDst = ''
  ipv6 = false
  srcZone = ''
  dstZone = ''
  srcNum = -1
  dstNum = -1
  len = -1
  tos = -1
  ttl = -1
  flowLabel = -1
  ipId = -1
  df = false
  fragment = false
  extHeaders = 0
  emptyExtHeaders = 0
  proto = -1
  sport = -1
  dport = -1
  window = -1
  flags = FLAGS_UNKNOWN
  seq = -1
  ack = -1
  udpLen = -1
  icmpType = -1
  icmpCode = -1
  icmpId = -1
  icmpSeq = -1
  fwsnortSid = -1
  fwsnortRule = -1
  estab = false
  /** The line's bytes and the spans of the lazily decoded fields (-1: absent). */
  buf: Uint8Array | null = null
  macStart = -1
  macEnd = -1
  ipOptsStart = -1
  ipOptsEnd = -1
  tcpOptsStart = -1
  tcpOptsEnd = -1
  /** Puts every field back to its absent value, so one packet can be filled line after line. */
  reset(): void {
    this.time = Number.NaN
    this.host = ''
    this.prefix = ''
    this.chain = 'INPUT'
    this.inIf = ''
    this.outIf = ''
    this.physIn = ''
    this.physOut = ''
    this.macSrc = ''
    this.macDst = ''
    this.ipv6 = false
    this.srcZone = ''
    this.dstZone = ''
    this.srcNum = -1
    this.dstNum = -1
    this.len = -1
    this.tos = -1
    this.ttl = -1
    this.flowLabel = -1
    this.ipId = -1
    this.df = false
    this.fragment = false
    this.extHeaders = 0
    this.emptyExtHeaders = 0
    this.proto = -1
    this.sport = -1
    this.dport = -1
    this.window = -1
    this.flags = FLAGS_UNKNOWN
    this.seq = -1
    this.ack = -1
    this.udpLen = -1
    this.icmpType = -1
    this.icmpCode = -1
    this.icmpId = -1
    this.icmpSeq = -1
    this.fwsnortSid = -1
    this.fwsnortRule = -1
    this.estab = false
    this.buf = null
    this.macStart = -1
    this.macEnd = -1
    this.ipOptsStart = -1
    this.ipOptsEnd = -1
    this.tcpOptsStart = -1
    this.tcpOptsEnd = -1
    this.srcText = null
    this.dstText = null
    this.macText = null
    this.ipOptsText = null
    this.tcpOptsText = undefined
  }

  private srcText: string | null = null
  private dstText: string | null = null
  private macText: string | null = null
  private ipOptsText: string | null = null
  private tcpOptsText: string | null | undefined = undefined

  get src(): string {
    return (this.srcText ??= this.srcNum >= 0 ? formatIPv4(this.srcNum) : '')
  }

  set src(v: string) {
    this.srcText = v
  }

  get dst(): string {
    return (this.dstText ??= this.dstNum >= 0 ? formatIPv4(this.dstNum) : '')
  }

  set dst(v: string) {
    this.dstText = v
  }

  get mac(): string {
    return (this.macText ??= this.macStart >= 0 && this.buf !== null ? latin1(this.buf, this.macStart, this.macEnd) : '')
  }

  set mac(v: string) {
    this.macText = v
  }

  get ipOpts(): string {
    return (this.ipOptsText ??= this.ipOptsStart >= 0 && this.buf !== null ? latin1(this.buf, this.ipOptsStart, this.ipOptsEnd).trim() : '')
  }

  set ipOpts(v: string) {
    this.ipOptsText = v
  }

  get tcpOptsBytes(): number {
    if (this.tcpOptsText !== undefined) return this.tcpOptsText === null ? -1 : this.tcpOptsText.length >> 1
    return this.tcpOptsStart < 0 ? -1 : (this.tcpOptsEnd - this.tcpOptsStart) >> 1
  }

  get tcpOpts(): string | null {
    if (this.tcpOptsText === undefined) {
      this.tcpOptsText = this.tcpOptsStart >= 0 && this.buf !== null ? latin1(this.buf, this.tcpOptsStart, this.tcpOptsEnd).trim() : null
    }
    return this.tcpOptsText
  }

  set tcpOpts(v: string | null) {
    this.tcpOptsText = v
  }

  /** True when the TCP options are still only the bytes buf[tcpOptsStart,tcpOptsEnd) of the line. */
  tcpOptsInLine(): boolean {
    return this.tcpOptsText === undefined && this.tcpOptsStart >= 0 && this.buf !== null
  }
}

/** The packet, when its TCP options can be read from its line's bytes (see tcpOptsInLine); else null. */
export function tcpOptionsInLine(pkt: Packet): MutablePacket | null {
  return pkt instanceof LogPacket && pkt.tcpOptsInLine() ? pkt : null
}

/** A packet being filled from a line's bytes (the parser's view of a Packet). */
export type MutablePacket = LogPacket

/** Returns a packet with every field at its "absent" value, to be filled in by a parser. */
export function emptyPacket(): LogPacket {
  return new LogPacket()
}

const FLAG_NAMES: ReadonlyArray<[number, string]> = [
  [CWR, 'CWR'],
  [ECE, 'ECE'],
  [URG, 'URG'],
  [ACK, 'ACK'],
  [PSH, 'PSH'],
  [RST, 'RST'],
  [SYN, 'SYN'],
  [FIN, 'FIN'],
]

const flagTextCache: string[] = []

/** Returns the kernel's spelling of a flag set (`URG PSH FIN`), `NULL` for none, `?` when unknown. */
export function flagsText(flags: number): string {
  if (flags < 0) return '?'
  const cached = flagTextCache[flags]
  if (cached !== undefined) return cached
  const parts: string[] = []
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) parts.push(name)
  const text = parts.length === 0 ? 'NULL' : parts.join(' ')
  flagTextCache[flags] = text
  return text
}
