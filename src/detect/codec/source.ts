import { canonicalIPv6, parseIPv4 } from '../../parse/address.js'
import { INLINE_PAIRS, MAX_SOURCE_LABELS, type EngineState } from '../engine.js'
import { keyText, newPair, newSource, pastList, rareOf, type AddressKey, type PairState, type SourceRare, type SourceState } from '../state.js'
import { Tally, type TallyEntry } from '../tally.js'
import { DestinationCount } from '../destination-count.js'
import { corrupt, count, list, num, nums, obj, readNumbers, str } from './check.js'
import { decodeOs, encodeOs } from './os.js'
import { decodeHits, encodeHits } from './signature-hits.js'

// One source's whole state as a JSON-able record, and back. The field lists below name every field
// of SourceState, PairState and SourceRare: a field the engine gains must be added to one of them, or
// the type check (`Unlisted`) and the codec test fail. Numbers go positionally, in list order.
//
// A record:  [...SOURCE_NUMBERS, prefix, [pair, …], os | null, rare | null, host]
// A pair:    [dst, ...PAIR_NUMBERS, otherProtos | null, wOtherProtos | null]

export const SOURCE_NUMBERS = [
  'dl', 'packets', 'firstSeen', 'lastSeen', 'live', 'oldestLive', 'flags0', 'flags0Packets', 'udpPackets',
  'rawSyns', 'stackSyns', 'synsWithoutOptions', 'inputPackets', 'forwardPackets', 'prefixPackets', 'hostPackets',
] as const satisfies readonly (keyof SourceState)[]
/** Fields written otherwise: the key is the record's name; `epoch` is save bookkeeping, not state. */
export const SOURCE_OTHER = ['key', 'prefix', 'pairs', 'os', 'rare', 'host', 'epoch'] as const satisfies readonly (keyof SourceState)[]

export const PAIR_NUMBERS = [
  'packets', 'firstSeen', 'lastSeen', 'tcpLo', 'tcpHi', 'udpLo', 'udpHi', 'uliteLo', 'uliteHi', 'protoBits',
  'wPackets', 'wFirst', 'wLast', 'wLo', 'wHi', 'wProtoBits', 'syn23',
] as const satisfies readonly (keyof PairState)[]
export const PAIR_OTHER = ['dst', 'otherProtos', 'wOtherProtos'] as const satisfies readonly (keyof PairState)[]

export const RARE_NUMBERS = ['untrackedPackets', 'mirai', 'topera'] as const satisfies readonly (keyof SourceRare)[]
/** `pairIndex` is rebuilt from the pairs (the engine keeps one exactly when there are more than INLINE_PAIRS). */
export const RARE_OTHER = [
  'protocolScan', 'sweep', 'flood', 'untrackedDestinations', 'tcpFlags', 'prefixes', 'hosts', 'signatures', 'invalidIcmp', 'autoDl', 'reputation', 'pairIndex', 'pastDestinations',
] as const satisfies readonly (keyof SourceRare)[]

type Unlisted<T, L> = Exclude<keyof T, L>
// Each is `true` only while every field is listed; otherwise the assignment names the missing ones.
export const ALL_LISTED: [
  [Unlisted<SourceState, (typeof SOURCE_NUMBERS)[number] | (typeof SOURCE_OTHER)[number]>] extends [never] ? true : Unlisted<SourceState, (typeof SOURCE_NUMBERS)[number] | (typeof SOURCE_OTHER)[number]>,
  [Unlisted<PairState, (typeof PAIR_NUMBERS)[number] | (typeof PAIR_OTHER)[number]>] extends [never] ? true : Unlisted<PairState, (typeof PAIR_NUMBERS)[number] | (typeof PAIR_OTHER)[number]>,
  [Unlisted<SourceRare, (typeof RARE_NUMBERS)[number] | (typeof RARE_OTHER)[number]>] extends [never] ? true : Unlisted<SourceRare, (typeof RARE_NUMBERS)[number] | (typeof RARE_OTHER)[number]>,
] = [true, true, true]

/** A source's saved form (JSON-able). */
export type SourceRecord = unknown[]

function setOf(s: Set<number> | null): number[] | null {
  return s === null ? null : [...s]
}

function tallyOut<K>(t: Tally<K> | null): [K, number, number][] | null {
  return t === null ? null : t.data().map((e) => [e.key, e.n, e.first])
}

function tallyIn<K>(v: unknown, limit: number, other: K, where: string, what: string, isKey: (k: unknown) => k is K): Tally<K> | null {
  if (v === null) return null
  const data: TallyEntry<K>[] = list(v, where, what).map((e) => {
    const [key, n, first] = list(e, where, what, 3)
    if (!isKey(key)) corrupt(where, `${what} has a bad key`)
    return { key, n: count(n, where, what), first: num(first, where, what) }
  })
  return Tally.fromData(limit, other, data)
}

const isString = (k: unknown): k is string => typeof k === 'string'
const isNumber = (k: unknown): k is number => typeof k === 'number'

function encodePair(p: PairState): unknown[] {
  const out: unknown[] = [p.dst]
  for (const f of PAIR_NUMBERS) out.push(p[f])
  out.push(setOf(p.otherProtos), setOf(p.wOtherProtos))
  return out
}

function decodePair(v: unknown, where: string): PairState {
  const r = list(v, where, 'a destination', PAIR_NUMBERS.length + 3)
  const dst = r[0]
  if (typeof dst !== 'number' && typeof dst !== 'string') corrupt(where, 'a destination address is neither IPv4 nor IPv6')
  const p = newPair(dst, 0)
  readNumbers(p, PAIR_NUMBERS, r, 1, `${where} destination`)
  const other = r[PAIR_NUMBERS.length + 1]
  const wOther = r[PAIR_NUMBERS.length + 2]
  p.otherProtos = other === null ? null : new Set(nums(other, where, 'otherProtos'))
  p.wOtherProtos = wOther === null ? null : new Set(nums(wOther, where, 'wOtherProtos'))
  return p
}

function pastIn(v: unknown, where: string): AddressKey[] | Set<AddressKey> {
  const keys = list(v, where, 'pastDestinations', 1).map((k) => {
    if (typeof k !== 'number' && typeof k !== 'string') corrupt(where, 'a past destination is neither IPv4 nor IPv6')
    return k
  })
  return pastList(keys)
}

function encodeRare(r: SourceRare): Record<string, unknown> {
  return {
    untrackedPackets: r.untrackedPackets,
    mirai: r.mirai,
    topera: r.topera,
    protocolScan: r.protocolScan,
    sweep: r.sweep,
    untrackedDestinations: r.untrackedDestinations === null ? null : r.untrackedDestinations.save(),
    flood: r.flood === null ? null : [r.flood.dst, r.flood.port, r.flood.protoBits, r.flood.packets, r.flood.first, r.flood.last],
    tcpFlags: tallyOut(r.tcpFlags),
    prefixes: tallyOut(r.prefixes),
    hosts: tallyOut(r.hosts),
    signatures: r.signatures === null ? null : encodeHits(r.signatures),
    invalidIcmp: r.invalidIcmp === null ? null : [...r.invalidIcmp].map(([k, i]) => [k, i.v6, i.type, i.code, i.kind, i.count]),
    autoDl: r.autoDl === null ? null : [...r.autoDl],
    reputation: r.reputation.map((m) => [m.feed, m.dl, m.network]),
    pastDestinations: r.pastDestinations === null ? null : [...r.pastDestinations],
  }
}

function decodeRare(src: SourceState, v: unknown, engine: EngineState, where: string): void {
  const o = obj(v, where, 'rare')
  const r = rareOf(src)
  readNumbers(r, RARE_NUMBERS, RARE_NUMBERS.map((f) => o[f]), 0, where)
  if (typeof o.protocolScan !== 'boolean' || typeof o.sweep !== 'boolean') corrupt(where, 'protocolScan or sweep is not true or false')
  r.protocolScan = o.protocolScan
  r.sweep = o.sweep
  if (o.untrackedDestinations === null) r.untrackedDestinations = null
  else if ((r.untrackedDestinations = DestinationCount.restore(o.untrackedDestinations)) === null) corrupt(where, 'untrackedDestinations is malformed')
  if (o.flood === null) r.flood = null
  else {
    const [dst, ...n] = list(o.flood, where, 'flood', 6)
    if (typeof dst !== 'number' && typeof dst !== 'string') corrupt(where, 'the flood destination is neither IPv4 nor IPv6')
    const [port, protoBits, packets, first, last] = n.map((x) => num(x, where, 'flood'))
    r.flood = { dst, port: port!, protoBits: protoBits!, packets: packets!, first: first!, last: last! }
  }
  r.tcpFlags = tallyIn(o.tcpFlags, 256, 0, where, 'tcpFlags', isNumber)
  r.prefixes = tallyIn(o.prefixes, MAX_SOURCE_LABELS, 'other', where, 'prefixes', isString)
  r.hosts = tallyIn(o.hosts, MAX_SOURCE_LABELS, 'other', where, 'hosts', isString)
  r.signatures = o.signatures === null ? null : decodeHits(o.signatures, engine, where)
  r.invalidIcmp = o.invalidIcmp === null ? null : new Map(list(o.invalidIcmp, where, 'invalidIcmp').map((e) => {
    const [k, v6, type, code, kind, n] = list(e, where, 'invalidIcmp', 6)
    if (typeof v6 !== 'boolean' || (kind !== 'bad-type' && kind !== 'bad-code')) corrupt(where, 'an invalidIcmp entry is malformed')
    return [num(k, where, 'invalidIcmp'), { v6, type: num(type, where, 'type'), code: num(code, where, 'code'), kind, count: count(n, where, 'invalidIcmp count') }]
  }))
  r.autoDl = o.autoDl === null ? null : new Map(list(o.autoDl, where, 'autoDl').map((e) => {
    const [entry, network] = list(e, where, 'autoDl', 2)
    return [str(entry, where, 'autoDl entry'), str(network, where, 'autoDl network')]
  }))
  r.reputation = list(o.reputation, where, 'reputation').map((e) => {
    const [feed, dl, network] = list(e, where, 'reputation', 3)
    return { feed: str(feed, where, 'feed'), dl: num(dl, where, 'feed dl'), network: str(network, where, 'feed network') }
  })
  r.pastDestinations = o.pastDestinations === null ? null : pastIn(o.pastDestinations, where)
  if (src.pairs.length > INLINE_PAIRS) r.pairIndex = new Map(src.pairs.map((p) => [p.dst, p]))
}

/** Returns the saved form of a source. `engine` names OS verdicts (their ids are per run). */
export function encodeSource(src: SourceState, engine: EngineState): SourceRecord {
  const out: unknown[] = []
  for (const f of SOURCE_NUMBERS) out.push(src[f])
  out.push(src.prefix, src.pairs.map(encodePair), src.os === null ? null : encodeOs(src.os, engine.os), src.rare === null ? null : encodeRare(src.rare), src.host)
  return out
}

/**
 * Returns the source a record describes, resolved against this run's signatures and OS database.
 * Throws StateError when the record is malformed.
 */
export function decodeSource(key: AddressKey, rec: unknown, engine: EngineState): SourceState {
  const where = `source ${keyText(key)}`
  const r = list(rec, where, 'the record', SOURCE_NUMBERS.length + 5)
  const src = newSource(key, 0)
  readNumbers(src, SOURCE_NUMBERS, r, 0, where)
  const at = SOURCE_NUMBERS.length
  src.prefix = str(r[at], where, 'prefix')
  const pairs = list(r[at + 1], where, 'pairs')
  if (pairs.length > 0) src.pairs = pairs.map((p) => decodePair(p, where))
  src.os = r[at + 2] === null ? null : decodeOs(r[at + 2], engine.os, where)
  if (r[at + 3] !== null) decodeRare(src, r[at + 3], engine, where)
  src.host = str(r[at + 4], where, 'host')
  return src
}

/** Returns the key of a source from its address text (the name its record is saved under). */
export function keyFromText(text: string): AddressKey {
  const where = `source ${JSON.stringify(text)}`
  if (text.includes(':')) {
    // IPv6 keys are canonical text, as packets carry them: another spelling would be a source no packet finds.
    if (canonicalIPv6(text) !== text) corrupt(where, 'not an IPv4 or IPv6 address')
    return text
  }
  const n = parseIPv4(text, 0, text.length)
  if (n < 0) corrupt(where, 'not an IPv4 or IPv6 address')
  return n | 0
}
