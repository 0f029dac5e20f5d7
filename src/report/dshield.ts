import { InternalError, UsageError } from '../core/errors.js'
import { flagsText, PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_UDPLITE, type Packet } from '../parse/packet.js'
import { ChunkWriter } from './csv-chunks.js'

// The DShield / Internet Storm Center submission format (psad's ENABLE_DSHIELD_ALERTS), one line per
// accepted packet:
//   YYYY-MM-DD HH:MM:SS ±HH:MM <TAB> userid <TAB> 1 <TAB> src <TAB> sport <TAB> dst <TAB> dport <TAB> proto [<TAB> flags]
// Deliberately unlike psad: the month is zero-padded, the year is the packet's own (not the year of
// sending), and the offset is the zone's real offset at that instant (not the current whole hours),
// so lines either side of a DST change carry different offsets. IPv4 only, as DShield accepts.

/** `'local'`: this process's zone (honours TZ); `'UTC'`; or an IANA zone name (`Europe/Berlin`). */
export type DshieldZone = string

export interface DshieldOptions {
  /** DSHIELD_USER_ID: digits; 0 submits anonymously. */
  userId: string | number
  /** Zone the times are written in; default 'local'. */
  timeZone?: DshieldZone
}

type Offset = (ms: number) => number

const localOffset: Offset = (ms) => -new Date(ms).getTimezoneOffset()

function intlOffset(zone: string): Offset {
  let fmt: Intl.DateTimeFormat
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    })
  } catch {
    throw new UsageError(`unknown time zone '${zone}'`, "use 'local', 'UTC' or an IANA name such as Europe/Berlin")
  }
  // Zone offsets change on whole minutes, so one lookup per minute is exact.
  const cache = new Map<number, number>()
  return (ms) => {
    const minute = Math.floor(ms / 60_000)
    let off = cache.get(minute)
    if (off === undefined) {
      const p: Record<string, number> = {}
      for (const part of fmt.formatToParts(minute * 60_000)) if (part.type !== 'literal') p[part.type] = Number(part.value)
      off = Math.round((Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - minute * 60_000) / 60_000)
      if (cache.size > 10_000) cache.clear()
      cache.set(minute, off)
    }
    return off
  }
}

/** Returns the offset function of a zone; throws UsageError for an unknown zone name. */
function zoneOffset(zone: DshieldZone = 'local'): Offset {
  if (zone === 'local') return localOffset
  if (/^(utc|z|gmt)$/i.test(zone)) return () => 0
  return intlOffset(zone)
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

function offsetText(minutes: number): string {
  const abs = Math.abs(minutes)
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

function formatTime(ms: number, offset: Offset): string {
  const off = offset(ms)
  const d = new Date(ms + off * 60_000)
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${offsetText(off)}`
}

function userIdText(id: string | number): string {
  const text = String(id).trim()
  if (!/^\d{1,12}$/.test(text)) throw new UsageError(`invalid DShield user id '${String(id)}': expected digits (0 for anonymous)`)
  return text
}

function protoText(proto: number): string {
  switch (proto) {
    case PROTO_TCP: return 'TCP'
    case PROTO_UDP: return 'UDP'
    case PROTO_ICMP: return 'ICMP'
    default: return String(proto)
  }
}

// Ports the line does not carry (other protocols, truncated INCOMPLETE lines) are 0, as psad sent them:
// DShield's columns are numeric.
const port = (n: number): number => (n >= 0 ? n : 0)

/** Streams DShield lines for accepted packets; counts what it cannot submit. */
export class DshieldWriter {
  /** Lines written. */
  lines = 0
  /** IPv6 packets skipped (DShield's format is IPv4 only). */
  skippedIpv6 = 0
  /** Packets skipped because their line had no wall-clock timestamp (dmesg output). */
  skippedNoTime = 0
  private readonly userId: string
  private readonly offset: Offset
  private readonly out: ChunkWriter
  private ended = false

  /** Throws UsageError for a user id that is not digits or an unknown zone. */
  constructor(options: DshieldOptions, write: (chunk: string) => void) {
    this.userId = userIdText(options.userId)
    this.offset = zoneOffset(options.timeZone)
    this.out = new ChunkWriter(write)
  }

  /** Queues the line of one packet, or counts why there is none; throws InternalError after end(). */
  packet(pkt: Packet): void {
    if (this.ended) throw new InternalError('DShield output: packet after end()')
    if (pkt.ipv6) {
      this.skippedIpv6++
      return
    }
    if (!Number.isFinite(pkt.time)) {
      this.skippedNoTime++
      return
    }
    let sp: number
    let dp: number
    if (pkt.proto === PROTO_ICMP) {
      sp = port(pkt.icmpType)
      dp = port(pkt.icmpCode)
    } else if (pkt.proto === PROTO_TCP || pkt.proto === PROTO_UDP || pkt.proto === PROTO_UDPLITE) {
      sp = port(pkt.sport)
      dp = port(pkt.dport)
    } else {
      sp = 0
      dp = 0
    }
    let line = `${formatTime(pkt.time, this.offset)}\t${this.userId}\t1\t${pkt.src}\t${sp}\t${pkt.dst}\t${dp}\t${protoText(pkt.proto)}`
    if (pkt.proto === PROTO_TCP) line += `\t${pkt.flags >= 0 ? flagsText(pkt.flags).replaceAll(' ', ',') : ''}`
    this.out.push(`${line}\n`)
    this.lines++
  }

  /** Writes what is queued now (for live output); end() does this too. */
  flush(): void {
    this.out.flush()
  }

  /** Writes the rest; no packet may follow. */
  end(): void {
    this.out.flush()
    this.ended = true
  }
}
