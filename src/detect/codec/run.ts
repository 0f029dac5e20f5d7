import type { Detector, MalformedSample } from '../detector.js'
import { MAX_LABELS, type EngineState, type Totals } from '../engine.js'
import { RECENT_NUMBERS, type RecentEntry } from '../recent-packets.js'
import { Tally } from '../tally.js'
import { bool, corrupt, count, list, num, nums, obj, str, timeIn, timeOut } from './check.js'

// The run-wide part of the state: the engine's clock (`now`, `base`, `ordinal`), the totals, and the
// Detector's line counters. Port counters and the timeline are saved apart, a changed entry at a
// time (see portEntries and timelineRows), because together they can hold hundreds of thousands of
// numbers of which a few seconds of log change a handful.

/** EngineState fields and how they are kept: saved here, per source, or rebuilt (config, caches). */
export const ENGINE_SAVED = ['now', 'base', 'ordinal', 'totals', 'sources'] as const satisfies readonly (keyof EngineState)[]
export const ENGINE_NOT_SAVED = [
  'settings', 'signatures', 'os', 'lists', 'onEvent', 'hits', 'autoDlCache', 'lastMinute', 'lastRow', 'tracker',
] as const satisfies readonly (keyof EngineState)[]
export const TOTALS_SAVED = [
  'packets', 'firstSeen', 'lastSeen', 'hosts', 'protocols', 'prefixes', 'tcpOptionsSeen', 'tcpOptionsUndecodable', 'ports', 'timeline', 'outbound',
] as const satisfies readonly (keyof Totals)[]

type Unlisted<T, L> = Exclude<keyof T, L>
export const RUN_LISTED: [
  [Unlisted<EngineState, (typeof ENGINE_SAVED)[number] | (typeof ENGINE_NOT_SAVED)[number]>] extends [never] ? true : Unlisted<EngineState, (typeof ENGINE_SAVED)[number] | (typeof ENGINE_NOT_SAVED)[number]>,
  [Unlisted<Totals, (typeof TOTALS_SAVED)[number]>] extends [never] ? true : Unlisted<Totals, (typeof TOTALS_SAVED)[number]>,
] = [true, true]

/** The engine's clock and totals without ports and timeline (JSON-able). */
export interface RunRecord {
  now: number
  base: number | null
  ordinal: number
  packets: number
  firstSeen: number | null
  lastSeen: number | null
  hosts: [string, number, number][]
  prefixes: [string, number, number][]
  protocols: [number, number][]
  tcpOptionsSeen: boolean
  tcpOptionsUndecodable: number
  outbound: { packets: number; sources: [string, number, number][]; destinations: [string, number, number][] }
}

/** The Detector's line counters (JSON-able). */
export interface CountersRecord {
  linesRead: number
  skipped: [string, number][]
  malformed: [string, string, number][]
  /** The recent-packets table (duplicate lines), oldest first: [time | null, host, prefix, ipv6, srcNum, dstNum, src, dst, ...RECENT_NUMBERS, inIf, outIf, scored]. */
  recent: unknown[][]
}

const tallyData = (t: Tally<string>): [string, number, number][] => t.data().map((e) => [e.key, e.n, e.first])

function tallyIn(v: unknown, what: string): Tally<string> {
  return Tally.fromData(MAX_LABELS, 'other', list(v, 'totals', what).map((e) => {
    const [key, n, first] = list(e, 'totals', what, 3)
    return { key: str(key, 'totals', what), n: count(n, 'totals', what), first: num(first, 'totals', what) }
  }))
}

/** Returns the saved form of the engine's clock and totals (ports and timeline excepted). */
export function encodeRun(engine: EngineState): RunRecord {
  const t = engine.totals
  const protocols: [number, number][] = []
  t.protocols.forEach((n, p) => n > 0 && protocols.push([p, n]))
  return {
    now: engine.now,
    base: timeOut(engine.base),
    ordinal: engine.ordinal,
    packets: t.packets,
    firstSeen: timeOut(t.firstSeen),
    lastSeen: timeOut(t.lastSeen),
    hosts: tallyData(t.hosts),
    prefixes: tallyData(t.prefixes),
    protocols,
    tcpOptionsSeen: t.tcpOptionsSeen,
    tcpOptionsUndecodable: t.tcpOptionsUndecodable,
    outbound: { packets: t.outbound.packets, sources: tallyData(t.outbound.sources), destinations: tallyData(t.outbound.destinations) },
  }
}

/** Puts a saved clock and totals into a fresh engine; throws StateError when the record is malformed. */
export function decodeRun(v: unknown, engine: EngineState): void {
  const r = obj(v, 'totals', 'the record')
  const t = engine.totals
  engine.now = num(r.now, 'totals', 'now')
  engine.base = timeIn(r.base, 'totals', 'base')
  engine.ordinal = num(r.ordinal, 'totals', 'ordinal')
  t.packets = count(r.packets, 'totals', 'packets')
  t.firstSeen = timeIn(r.firstSeen, 'totals', 'firstSeen')
  t.lastSeen = timeIn(r.lastSeen, 'totals', 'lastSeen')
  t.hosts = tallyIn(r.hosts, 'hosts')
  t.prefixes = tallyIn(r.prefixes, 'prefixes')
  t.protocols.fill(0)
  for (const e of list(r.protocols, 'totals', 'protocols')) {
    const [p, n] = nums(e, 'totals', 'protocols')
    if (!(Number.isInteger(p) && p! >= 0 && p! < 256)) corrupt('totals', `protocol ${p} out of range`)
    t.protocols[p!] = count(n, 'totals', 'protocols')
  }
  t.tcpOptionsSeen = bool(r.tcpOptionsSeen, 'totals', 'tcpOptionsSeen')
  t.tcpOptionsUndecodable = count(r.tcpOptionsUndecodable, 'totals', 'tcpOptionsUndecodable')
  const o = obj(r.outbound, 'totals', 'outbound')
  t.outbound = { packets: count(o.packets, 'totals', 'outbound packets'), sources: tallyIn(o.sources, 'outbound sources'), destinations: tallyIn(o.destinations, 'outbound destinations') }
}

/** Port counter tables by the IP protocol number saved with each entry. */
export const PORT_TABLES = [[6, 'tcp'], [17, 'udp'], [136, 'udplite']] as const

/** Calls fn for every non-zero port counter, or (with `since`) every one that differs from it. */
export function portEntries(ports: Totals['ports'], fn: (proto: number, port: number, packets: number) => void, since?: Totals['ports']): void {
  for (const [proto, name] of PORT_TABLES) {
    const now = ports[name]
    const before = since === undefined ? null : since[name]
    for (let port = 0; port < 65536; port++) {
      const n = now[port]!
      if (n !== (before === null ? 0 : before[port]!)) fn(proto, port, n)
    }
  }
}

/** Sets one saved port counter; throws StateError for a protocol or port that has none. */
export function restorePort(ports: Totals['ports'], proto: unknown, port: unknown, packets: unknown): void {
  const table = PORT_TABLES.find(([p]) => p === proto)
  const at = num(port, 'ports', 'port')
  if (table === undefined || !(Number.isInteger(at) && at >= 0 && at < 65536)) corrupt('ports', `no counter for protocol ${String(proto)} port ${at}`)
  ports[table[1]][at] = count(packets, 'ports', 'packets')
}

/** Returns a saved timeline row (packets of DL 0-5 in one minute); throws StateError when malformed. */
export function timelineRow(v: unknown, minute: number): number[] {
  const row = nums(v, `timeline minute ${minute}`, 'the row')
  if (row.length !== 6) corrupt(`timeline minute ${minute}`, 'the row does not have 6 counts')
  return row
}

/** Returns the saved form of the Detector's line counters. */
export function encodeCounters(a: Detector): CountersRecord {
  const recent = a.recent.entries().map((e) => [
    timeOut(e.time), e.host, e.prefix, e.ipv6, e.srcNum, e.dstNum, e.src, e.dst, ...RECENT_NUMBERS.map((f) => e[f]), e.inIf, e.outIf, e.scored,
  ])
  return { linesRead: a.linesRead, skipped: [...a.skipped], malformed: a.malformed.map((m) => [m.where, m.error, m.ordinal]), recent }
}

function recentIn(v: unknown): RecentEntry {
  const where = 'counters recent'
  const r = list(v, where, 'a packet', 11 + RECENT_NUMBERS.length)
  const e: Record<string, unknown> = {
    time: timeIn(r[0], where, 'time'), host: str(r[1], where, 'host'), prefix: str(r[2], where, 'prefix'), ipv6: bool(r[3], where, 'ipv6'),
    srcNum: num(r[4], where, 'srcNum'), dstNum: num(r[5], where, 'dstNum'), src: str(r[6], where, 'src'), dst: str(r[7], where, 'dst'),
  }
  RECENT_NUMBERS.forEach((f, i) => (e[f] = num(r[8 + i], where, f)))
  const at = 8 + RECENT_NUMBERS.length
  e.inIf = str(r[at], where, 'inIf')
  e.outIf = str(r[at + 1], where, 'outIf')
  e.scored = bool(r[at + 2], where, 'scored')
  return e as unknown as RecentEntry
}

/** Puts saved line counters into a fresh Detector; throws StateError when the record is malformed. */
export function decodeCounters(v: unknown, a: Detector): void {
  const r = obj(v, 'counters', 'the record')
  a.linesRead = count(r.linesRead, 'counters', 'linesRead')
  a.skipped.clear()
  for (const e of list(r.skipped, 'counters', 'skipped')) {
    const [reason, n] = list(e, 'counters', 'skipped', 2)
    a.skipped.set(str(reason, 'counters', 'skip reason'), count(n, 'counters', 'skipped'))
  }
  a.malformed.length = 0
  for (const e of list(r.malformed, 'counters', 'malformed')) {
    const [where, error, ordinal] = list(e, 'counters', 'malformed', 3)
    const m: MalformedSample = { where: str(where, 'counters', 'where'), error: str(error, 'counters', 'error'), ordinal: num(ordinal, 'counters', 'ordinal') }
    a.malformed.push(m)
  }
  a.recent.restore(list(r.recent, 'counters', 'recent').map(recentIn))
}
