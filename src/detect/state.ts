import type { OsState } from './os/index.js'
import type { Signature } from './signatures/types.js'

/** Port range of one protocol to one destination; lo = -1 when no port was seen. */
export interface PortRange {
  lo: number
  hi: number
}

/** Everything known about one (source, destination) pair: cumulative totals plus the scoring window. */
export interface PairState {
  dst: string
  packets: number
  firstSeen: number
  lastSeen: number
  tcp: PortRange
  udp: PortRange
  udplite: PortRange
  /** Distinct IP protocols (bit per common protocol, plus `otherProtos` for the rest). */
  protoBits: number
  otherProtos: Set<number> | null
  // Scoring window (closed after SCAN_TIMEOUT without packets unless ENABLE_PERSISTENCE).
  wPackets: number
  wLast: number
  wLo: number
  wHi: number
  wProtoBits: number
  wOtherProtos: Set<number> | null
  /** SYNs to TCP/23 since the last Mirai match (psad's heuristic). */
  syn23: number
}

export interface InvalidIcmp {
  v6: boolean
  type: number
  code: number
  kind: 'bad-type' | 'bad-code'
  count: number
}

export interface SignatureHit {
  sig: Signature
  count: number
}

/** Everything known about one source address. Memory is bounded by `maxDestinations`. */
export interface SourceState {
  ip: string
  v6: boolean
  dl: number
  packets: number
  firstSeen: number
  lastSeen: number
  pairs: Map<number | string, PairState>
  /** Packets to destinations beyond `maxDestinations` (counted, not itemised). */
  untrackedPackets: number
  untrackedDestinations: number
  /** Pairs whose scoring window is open, and a lower bound of their last-packet times. */
  live: number
  oldestLive: number
  tcpFlags: Map<number, number>
  udpPackets: number
  rawSyns: number
  stackSyns: number
  synsWithoutOptions: number
  protocolScan: boolean
  sweep: boolean
  mirai: number
  topera: number
  chains: Map<string, number>
  prefixes: Map<string, number>
  signatures: Map<string, SignatureHit>
  invalidIcmp: Map<number, InvalidIcmp>
  /** Reasons the DL was raised, first occurrence each ("signature", "invalid-icmp", "scan", …). */
  dlReasons: Set<string>
  /** Passive OS fingerprint state, created at the source's first SYN. */
  os: OsState | null
  /** auto_dl entries that raised this source (file:line → text), and reputation lists it is on. */
  autoDl: Map<string, string> | null
  reputation: readonly { feed: string; dl: number; network: string }[]
}

export function newRange(): PortRange {
  return { lo: -1, hi: -1 }
}

export function newPair(dst: string, time: number): PairState {
  return {
    dst,
    packets: 0,
    firstSeen: time,
    lastSeen: time,
    tcp: newRange(),
    udp: newRange(),
    udplite: newRange(),
    protoBits: 0,
    otherProtos: null,
    wPackets: 0,
    wLast: time,
    wLo: -1,
    wHi: -1,
    wProtoBits: 0,
    wOtherProtos: null,
    syn23: 0,
  }
}

export function newSource(ip: string, v6: boolean, time: number): SourceState {
  return {
    ip,
    v6,
    dl: 0,
    packets: 0,
    firstSeen: time,
    lastSeen: time,
    pairs: new Map(),
    untrackedPackets: 0,
    untrackedDestinations: 0,
    live: 0,
    oldestLive: Infinity,
    tcpFlags: new Map(),
    udpPackets: 0,
    rawSyns: 0,
    stackSyns: 0,
    synsWithoutOptions: 0,
    protocolScan: false,
    sweep: false,
    mirai: 0,
    topera: 0,
    chains: new Map(),
    prefixes: new Map(),
    signatures: new Map(),
    invalidIcmp: new Map(),
    dlReasons: new Set(),
    os: null,
    autoDl: null,
    reputation: [],
  }
}

/** Adds one to a counter map, refusing new keys past `limit` (they go to the `other` key). */
export function bump<K>(map: Map<K, number>, key: K, limit: number, other: K, by = 1): void {
  const cur = map.get(key)
  if (cur !== undefined) map.set(key, cur + by)
  else if (map.size < limit) map.set(key, by)
  else map.set(other, (map.get(other) ?? 0) + by)
}

/** Returns the number of distinct protocols in a protocol bit set plus its overflow set. */
export function protoCount(bits: number, other: Set<number> | null): number {
  let n = other === null ? 0 : other.size
  for (let b = bits; b !== 0; b &= b - 1) n++
  return n
}
