import type { AlertDestinationV1, AlertEvent, BlockEvent, NoticeEvent, WatchEvent } from './event.js'
import { oneLine } from './safe-text.js'

// The syslog messages of each event, in psad's wording, so that filters written for psad keep
// working: fail2ban's psad filter matches `psad: scan detected: <HOST> -> `, OSSEC/Wazuh decoders
// read `scan detected` and `signature match` lines. psad writes one `scan detected` line per
// (source, destination) pair of a batch and leaves out the parts that are zero:
//
//   scan detected: 203.0.113.7 -> 192.0.2.10 tcp: [22-1024] flags: SYN tcp pkts: 412 DL: 3
//
// Differences, deliberate: psad's optional style label, `scan detected (Nmap -sT or -sS scan): …`,
// is off by default because fail2ban's filter does not match it (`styleLabels` turns it on); with
// TCP and UDP both present psad shows only the UDP range, we show both; portsleuth counts packets
// per destination, not per protocol per destination, so a destination that saw more than one
// protocol (or only ICMP or another portless protocol) gets `pkts: N` instead of `tcp pkts: N`.

export interface SyslogWording {
  /** psad's `scan detected (<style>):` variant (default off). */
  styleLabels: boolean
  /** `scan detected` lines per alert at most, busiest destinations first (default 10). */
  maxScanLines: number
  /** ENABLE_SIG_MSG_SYSLOG: one `signature match` line per new signature (default on). */
  signatureLines: boolean
  /** SIG_MSG_SYSLOG_THRESHOLD: signature lines per protocol per alert at most (default 10). */
  signatureLinesPerProtocol: number
}

export const DEFAULT_WORDING: SyslogWording = { styleLabels: false, maxScanLines: 10, signatureLines: true, signatureLinesPerProtocol: 10 }

/** The marker that starts every message of a test alert, so no filter takes it for a scan. */
export const TEST_MARK = 'TEST ALERT, not a scan: '

function styleLabel(type: string, nmap: readonly string[]): string {
  switch (type) {
    case 'SYN': {
      const opts = ['-sT', '-sS'].filter((o) => nmap.includes(o))
      return `Nmap ${opts.length === 1 ? opts[0] : '-sT or -sS'} scan`
    }
    case 'FIN': return 'Nmap -sF scan'
    case 'XMAS': return 'Nmap -sX scan'
    case 'NULL': return 'Nmap -sN scan'
    case 'ACK': return 'Nmap -sA scan'
    case 'MAIMON': return 'Nmap -sM scan'
    case 'OS-PROBE': return 'Nmap -O scan'
    case 'UDP': return '-sU scan'
    case 'IP-PROTOCOL': return 'Nmap -sO IP protocol scan'
    case 'SWEEP': return 'port sweep scan'
    default: return `${type} scan`
  }
}

function pktsLabel(d: AlertDestinationV1): string {
  if (d.protocols === 1 && d.tcpPorts !== null && d.udpPorts === null) return 'tcp pkts'
  if (d.protocols === 1 && d.udpPorts !== null && d.tcpPorts === null) return 'udp pkts'
  return 'pkts'
}

function scanLine(e: AlertEvent, d: AlertDestinationV1, style: string): string {
  const parts = [`scan detected${style}: ${e.ip} -> ${d.ip}`]
  if (d.tcpPorts !== null) parts.push(`tcp: [${d.tcpPorts}]`)
  if (d.udpPorts !== null) parts.push(`udp: [${d.udpPorts}]`)
  const flags = Object.keys(e.flags)
  if (d.tcpPorts !== null && flags.length > 0) parts.push(`flags: ${flags.join(' ')}`)
  const n = d.newPackets > 0 ? d.newPackets : d.packets
  if (n > 0) parts.push(`${pktsLabel(d)}: ${n}`)
  parts.push(`DL: ${e.dangerLevel}`)
  if (e.destinationsTotal > 1) parts.push(`total scan dsts: ${e.destinationsTotal}`)
  return parts.join(' ')
}

function alertMessages(e: AlertEvent, w: SyslogWording): string[] {
  const style = w.styleLabels && e.scanTypes.length > 0 ? ` (${e.scanTypes.map((t) => styleLabel(t, e.nmapOptions)).join(', ')})` : ''
  const fresh = e.destinations.filter((d) => d.newPackets > 0)
  const dsts = (fresh.length > 0 ? fresh : e.destinations.slice(0, 1)).slice(0, Math.max(1, w.maxScanLines))
  const out = dsts.map((d) => scanLine(e, d, style))
  if (dsts.length === 0) out.push(`scan detected${style}: ${e.ip} DL: ${e.dangerLevel}`)
  if (w.signatureLines) {
    const perProto = new Map<string, number>()
    for (const s of e.signatures) {
      if (s.newCount <= 0) continue
      const n = perProto.get(s.protocol) ?? 0
      if (n >= w.signatureLinesPerProtocol) continue
      perProto.set(s.protocol, n + 1)
      const id = s.sid !== null ? ` (sid: ${s.sid})` : s.psadId !== null ? ` (psad_id: ${s.psadId})` : ''
      out.push(`src: ${e.ip} signature match: "${s.msg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"${id} ${s.protocol}`)
    }
  }
  return out
}

function blockMessage(e: BlockEvent): string {
  if (e.type === 'unblock') return `removed ${e.backend} auto-block against ${e.target}`
  return `added ${e.backend} auto-block against ${e.target} ${e.timeout > 0 ? `for ${e.timeout} seconds` : '(unlimited timeout)'}`
}

function noticeMessage(e: NoticeEvent): string {
  if (e.kind === 'email-limit' && e.ip !== undefined) return `email limit reached for src: ${e.ip}`
  return e.message
}

/** Returns the syslog messages of an event, each one line with every control character escaped. */
export function syslogMessages(e: WatchEvent, w: SyslogWording = DEFAULT_WORDING): string[] {
  const raw = e.type === 'alert' ? alertMessages(e, w) : e.type === 'notice' ? [noticeMessage(e)] : [blockMessage(e)]
  const mark = e.type === 'alert' && e.test === true ? TEST_MARK : ''
  return raw.map((m) => oneLine(mark + m, 2000))
}
