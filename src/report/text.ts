import { whoisHighlights } from './whois-highlights.js'
import { ansiPalette, plainPalette, type Palette } from './colour.js'
import type { ReportV1, SourceV1 } from './model.js'
import { terminalSafe } from './sanitize.js'

// The psad-like text report: summary counters, danger levels, top signatures, top attackers, top
// ports, prefix/protocol counters, then one block per source. Fits 80 columns; every log-derived
// string passes through terminalSafe. With `colour`, headers and danger levels get SGR colours (see
// colour.ts): only our own tokens are painted, after layout, so widths are unchanged.

const WIDTH = 80

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
  const parts = Object.entries(rec).map(([k, v]) => `${terminalSafe(k)}: ${v}`)
  return parts.length === 0 ? '[none]' : parts.join(', ')
}

// A few key whois lines (netname, org, country, abuse, range, origin); JSON and HTML have all of it.
function enrichmentLines(s: SourceV1): string[] {
  const out: string[] = []
  if (s.enrichment?.dns != null) out.push(...wrap(`DNS: ${terminalSafe(s.enrichment.dns)}`, '      ', '    '))
  if (s.enrichment?.whois != null) {
    whoisHighlights(s.enrichment.whois).forEach((line, i) => {
      const text = terminalSafe(line)
      out.push(`${i === 0 ? '    whois: ' : '           '}${text.length > 68 ? `${text.slice(0, 67)}…` : text}`)
    })
  }
  return out
}

function sourceBlock(s: SourceV1, paint: Palette): string[] {
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
  for (const os of s.os) out.push(...wrap(`OS guess: ${terminalSafe(os.os)} (${os.method})`, '      ', '    '))
  const shown = s.destinations.slice(0, 20)
  for (const d of shown) {
    const parts = [`DST ${d.ip}`, `packets ${d.packets}`]
    if (d.tcpPorts !== null) parts.push(`tcp ${d.tcpPorts}`)
    if (d.udpPorts !== null) parts.push(`udp ${d.udpPorts}`)
    if (d.udplitePorts !== null) parts.push(`udplite ${d.udplitePorts}`)
    parts.push(`protocols ${d.protocols}`)
    out.push(...wrap(parts.join('  '), '        ', '    '))
  }
  if (s.destinations.length > shown.length) out.push(`    ... and ${s.destinations.length - shown.length} more destinations`)
  for (const sig of s.signatures) {
    const id = sig.sid !== null ? `sid ${sig.sid}` : `psad_id ${sig.psadId}`
    out.push(...wrap(`signature: "${terminalSafe(sig.msg)}" ${sig.protocol}, ${sig.count} packets, ${id}, DL ${sig.dangerLevel}`, '      ', '    '))
  }
  for (const f of s.findings) out.push(...wrap(`${f.kind}: ${terminalSafe(f.message)}`, '      ', '    '))
  return out
}

/** Renders the report as text for a terminal or a mail body. */
export function renderText(r: ReportV1, opts: TextOptions = { top: 20 }): string {
  const paint = opts.colour === true ? ansiPalette : plainPalette
  const h = (title: string): string => `[+] ${paint.header(title)}`
  const dl = (n: 1 | 2 | 3 | 4 | 5): string => {
    const text = `DL${n}: ${r.summary.dangerLevels[n]}`
    return r.summary.dangerLevels[n] > 0 ? paint.level(n, text) : text
  }
  const out: string[] = []
  const sum = r.summary
  out.push(`portsleuth ${r.generator.version}: ${r.inputs.length} input(s), ${sum.linesRead} lines, ${sum.packets} packets`)
  out.push(`time range: ${time(sum.firstSeen)} .. ${time(sum.lastSeen)}`)
  for (const i of r.inputs) {
    const note = i.error !== null ? `  ERROR: ${terminalSafe(i.error)}` : ''
    out.push(...wrap(`input ${terminalSafe(i.name)}: ${i.lines} lines, ${i.bytes} bytes${i.gzip ? ' (gzip)' : ''}${note}`, '      ', '  '))
  }
  out.push(...wrap(`skipped lines: ${counts(sum.skipped)}`, '    '))
  out.push('')
  out.push(h('Danger levels (sources):'))
  out.push(`    ${dl(5)}  ${dl(4)}  ${dl(3)}  ${dl(2)}  ${dl(1)}   (${sum.sourcesSeen} sources seen)`)
  out.push('')
  out.push(h('Top signature matches:'))
  if (r.topSignatures.length === 0) out.push('    [none]')
  for (const s of r.topSignatures.slice(0, opts.top)) {
    const id = s.sid !== null ? `sid ${s.sid}` : `psad_id ${s.psadId}`
    out.push(...wrap(`"${terminalSafe(s.msg)}" (${s.protocol}) count ${s.count}, sources ${s.sources}, ${id}`, '      ', '    '))
  }
  out.push('')
  out.push(h('Top attackers:'))
  if (r.sources.length === 0) out.push('    [none]')
  for (const s of r.sources.slice(0, opts.top)) {
    out.push(`    ${s.ip.padEnd(39)} ${paint.level(s.dangerLevel, `DL ${s.dangerLevel}`)}  packets ${String(s.packets).padStart(7)}  sigs ${s.signatures.length}`)
  }
  out.push('')
  out.push(h('Top scanned ports:'))
  if (r.topPorts.length === 0) out.push('    [none]')
  for (const p of r.topPorts.slice(0, opts.top)) out.push(`    ${p.protocol.padEnd(7)} ${String(p.port).padStart(5)}  ${p.packets} packets`)
  out.push('')
  out.push(h('Log prefixes:'))
  out.push(...wrap(counts(sum.logPrefixes), '    '))
  out.push(h('Protocols:'))
  out.push(...wrap(counts(sum.protocols), '    '))
  out.push(h('Syslog hosts:'))
  out.push(...wrap(counts(sum.hosts), '    '))
  if (r.malformed.length > 0) {
    out.push(h('Malformed lines (first ones):'))
    for (const m of r.malformed) out.push(...wrap(`${terminalSafe(m.where)}: ${terminalSafe(m.error)}`, '      ', '    '))
  }
  out.push('')
  out.push(h('Source detail:'))
  if (r.sources.length === 0) out.push('    [none]')
  for (const s of r.sources) {
    out.push(...sourceBlock(s, paint))
    out.push('')
  }
  return `${out.join('\n')}\n`
}
