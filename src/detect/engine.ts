import { AutoDl, type AutoDlEntry } from './auto-dl.js'
import type { Reputation } from '../config/reputation.js'
import type { SnortRuleDl } from '../config/snort-rule-dl.js'
import type { SnortRuleInfo } from '../config/snort-rules.js'
import type { DetectionSettings } from '../config/settings.js'
import {
  type Packet, ACK, CWR, ECE, RST, SYN,
  PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, PROTO_UDPLITE,
} from '../parse/packet.js'
import { synStyle } from './classifier.js'
import { checkIcmp } from './icmp-types.js'
import { newOsState, observeSyn, type OsDatabase } from './os/index.js'
import { isSweepWide, pairLevel, portRange } from './scorer.js'
import type { SignatureIndex } from './signatures/signature-index.js'
import { fwsnortSignature } from './signatures/fwsnort.js'
import type { Signature } from './signatures/types.js'
import { SourceTable } from './source-table.js'
import { FAR_TIME, keyText, newPair, newSource, NO_TIME, pastCount, protoCount, rareOf, takePast, type PairState, type SignatureHit, type SourceState, type SourceTracker } from './state.js'
import { Tally } from './tally.js'

// The detection engine is a reducer: `ingest(state, packet)` updates the state in place and reports
// danger-level changes through `onEvent`. It reads no files, no process state and no clock: time is
// the packets' own (the latest event time seen), so replaying a log gives the verdicts `watch` gave.

/** A source's danger level went up. */
export interface DangerEvent {
  ip: string
  from: number
  to: number
  time: number
  reason: string
}

/** Run-wide tallies of accepted packets. */
export interface Totals {
  packets: number
  firstSeen: number
  lastSeen: number
  hosts: Tally<string>
  /** Packets per IP protocol number. */
  protocols: Float64Array
  prefixes: Tally<string>
  /** Packets per destination port, by protocol. */
  ports: { tcp: Uint32Array; udp: Uint32Array; udplite: Uint32Array }
  /** A TCP line with logged options was seen (psad's condition for its Masscan heuristic). */
  tcpOptionsSeen: boolean
  /** SYNs whose logged TCP options could not be decoded (so could not be fingerprinted). */
  tcpOptionsUndecodable: number
  /**
   * Packets per minute of event time, split by the danger level their source had when the packet
   * arrived: minute index → [DL0, …, DL5]. Bounded: about 44,000 entries per month of logs.
   */
  timeline: Map<number, number[]>
}

export interface EngineState {
  readonly settings: DetectionSettings
  readonly signatures: SignatureIndex | null
  readonly os: OsDatabase | null
  /** The latest timestamp seen, in epoch ms (0 before the first): the time of danger events. */
  now: number
  /**
   * Position of the packet being ingested in the whole input (its line number across all inputs):
   * run-wide label tallies remember where each label was first seen, so parts of a run analysed
   * separately merge into the tallies one run would have kept.
   */
  ordinal: number
  /** Epoch ms of the first timestamp seen; per-source times are ticks relative to it (NaN before). */
  base: number
  readonly sources: SourceTable<SourceState>
  readonly totals: Totals
  onEvent: ((e: DangerEvent) => void) | null
  readonly hits: Signature[]
  readonly lists: DetectionLists
  /** auto_dl candidates per source key (computed once per source, also for ignored ones). */
  readonly autoDlCache: SourceTable<readonly AutoDlEntry[]>
  /** The timeline row of the last packet's minute (consecutive packets share it). */
  lastMinute: number
  lastRow: number[] | undefined
  /** Change tracking and the source cap of `watch`; null (no cost) for `analyze`. */
  tracker: SourceTracker | null
}

/** psad's per-source lists and Snort data; each may be absent. */
export interface DetectionLists {
  autoDl: AutoDl | null
  reputation: Reputation | null
  /** Snort rules by SID, for fwsnort `SID<n>` prefixes. */
  snortRules: ReadonlyMap<number, SnortRuleInfo> | null
  snortRuleDl: SnortRuleDl | null
}

export const NO_LISTS: DetectionLists = { autoDl: null, reputation: null, snortRules: null, snortRuleDl: null }

// Bounds on run-wide label maps: hostile logs must not be able to grow them without limit.
export const MAX_LABELS = 1000
export const MAX_SOURCE_LABELS = 32

const PROTO_BIT: Record<number, number> = { [PROTO_TCP]: 1, [PROTO_UDP]: 2, [PROTO_UDPLITE]: 4, [PROTO_ICMP]: 8, [PROTO_ICMPV6]: 16 }

/** Returns a fresh engine state. */
export function createEngine(
  settings: DetectionSettings,
  signatures: SignatureIndex | null,
  os: OsDatabase | null = null,
  onEvent: ((e: DangerEvent) => void) | null = null,
  lists: DetectionLists = NO_LISTS,
): EngineState {
  return {
    lists,
    autoDlCache: new SourceTable(),
    lastMinute: Number.NaN,
    lastRow: undefined,
    settings,
    signatures: settings.signatures ? signatures : null,
    os: settings.os ? os : null,
    now: 0,
    ordinal: 0,
    base: Number.NaN,
    sources: new SourceTable(),
    totals: {
      packets: 0,
      firstSeen: Number.NaN,
      lastSeen: Number.NaN,
      hosts: new Tally(MAX_LABELS, 'other'),
      protocols: new Float64Array(256),
      prefixes: new Tally(MAX_LABELS, 'other'),
      ports: { tcp: new Uint32Array(65536), udp: new Uint32Array(65536), udplite: new Uint32Array(65536) },
      tcpOptionsSeen: false,
      tcpOptionsUndecodable: 0,
      timeline: new Map(),
    },
    onEvent,
    hits: [],
    tracker: null,
  }
}

/**
 * Gives a running engine another configuration (watch's SIGHUP): its sources, windows and totals stay;
 * new packets are judged with the new settings, signatures, OS database and lists. DLs never drop.
 */
export function reconfigureEngine(state: EngineState, settings: DetectionSettings, signatures: SignatureIndex | null, os: OsDatabase | null, lists: DetectionLists): void {
  const s = state as { -readonly [K in keyof EngineState]: EngineState[K] }
  s.settings = settings
  s.signatures = settings.signatures ? signatures : null
  s.os = settings.os ? os : null
  s.lists = lists
  s.autoDlCache = new SourceTable()
}

// An offset in ms as a small integer: `| 0` makes V8 keep it inside the object instead of boxing a
// double (a difference of two boxed epochs is boxed even when integral). Beyond ±24 days the exact
// double is kept.
function tick(ms: number): number {
  return ms > NO_TIME && ms < FAR_TIME ? ms | 0 : ms
}

function raise(state: EngineState, src: SourceState, level: number, reason: string): void {
  if (level <= src.dl) return
  const from = src.dl
  src.dl = level
  state.onEvent?.({ ip: keyText(src.key), from, to: level, time: state.now, reason })
}

function closeWindow(pair: PairState): void {
  pair.wPackets = 0
  pair.wLo = -1
  pair.wHi = -1
  pair.wProtoBits = 0
  pair.wOtherProtos = null
}

// Closes the windows of pairs idle for longer than SCAN_TIMEOUT, so `live` counts destinations
// in the current window. Each pass closes at least one window, so the work is bounded by packets.
function expire(src: SourceState, now: number, timeoutMs: number): void {
  if (src.live === 0 || now - src.oldestLive <= timeoutMs) return
  let oldest = FAR_TIME
  for (const pair of src.pairs) {
    if (pair.wPackets === 0) continue
    if (now - pair.wLast > timeoutMs) {
      closeWindow(pair)
      src.live--
    } else if (pair.wLast < oldest) oldest = pair.wLast
  }
  src.oldestLive = oldest
}

function scorePair(state: EngineState, src: SourceState, pair: PairState): void {
  const s = state.settings
  const r = portRange(pair.wLo, pair.wHi, pair.wPackets)
  const p = protoCount(pair.wProtoBits, pair.wOtherProtos)
  if (p >= s.protocolScanThreshold && src.rare?.protocolScan !== true) rareOf(src).protocolScan = true
  const level = pairLevel(pair.wPackets, r, p, src.live, s)
  if (level === 0) return
  if (isSweepWide(src.live, s) && pair.wHi > 0 && r === s.portRangeSweepThreshold) rareOf(src).sweep = true
  raise(state, src, level, src.live >= s.uniqueHosts[0]! && s.uniqueHosts[0]! > 0 ? 'sweep' : 'scan')
}

function sourceOf(state: EngineState, pkt: Packet, time: number): SourceState {
  const key = pkt.ipv6 ? pkt.src : pkt.srcNum
  let src = state.sources.get(key)
  if (src === undefined) {
    const tracker = state.tracker
    if (tracker !== null && state.sources.size >= tracker.maxSources) tracker.makeRoom()
    src = newSource(pkt.ipv6 ? pkt.src : pkt.srcNum | 0, time)
    state.sources.set(key, src)
    // A reputation listing depends only on the address and DLs never drop, so once per source is
    // what psad's per-packet check amounts to.
    const listed = state.lists.reputation?.matches(pkt.ipv6 ? pkt.src : '', pkt.ipv6 ? -1 : pkt.srcNum) ?? []
    if (listed.length > 0) {
      rareOf(src).reputation = listed.map((m) => ({ feed: m.feed, dl: m.dl, network: m.network }))
      raise(state, src, Math.max(...listed.map((m) => m.dl)), 'reputation')
    }
  }
  return src
}

// The auto_dl entry for this packet (most specific network whose criteria match), or null.
function autoDlFor(state: EngineState, pkt: Packet): ReturnType<typeof AutoDl.pick> {
  const table = state.lists.autoDl
  if (table === null) return null
  const key = pkt.ipv6 ? pkt.src : pkt.srcNum
  let candidates = state.autoDlCache.get(key)
  if (candidates === undefined) {
    candidates = table.candidates(pkt.src, pkt.ipv6 ? -1 : pkt.srcNum)
    state.autoDlCache.set(key, candidates)
  }
  return candidates.length === 0 ? null : AutoDl.pick(candidates, pkt.proto, pkt.dport)
}

// Most sources talk to one or two destinations: a short list is searched directly, a Map is built
// only for sources with more than a handful.
export const INLINE_PAIRS = 8

function pairOf(state: EngineState, src: SourceState, pkt: Packet, time: number): PairState | null {
  const key = pkt.ipv6 ? pkt.dst : pkt.dstNum | 0
  const pairs = src.pairs
  const index = src.rare === null ? null : src.rare.pairIndex
  let pair: PairState | undefined
  if (index !== null) pair = index.get(key)
  else {
    for (let i = 0; i < pairs.length; i++) {
      if (pairs[i]!.dst === key) {
        pair = pairs[i]
        break
      }
    }
  }
  if (pair === undefined) {
    // A destination of a compacted source's past comes back: analyze still had its pair.
    const past = src.rare === null ? null : src.rare.pastDestinations
    if (past === null || !takePast(src.rare!, key)) {
      if (pairs.length + (past === null ? 0 : pastCount(past)) >= state.settings.maxDestinations) return null
    }
    pair = newPair(key, time)
    // `[pair]` has room for one; pushing onto an empty array would reserve 17 slots.
    if (pairs.length === 0) src.pairs = [pair]
    else pairs.push(pair)
    if (index !== null) index.set(key, pair)
    else if (src.pairs.length > INLINE_PAIRS) rareOf(src).pairIndex = new Map(src.pairs.map((p) => [p.dst, p]))
  }
  return pair
}

function countTotals(t: Totals, pkt: Packet, time: number, ordinal: number): void {
  t.packets++
  // An undated line (NaN) must not reset them: the run's span is that of its dated lines.
  if (time === time) {
    if (!(time >= t.firstSeen)) t.firstSeen = time
    if (!(time <= t.lastSeen)) t.lastSeen = time
  }
  t.hosts.add(pkt.host === '' ? 'unknown' : pkt.host, 1, ordinal)
  t.protocols[pkt.proto]!++
  if (pkt.prefix !== '') t.prefixes.add(pkt.prefix, 1, ordinal)
  if (pkt.dport >= 0) {
    if (pkt.proto === PROTO_TCP) t.ports.tcp[pkt.dport]!++
    else if (pkt.proto === PROTO_UDP) t.ports.udp[pkt.dport]!++
    else if (pkt.proto === PROTO_UDPLITE) t.ports.udplite[pkt.dport]!++
  }
  if (pkt.tcpOptsBytes >= 0) t.tcpOptionsSeen = true
}

function accumulate(state: EngineState, src: SourceState, pair: PairState, pkt: Packet, now: number, time: number): void {
  const s = state.settings
  if (!s.persistence && pair.wPackets > 0 && now - pair.wLast > s.scanTimeout * 1000) {
    closeWindow(pair)
    src.live--
  }
  if (pair.wPackets === 0) {
    src.live++
    if (now < src.oldestLive) src.oldestLive = now
  }
  pair.wPackets++
  pair.wLast = now
  pair.packets++
  if (time !== NO_TIME) {
    if (pair.firstSeen === NO_TIME || time < pair.firstSeen) pair.firstSeen = time
    if (time > pair.lastSeen) pair.lastSeen = time
  }
  const bit = PROTO_BIT[pkt.proto]
  if (bit !== undefined) {
    pair.protoBits |= bit
    pair.wProtoBits |= bit
  } else {
    ;(pair.otherProtos ??= new Set()).add(pkt.proto)
    ;(pair.wOtherProtos ??= new Set()).add(pkt.proto)
  }
  if (pkt.dport >= 0) {
    const port = pkt.dport
    if (pkt.proto === PROTO_TCP) {
      if (pair.tcpLo < 0 || port < pair.tcpLo) pair.tcpLo = port
      if (port > pair.tcpHi) pair.tcpHi = port
    } else if (pkt.proto === PROTO_UDP) {
      if (pair.udpLo < 0 || port < pair.udpLo) pair.udpLo = port
      if (port > pair.udpHi) pair.udpHi = port
    } else if (pkt.proto === PROTO_UDPLITE) {
      if (pair.uliteLo < 0 || port < pair.uliteLo) pair.uliteLo = port
      if (port > pair.uliteHi) pair.uliteHi = port
    }
    if (pair.wLo < 0 || pkt.dport < pair.wLo) pair.wLo = pkt.dport
    if (pkt.dport > pair.wHi) pair.wHi = pkt.dport
  }
}

function findHit(hits: SignatureHit[], key: string): SignatureHit | null {
  for (const h of hits) if (h.sig.key === key) return h
  return null
}

function classify(state: EngineState, src: SourceState, pair: PairState | null, pkt: Packet): void {
  if (pkt.proto === PROTO_UDP || pkt.proto === PROTO_UDPLITE) src.udpPackets++
  if (pkt.proto !== PROTO_TCP || pkt.flags < 0) return
  if (src.flags0Packets === 0 || pkt.flags === src.flags0) {
    src.flags0 = pkt.flags
    src.flags0Packets++
  } else (rareOf(src).tcpFlags ??= new Tally(256, 0)).add(pkt.flags)
  const plain = pkt.flags & ~(CWR | ECE)
  if (plain === SYN) {
    const style = synStyle(pkt)
    if (style === 'raw') src.rawSyns++
    else if (style === 'stack') src.stackSyns++
    if (pkt.tcpOptsBytes < 0 && state.settings.expectTcpOptions) src.synsWithoutOptions++
  }
  if (pkt.ipv6 && pkt.emptyExtHeaders >= 7) rareOf(src).topera++
  if (state.os !== null && plain & SYN && !(plain & ACK)) {
    src.os ??= newOsState()
    if (observeSyn(state.os, src.os, pkt, state.settings.maxHops) === 'undecodable') state.totals.tcpOptionsUndecodable++
  }
  if (pair !== null && plain & SYN && !(plain & (ACK | RST))) {
    if (pkt.dport === 23) pair.syn23++
    else if (pkt.dport === 2323 && pair.syn23 >= 10) {
      rareOf(src).mirai++
      pair.syn23 = 0
    }
  }
}

/**
 * Feeds one accepted packet to the engine, in psad's order (auto_dl, reputation, ICMP validity,
 * signatures, accumulators, OS). Returns null when the packet was counted, or why it was dropped:
 * 'auto-dl-ignore' (its source has DL 0 in auto_dl), 'snort-rule-dl0' / 'signature-dl0' (every rule
 * it matched has danger level 0 in snort_rule_dl or the signature file).
 */
export function ingest(state: EngineState, pkt: Packet): string | null {
  const s = state.settings
  const autoDl = autoDlFor(state, pkt)
  if (autoDl !== null && autoDl.dl === 0) return 'auto-dl-ignore'
  if (pkt.time > state.now) state.now = pkt.time
  if (state.base !== state.base && Number.isFinite(pkt.time)) state.base = pkt.time
  const hits = state.hits
  if (hits.length !== 0) hits.length = 0 // setting a length is a runtime call, even to 0 from 0
  let sigDl = -1
  const snort = pkt.fwsnortSid >= 0 ? state.lists.snortRules?.get(pkt.fwsnortSid) : undefined
  if (snort !== undefined) {
    // The firewall itself matched a Snort rule (fwsnort): that replaces psad's signature engine.
    const dl = state.lists.snortRuleDl?.get(pkt.fwsnortSid)?.dl ?? 2
    if (dl === 0) return 'snort-rule-dl0'
    hits.push(fwsnortSignature(snort, dl))
    sigDl = dl
  } else if (state.signatures !== null && state.signatures.match(pkt, hits) > 0) {
    for (const h of hits) if (h.dl > sigDl) sigDl = h.dl
    if (sigDl === 0) return 'signature-dl0'
  }
  let icmp: 'ok' | 'bad-type' | 'bad-code' = 'ok'
  if (pkt.icmpType >= 0) {
    if (pkt.proto === PROTO_ICMP && !pkt.ipv6 && s.icmp) icmp = checkIcmp(false, pkt.icmpType, pkt.icmpCode)
    else if (pkt.proto === PROTO_ICMPV6 && pkt.ipv6 && s.icmp6) icmp = checkIcmp(true, pkt.icmpType, pkt.icmpCode)
  }

  const abs = Number.isFinite(pkt.time) ? pkt.time : Number.NaN
  const time = abs === abs ? tick(abs - state.base) : NO_TIME
  const src = sourceOf(state, pkt, time)
  const tracker = state.tracker
  if (tracker !== null && src.epoch !== tracker.epoch) tracker.touch(src)
  src.packets++
  if (time !== NO_TIME) {
    if (src.firstSeen === NO_TIME || time < src.firstSeen) src.firstSeen = time
    if (time > src.lastSeen) src.lastSeen = time
  }
  // A source's scan windows run on its own clock: the latest timestamp of its packets (ticks), so
  // other sources' lines (another host's skewed clock, or another part of a run analysed on another
  // thread) never close its windows.
  const now = src.lastSeen === NO_TIME ? 0 : src.lastSeen
  if (autoDl !== null) {
    ;(rareOf(src).autoDl ??= new Map()).set(autoDl.entry, autoDl.network)
    raise(state, src, autoDl.dl, 'auto-dl')
  }
  if (pkt.chain === 'INPUT') src.inputPackets++
  else if (pkt.chain === 'OUTPUT') rareOf(src).outputPackets++
  else src.forwardPackets++
  if (pkt.prefix !== '') {
    if (src.prefixPackets === 0 || pkt.prefix === src.prefix) {
      src.prefix = pkt.prefix
      src.prefixPackets++
    } else (rareOf(src).prefixes ??= new Tally(MAX_SOURCE_LABELS, 'other')).add(pkt.prefix)
  }
  countTotals(state.totals, pkt, abs, state.ordinal)

  if (hits.length > 0) {
    const rare = rareOf(src)
    for (const sig of hits) {
      const found = rare.signatures
      // A short list searched in order: most sources match one or two signatures, and a Map per
      // source would cost several times the memory of the hits themselves.
      const hit = found === null ? null : findHit(found, sig.key)
      if (hit !== null) hit.count++
      else if (found === null) rare.signatures = [{ sig, count: 1 }]
      else found.push({ sig, count: 1 })
    }
  }
  if (sigDl > 0) raise(state, src, sigDl, 'signature')
  if (icmp !== 'ok') {
    const key = (pkt.ipv6 ? 1 << 16 : 0) | (pkt.icmpType << 8) | pkt.icmpCode
    const found = (rareOf(src).invalidIcmp ??= new Map())
    const rec = found.get(key)
    if (rec !== undefined) rec.count++
    else if (found.size < MAX_SOURCE_LABELS) found.set(key, { v6: pkt.ipv6, type: pkt.icmpType, code: pkt.icmpCode, kind: icmp, count: 1 })
    raise(state, src, 2, 'invalid-icmp')
  }

  if (!s.persistence) expire(src, now, s.scanTimeout * 1000)
  const wasWide = isSweepWide(src.live, s)
  const pair = pairOf(state, src, pkt, time)
  classify(state, src, pair, pkt)
  if (pair === null) rareOf(src).untrackedPackets++
  else {
    accumulate(state, src, pair, pkt, now, time)
    if (!wasWide && isSweepWide(src.live, s)) {
      // The sweep gate just opened: every open pair now counts (psad scores all pairs at batch end).
      for (const p of src.pairs) if (p.wPackets > 0) scorePair(state, src, p)
    } else scorePair(state, src, pair)
  }
  if (abs === abs) {
    const minute = Math.floor(abs / 60_000)
    let row = state.lastRow
    if (minute !== state.lastMinute || row === undefined) {
      row = state.totals.timeline.get(minute)
      if (row === undefined) state.totals.timeline.set(minute, (row = [0, 0, 0, 0, 0, 0]))
      state.lastMinute = minute
      state.lastRow = row
      tracker?.minutes?.add(minute)
    }
    row[src.dl]!++
  }
  return null
}
