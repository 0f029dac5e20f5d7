import { canonicalIP } from './addresses.js'

// A tolerant reader of `psad -A` output. It keeps what the comparison needs: the
// level counts, and from "IP Status Detail" per source its DL, packets, and per destination the
// scanned port ranges, signature ids and invalid-ICMP records. Lines it does not recognise are skipped,
// so other psad versions (3.0 adds lines) still parse.

export interface PortRange {
  lo: number
  hi: number
}

export interface InvalidIcmp {
  v6: boolean
  type: number
  /** null for an invalid type, else the invalid code. */
  code: number | null
  /** For an invalid code psad names the type by its text (`"Echo"`), not its number (type is -1). */
  typeText?: string
}

export interface PsadDestination {
  ip: string
  ports: Partial<Record<'tcp' | 'udp' | 'udplite', PortRange>>
  sids: Set<number>
  invalidIcmp: InvalidIcmp[]
}

export interface PsadSource {
  ip: string
  dl: number
  packets: number
  destinations: Map<string, PsadDestination>
}

export interface PsadReport {
  /** "Found N iptables log messages out of M total lines". */
  firewallLines: number | null
  totalLines: number | null
  levels: Record<number, number>
  sources: Map<string, PsadSource>
  /** Output lines inside IP Status Detail that were not understood (for diagnostics). */
  unparsed: string[]
}

function widen(ports: PsadDestination['ports'], proto: 'tcp' | 'udp' | 'udplite', lo: number, hi: number): void {
  const cur = ports[proto]
  if (cur === undefined) ports[proto] = { lo, hi }
  else {
    cur.lo = Math.min(cur.lo, lo)
    cur.hi = Math.max(cur.hi, hi)
  }
}

/** Parses psad's analysis-mode output text. Never throws; unknown lines are ignored. */
export function parsePsadOutput(text: string): PsadReport {
  const report: PsadReport = { firewallLines: null, totalLines: null, levels: {}, sources: new Map(), unparsed: [] }
  let inDetail = false
  let src: PsadSource | null = null
  let dst: PsadDestination | null = null
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd()
    let m: RegExpExecArray | null
    if ((m = /Found (\d+) iptables log messages out of (\d+) total lines/.exec(line)) !== null) {
      report.firewallLines = Number(m[1])
      report.totalLines = Number(m[2])
    } else if ((m = /^\s+Level (\d): (\d+) IP addresses/.exec(line)) !== null) {
      report.levels[Number(m[1])] = Number(m[2])
    } else if (line.startsWith('[+] IP Status Detail')) {
      inDetail = true
    } else if (line.startsWith('[+] ')) {
      inDetail = false
      src = null
      dst = null
    } else if (!inDetail) {
      continue
    } else if ((m = /^SRC:\s+(\S+)(?: \([^)]*\))?, DL: (\d+)(?:, Dsts: \d+)?(?:, Pkts: (\d+))?/.exec(line)) !== null) {
      const ip = canonicalIP(m[1]!)
      src = { ip, dl: Number(m[2]), packets: m[3] === undefined ? 0 : Number(m[3]), destinations: new Map() }
      report.sources.set(ip, src)
      dst = null
    } else if (src !== null && (m = /^\s+DST: (\S+?),?(?: \(|$|,| )/.exec(line)) !== null) {
      const ip = canonicalIP(m[1]!)
      dst = src.destinations.get(ip) ?? { ip, ports: {}, sids: new Set(), invalidIcmp: [] }
      src.destinations.set(ip, dst)
    } else if (dst !== null && (m = /^\s+Scanned ports: (TCP|UDP|UDPLITE) (\d+)(?:-(\d+))?/.exec(line)) !== null) {
      const lo = Number(m[2])
      widen(dst.ports, m[1]!.toLowerCase() as 'tcp' | 'udp' | 'udplite', lo, m[3] === undefined ? lo : Number(m[3]))
    } else if (dst !== null && (m = /Sid: (\d+)\s*$/.exec(line)) !== null) {
      dst.sids.add(Number(m[1]))
    } else if (dst !== null && (m = /^\s+Invalid ICMP(6)? type: "(\d+)"/.exec(line)) !== null) {
      dst.invalidIcmp.push({ v6: m[1] !== undefined, type: Number(m[2]), code: null })
    } else if (dst !== null && (m = /^\s+Invalid ICMP(6)? code: "(\d+)" for ICMP6? "([^"]*)"/.exec(line)) !== null) {
      dst.invalidIcmp.push({ v6: m[1] !== undefined, type: -1, code: Number(m[2]), typeText: m[3]! })
    } else if (/^\s+(Signature match|Total scanned IP protocols|Total scan (sources|destinations)|Source OS fingerprint|\[NONE\])/.test(line) || line.trim() === '') {
      continue
    } else if (/^\s{8}\S/.test(line) && src !== null && dst === null) {
      continue // OS fingerprint guesses
    } else {
      report.unparsed.push(line)
    }
  }
  // Cross-check: the level counts psad printed must match the sources read from the detail section
  // (which leaves out levels below MIN_DANGER_LEVEL, so only levels it lists at all are counted).
  const dls = [...report.sources.values()].map((s) => s.dl)
  const listed = dls.length
  const min = listed === 0 ? 6 : Math.min(...dls)
  const counted = Object.entries(report.levels).reduce((a, [k, n]) => (Number(k) >= min ? a + n : a), 0)
  if (listed !== counted) {
    report.unparsed.push(`(level counts add up to ${counted} sources but the IP Status Detail section lists ${listed})`)
  }
  return report
}

/** Returns every signature id psad recorded for a source, over all its destinations. */
export function psadSids(src: PsadSource): Set<number> {
  const all = new Set<number>()
  for (const d of src.destinations.values()) for (const s of d.sids) all.add(s)
  return all
}
