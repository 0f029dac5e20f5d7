import type { ReportV1, SourceV1 } from './model.js'

// What a reader of the text report and the mail should see first. A day of internet noise brings
// hundreds of sources that sent a packet or two matching a signature (in psad's model a lone SYN to
// 1433 is DL 2): listed one by one they bury the few that matter. So sources are sorted into
//   - attackers: danger level 3 or more;
//   - scanners: danger level 1-2 with a scan type (SYN, UDP, SWEEP, …): they probed several ports or
//     hosts;
//   - noise: everything else, folded into groups of one danger level and one reason (the signature
//     most of their packets matched, else the finding, else what they sent).
// Only the text and HTML views fold; JSON and CSV keep every source.

/** Sources of one danger level sent in for the same reason. */
export interface NoiseGroup {
  dl: number
  /** Why they are listed: a signature message, a finding, or what they sent. */
  reason: string
  sources: SourceV1[]
  /** Fewest and most packets one of them sent. */
  minPackets: number
  maxPackets: number
}

export interface Triage {
  attackers: SourceV1[]
  scanners: SourceV1[]
  /** Largest groups first (then the higher danger level, then the reason). */
  noise: NoiseGroup[]
  noiseSources: number
}

// Findings that can make a source listed without a scan type, in words.
const FINDINGS: Record<string, string> = {
  'invalid-icmp': 'invalid ICMP type or code',
  masscan: 'SYNs without TCP options (Masscan-style)',
  reputation: 'on a reputation list',
  'auto-dl': 'auto_dl entry',
  mirai: 'Mirai-style telnet probes',
  topera: 'Topera-style IPv6 probes',
  'port-sweep': 'port sweep',
}

/** The reason a noise source is listed (its danger level comes from this). */
export function noiseReason(s: SourceV1): string {
  const sig = s.signatures[0]
  if (sig !== undefined) return sig.msg
  const finding = s.findings.find((f) => FINDINGS[f.kind] !== undefined)
  if (finding !== undefined) return FINDINGS[finding.kind]!
  const tcp = s.destinations.some((d) => d.tcpPorts !== null)
  const udp = s.destinations.some((d) => d.udpPorts !== null)
  return `${tcp && udp ? 'TCP and UDP' : tcp ? 'TCP' : udp ? 'UDP' : 'other IP'} packets without a scan type`
}

/** Sorts a report's listed sources into attackers, scanners and folded noise (see above). */
export function triage(report: ReportV1): Triage {
  const attackers: SourceV1[] = []
  const scanners: SourceV1[] = []
  const groups = new Map<string, NoiseGroup>()
  let noiseSources = 0
  for (const s of report.sources) {
    if (s.dangerLevel >= 3) attackers.push(s)
    else if (s.scanTypes.length > 0) scanners.push(s)
    else {
      noiseSources++
      const reason = noiseReason(s)
      const key = `${s.dangerLevel}\u0000${reason}`
      const g = groups.get(key)
      if (g === undefined) groups.set(key, { dl: s.dangerLevel, reason, sources: [s], minPackets: s.packets, maxPackets: s.packets })
      else {
        g.sources.push(s)
        g.minPackets = Math.min(g.minPackets, s.packets)
        g.maxPackets = Math.max(g.maxPackets, s.packets)
      }
    }
  }
  const noise = [...groups.values()].sort((a, b) => b.sources.length - a.sources.length || b.dl - a.dl || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
  return { attackers, scanners, noise, noiseSources }
}
