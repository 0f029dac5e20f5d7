import type { ReportV1, SourceV1 } from '../../src/report/model.js'

// Deterministic ReportV1 objects of any size, for HTML tests and the HTML benchmark.

// A small deterministic PRNG (mulberry32), so every run builds the same report.
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SIGNATURES = [
  'SCAN FIN', 'SCAN XMAS', 'SCAN NULL', 'MISC Microsoft SQL Server communication attempt', 'MISC MS Terminal Server request',
  'SCAN Proxy Port 8080 attempt', 'MISC VNC communication attempt', 'SCAN Squid Proxy attempt', 'MISC Telnet access attempt',
  'SCAN SOCKS Proxy attempt', 'MISC Redis access attempt', 'SCAN ssh brute force login attempt',
]
const PREFIXES = ['DROP', '[UFW BLOCK]', 'Shorewall:net2fw:DROP:', 'INPUT-drop: ']
const SCANS: [string[], string[]][] = [[['SYN'], ['-sS']], [['SYN', 'FIN'], ['-sS', '-sF']], [['UDP'], ['-sU']], [['SYN', 'UDP'], ['-sS', '-sU']], [['XMAS'], ['-sX']]]
const PORTS = [22, 23, 80, 443, 445, 1433, 2323, 3306, 3389, 5900, 6379, 8080, 8443, 53, 123, 161]

/** Returns a deterministic, plausible report with `n` listed sources (a long tail of DL 1-2 scanners). */
export function syntheticReport(n: number, seed = 1): ReportV1 {
  const rnd = prng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const start = Date.UTC(2026, 10, 21, 6, 0)
  const span = 30 * 3600_000
  const iso = (ms: number): string => new Date(ms).toISOString()
  const sources: SourceV1[] = []
  for (let i = 0; i < n; i++) {
    const r = rnd()
    const dl = r < 0.01 ? 5 : r < 0.05 ? 4 : r < 0.15 ? 3 : r < 0.4 ? 2 : 1
    const packets = Math.round(5 + rnd() * 10 ** dl)
    const first = start + Math.floor(rnd() * span * 0.9)
    const last = Math.min(start + span - 1, first + Math.floor(rnd() * 3600_000 * dl))
    const [scanTypes, nmapOptions] = pick(SCANS)
    const destinationsTotal = dl === 5 ? 40 + Math.floor(rnd() * 200) : 1 + Math.floor(rnd() * 3)
    const v6 = rnd() < 0.08
    const ip = v6 ? `2001:db8:${(i >> 8).toString(16)}::${(i & 255).toString(16)}` : `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`
    const lo = pick(PORTS)
    const destinations = Array.from({ length: destinationsTotal }, (_, d) => ({
      ip: `192.0.2.${(d % 254) + 1}`,
      packets: Math.max(1, Math.round(packets / destinationsTotal)),
      tcpPorts: scanTypes.includes('UDP') && scanTypes.length === 1 ? null : dl >= 3 ? `${lo}-${lo + 10 ** (dl - 1)}` : String(lo),
      udpPorts: scanTypes.includes('UDP') ? String(pick([53, 123, 161, 1900])) : null,
      udplitePorts: null,
      protocols: scanTypes.includes('UDP') && scanTypes.length > 1 ? 2 : 1,
      firstSeen: iso(first),
      lastSeen: iso(last),
    }))
    const sigCount = rnd() < 0.5 ? 0 : 1 + Math.floor(rnd() * 2)
    const signatures = Array.from({ length: sigCount }, (_, k) => ({
      sid: k === 0 ? 600 + Math.floor(rnd() * 100) : null, psadId: k === 0 ? null : 300000 + Math.floor(rnd() * 200),
      msg: pick(SIGNATURES), protocol: 'tcp', count: 1 + Math.floor(rnd() * packets), dangerLevel: 1 + Math.floor(rnd() * 3),
    }))
    const prefix = pick(PREFIXES)
    sources.push({
      ip, version: v6 ? 6 : 4, dangerLevel: dl, packets, firstSeen: iso(first), lastSeen: iso(last), scanTypes, nmapOptions,
      destinationsTotal, destinationsEstimated: false, destinations, signatures,
      os: dl >= 3 && rnd() < 0.3 ? [{ os: pick(['Linux 3.x-5.x', 'Windows 10', 'FreeBSD 13']), method: 'p0f' }] : [],
      findings: dl === 5 ? [{ kind: 'port-sweep', message: `port sweep: tcp/${lo} on ${destinationsTotal} hosts` }] : [],
      tcpFlags: scanTypes.includes('SYN') ? { SYN: packets } : {}, chains: { INPUT: packets }, logPrefixes: { [prefix]: packets }, hosts: { fw1: packets },
      ...(i < 100 ? { enrichment: { dns: `scanner-${i}.example.net`, whois: `NetRange: 198.18.0.0 - 198.19.255.255\nOrgName: Example Benchmarking Org ${i}\nCountry: NL\nabuse-mailbox: abuse@example.net` } } : {}),
    })
  }
  sources.sort((a, b) => b.dangerLevel - a.dangerLevel || b.packets - a.packets)
  const dangerLevels = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }
  for (const s of sources) dangerLevels[String(s.dangerLevel) as '1']++
  const packets = sources.reduce((a, s) => a + s.packets, 0)
  const buckets = Array.from({ length: 120 }, (_, b) => {
    const wave = 1 + Math.sin(b / 9) * 0.6
    return [0, 1, 2, 3, 4, 5].map((dl) => Math.round((packets / 120 / 2 ** (5 - dl + 1)) * wave * (0.5 + rnd())))
  })
  const sigTally = new Map<string, { count: number; sources: number }>()
  for (const s of sources) for (const g of s.signatures) {
    const t = sigTally.get(g.msg) ?? { count: 0, sources: 0 }
    sigTally.set(g.msg, { count: t.count + g.count, sources: t.sources + 1 })
  }
  return {
    schemaVersion: 1,
    generator: { name: 'portsleuth', version: 'bench' },
    inputs: [
      { name: '/var/log/kern.log.2.gz', bytes: 48_211_332, gzip: true, lines: Math.round(packets * 0.6), error: null },
      { name: '/var/log/kern.log.1', bytes: 91_004_118, gzip: false, lines: Math.round(packets * 0.4) + 5123, error: null },
    ],
    summary: {
      linesRead: packets + 5123, packets, skipped: { 'not-firewall': 5000, malformed: 3, 'too-long': 120 },
      firstSeen: iso(start), lastSeen: iso(start + span - 1), hosts: { fw1: packets },
      protocols: { tcp: Math.round(packets * 0.8), udp: packets - Math.round(packets * 0.8) },
      logPrefixes: Object.fromEntries(PREFIXES.map((p, k) => [p, Math.round(packets / (k + 2))])),
      dangerLevels, sourcesSeen: n + Math.round(n / 3),
      outbound: { packets: 12, sources: { '192.0.2.1': 12 }, destinations: { '198.51.100.53': 12 } },
    },
    sources,
    topPorts: PORTS.map((port, k) => ({ protocol: port === 53 || port === 123 || port === 161 ? 'udp' : 'tcp', port, packets: Math.round(packets / (k + 3)) })),
    topSignatures: [...sigTally.entries()].map(([msg, t], k) => ({ sid: 600 + k, psadId: null, msg, protocol: 'tcp', ...t })).sort((a, b) => b.count - a.count),
    timeline: { start: iso(start), bucketSeconds: 900, buckets },
    malformed: [
      { where: '/var/log/kern.log.1:88123', error: 'SRC= is not an IP address' },
      { where: '/var/log/kern.log.1:90210', error: 'PROTO=TCP without DPT=' },
    ],
  }
}

