import type { DetectionSettings } from '../config/settings.js'
import { type Packet, ACK, CWR, ECE, FIN, PSH, RST, SYN, URG, PROTO_TCP } from '../parse/packet.js'

/** The scan vocabulary of reports, in the order they are listed. */
export const SCAN_TYPES = ['SYN', 'FIN', 'XMAS', 'NULL', 'ACK', 'MAIMON', 'SYN-FIN', 'OS-PROBE', 'UDP', 'IP-PROTOCOL', 'SWEEP'] as const
export type ScanType = (typeof SCAN_TYPES)[number]

const ECN = CWR | ECE

/**
 * Returns the probe class of a TCP flag set, ignoring the ECN bits (a connect() from an ECN-enabled
 * stack logs `CWR ECE SYN`), or null for sets no scanner sends on purpose (e.g. `ACK PSH`).
 */
export function tcpScanType(flags: number): ScanType | null {
  if (flags < 0) return null
  switch (flags & ~ECN) {
    case SYN:
      return 'SYN'
    case FIN:
      return 'FIN'
    case URG | PSH | FIN:
    case URG | ACK | PSH | RST | SYN | FIN:
      return 'XMAS'
    case 0:
      return 'NULL'
    case ACK:
      return 'ACK'
    case ACK | FIN:
      return 'MAIMON'
    case SYN | FIN:
      return 'SYN-FIN'
    case URG | PSH | SYN | FIN:
      return 'OS-PROBE'
  }
  return null
}

/** nmap options that produce each scan type (SYN is refined by `synStyle`). */
export const NMAP_OPTION: Readonly<Partial<Record<ScanType, string>>> = {
  FIN: '-sF',
  XMAS: '-sX',
  NULL: '-sN',
  ACK: '-sA',
  MAIMON: '-sM',
  'OS-PROBE': '-O',
  UDP: '-sU',
  'IP-PROTOCOL': '-sO',
}

/**
 * Tells a raw SYN (nmap -sS, masscan: at most an MSS option, TCP header ≤ 24 bytes) from a SYN made by
 * an operating system's connect() (nmap -sT: MSS, SACK, timestamps, window scale). Returns 'raw',
 * 'stack', or null when the line does not say enough.
 */
export function synStyle(pkt: Packet): 'raw' | 'stack' | null {
  let tcpHeader: number
  const optBytes = pkt.tcpOptsBytes
  if (optBytes >= 0) tcpHeader = 20 + optBytes
  else if (pkt.len > 0 && !pkt.ipv6 && pkt.ipOpts === '') tcpHeader = pkt.len - 20
  else if (pkt.len > 0 && pkt.ipv6 && pkt.extHeaders === 0) tcpHeader = pkt.len - 40
  else return null
  return tcpHeader <= 24 ? 'raw' : 'stack'
}

/**
 * The stateful-firewall leftover rule. A conntrack-based firewall drops the late packets of
 * connections it has already forgotten: ACK, FIN+ACK, RST, SYN+ACK retransmissions from a server the
 * host talked to. They come *from* a service port (below 1024, or a known service port above it)
 * *to* an ephemeral port. Scans look the other way round: nmap -sA/-sM send from one high random
 * port to the ports being probed. So an ACK- or RST-bearing packet is a leftover exactly when its
 * source port is a service port and its destination port is in the ephemeral range and is not itself
 * a service port. Everything else with ACK/RST is scored like any other probe.
 */
export function isConntrackLeftover(pkt: Packet, s: DetectionSettings): boolean {
  if (pkt.proto !== PROTO_TCP || pkt.flags < 0 || !(pkt.flags & (ACK | RST))) return false
  const service = (port: number): boolean => (port >= 0 && port < 1024) || s.servicePorts.has(port)
  return service(pkt.sport) && pkt.dport >= s.ephemeralLo && pkt.dport <= s.ephemeralHi && !service(pkt.dport)
}

/** True for packets psad's IGNORE_CONNTRACK_BUG_PKTS Y drops: any TCP flag set with ACK or RST. */
export function hasAckOrRst(pkt: Packet): boolean {
  return pkt.proto === PROTO_TCP && pkt.flags >= 0 && (pkt.flags & (ACK | RST)) !== 0
}
