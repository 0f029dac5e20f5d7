import { printable } from '../../core/excerpt.js'
import type { AlertEvent, BlockEvent } from './event.js'

// The plain-text alert mail, after psad's (labels right-aligned in one column; danger level,
// destinations, ports new since the previous alert and the complete range, TCP flags with nmap
// options, chains and prefixes, source with reverse DNS and OS guess, destinations, signatures,
// whois). The wording is ours. Every field from a log line or a lookup is shown with its control
// characters escaped, so a mail client or a terminal `mail` shows exactly what was logged.

const RULE = '=-'.repeat(18)
const row = (label: string, value: string): string => `${label.padStart(22)}: ${value}`
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** Returns a subject fit for one header line: controls replaced by spaces, spaces collapsed. */
export function subjectLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ').replace(/\s+/g, ' ').trim()
}

/** Returns `PREFIX DL3 src: 203.0.113.7 dst: 192.0.2.10` (psad's MAIL_ALERT_PREFIX subject). */
export function alertSubject(e: AlertEvent, prefix: string): string {
  const dst = e.destinations[0]?.ip
  return subjectLine(`${prefix}${e.test === true ? ' TEST' : ''} DL${e.dangerLevel} src: ${e.ip}${dst === undefined ? '' : ` dst: ${dst}`}`)
}

/** Returns `PREFIX digest: 3 alerts from 2 sources, highest DL 4`. */
export function digestSubject(events: readonly AlertEvent[], prefix: string): string {
  const sources = new Set(events.map((e) => e.ip)).size
  const top = Math.max(0, ...events.map((e) => e.dangerLevel))
  return subjectLine(`${prefix} digest: ${plural(events.length, 'alert')} from ${plural(sources, 'source')}, highest DL ${top}`)
}

function flagLines(e: AlertEvent): string[] {
  return Object.entries(e.flags).map(([flags, n]) => row('TCP flags', `[${printable(flags)}: ${plural(n, 'packet')}]`))
}

function portLines(e: AlertEvent): string[] {
  const out: string[] = []
  for (const [proto, p] of [['TCP', e.ports.tcp], ['UDP', e.ports.udp]] as const) {
    if (p.all.length === 0) continue
    out.push(row(`New ${proto} ports`, p.new.length > 0 ? `[${p.new.join(', ')}]` : 'none since the previous alert'))
    out.push(row(`Complete ${proto} range`, `[${p.all.join(', ')}]`))
  }
  return out
}

/** Returns the body of one alert mail (`mails`: alert mails about this source so far, this one included). */
export function alertBody(e: AlertEvent, o: { hostname: string; mails?: number }): string {
  const out: string[] = [`${RULE} ${e.time} ${RULE}`]
  if (e.test === true) out.push('', '*** TEST ALERT: sent by `portsleuth alert test` to check delivery; not a real scan. ***')
  out.push('', `portsleuth alert from ${printable(o.hostname)}`, '')
  const multi = new Set(e.destinations.flatMap((d) => [d.tcpPorts !== null ? 'tcp' : '', d.udpPorts !== null ? 'udp' : ''].filter((x) => x !== ''))).size > 1
  out.push(row('Danger level', `[${e.dangerLevel}] (out of 5)${multi ? ' Multi-Protocol' : ''}`))
  out.push(row('Reason', printable(e.reason)))
  out.push(row('Scanned destinations', String(e.destinationsTotal)))
  out.push(...portLines(e))
  if (e.scanTypes.length > 0) out.push(row('Scan types', `${e.scanTypes.join(', ')}${e.nmapOptions.length > 0 ? ` (Nmap: ${e.nmapOptions.join(' ')})` : ''}`))
  out.push(...flagLines(e))
  for (const [chain, n] of Object.entries(e.chains)) out.push(row('Chain', `${printable(chain)}, ${plural(n, 'packet')}`))
  for (const [prefix, n] of Object.entries(e.logPrefixes)) out.push(row('Log prefix', `"${printable(prefix)}", ${plural(n, 'packet')}`))
  out.push(row('Packets', `${e.packets} (${e.newPackets} since the previous alert)`))

  out.push('', row('Source', e.ip))
  if (e.enrichment !== undefined) out.push(row('DNS', e.enrichment.dns !== null ? printable(e.enrichment.dns) : '[No reverse DNS info available]'))
  for (const g of e.os) out.push(row('OS guess', `${printable(g.os)} (${printable(g.method)})`))

  for (const d of e.destinations) {
    out.push('', row('Destination', d.ip))
    if (d.tcpPorts !== null) out.push(row('TCP ports', `[${d.tcpPorts}]`))
    if (d.udpPorts !== null) out.push(row('UDP ports', `[${d.udpPorts}]`))
    out.push(row('Packets', `${d.packets} (${d.newPackets} new)`))
  }
  if (e.destinationsTotal > e.destinations.length) out.push('', `    ... and ${e.destinationsTotal - e.destinations.length} more destination(s)`)

  out.push('')
  if (e.firstSeen !== null) out.push(row('Overall scan start', e.firstSeen))
  if (e.lastSeen !== null) out.push(row('Last packet', e.lastSeen))
  if (o.mails !== undefined) out.push(row('Total email alerts', String(o.mails)))
  if (e.hosts.length > 0) out.push(row('Syslog hostname(s)', e.hosts.map(printable).join(', ')))

  if (e.signatures.length > 0) {
    out.push('', '[+] Signatures:')
    for (const s of e.signatures) {
      const id = s.sid !== null ? `sid: ${s.sid}` : s.psadId !== null ? `psad_id: ${s.psadId}` : 'no id'
      out.push(`    "${printable(s.msg)}"`, `        ${id}, ${s.protocol}, ${plural(s.count, 'packet')} (${s.newCount} new), DL ${s.dangerLevel}`)
    }
  }
  if (e.findings.length > 0) {
    out.push('', '[+] Findings:')
    for (const f of e.findings) out.push(`    ${printable(f.kind)}: ${printable(f.message)}`)
  }
  if (e.lines.length > 0) {
    out.push('', `[+] Log lines (the last ${e.lines.length}):`)
    for (const l of e.lines) out.push(`    ${printable(l)}`)
  }
  if (e.enrichment?.whois != null) {
    out.push('', '[+] Whois information (source IP):', '')
    for (const l of e.enrichment.whois.split('\n')) out.push(printable(l))
  }
  out.push('', '=-'.repeat(49), '')
  return out.join('\n')
}

/** Returns the subject and body of a block or unblock status mail. */
export function blockMail(e: BlockEvent, statusPrefix: string): { subject: string; text: string } {
  const what = e.type === 'unblock'
    ? `removed ${e.backend} auto-block against ${e.target}`
    : `added ${e.backend} auto-block against ${e.target} ${e.timeout > 0 ? `for ${e.timeout} seconds` : '(unlimited timeout)'}`
  const lines = [what, '', row('Time', e.time), row('Source', e.ip), row('Danger level', String(e.dangerLevel)), row('Reason', printable(e.reason))]
  for (const argv of e.commands ?? []) lines.push(row('Command', argv.map(printable).join(' ')))
  return { subject: subjectLine(`${statusPrefix} ${what}`), text: `${lines.join('\n')}\n` }
}

/** Returns the subject and body of the one "email limit reached" status mail about a source. */
export function limitMail(ip: string, dst: string | null, limit: number, statusPrefix: string, hostname: string): { subject: string; text: string } {
  const about = dst === null ? ip : `${ip} -> ${dst}`
  const text = [
    `portsleuth on ${printable(hostname)} has sent ${plural(limit, 'alert mail')} about ${about} (EMAIL_LIMIT ${limit}).`,
    'No more alert mail about it is sent while portsleuth keeps its state; syslog, JSON and the other channels still report it.',
    '',
  ].join('\n')
  return { subject: subjectLine(`${statusPrefix} email limit reached for src: ${about}`), text }
}
