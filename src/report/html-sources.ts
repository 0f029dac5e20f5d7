import { MAX_DESTINATIONS } from './html-data.js'
import { int, safe, when } from './html-format.js'
import type { ReportV1, SourceV1 } from './model.js'
import { triage } from './triage.js'

// The per-source list and the folded noise as static HTML, rendered on the server: a mail client
// runs no script and drops inline SVG, so what the page shows without its script must already be
// whole. The first STATIC_SOURCES sources come with their details; the page script, when it runs,
// adds sorting, filtering and paging over every source (from the JSON block, html-data.ts).

/** Sources drawn with their details in the HTML itself. */
export const STATIC_SOURCES = 500
/** Noise groups drawn, and members named in one. */
const NOISE_GROUPS = 100
const NAMED_IN_GROUP = 10

export interface DestinationRow { ip: string; packets: number; packetsText: string; tcp: string; udp: string; udplite: string; protocols: number; first: string; last: string }
export interface SignatureRow { msg: string; protocol: string; id: string; count: number; countText: string; dl: number }

export interface SourceRow {
  ip: string
  dl: number
  packets: number
  packetsText: string
  destinations: number
  destinationsText: string
  scan: string
  nmap: string
  signatures: number
  first: string
  last: string
  dns: string
  version: number
  os: string
  flags: string
  chains: string
  prefixes: string
  hosts: string
  findings: { kind: string; message: string }[]
  dests: DestinationRow[]
  udplite: boolean
  moreDestinations: string
  sigs: SignatureRow[]
  whois: string
}

export interface NoiseRow { sources: number; sourcesText: string; dl: number; reason: string; packets: string; named: string }

export interface SourcesView {
  rows: SourceRow[]
  /** "The other 9,500 sources …" when the list is cut; '' otherwise. */
  more: string
  noise: { rows: NoiseRow[]; total: string; more: string }
}

const pairs = (rec: Record<string, number>): string => Object.entries(rec).map(([k, v]) => `${safe(k)} ${int(v)}`).join(', ')

function sourceRow(s: SourceV1): SourceRow {
  const dests = s.destinations.slice(0, MAX_DESTINATIONS).map((d) => ({
    ip: safe(d.ip), packets: d.packets, packetsText: int(d.packets), tcp: safe(d.tcpPorts ?? '–'), udp: safe(d.udpPorts ?? '–'), udplite: safe(d.udplitePorts ?? '–'),
    protocols: d.protocols, first: when(d.firstSeen), last: when(d.lastSeen),
  }))
  return {
    ip: safe(s.ip),
    dl: s.dangerLevel,
    packets: s.packets,
    packetsText: int(s.packets),
    destinations: s.destinationsTotal,
    destinationsText: int(s.destinationsTotal),
    scan: s.scanTypes.map(safe).join(', '),
    nmap: s.nmapOptions.map(safe).join(' '),
    signatures: s.signatures.length,
    first: when(s.firstSeen),
    last: when(s.lastSeen),
    dns: safe(s.enrichment?.dns ?? ''),
    version: s.version,
    os: s.os.map((o) => `${safe(o.os)} (${safe(o.method)})`).join('; '),
    flags: pairs(s.tcpFlags),
    chains: pairs(s.chains),
    prefixes: pairs(s.logPrefixes),
    hosts: pairs(s.hosts),
    findings: s.findings.map((f) => ({ kind: safe(f.kind), message: safe(f.message) })),
    dests,
    udplite: s.destinations.some((d) => d.udplitePorts !== null),
    moreDestinations: s.destinationsTotal > dests.length ? `${int(s.destinationsTotal - dests.length)} more destinations in the JSON report.` : '',
    sigs: s.signatures.map((g) => ({
      msg: safe(g.msg), protocol: safe(g.protocol), id: g.sid !== null ? `sid ${g.sid}` : g.psadId !== null ? `psad_id ${g.psadId}` : '', count: g.count, countText: int(g.count), dl: g.dangerLevel,
    })),
    whois: (s.enrichment?.whois ?? '').split(/\r?\n/).map(safe).join('\n'),
  }
}

/** Returns the static source list (the first STATIC_SOURCES, worst first) and the folded noise. */
export function sourcesView(r: ReportV1): SourcesView {
  const rows = r.sources.slice(0, STATIC_SOURCES).map(sourceRow)
  const rest = r.sources.length - rows.length
  const t = triage(r)
  const noise = t.noise.slice(0, NOISE_GROUPS).map((g) => ({
    sources: g.sources.length,
    sourcesText: int(g.sources.length),
    dl: g.dl,
    reason: safe(g.reason),
    packets: g.minPackets === g.maxPackets ? int(g.minPackets) : `${int(g.minPackets)}–${int(g.maxPackets)}`,
    named: g.sources.length <= NAMED_IN_GROUP ? g.sources.map((s) => safe(s.ip)).join(', ') : '',
  }))
  const hidden = t.noise.slice(NOISE_GROUPS).reduce((n, g) => n + g.sources.length, 0)
  return {
    rows,
    more: rest > 0 ? `The other ${int(rest)} sources are listed by the page's script (with scripts off: --format json or csv).` : '',
    noise: {
      rows: noise,
      total: t.noiseSources > 0 ? `${int(t.noiseSources)} sources at DL 1–2 sent no scan (no SYN, UDP, sweep … pattern): grouped here by danger level and reason. Every one of them is in the list below.` : '',
      more: hidden > 0 ? `${int(t.noise.length - NOISE_GROUPS)} more groups of ${int(hidden)} sources.` : '',
    },
  }
}
