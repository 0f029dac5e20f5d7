import { whoisHighlights } from './whois-highlights.js'
import { ansiPalette, plainPalette, type Palette } from './colour.js'
import type { ReportV1, SourceV1 } from './model.js'
import { printable } from '../core/excerpt.js'
import { hostsText } from './title.js'
import { triage, type NoiseGroup, type Triage } from './triage.js'

// The text report (a terminal, the mail's plain part): summary counters, danger levels, the sources
// that matter (DL 3+, then scanners) one line each, the noise folded into groups (triage.ts), top
// signatures and ports, prefix/protocol counters, then a block for each of the first sources that
// matter. Fits 80 columns, and a noisy day in about 200 lines; every log-derived string passes
// through printable. With `colour`, headers and danger levels get SGR colours (see
// colour.ts): only our own tokens are painted, after layout, so widths are unchanged.

const WIDTH = 80

/** Source blocks in "Source detail", at most (the HTML and JSON reports have every source). */
export const DETAIL_SOURCES = 5
/** Destinations and signatures listed in one source block. */
const DETAIL_DESTINATIONS = 5
const DETAIL_SIGNATURES = 3

export interface TextOptions {
  /** Rows per "top" table. */
  top: number
  /** ANSI colours for a terminal (the caller decides: TTY, NO_COLOR); never for files or mail. */
  colour?: boolean
}

function wrap(text: string, indent: string, first = indent): string[] {
  const words = text.split(' ')
  const lines: string[] = []
  let cur = first
  for (const w of words) {
    const fresh = cur === first || cur === indent
    if (!fresh && cur.length + 1 + w.length > WIDTH) {
      lines.push(cur)
      cur = indent + w
    } else cur += (fresh ? '' : ' ') + w
  }
  lines.push(cur)
  return lines
}

function time(iso: string | null): string {
  return iso === null ? '?' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')
}

function counts(rec: Record<string, number>): string {
  const parts = Object.entries(rec).map(([k, v]) => `${printable(k)}: ${v}`)
  return parts.length === 0 ? '[none]' : parts.join(', ')
}

// The largest `top` counters, most first (integer-like keys such as protocol numbers would
// otherwise come first, in JavaScript's key order), and how many were left out.
function topCounts(rec: Record<string, number>, top: number): string {
  const entries = Object.entries(rec).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  if (entries.length === 0) return '[none]'
  const shown = entries.slice(0, top).map(([k, v]) => `${printable(k)}: ${v}`).join(', ')
  return entries.length > top ? `${shown} ... and ${entries.length - top} more` : shown
}

// A few key whois lines (netname, org, country, abuse, range, origin); JSON and HTML have all of it.
function enrichmentLines(s: SourceV1): string[] {
  const out: string[] = []
  if (s.enrichment?.dns != null) out.push(...wrap(`DNS: ${printable(s.enrichment.dns)}`, '      ', '    '))
  if (s.enrichment?.whois != null) {
    whoisHighlights(s.enrichment.whois).forEach((line, i) => {
      const text = printable(line)
      out.push(`${i === 0 ? '    whois: ' : '           '}${text.length > 68 ? `${text.slice(0, 67)}…` : text}`)
    })
  }
  return out
}

function sourceBlock(s: SourceV1, paint: Palette, severalHosts: boolean): string[] {
  const out: string[] = []
  out.push(`SRC ${s.ip}  ${paint.level(s.dangerLevel, `DL ${s.dangerLevel}`)}  packets ${s.packets}  destinations ${s.destinationsTotal}`)
  out.push(`    seen ${time(s.firstSeen)} .. ${time(s.lastSeen)}`)
  out.push(...enrichmentLines(s))
  if (s.scanTypes.length > 0) {
    const nmap = s.nmapOptions.length > 0 ? ` (nmap ${s.nmapOptions.join(' ')})` : ''
    out.push(...wrap(`scan types: ${s.scanTypes.join(', ')}${nmap}`, '      ', '    '))
  }
  if (Object.keys(s.tcpFlags).length > 0) out.push(...wrap(`TCP flags: ${counts(s.tcpFlags)}`, '      ', '    '))
  out.push(...wrap(`chains: ${counts(s.chains)}; prefixes: ${counts(s.logPrefixes)}`, '      ', '    '))
  if (severalHosts) out.push(...wrap(`syslog hosts: ${counts(s.hosts)}`, '      ', '    '))
  for (const os of s.os) out.push(...wrap(`OS guess: ${printable(os.os)} (${os.method})`, '      ', '    '))
  const shown = s.destinations.slice(0, DETAIL_DESTINATIONS)
  for (const d of shown) {
    const parts = [`DST ${d.ip}`, `packets ${d.packets}`]
    if (d.tcpPorts !== null) parts.push(`tcp ${d.tcpPorts}`)
    if (d.udpPorts !== null) parts.push(`udp ${d.udpPorts}`)
    if (d.udplitePorts !== null) parts.push(`udplite ${d.udplitePorts}`)
    parts.push(`protocols ${d.protocols}`)
    out.push(...wrap(parts.join('  '), '        ', '    '))
  }
  if (s.destinations.length > shown.length) out.push(`    ... and ${s.destinations.length - shown.length} more destinations`)
  const sigs = s.signatures.slice(0, DETAIL_SIGNATURES)
  for (const sig of sigs) {
    const id = sig.sid !== null ? `sid ${sig.sid}` : `psad_id ${sig.psadId}`
    out.push(...wrap(`signature: "${printable(sig.msg)}" ${sig.protocol}, ${sig.count} packets, ${id}, DL ${sig.dangerLevel}`, '      ', '    '))
  }
  if (s.signatures.length > sigs.length) out.push(`    ... and ${s.signatures.length - sigs.length} more signatures`)
  for (const f of s.findings) out.push(...wrap(`${f.kind}: ${printable(f.message)}`, '      ', '    '))
  return out
}

/** Sources named in a noise group of at most this many. */
const NAMED_IN_GROUP = 3

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

// One line per source; its scan types as far as they fit in 80 columns (the block below has them all).
// `ipWidth` is the longest address listed, so IPv4-only lists leave room for the scan types.
function attackerLine(s: SourceV1, paint: Palette, ipWidth: number): string {
  const ip = `    ${s.ip.padEnd(ipWidth)} `
  const rest = `  packets ${String(s.packets).padStart(7)}  sigs ${s.signatures.length}`
  const level = `DL ${s.dangerLevel}`
  let scan = s.scanTypes.length > 0 ? `  ${s.scanTypes.join(',')}` : ''
  const used = ip.length + level.length + rest.length
  if (used + scan.length > WIDTH) scan = `${scan.slice(0, WIDTH - used - 1)}…`
  return `${ip}${paint.level(s.dangerLevel, level)}${rest}${scan}`
}

function noiseLine(g: NoiseGroup): string {
  const n = g.sources.length
  const packets = g.minPackets === g.maxPackets ? plural(g.minPackets, 'packet') : `${g.minPackets}-${g.maxPackets} packets`
  const names = n <= NAMED_IN_GROUP ? ` (${g.sources.map((s) => s.ip).join(', ')})` : ''
  return `${plural(n, 'source')}${names}, ${packets}${n === 1 ? '' : ' each'}, DL ${g.dl}: ${printable(g.reason)}`
}

// What matters first: attackers (DL 3+) and scanners, one line each up to --top; then the noise, folded.
function triageLines(t: Triage, top: number, paint: Palette, h: (title: string) => string): string[] {
  const out: string[] = []
  const listed = [...t.attackers, ...t.scanners]
  out.push(h('Top attackers:'))
  if (listed.length === 0) out.push('    [none]')
  const shown = listed.slice(0, top)
  const ipWidth = Math.max(15, ...shown.map((s) => s.ip.length))
  for (const s of shown) out.push(attackerLine(s, paint, ipWidth))
  const moreAttackers = Math.max(0, t.attackers.length - top)
  const moreScanners = t.scanners.length - Math.max(0, Math.min(t.scanners.length, top - t.attackers.length))
  if (moreAttackers + moreScanners > 0) {
    const parts = [moreAttackers > 0 ? `${moreAttackers} more at DL 3 or above` : '', moreScanners > 0 ? `${plural(moreScanners, 'more scanner')} at DL 1-2` : ''].filter((p) => p !== '')
    out.push(...wrap(`... and ${parts.join(' and ')} (every source is in --format json, csv and html)`, '      ', '    '))
  }
  out.push('')
  out.push(h('Noise, folded:'))
  if (t.noise.length === 0) out.push('    [none]')
  else out.push(...wrap(`${plural(t.noiseSources, 'source')} at DL 1-2 without a scan type, by danger level and reason:`, '    '))
  for (const g of t.noise.slice(0, top)) out.push(...wrap(noiseLine(g), '        ', '    '))
  if (t.noise.length > top) {
    const rest = t.noise.slice(top).reduce((n, g) => n + g.sources.length, 0)
    out.push(`    ... and ${plural(t.noise.length - top, 'more group')} of ${plural(rest, 'source')}`)
  }
  return out
}

/** Renders the report as text for a terminal or a mail body; `now` ends a window with no --until. */
export function renderText(r: ReportV1, opts: TextOptions = { top: 20 }): string {
  const paint = opts.colour === true ? ansiPalette : plainPalette
  const h = (title: string): string => `[+] ${paint.header(title)}`
  const dl = (n: 1 | 2 | 3 | 4 | 5): string => {
    const text = `DL${n}: ${r.summary.dangerLevels[n]}`
    return r.summary.dangerLevels[n] > 0 ? paint.level(n, text) : text
  }
  const out: string[] = []
  const sum = r.summary
  const t = triage(r)
  out.push(`portsleuth ${r.generator.version}: ${r.inputs.length} input(s), ${sum.linesRead} lines, ${sum.packets} packets`)
  const hosts = hostsText(r)
  if (hosts !== '') out.push(...wrap(`firewall (syslog host): ${hosts}`, '    ', ''))
  if (r.window !== undefined) out.push(`window asked for: ${time(r.window.since)} .. ${r.window.until === null ? 'now' : time(r.window.until)}`)
  out.push(`time range: ${time(sum.firstSeen)} .. ${time(sum.lastSeen)}`)
  for (const i of r.inputs) {
    const note = i.error !== null ? `  ERROR: ${printable(i.error)}` : ''
    out.push(...wrap(`input ${printable(i.name)}: ${i.lines} lines, ${i.bytes} bytes${i.gzip ? ' (gzip)' : ''}${note}`, '      ', '  '))
  }
  out.push(...wrap(`skipped lines: ${counts(sum.skipped)}`, '    '))
  out.push('')
  out.push(h('Danger levels (sources):'))
  out.push(`    ${dl(5)}  ${dl(4)}  ${dl(3)}  ${dl(2)}  ${dl(1)}   (${sum.sourcesSeen} sources seen)`)
  out.push(`    ${t.attackers.length} at DL 3 or above, ${t.scanners.length} scanning at DL 1-2, ${t.noiseSources} folded as noise`)
  out.push('')
  out.push(...triageLines(t, opts.top, paint, h))
  out.push('')
  out.push(h('Top signature matches:'))
  if (r.topSignatures.length === 0) out.push('    [none]')
  for (const s of r.topSignatures.slice(0, opts.top)) {
    const id = s.sid !== null ? `sid ${s.sid}` : `psad_id ${s.psadId}`
    out.push(...wrap(`"${printable(s.msg)}" (${s.protocol}) count ${s.count}, sources ${s.sources}, ${id}`, '      ', '    '))
  }
  out.push('')
  out.push(h('Top scanned ports:'))
  if (r.topPorts.length === 0) out.push('    [none]')
  for (const p of r.topPorts.slice(0, opts.top)) out.push(`    ${p.protocol.padEnd(7)} ${String(p.port).padStart(5)}  ${p.packets} packets`)
  out.push('')
  out.push(h('Log prefixes:'))
  out.push(...wrap(topCounts(sum.logPrefixes, opts.top), '    '))
  out.push(h('Protocols:'))
  out.push(...wrap(topCounts(sum.protocols, opts.top), '    '))
  out.push(h('Syslog hosts:'))
  out.push(...wrap(topCounts(sum.hosts, opts.top), '    '))
  if (sum.outbound.packets > 0) {
    out.push(h('Outbound traffic:'))
    out.push(`    ${plural(sum.outbound.packets, 'packet')} sent by this host (never scored, alerted on or blocked)`)
    out.push(...wrap(`from: ${topCounts(sum.outbound.sources, opts.top)}`, '      ', '    '))
    out.push(...wrap(`to: ${topCounts(sum.outbound.destinations, opts.top)}`, '      ', '    '))
  }
  if (r.malformed.length > 0) {
    out.push(h('Malformed lines (first ones):'))
    for (const m of r.malformed) out.push(...wrap(`${printable(m.where)}: ${printable(m.error)}`, '      ', '    '))
  }
  out.push('')
  out.push(h('Source detail:'))
  const detailed = [...t.attackers, ...t.scanners].slice(0, Math.min(opts.top, DETAIL_SOURCES))
  if (detailed.length === 0) out.push('    [none]')
  for (const s of detailed) {
    out.push(...sourceBlock(s, paint, Object.keys(sum.hosts).length > 1))
    out.push('')
  }
  const undetailed = t.attackers.length + t.scanners.length - detailed.length
  if (undetailed > 0) out.push(`    ${plural(undetailed, 'more source')} above in the HTML and JSON reports`, '')
  return `${out.join('\n')}\n`
}
