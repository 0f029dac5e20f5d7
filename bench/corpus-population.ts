import type { Actor, Timing } from './corpus-actor.js'
import { Background, NOISE_WEIGHTS, PSAD_INCOMPATIBLE_NOISE, V6_NOISE, type NoiseKind } from './corpus-background.js'
import { Rng } from './corpus-random.js'
import { ipv4 } from './corpus-render.js'
import { SCAN_WEIGHTS, Scanner, scanGap, type ScanKind } from './corpus-scanners.js'
import { Site, siteSpecs } from './corpus-sites.js'
import { SyslogNoise } from './corpus-syslog.js'

// Who is in a corpus: how many scanners of which kind, how many background sources, how many lines
// each sends. Sizes are drawn first and then fitted so the line count is exact; every draw comes from
// one seeded stream in a fixed order, so the same options always give the same population.

export interface PopulationOptions {
  lines: number
  seed: number
  sources: number
  psadCompatible: boolean
  /** Window start (epoch ms, UTC) and length. */
  startMs: number
  spanUs: number
}

/** What a corpus contains, for reports and tests. */
export interface PopulationSummary {
  sources: number
  scanners: Partial<Record<ScanKind, number>>
  background: Partial<Record<NoiseKind, number>>
  scanLines: number
  backgroundLines: number
  syslogLines: number
}

const SCANNER_SHARE = 0.04
const SCAN_LINE_SHARE = 0.55
const SYSLOG_SHARE = 0.03

const HEADLINERS: readonly { kind: ScanKind; count: number; dsts: number }[] = [
  { kind: 'pingsweep', count: 110, dsts: 110 },
  { kind: 'sweep', count: 520, dsts: 520 },
  { kind: 'syn', count: 1600, dsts: 1 },
  { kind: 'syn', count: 10_500, dsts: 1 },
]

function sizeOf(kind: ScanKind, rng: Rng): { count: number; dsts: number } {
  const dsts = (): number => rng.weighted({ one: 70, few: 22, some: 6, many: 2 }) === 'one' ? 1 : rng.int(2, 16)
  const ports = (): number => (rng.chance(0.1) ? 1000 : rng.chance(0.02) ? rng.logInt(2000, 20000) : rng.logInt(6, 1200))
  switch (kind) {
    case 'sweep': case 'pingsweep': case 'udpsweep': {
      const hosts = rng.logInt(8, 700)
      return { count: hosts, dsts: hosts }
    }
    case 'mirai': {
      const hosts = rng.logInt(2, 60)
      return { count: hosts * 11, dsts: hosts }
    }
    case 'masscan': return { count: rng.logInt(20, 4000), dsts: rng.int(1, 30) }
    case 'osprobe': return { count: rng.int(6, 60), dsts: 1 }
    case 'proto': return { count: rng.chance(0.5) ? 2 * 253 : rng.logInt(20, 510), dsts: 1 }
    case 'slow': return { count: rng.int(5, 18), dsts: 1 }
    case 'topera': return { count: rng.logInt(100, 1100), dsts: 1 }
    case 'syn6': case 'connect6': {
      const d = rng.int(1, 2)
      return { count: d * ports(), dsts: d }
    }
    default: {
      const d = dsts()
      return { count: d * ports(), dsts: d }
    }
  }
}

function noiseSize(kind: NoiseKind, rng: Rng): number {
  switch (kind) {
    case 'multi': return rng.int(3, 8)
    case 'leftover': case 'icmp-bad': case 'icmp6-nd': return rng.int(1, 6)
    case 'broadcast': return rng.int(1, 8)
    case 'igmp': return rng.int(2, 6)
    default: return 1 + Math.min(5, Math.floor(rng.exp(0.8)))
  }
}

/** Adjusts counts (each ≥ 1) so they sum to `target`, keeping their proportions. */
function fit(counts: number[], target: number): void {
  if (counts.length === 0 && target === 0) return
  if (target < counts.length || counts.length === 0) throw new RangeError(`cannot give ${counts.length} senders ${target} lines`)
  const total = counts.reduce((a, b) => a + b, 0)
  for (let i = 0; i < counts.length; i++) counts[i] = Math.max(1, Math.round((counts[i]! * target) / total))
  let diff = target - counts.reduce((a, b) => a + b, 0)
  for (let i = 0; diff !== 0; i = (i + 1) % counts.length) {
    if (diff > 0) {
      counts[i]!++
      diff--
    } else if (counts[i]! > 1) {
      counts[i]!--
      diff++
    }
  }
}

/** Hands out distinct source addresses. */
class AddressBook {
  private readonly used = new Set<string>()
  constructor(private readonly rng: Rng) {}

  publicV4(): string {
    for (;;) {
      const a = this.rng.int(1, 223)
      const b = this.rng.int(0, 255)
      if (a === 10 || a === 127 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32)) continue
      if ((a === 192 && (b === 168 || b === 0)) || (a === 198 && (b === 18 || b === 19 || b === 51)) || (a === 203 && b === 0)) continue
      const ip = ipv4(((a << 24) | (b << 16) | this.rng.int(0, 0xffff)) >>> 0)
      if (this.take(ip)) return ip
    }
  }

  lanV4(): string {
    // 192.168.0-15.x first, then all of 192.168/16; once that is crowded, repeats are allowed.
    for (let tries = 0; ; tries++) {
      const ip = ipv4(((192 << 24) | (168 << 16) | (this.rng.int(0, tries < 50 ? 15 : 255) << 8) | this.rng.int(2, 254)) >>> 0)
      if (this.take(ip) || tries > 200) return ip
    }
  }

  /** Global unicast (some with runs of zero groups) or link-local. */
  v6(linkLocal: boolean): number[] {
    for (;;) {
      const r = this.rng
      const g = linkLocal
        ? [0xfe80, 0, 0, 0, r.int(0, 0xffff), (r.int(0, 0xff) << 8) | 0xff, 0xfe00 | r.int(0, 0xff), r.int(0, 0xffff)]
        : [r.pick([0x2001, 0x2400, 0x2600, 0x2a00, 0x2a01, 0x2a02, 0x2c0f]), r.int(0, 0xffff), r.int(0, 0xffff), r.chance(0.5) ? 0 : r.int(0, 0xffff), 0, r.chance(0.5) ? 0 : r.int(0, 0xffff), 0, r.int(1, 0xffff)]
      if (this.take(g.join(':'))) return g
    }
  }

  private take(key: string): boolean {
    if (this.used.has(key)) return false
    this.used.add(key)
    return true
  }
}

function weightedSubset<K extends string>(table: Readonly<Record<K, number>>, drop: (k: K) => boolean): Record<K, number> {
  const out = {} as Record<K, number>
  for (const k of Object.keys(table) as K[]) if (!drop(k)) out[k] = table[k]
  return out
}

interface Context {
  o: PopulationOptions
  sites: Site[]
  pickSite: (r: Rng) => Site
  book: AddressBook
}

// Sizes first, then scaled to the scanners' share of the lines. Headliners of fixed size reach the top
// danger-level bands (a 110- and a 520-host sweep: DL 4 and 5 by width; 1,600 and 10,500 probes to
// one host: DL 4 and 5 by count) when together they take at most a quarter of that share; after them
// the first scanners take one kind each, so every kind is present once the corpus is big enough.
function planScanners(rng: Rng, scanners: number, budget: number): { r: Rng; kind: ScanKind; count: number; dsts: number }[] {
  const headliners = HEADLINERS.filter((_h, k) => k < scanners - 1 && HEADLINERS.slice(0, k + 1).reduce((a, x) => a + x.count, 0) * 4 <= budget)
  const kinds = Object.keys(SCAN_WEIGHTS) as ScanKind[]
  const plans = Array.from({ length: scanners }, (_, i) => {
    const r = rng.fork()
    const head = headliners[i]
    if (head !== undefined) return { r, ...head }
    const j = i - headliners.length
    const kind = j < kinds.length ? kinds[j]! : r.weighted(SCAN_WEIGHTS)
    return { r, kind, ...sizeOf(kind, r) }
  })
  const counts = plans.slice(headliners.length).map((p) => p.count)
  fit(counts, budget - headliners.reduce((a, h) => a + h.count, 0))
  counts.forEach((c, i) => {
    plans[headliners.length + i]!.count = c
  })
  return plans
}

function placeScanner(c: Context, r: Rng, kind: ScanKind, count: number, wantedDsts: number): Scanner {
  const { o, sites } = c
  const v6 = kind === 'syn6' || kind === 'connect6' || kind === 'topera'
  const wide = kind === 'sweep' || kind === 'pingsweep' || kind === 'udpsweep' || kind === 'mirai' || kind === 'masscan'
  const wanted = kind === 'sweep' || kind === 'pingsweep' || kind === 'udpsweep' ? count : kind === 'mirai' ? Math.ceil(count / 11) : wantedDsts
  let site = c.pickSite(r)
  // Wide sweeps go through a router to its inside network; a host has only a few addresses.
  if (wide && wanted > site.spec.v4.length) site = sites.find((s) => s.spec.insideV4 !== null && s.spec.insideV4[1] >= wanted) ?? site
  const inside = site.spec.insideV4
  const forward = !v6 && inside !== null && (wide || r.chance(0.3))
  const pool = v6 ? site.spec.v6.map((g) => site.v6Text(g)) : forward ? null : site.spec.v4.map(ipv4)
  const hosts = Math.max(1, Math.min(wanted, pool?.length ?? inside![1], count))
  let dsts: string[]
  if (pool !== null) dsts = r.shuffle([...pool]).slice(0, hosts)
  else {
    const first = r.int(0, inside![1] - hosts)
    dsts = Array.from({ length: hosts }, (_, k) => ipv4(inside![0] + first + k))
  }
  const src = v6 ? site.v6Text(c.book.v6(false)) : c.book.publicV4()
  const meanGap = scanGap(kind, r)
  const timing: Timing = kind === 'slow'
    ? { kind: 'spread', span: o.spanUs }
    : { kind: 'burst', start: r.int(0, Math.max(0, Math.floor(o.spanUs - count * meanGap * 1.1))), meanGap }
  const protocols = kind !== 'proto' ? [] : r.shuffle(Array.from({ length: 256 }, (_, k) => k).filter((k) => !o.psadCompatible || (k !== 50 && k !== 51 && k !== 136)))
  return new Scanner(r, site, { kind, src, v6, dsts, chain: forward ? 'FORWARD' : 'INPUT', count, timing, protocols, seqOnV6: !o.psadCompatible })
}

function placeBackground(c: Context, r: Rng, k: NoiseKind, count: number): Background {
  const site = c.pickSite(r)
  const v6 = V6_NOISE.has(k)
  const inside = site.spec.insideV4
  const forward = !v6 && inside !== null && r.chance(0.3) && k !== 'outbound' && k !== 'broadcast' && k !== 'igmp'
  let src: string
  let dst: string
  if (v6) {
    src = site.v6Text(c.book.v6(k === 'icmp6-nd' || k === 'v6ext'))
    dst = site.v6Text(r.pick(site.spec.v6))
  } else if (k === 'outbound') {
    src = site.ownV4(r.int(0, 99))
    dst = c.book.publicV4()
  } else if (k === 'broadcast' || k === 'igmp') {
    src = k === 'broadcast' && r.chance(0.2) ? '0.0.0.0' : c.book.lanV4()
    dst = r.pick(['255.255.255.255', '192.168.1.255', '239.255.255.250', '224.0.0.251'])
  } else {
    src = c.book.publicV4()
    dst = forward ? ipv4(inside![0] + r.int(0, inside![1] - 1)) : site.ownV4(r.int(0, 99))
  }
  // Some senders come back now and then over the hours; the rest retransmit within seconds.
  const spread = k === 'multi' || k === 'icmp6-nd' || k === 'broadcast' || k === 'igmp' || k === 'outbound' || k === 'gre' || r.chance(0.4)
  const timing: Timing = spread
    ? { kind: 'spread', span: c.o.spanUs }
    : { kind: 'burst', start: r.int(0, c.o.spanUs - 1), meanGap: r.int(300_000, 5_000_000) }
  const chain = k === 'outbound' ? 'OUTPUT' : forward ? 'FORWARD' : 'INPUT'
  return new Background(r, site, { kind: k, src, dst, chain, count, timing, psadCompatible: c.o.psadCompatible })
}

/** Builds every actor of a corpus; their line counts add up to exactly `lines`. */
export function buildPopulation(o: PopulationOptions): { actors: Actor[]; summary: PopulationSummary } {
  const rng = new Rng(o.seed ^ 0x5eed1e55)
  const sites = siteSpecs(o.psadCompatible).map((spec, i) => new Site(spec, i, o.startMs * 1000, rng.int(3600, 90 * 86400) * 1e6))
  const siteWeights = Object.fromEntries(sites.map((s, i) => [String(i), s.spec.weight])) as Record<string, number>
  const c: Context = { o, sites, pickSite: (r) => sites[Number(r.weighted(siteWeights))]!, book: new AddressBook(rng.fork()) }
  const syslogLines = o.lines >= 34 ? Math.round(o.lines * SYSLOG_SHARE) : 0
  const packetLines = o.lines - syslogLines
  const sources = Math.max(1, Math.min(o.sources, packetLines))
  const scanners = Math.max(1, Math.round(sources * SCANNER_SHARE))
  let scanBudget = Math.min(packetLines, Math.max(scanners, Math.round(packetLines * SCAN_LINE_SHARE)))
  const backgroundSources = Math.min(sources - scanners, packetLines - scanBudget)
  if (backgroundSources === 0) scanBudget = packetLines
  const summary: PopulationSummary = { sources: scanners + backgroundSources, scanners: {}, background: {}, scanLines: scanBudget, backgroundLines: packetLines - scanBudget, syslogLines }
  const actors: Actor[] = []

  for (const p of planScanners(rng, scanners, scanBudget)) {
    actors.push(placeScanner(c, p.r, p.kind, p.count, p.dsts))
    summary.scanners[p.kind] = (summary.scanners[p.kind] ?? 0) + 1
  }

  // Background: small senders, fitted to the remaining lines; the first take one kind each.
  const noiseKinds = weightedSubset(NOISE_WEIGHTS, (k) => o.psadCompatible && PSAD_INCOMPATIBLE_NOISE.has(k))
  const noiseList = Object.keys(noiseKinds) as NoiseKind[]
  const noisePlans = Array.from({ length: backgroundSources }, (_, i) => {
    const r = rng.fork()
    const kind = i < noiseList.length ? noiseList[i]! : r.weighted(noiseKinds)
    return { r, kind, count: noiseSize(kind, r) }
  })
  const noiseCounts = noisePlans.map((p) => p.count)
  fit(noiseCounts, summary.backgroundLines)
  noisePlans.forEach((p, i) => {
    actors.push(placeBackground(c, p.r, p.kind, noiseCounts[i]!))
    summary.background[p.kind] = (summary.background[p.kind] ?? 0) + 1
  })

  // Ordinary syslog lines, shared among the hosts.
  if (syslogLines > 0) {
    const hosts = sites.slice(0, Math.min(sites.length, syslogLines))
    const shares = hosts.map((s) => s.spec.weight)
    fit(shares, syslogLines)
    hosts.forEach((s, i) => actors.push(new SyslogNoise(rng.fork(), s, shares[i]!, o.spanUs)))
  }
  return { actors, summary }
}
