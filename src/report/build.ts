import type { Settings } from '../config/settings.js'
import { NMAP_OPTION, SCAN_TYPES, tcpScanType, type ScanType } from '../detect/classifier.js'
import { icmpTypeName } from '../detect/icmp-types.js'
import { osGuesses, type OsDatabase } from '../detect/os/index.js'
import { destinationCount, keyText, NO_RARE, NO_TIME, sourceFlags, sourceHosts, sourcePrefixes, type PairState, type SourceState } from '../detect/state.js'
import { MAX_SAMPLES, type Detector, type MalformedSample } from '../detect/detector.js'
import { MAX_LABELS, type Totals } from '../detect/engine.js'
import { mergeTallies, type TallyEntry } from '../detect/tally.js'
import { canonicalIPv6, parseIPv4 } from '../parse/address.js'
import { flagsText } from '../parse/packet.js'
import { protoName } from '../parse/protocols.js'
import { isoUtc } from '../parse/time.js'
import type { InputReport } from '../sources/read.js'
import {
  SCHEMA_VERSION,
  type DestinationV1, type FindingV1, type ReportV1, type SignatureHitV1, type SourceV1, type TimelineV1, type TopPortV1, type TopSignatureV1,
} from './model.js'

const TOP_PORTS = 50

function ports(lo: number, hi: number): string | null {
  if (lo < 0) return null
  return lo === hi ? String(lo) : `${lo}-${hi}`
}

function record<K>(pairs: Iterable<readonly [K, number]>, name: (k: K) => string = String): Record<string, number> {
  const entries = [...pairs].map(([k, v]) => [name(k), v] as const)
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return Object.fromEntries(entries)
}

function compareIp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// Per-source times are ticks (ms since the run's first timestamp, see state.ts).
function tickIso(base: number, tick: number): string | null {
  return tick === NO_TIME ? null : isoUtc(base + tick)
}

function destination(p: PairState, base: number): DestinationV1 {
  let protocols = p.otherProtos?.size ?? 0
  for (let b = p.protoBits; b !== 0; b &= b - 1) protocols++
  return {
    ip: keyText(p.dst),
    packets: p.packets,
    tcpPorts: ports(p.tcpLo, p.tcpHi),
    udpPorts: ports(p.udpLo, p.udpHi),
    udplitePorts: ports(p.uliteLo, p.uliteHi),
    protocols,
    firstSeen: tickIso(base, p.firstSeen),
    lastSeen: tickIso(base, p.lastSeen),
  }
}

// SYN, ACK and UDP are what ordinary stacks send, so they make a scan type only from DANGER_LEVEL1
// packets of that class (one ACK among a protocol scan's probes is not an ACK scan); the classes no
// ordinary stack sends (FIN, XMAS, NULL, MAIMON, SYN-FIN, OS-PROBE) count from the first packet.
const COMMON: ReadonlySet<ScanType> = new Set(['SYN', 'ACK', 'UDP'])

function scanTypes(src: SourceState, settings: Settings): { types: string[]; nmap: string[] } {
  const min = settings.detection.dangerLevels[0]!
  const counts = new Map<ScanType, number>()
  for (const [flags, n] of sourceFlags(src)) {
    const t = tcpScanType(flags)
    if (t !== null) counts.set(t, (counts.get(t) ?? 0) + n)
  }
  if (src.udpPackets > 0) counts.set('UDP', src.udpPackets)
  const seen = new Set<ScanType>()
  for (const [t, n] of counts) if (!COMMON.has(t) || n >= min) seen.add(t)
  const rare = src.rare ?? NO_RARE
  if (rare.protocolScan) seen.add('IP-PROTOCOL')
  if (rare.sweep) seen.add('SWEEP')
  const types = SCAN_TYPES.filter((t) => seen.has(t))
  const nmap: string[] = []
  for (const t of types) {
    if (t === 'SYN') {
      if (src.rawSyns > 0) nmap.push('-sS')
      if (src.stackSyns > 0) nmap.push('-sT')
    } else {
      const opt = NMAP_OPTION[t]
      if (opt !== undefined) nmap.push(opt)
    }
  }
  return { types, nmap }
}

function sweepFinding(src: SourceState, settings: Settings): FindingV1 | null {
  if (src.rare?.sweep !== true) return null
  const hosts = new Map<string, number>()
  for (const p of src.pairs) {
    for (const [proto, lo, hi] of [['tcp', p.tcpLo, p.tcpHi], ['udp', p.udpLo, p.udpHi]] as const) {
      if (lo >= 0 && hi - lo === settings.detection.portRangeSweepThreshold) {
        const key = lo === hi ? `${proto}/${lo}` : `${proto}/${lo}-${hi}`
        hosts.set(key, (hosts.get(key) ?? 0) + 1)
      }
    }
  }
  const widest = [...hosts.entries()].sort((a, b) => b[1] - a[1])[0]
  const what = widest === undefined ? 'a single port' : `${widest[0]} on ${widest[1]} hosts`
  return { kind: 'port-sweep', message: `port sweep: ${what} (${src.pairs.length} destinations in all)` }
}

function span(ms: number): string {
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`
  return `${(ms / 3_600_000).toFixed(1)} h`
}

// The rate is over the window's span, at least a second (a burst logged within one millisecond has
// no meaningful shorter span).
function floodFinding(src: SourceState): FindingV1 | null {
  const f = src.rare?.flood
  if (f == null) return null
  const protos = (['tcp', 'udp', 'udplite'] as const).filter((_, i) => f.protoBits & (1 << i)).join('+')
  const what = `flood: ${f.packets} packets to ${protos}/${f.port} on ${keyText(f.dst)}`
  if (src.lastSeen === NO_TIME) return { kind: 'flood', message: `${what} (no timestamps)` }
  const ms = f.last - f.first
  const perMinute = Math.round((f.packets * 60_000) / Math.max(ms, 1000))
  return { kind: 'flood', message: `${what} in ${span(ms)} (${perMinute} per minute)` }
}

function findings(src: SourceState, settings: Settings, tcpOptionsSeen: boolean): FindingV1[] {
  const out: FindingV1[] = []
  const rare = src.rare ?? NO_RARE
  for (const inv of [...(rare.invalidIcmp?.values() ?? [])].sort((a, b) => a.type - b.type || a.code - b.code)) {
    const family = inv.v6 ? 'ICMPv6' : 'ICMP'
    const name = icmpTypeName(inv.v6, inv.type)
    const message = inv.kind === 'bad-type'
      ? `invalid ${family} type ${inv.type} (${inv.count} packet${inv.count === 1 ? '' : 's'})`
      : `invalid ${family} code ${inv.code} for type ${inv.type} (${name ?? 'unknown'}) (${inv.count} packet${inv.count === 1 ? '' : 's'})`
    out.push({ kind: 'invalid-icmp', message })
  }
  const sweep = sweepFinding(src, settings)
  if (sweep !== null) out.push(sweep)
  const flood = floodFinding(src)
  if (flood !== null) out.push(flood)
  for (const r of rare.reputation) {
    out.push({ kind: 'reputation', message: `listed in '${r.feed}' (${r.network}), danger level ${r.dl}` })
  }
  if (rare.autoDl !== null) {
    for (const [entry, network] of rare.autoDl) out.push({ kind: 'auto-dl', message: `danger level assigned by auto_dl entry ${network} (${entry})` })
  }
  if (rare.mirai > 0) {
    out.push({ kind: 'mirai', message: `Mirai default-credentials scan: 10+ SYNs to tcp/23 then tcp/2323 (${rare.mirai} time${rare.mirai === 1 ? '' : 's'})` })
  }
  if (rare.topera > 0) {
    out.push({ kind: 'topera', message: `Topera IPv6 scan: ${rare.topera} TCP packets behind 7+ empty extension headers` })
  }
  if (tcpOptionsSeen && src.synsWithoutOptions > 0) {
    out.push({ kind: 'masscan', message: `${src.synsWithoutOptions} SYNs without TCP options while other lines log options (Masscan-style raw scanner)` })
  }
  if (rare.untrackedPackets > 0) {
    const more = rare.untrackedDestinations
    const n = more === null ? '' : ` ${more.estimated ? 'about ' : ''}${more.count} more`
    out.push({ kind: 'untracked-destinations', message: `${rare.untrackedPackets} packets to${n} destinations beyond the first ${settings.detection.maxDestinations} were counted but not itemised` })
  }
  return out
}

function signatures(src: SourceState): SignatureHitV1[] {
  return [...(src.rare?.signatures ?? [])]
    .sort((a, b) => b.count - a.count || (a.sig.key < b.sig.key ? -1 : 1))
    .map(({ sig, count }) => ({ sid: sig.sid, psadId: sig.psadId, msg: sig.msg, protocol: sig.proto, count, dangerLevel: sig.dl }))
}

function source(src: SourceState, settings: Settings, tcpOptionsSeen: boolean, os: OsDatabase | null, base: number): SourceV1 {
  const { types, nmap } = scanTypes(src, settings)
  const total = destinationCount(src)
  const dests = src.pairs.map((p) => destination(p, base)).sort((a, b) => b.packets - a.packets || compareIp(a.ip, b.ip))
  return {
    ip: keyText(src.key),
    version: typeof src.key === 'string' ? 6 : 4,
    dangerLevel: src.dl,
    packets: src.packets,
    firstSeen: tickIso(base, src.firstSeen),
    lastSeen: tickIso(base, src.lastSeen),
    scanTypes: types,
    nmapOptions: nmap,
    destinationsTotal: total.count,
    destinationsEstimated: total.estimated,
    destinations: dests,
    signatures: signatures(src),
    os: os === null || src.os === null ? [] : osGuesses(os, src.os).map((g) => ({ os: g.os, method: g.method })),
    findings: findings(src, settings, tcpOptionsSeen),
    tcpFlags: record(sourceFlags(src), flagsText),
    chains: record(([['INPUT', src.inputPackets], ['FORWARD', src.forwardPackets]] as const).filter(([, n]) => n > 0)),
    logPrefixes: record(sourcePrefixes(src)),
    hosts: record(sourceHosts(src)),
  }
}

/**
 * The report record of one source (watch: alerts and `status --ip`), however low its danger level;
 * null when the detector has not seen the address (or it is not an address).
 */
export function sourceReport(detector: Detector, settings: Settings, ip: string): SourceV1 | null {
  const engine = detector.engine
  const v4 = ip.includes(':') ? -1 : parseIPv4(ip, 0, ip.length)
  const key = v4 >= 0 ? v4 : canonicalIPv6(ip)
  if (key === '') return null
  const src = engine.sources.get(key)
  return src === undefined ? null : source(src, settings, engine.totals.tcpOptionsSeen, engine.os, engine.base)
}

function protocolCounts(counts: Float64Array): [string, number][] {
  const out: [string, number][] = []
  counts.forEach((n, proto) => {
    if (n > 0) out.push([protoName(proto), n])
  })
  return out
}

function topPorts(ports: Totals['ports']): TopPortV1[] {
  const all: TopPortV1[] = []
  for (const [protocol, counts] of [['tcp', ports.tcp], ['udp', ports.udp], ['udplite', ports.udplite]] as const) {
    counts.forEach((packets, port) => {
      if (packets > 0) all.push({ protocol, port, packets })
    })
  }
  return all
    .sort((a, b) => b.packets - a.packets || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : a.port - b.port))
    .slice(0, TOP_PORTS)
}

/** A signature's run-wide tally; `key` tells signatures with the same message apart. */
export interface SignatureTally extends TopSignatureV1 {
  key: string
}

function signatureTallies(sources: Iterable<SourceState>): SignatureTally[] {
  const tally = new Map<string, SignatureTally>()
  for (const src of sources) {
    for (const { sig, count } of src.rare?.signatures ?? []) {
      const t = tally.get(sig.key)
      if (t === undefined) tally.set(sig.key, { key: sig.key, sid: sig.sid, psadId: sig.psadId, msg: sig.msg, protocol: sig.proto, count, sources: 1 })
      else {
        t.count += count
        t.sources++
      }
    }
  }
  return [...tally.values()]
}

function topSignatures(parts: readonly ReportPart[]): TopSignatureV1[] {
  const tally = new Map<string, SignatureTally>()
  for (const part of parts) {
    for (const s of part.signatures) {
      const t = tally.get(s.key)
      if (t === undefined) tally.set(s.key, { ...s })
      else {
        t.count += s.count
        t.sources += s.sources
      }
    }
  }
  return [...tally.values()]
    .sort((a, b) => b.count - a.count || b.sources - a.sources || (a.msg < b.msg ? -1 : a.msg > b.msg ? 1 : a.key < b.key ? -1 : 1))
    .map(({ key: _key, ...top }) => top)
}

const MAX_BUCKETS = 120
// Bucket widths a reader can take in at a glance: 1, 5, 15, 30 minutes, 1, 3, 6, 12 hours, 1, 7 days.
const WIDTHS_MIN = [1, 5, 15, 30, 60, 180, 360, 720, 1440, 10080]

function timeline(rows: Map<number, number[]>): TimelineV1 {
  if (rows.size === 0) return { start: null, bucketSeconds: 60, buckets: [] }
  const minutes = [...rows.keys()]
  const first = Math.min(...minutes)
  const last = Math.max(...minutes)
  const span = last - first + 1
  const width = WIDTHS_MIN.find((w) => Math.ceil(span / w) <= MAX_BUCKETS) ?? Math.ceil(span / MAX_BUCKETS)
  const start = Math.floor(first / width) * width
  const count = Math.floor(last / width) - Math.floor(first / width) + 1
  const buckets = Array.from({ length: count }, () => [0, 0, 0, 0, 0, 0])
  for (const [minute, row] of rows) {
    const b = buckets[Math.floor(minute / width) - Math.floor(first / width)]!
    for (let dl = 0; dl < 6; dl++) b[dl]! += row[dl]!
  }
  return { start: isoUtc(start * 60_000), bucketSeconds: width * 60, buckets }
}

/**
 * What one detector contributes to a report, as plain data (it crosses threads): run-wide counters,
 * and the finished records of its listed sources. A run is one part, or several whose sources are
 * disjoint (each thread of a parallel run analyses the lines of its share of the sources).
 */
export interface ReportPart {
  linesRead: number
  skipped: [string, number][]
  /** The first malformed lines, with their position in the whole input. */
  malformed: MalformedSample[]
  packets: number
  firstSeen: number
  lastSeen: number
  hosts: TallyEntry<string>[]
  prefixes: TallyEntry<string>[]
  protocols: Float64Array
  ports: Totals['ports']
  tcpOptionsSeen: boolean
  timeline: [number, number[]][]
  sourcesSeen: number
  /** Sources by danger level 0–5. */
  dangerLevels: number[]
  signatures: SignatureTally[]
  /** Sources at or above MIN_DANGER_LEVEL, unsorted. */
  sources: SourceV1[]
  outbound: { packets: number; sources: TallyEntry<string>[]; destinations: TallyEntry<string>[] }
}

/**
 * The report part of a detector. `tcpOptionsSeen` is the whole run's (whether any part saw TCP
 * options decides the Masscan finding); it defaults to this detector's own.
 */
export function reportPart(detector: Detector, settings: Settings, tcpOptionsSeen = detector.engine.totals.tcpOptionsSeen): ReportPart {
  const engine = detector.engine
  const t = engine.totals
  const min = Math.max(1, settings.detection.minDangerLevel)
  const sources: SourceV1[] = []
  const dangerLevels = [0, 0, 0, 0, 0, 0]
  for (const s of engine.sources.values()) {
    dangerLevels[s.dl]!++
    if (s.dl >= min) sources.push(source(s, settings, tcpOptionsSeen, engine.os, engine.base))
  }
  return {
    linesRead: detector.linesRead,
    skipped: [...detector.skipped],
    malformed: detector.malformed.map((m) => ({ ...m })),
    packets: t.packets,
    firstSeen: t.firstSeen,
    lastSeen: t.lastSeen,
    hosts: t.hosts.data(),
    prefixes: t.prefixes.data(),
    protocols: t.protocols,
    ports: t.ports,
    tcpOptionsSeen: t.tcpOptionsSeen,
    timeline: [...t.timeline],
    sourcesSeen: engine.sources.size,
    dangerLevels,
    signatures: signatureTallies(engine.sources.values()),
    sources,
    outbound: { packets: t.outbound.packets, sources: t.outbound.sources.data(), destinations: t.outbound.destinations.data() },
  }
}

function sum(into: Map<string, number>, entries: Iterable<readonly [string, number]>): Map<string, number> {
  for (const [k, n] of entries) into.set(k, (into.get(k) ?? 0) + n)
  return into
}

function earliest(a: number, b: number): number {
  return b < a || a !== a ? b : a
}

function latest(a: number, b: number): number {
  return b > a || a !== a ? b : a
}

/** What buildReport needs: the parts of the run (one for a serial run) and how each input went. */
export interface ReportInput {
  parts: readonly ReportPart[]
  inputs: readonly InputReport[]
}

/**
 * Builds the schema-v1 report of an analysis: sources at or above MIN_DANGER_LEVEL, worst first.
 * `window` (epoch ms) is the --since/--until range asked for; the report records it when either is set.
 */
export function buildReport(result: ReportInput, version: string, window: { since: number | null; until: number | null } = { since: null, until: null }): ReportV1 {
  const { parts } = result
  const sources = parts
    .flatMap((p) => p.sources)
    .sort((a, b) => b.dangerLevel - a.dangerLevel || b.packets - a.packets || compareIp(a.ip, b.ip))
  const dangerLevels = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }
  const protocols = new Float64Array(256)
  const ports = { tcp: new Uint32Array(65536), udp: new Uint32Array(65536), udplite: new Uint32Array(65536) }
  const rows = new Map<number, number[]>()
  let firstSeen = Number.NaN
  let lastSeen = Number.NaN
  for (const p of parts) {
    for (let dl = 1; dl <= 5; dl++) dangerLevels[String(dl) as keyof typeof dangerLevels] += p.dangerLevels[dl]!
    for (let i = 0; i < 256; i++) protocols[i]! += p.protocols[i]!
    for (const k of ['tcp', 'udp', 'udplite'] as const) for (let i = 0; i < 65536; i++) ports[k][i]! += p.ports[k][i]!
    for (const [minute, row] of p.timeline) {
      const r = rows.get(minute)
      if (r === undefined) rows.set(minute, [...row])
      else for (let dl = 0; dl < 6; dl++) r[dl]! += row[dl]!
    }
    firstSeen = earliest(firstSeen, p.firstSeen)
    lastSeen = latest(lastSeen, p.lastSeen)
  }
  const malformed = parts.flatMap((p) => p.malformed).sort((a, b) => a.ordinal - b.ordinal).slice(0, MAX_SAMPLES)
  return {
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'portsleuth', version },
    ...(window.since === null && window.until === null ? {} : { window: { since: isoUtc(window.since ?? NaN), until: isoUtc(window.until ?? NaN) } }),
    inputs: result.inputs.map((i) => ({ name: i.name, bytes: i.bytes, gzip: i.gzip, lines: i.lines, error: i.error })),
    summary: {
      linesRead: parts.reduce((n, p) => n + p.linesRead, 0),
      packets: parts.reduce((n, p) => n + p.packets, 0),
      skipped: record(parts.reduce((m, p) => sum(m, p.skipped), new Map<string, number>())),
      firstSeen: isoUtc(firstSeen),
      lastSeen: isoUtc(lastSeen),
      hosts: record(mergeTallies(parts.map((p) => p.hosts), MAX_LABELS, 'other')),
      protocols: record(protocolCounts(protocols)),
      logPrefixes: record(mergeTallies(parts.map((p) => p.prefixes), MAX_LABELS, 'other')),
      dangerLevels,
      sourcesSeen: parts.reduce((n, p) => n + p.sourcesSeen, 0),
      outbound: {
        packets: parts.reduce((n, p) => n + p.outbound.packets, 0),
        sources: record(mergeTallies(parts.map((p) => p.outbound.sources), MAX_LABELS, 'other')),
        destinations: record(mergeTallies(parts.map((p) => p.outbound.destinations), MAX_LABELS, 'other')),
      },
    },
    sources,
    topPorts: topPorts(ports),
    topSignatures: topSignatures(parts),
    timeline: timeline(rows),
    malformed: malformed.map(({ where, error }) => ({ where, error })),
  }
}
