import { containsAddress } from '../../parse/address.js'
import { type Packet, ACK, PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_UDPLITE, SYN } from '../../parse/packet.js'
import type { AddrSpec, FlagTest, NumRange, PortSpec, Signature } from './types.js'

/**
 * Returns the estimated payload size of a packet, from the logged lengths. psad subtracts fixed header
 * sizes; we use the logged IP and TCP option lengths when present and fall back to psad's estimate
 * (a SYN is assumed to carry 44 bytes of options) when they are not.
 */
export function payloadSize(pkt: Packet): number {
  if (pkt.len < 0) return 0
  const ipHdr = pkt.ipv6 ? 40 : 20 + (pkt.ipOpts.replace(/ /g, '').length >> 1)
  let size: number
  switch (pkt.proto) {
    case PROTO_TCP: {
      const tcpHdr = pkt.tcpOpts !== null ? 20 + (pkt.tcpOpts.replace(/ /g, '').length >> 1) : pkt.flags >= 0 && pkt.flags & SYN ? 64 : 20
      size = pkt.len - ipHdr - tcpHdr
      break
    }
    case PROTO_UDP:
    case PROTO_UDPLITE:
      size = pkt.udpLen >= 0 ? pkt.udpLen - 8 : pkt.len - ipHdr - 8
      break
    case PROTO_ICMP:
      size = pkt.len - ipHdr - 8
      break
    default:
      size = pkt.len - ipHdr
  }
  return size < 0 ? 0 : size
}

function inRange(r: NumRange, value: number): boolean {
  if (value < 0) return false // not logged: a rule about it cannot be confirmed
  const inside = value >= r.lo && value <= r.hi
  return inside !== r.negate
}

function portMatch(spec: PortSpec, port: number): boolean {
  if (spec.any) return true
  if (port < 0) return false
  let inside = false
  for (const r of spec.ranges) {
    if (port >= r.lo && port <= r.hi) {
      inside = true
      break
    }
  }
  return inside !== spec.negate
}

function addrMatch(spec: AddrSpec, text: string, num: number): boolean {
  if (spec.any) return true
  let inside = false
  for (const net of spec.nets) {
    if (containsAddress(net, text, num)) {
      inside = true
      break
    }
  }
  return inside !== spec.negate
}

function flagMatch(test: FlagTest, flags: number): boolean {
  if (flags < 0) return false
  const f = flags & ~test.ignore
  const b = test.bits & ~test.ignore
  switch (test.mode) {
    case 'exact':
      return f === b
    case 'all':
      return (f & b) === b
    case 'any':
      return (f & b) !== 0
    case 'not':
      return (f & b) === 0
  }
}

function ipOptionTypes(hex: string): number[] {
  const h = hex.replace(/ /g, '')
  const types: number[] = []
  let i = 0
  while (i + 2 <= h.length) {
    const type = Number.parseInt(h.slice(i, i + 2), 16)
    types.push(type)
    if (type === 0) break
    if (type === 1) {
      i += 2
      continue
    }
    const len = Number.parseInt(h.slice(i + 2, i + 4), 16)
    if (!(len >= 2)) break
    i += len * 2
  }
  return types
}

function headerMatch(sig: Signature, pkt: Packet, reversed: boolean): boolean {
  const [sText, sNum, sPort, dText, dNum, dPort] = reversed
    ? [pkt.dst, pkt.dstNum, pkt.dport, pkt.src, pkt.srcNum, pkt.sport]
    : [pkt.src, pkt.srcNum, pkt.sport, pkt.dst, pkt.dstNum, pkt.dport]
  if (!addrMatch(sig.src, sText, sNum) || !addrMatch(sig.dst, dText, dNum)) return false
  if (sig.proto === 'tcp' || sig.proto === 'udp') return portMatch(sig.sport, sPort) && portMatch(sig.dport, dPort)
  return true
}

/**
 * True when the packet satisfies every test of the signature (protocol already checked by the index).
 * IPv6 packets use HOPLIMIT for ttl and never satisfy IPv4-only tests (id, ipopts).
 */
export function signatureMatches(sig: Signature, pkt: Packet): boolean {
  if (!headerMatch(sig, pkt, false) && !(sig.bidirectional && headerMatch(sig, pkt, true))) return false
  if (sig.ttl !== null && !inRange(sig.ttl, pkt.ttl)) return false
  if (sig.ipLen !== null && !inRange(sig.ipLen, pkt.len)) return false
  if (sig.ipId !== null && (pkt.ipv6 || !inRange(sig.ipId, pkt.ipId))) return false
  if (sig.sameip && (pkt.src !== pkt.dst || pkt.inIf === 'lo')) return false
  if (sig.ipopt !== null) {
    if (pkt.ipv6 || pkt.ipOpts === '') return false
    if (sig.ipopt !== -2 && !ipOptionTypes(pkt.ipOpts).includes(sig.ipopt)) return false
  }
  if (sig.flags !== null && !flagMatch(sig.flags, pkt.flags)) return false
  if (sig.established && (pkt.flags < 0 || !(pkt.flags & ACK))) return false
  if (sig.window !== null && !inRange(sig.window, pkt.window)) return false
  if (sig.seq !== null && !inRange(sig.seq, pkt.seq)) return false
  if (sig.ack !== null && !inRange(sig.ack, pkt.ack)) return false
  if (sig.itype !== null && !inRange(sig.itype, pkt.icmpType)) return false
  if (sig.icode !== null && !inRange(sig.icode, pkt.icmpCode)) return false
  if (sig.icmpId !== null && !inRange(sig.icmpId, pkt.icmpId)) return false
  if (sig.icmpSeq !== null && !inRange(sig.icmpSeq, pkt.icmpSeq)) return false
  if (sig.dsize !== null && !inRange(sig.dsize, payloadSize(pkt))) return false
  return true
}
