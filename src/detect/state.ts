import { formatIPv4 } from '../parse/address.js'
import type { DestinationCount } from './destination-count.js'
import type { OsState } from './os/index.js'
import type { Signature } from './signatures/types.js'
import type { Tally } from './tally.js'

// Per-source and per-destination state. A run may track a million sources, so the common case is
// kept small: plain numeric fields, one inline destination list, and every collection (flag tally,
// prefixes beyond the first, signature hits, ICMP findings) created only when first needed.
//
// Numbers are kept within V8's small integers, which live inside the object; any other number (an
// epoch in milliseconds, an IPv4 address above 2^31) costs a separate 16-byte box per field. So IPv4
// keys are stored as signed 32-bit values, and times as "ticks": milliseconds since the run's first
// timestamp (the engine's `base`), small for runs of up to about 24 days.

/** An address key: an IPv4 address as a signed 32-bit number (`uint32 | 0`), or canonical IPv6 text. */
export type AddressKey = number | string

/** A tick that means "no timestamp", and one later than any real tick. */
export const NO_TIME = -2147483648
export const FAR_TIME = 2147483647

/** Returns the text of an address key. */
export function keyText(key: AddressKey): string {
  return typeof key === 'number' ? formatIPv4(key >>> 0) : key
}

/** Returns the key a SourceTable files a source under (IPv4 as an unsigned number, as packets carry it). */
export function tableKey(key: AddressKey): AddressKey {
  return typeof key === 'number' ? key >>> 0 : key
}

/** Everything known about one (source, destination) pair: cumulative totals plus the scoring window. */
export interface PairState {
  dst: AddressKey
  packets: number
  firstSeen: number
  lastSeen: number
  /** Destination port ranges per protocol; lo = -1 when no port was seen. */
  tcpLo: number
  tcpHi: number
  udpLo: number
  udpHi: number
  uliteLo: number
  uliteHi: number
  /** Distinct IP protocols (bit per common protocol, plus `otherProtos` for the rest). */
  protoBits: number
  otherProtos: Set<number> | null
  // Scoring window (closed after SCAN_TIMEOUT without packets unless ENABLE_PERSISTENCE).
  wPackets: number
  /** When the window opened and its latest packet (the source's clock, ticks). */
  wFirst: number
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

/**
 * The largest flood a source sent: a window of one pair with DANGER_LEVEL3 or more packets to one
 * destination port (psad's model scores no scan there, R = 0).
 */
export interface Flood {
  dst: AddressKey
  port: number
  /** Protocols of the window (PROTO_BIT bits: 1 tcp, 2 udp, 4 udplite). */
  protoBits: number
  packets: number
  /** The window's first and latest packet (ticks). */
  first: number
  last: number
}

/** Everything known about one source address. Memory is bounded by `maxDestinations`. */
export interface SourceState {
  /** The address; IPv6 sources are the ones with a string key. */
  key: AddressKey
  dl: number
  packets: number
  firstSeen: number
  lastSeen: number
  /** Destinations in first-seen order (an index over them, for many, is in `rare`). */
  pairs: PairState[]
  /** Pairs whose scoring window is open, and a lower bound of their last-packet times. */
  live: number
  oldestLive: number
  /** The first TCP flag set and its count inline (-1: none yet); further flag sets in `rare.tcpFlags`. */
  flags0: number
  flags0Packets: number
  udpPackets: number
  rawSyns: number
  stackSyns: number
  synsWithoutOptions: number
  inputPackets: number
  forwardPackets: number
  /** The first log prefix and its count inline; further prefixes in `rare.prefixes`. */
  prefix: string
  prefixPackets: number
  /** The first syslog host that logged the source and its count inline; further hosts in `rare.hosts`. */
  host: string
  hostPackets: number
  /** Passive OS fingerprint state, created at the source's first SYN. */
  os: OsState | null
  /** What few sources need, created on first use (`rareOf`); null reads as NO_RARE. */
  rare: SourceRare | null
  /** The save epoch in which the source was last marked changed (see SourceTracker); 0: never. */
  epoch: number
}

/**
 * What `watch` attaches to an engine to save its state and bound its memory (null for `analyze`, so
 * the hot path pays one null check). A source whose `epoch` differs from the tracker's is handed to
 * `touch` once when its first packet of the epoch arrives; a save starts a new epoch.
 */
export interface SourceTracker {
  epoch: number
  touch(src: SourceState): void
  /** Timeline minutes entered since the last save (rows of other minutes did not change); null: not recorded. */
  readonly minutes: Set<number> | null
  /** Sources tracked before `makeRoom` is asked to evict some for a new one (Infinity: no cap). */
  readonly maxSources: number
  makeRoom(): void
}

/** The parts of a source's state that most sources never touch, kept out of the common object. */
export interface SourceRare {
  pairIndex: Map<AddressKey, PairState> | null
  /**
   * Destinations whose pairs were dropped when the source was compacted (see retention.ts): a list,
   * or a Set when long. They still count against `maxDestinations`, and one that comes back gets a
   * pair again, so the source is scored on the destinations analyze would score it on.
   */
  pastDestinations: AddressKey[] | Set<AddressKey> | null
  /** Packets to destinations beyond `maxDestinations` (counted, not itemised). */
  untrackedPackets: number
  /** Those destinations, counted distinct (exactly up to a million, then estimated). */
  untrackedDestinations: DestinationCount | null
  tcpFlags: Tally<number> | null
  protocolScan: boolean
  sweep: boolean
  mirai: number
  topera: number
  flood: Flood | null
  prefixes: Tally<string> | null
  /** Syslog hosts beyond the first (a source is one address across every firewall that logs to this log). */
  hosts: Tally<string> | null
  /** Signatures matched, each once (by key), in first-match order. */
  signatures: SignatureHit[] | null
  invalidIcmp: Map<number, InvalidIcmp> | null
  /** auto_dl entries that raised this source (file:line → network), and reputation lists it is on. */
  autoDl: Map<string, string> | null
  reputation: readonly { feed: string; dl: number; network: string }[]
}

const NO_LISTINGS: SourceRare['reputation'] = []

function newRare(): SourceRare {
  return {
    pairIndex: null,
    pastDestinations: null,
    untrackedPackets: 0,
    untrackedDestinations: null,
    tcpFlags: null,
    protocolScan: false,
    sweep: false,
    mirai: 0,
    topera: 0,
    flood: null,
    prefixes: null,
    hosts: null,
    signatures: null,
    invalidIcmp: null,
    autoDl: null,
    reputation: NO_LISTINGS,
  }
}

/** What a source without rare state reads: every count zero, every collection absent. */
export const NO_RARE: Readonly<SourceRare> = Object.freeze(newRare())

/** Returns the source's rare state, creating it on first use. */
export function rareOf(src: SourceState): SourceRare {
  return (src.rare ??= newRare())
}

/** Returns the number of distinct destinations of a source and whether it is an estimate (beyond a million untracked ones). */
export function destinationCount(src: SourceState): { count: number; estimated: boolean } {
  const r = src.rare
  const past = r?.pastDestinations ?? null
  const untracked = r?.untrackedDestinations ?? null
  return {
    count: src.pairs.length + (past === null ? 0 : pastCount(past)) + (untracked === null ? 0 : untracked.count),
    estimated: untracked?.estimated ?? false,
  }
}

/** Returns a past-destination collection holding `keys`: a list, or a Set when long (looked up per packet). */
export function pastList(keys: AddressKey[]): AddressKey[] | Set<AddressKey> {
  return keys.length > PAST_INLINE ? new Set(keys) : keys
}

const PAST_INLINE = 8

/** Returns how many past destinations a compacted source has. */
export function pastCount(past: AddressKey[] | Set<AddressKey>): number {
  return Array.isArray(past) ? past.length : past.size
}

/** Removes a destination from the source's past destinations; returns whether it was one. */
export function takePast(rare: SourceRare, dst: AddressKey): boolean {
  const past = rare.pastDestinations
  if (past === null) return false
  if (Array.isArray(past)) {
    const i = past.indexOf(dst)
    if (i < 0) return false
    past.splice(i, 1)
  } else if (!past.delete(dst)) return false
  if (pastCount(past) === 0) rare.pastDestinations = null
  return true
}

/** The empty destination list, shared until a first destination replaces it (engine.pairOf never pushes onto it). */
export const NO_PAIRS: PairState[] = []

export function newPair(dst: AddressKey, time: number): PairState {
  return {
    dst,
    packets: 0,
    firstSeen: time,
    lastSeen: time,
    tcpLo: -1,
    tcpHi: -1,
    udpLo: -1,
    udpHi: -1,
    uliteLo: -1,
    uliteHi: -1,
    protoBits: 0,
    otherProtos: null,
    wPackets: 0,
    wFirst: time,
    wLast: time,
    wLo: -1,
    wHi: -1,
    wProtoBits: 0,
    wOtherProtos: null,
    syn23: 0,
  }
}

export function newSource(key: AddressKey, time: number): SourceState {
  return {
    key,
    dl: 0,
    packets: 0,
    firstSeen: time,
    lastSeen: time,
    pairs: NO_PAIRS,
    live: 0,
    oldestLive: FAR_TIME,
    flags0: -1,
    flags0Packets: 0,
    udpPackets: 0,
    rawSyns: 0,
    stackSyns: 0,
    synsWithoutOptions: 0,
    inputPackets: 0,
    forwardPackets: 0,
    prefix: '',
    prefixPackets: 0,
    host: '',
    hostPackets: 0,
    os: null,
    rare: null,
    epoch: 0,
  }
}

/** Returns the number of distinct protocols in a protocol bit set plus its overflow set. */
export function protoCount(bits: number, other: Set<number> | null): number {
  let n = other === null ? 0 : other.size
  for (let b = bits; b !== 0; b &= b - 1) n++
  return n
}

// A count kept as "the first value inline, the others in a tally": all of them as [value, count].
function firstAndRest<K>(first: K, n: number, rest: Tally<K> | null | undefined): [K, number][] {
  const out: [K, number][] = n > 0 ? [[first, n]] : []
  if (rest != null) out.push(...rest.entries())
  return out
}

/** Returns [flags, packets] pairs of a source, the inline first flag set included. */
export function sourceFlags(src: SourceState): [number, number][] {
  return firstAndRest(src.flags0, src.flags0Packets, src.rare?.tcpFlags)
}

/** Returns [host, packets] pairs of a source: the syslog hosts that logged it, the inline first included. */
export function sourceHosts(src: SourceState): [string, number][] {
  return firstAndRest(src.host, src.hostPackets, src.rare?.hosts)
}

/** Returns [prefix, packets] pairs of a source, the inline first prefix included. */
export function sourcePrefixes(src: SourceState): [string, number][] {
  return firstAndRest(src.prefix, src.prefixPackets, src.rare?.prefixes)
}
