import { dlChart, type DlChart } from './html-dl-chart.js'
import { bytes, duration, int, percent, safe, when } from './html-format.js'
import { timelineChart, type TimelineChart } from './html-timeline.js'
import type { ReportV1 } from './model.js'
import { sourcesView, type NoiseRow, type SourceRow } from './html-sources.js'
import { reportTitle } from './title.js'
import { triage } from './triage.js'

// The view model templates/html/report.hbs renders: every string is display-ready and log-derived
// ones have been through safe(); handlebars HTML-escapes them all on output. Templates stay
// logic-free, so what the page shows is decided (and tested) here.

/** Rows shown by each breakdown table; the JSON report has the rest. */
export const TABLE_ROWS = 200
export const TOP_SOURCES = 10

export interface CountRow { name: string; count: number; countText: string; pct: string; bar: number }
export interface CountTable { id: string; rows: CountRow[]; more: string; filter: boolean }

export interface HtmlView {
  title: string
  generatedAt: string
  generator: string
  range: string
  figures: { label: string; value: string; note: string }[]
  inputs: { name: string; bytes: string; bytesExact: number; gzip: boolean; lines: number; linesText: string; error: string }[]
  counters: { name: string; what: string; count: number; countText: string; pct: string }[]
  linesReadText: string
  unaccounted: string
  malformed: { where: string; error: string }[]
  timeline: TimelineChart
  dl: DlChart
  topSources: { ip: string; dl: number; packets: number; packetsText: string; destinations: number; scan: string; signatures: number; dns: string }[]
  moreSources: string
  topPorts: CountTable
  topSignatures: { rows: { msg: string; protocol: string; id: string; count: number; countText: string; sources: number }[]; more: string; filter: boolean }
  protocols: CountTable
  prefixes: CountTable
  hosts: CountTable
  /** Packets the logging host sent; null when there were none. */
  outbound: { packetsText: string; sources: CountTable; destinations: CountTable } | null
  sourceCount: number
  /** The static source list (the first 500 with details) and its note when cut. */
  sources: { rows: SourceRow[]; more: string }
  noise: { rows: NoiseRow[]; total: string; more: string }
}

// What each built-in skip reason means; filter reasons from the configuration are shown as named.
const SKIP_REASONS: Record<string, string> = {
  'not-firewall': 'not a netfilter LOG line',
  malformed: 'firewall line that could not be parsed',
  'too-long': 'longer than --max-line-length',
  'non-ip': 'not an IP packet (e.g. ARP)',
  'signature-dl0': 'matched a signature with danger level 0 (ignored)',
}

function more(total: number, shown: number, what: string): string {
  return total > shown ? `${int(total - shown)} more ${what} in the JSON report (--format json).` : ''
}

function countTable(id: string, rec: Record<string, number>, total: number, what: string): CountTable {
  const entries = Object.entries(rec)
  const max = Math.max(1, ...entries.map(([, n]) => n))
  const rows = entries.slice(0, TABLE_ROWS).map(([name, n]) => ({
    name: safe(name), count: n, countText: int(n), pct: percent(n, total), bar: Math.round((n / max) * 1000) / 10,
  }))
  return { id, rows, more: more(entries.length, rows.length, what), filter: rows.length > 8 }
}

function figures(r: ReportV1): HtmlView['figures'] {
  const s = r.summary
  const first = s.firstSeen === null ? NaN : Date.parse(s.firstSeen)
  const last = s.lastSeen === null ? NaN : Date.parse(s.lastSeen)
  const worst = [5, 4, 3, 2, 1].find((dl) => (s.dangerLevels[String(dl) as '1'] ?? 0) > 0)
  const skipped = Object.values(s.skipped).reduce((a, b) => a + b, 0)
  return [
    { label: 'Lines read', value: int(s.linesRead), note: `${int(skipped)} skipped` },
    { label: 'Packets', value: int(s.packets), note: `${Object.keys(s.protocols).length} protocol(s)` },
    { label: 'Sources seen', value: int(s.sourcesSeen), note: `${int(r.sources.length)} listed` },
    { label: 'Highest danger level', value: worst === undefined ? '–' : `DL ${worst}`, note: worst === undefined ? 'no scans' : `${int(s.dangerLevels[String(worst) as '1'])} source(s)` },
    { label: 'Time span', value: Number.isFinite(first) && Number.isFinite(last) ? duration((last - first) / 1000) : '–', note: `${r.inputs.length} input(s)` },
  ]
}

function counters(r: ReportV1): { rows: HtmlView['counters']; unaccounted: string } {
  const s = r.summary
  const rows = [{ name: 'accepted', what: 'analysed as a packet', count: s.packets, countText: int(s.packets), pct: percent(s.packets, s.linesRead) }]
  for (const [name, n] of Object.entries(s.skipped)) {
    rows.push({ name: safe(name), what: SKIP_REASONS[name] ?? 'dropped by a filter', count: n, countText: int(n), pct: percent(n, s.linesRead) })
  }
  const gap = s.linesRead - rows.reduce((a, x) => a + x.count, 0)
  return { rows, unaccounted: gap === 0 ? '' : `${int(gap)} line(s) are in no counter: please report this as a bug.` }
}

/** Returns the template view of a report; the title defaults to its hosts and period (title.ts). */
export function htmlView(r: ReportV1, opts: { title?: string; generatedAt: string }): HtmlView {
  const s = r.summary
  const { rows, unaccounted } = counters(r)
  const t = triage(r)
  // What matters first: attackers, then scanners; noise has its own folded table.
  const attention = [...t.attackers, ...t.scanners]
  const listed = sourcesView(r)
  const portMax = Math.max(1, ...r.topPorts.map((p) => p.packets))
  const sigs = r.topSignatures.slice(0, TABLE_ROWS)
  return {
    title: safe(opts.title ?? reportTitle(r, Date.parse(opts.generatedAt))),
    generatedAt: when(opts.generatedAt),
    generator: `${safe(r.generator.name)} ${safe(r.generator.version)}`,
    range: s.firstSeen === null ? 'no timestamps' : `${when(s.firstSeen)} – ${when(s.lastSeen)} UTC`,
    figures: figures(r),
    inputs: r.inputs.map((i) => ({
      name: safe(i.name), bytes: bytes(i.bytes), bytesExact: i.bytes, gzip: i.gzip, lines: i.lines, linesText: int(i.lines), error: i.error === null ? '' : safe(i.error),
    })),
    counters: rows,
    linesReadText: int(s.linesRead),
    unaccounted,
    malformed: r.malformed.map((m) => ({ where: safe(m.where), error: safe(m.error) })),
    timeline: timelineChart(r.timeline),
    dl: dlChart(s),
    topSources: attention.slice(0, TOP_SOURCES).map((x) => ({
      ip: safe(x.ip),
      dl: x.dangerLevel,
      packets: x.packets,
      packetsText: int(x.packets),
      destinations: x.destinationsTotal,
      scan: x.scanTypes.map(safe).join(', '),
      signatures: x.signatures.length,
      dns: safe(x.enrichment?.dns ?? ''),
    })),
    moreSources: attention.length > TOP_SOURCES || t.noiseSources > 0 ? `${int(attention.length)} sources at DL 3 or above or scanning, ${int(t.noiseSources)} folded as noise; all ${int(r.sources.length)} are in the list below.` : '',
    topPorts: {
      id: 'ports',
      rows: r.topPorts.map((p) => ({ name: `${safe(p.protocol)}/${p.port}`, count: p.packets, countText: int(p.packets), pct: percent(p.packets, s.packets), bar: Math.round((p.packets / portMax) * 1000) / 10 })),
      more: '',
      filter: r.topPorts.length > 8,
    },
    topSignatures: {
      rows: sigs.map((g) => ({
        msg: safe(g.msg), protocol: safe(g.protocol), id: g.sid !== null ? `sid ${g.sid}` : g.psadId !== null ? `psad_id ${g.psadId}` : '', count: g.count, countText: int(g.count), sources: g.sources,
      })),
      more: more(r.topSignatures.length, sigs.length, 'signatures'),
      filter: sigs.length > 8,
    },
    protocols: countTable('protocols', s.protocols, s.packets, 'protocols'),
    prefixes: countTable('prefixes', s.logPrefixes, s.packets, 'log prefixes'),
    hosts: countTable('hosts', s.hosts, s.packets, 'hosts'),
    outbound: s.outbound.packets === 0 ? null : {
      packetsText: int(s.outbound.packets),
      sources: countTable('outbound-sources', s.outbound.sources, s.outbound.packets, 'local addresses'),
      destinations: countTable('outbound-destinations', s.outbound.destinations, s.outbound.packets, 'destinations'),
    },
    sourceCount: r.sources.length,
    sources: { rows: listed.rows, more: listed.more },
    noise: listed.noise,
  }
}
