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
      const optBytes = pkt.tcpOptsBytes
      const tcpHdr = optBytes >= 0 ? 20 + optBytes : pkt.flags >= 0 && pkt.flags & SYN ? 64 : 20
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

// A packet address for matching: the IPv4 number, or (IPv6 only) the text — reading the text of an
// IPv4 address would format a string for every packet.
function addrMatch(spec: AddrSpec, pkt: Packet, useSrc: boolean): boolean {
  if (spec.any) return true
  const num = useSrc ? pkt.srcNum : pkt.dstNum
  const text = pkt.ipv6 ? (useSrc ? pkt.src : pkt.dst) : ''
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

function endsMatch(sig: Signature, pkt: Packet, reversed: boolean): boolean {
  if (!addrMatch(sig.src, pkt, !reversed) || !addrMatch(sig.dst, pkt, reversed)) return false
  if (sig.proto !== 'tcp' && sig.proto !== 'udp') return true
  return portMatch(sig.sport, reversed ? pkt.dport : pkt.sport) && portMatch(sig.dport, reversed ? pkt.sport : pkt.dport)
}

function headerMatch(sig: Signature, pkt: Packet): boolean {
  if (sig.src.any && sig.dst.any && sig.sport.any && sig.dport.any) return true
  return endsMatch(sig, pkt, false) || (sig.bidirectional && endsMatch(sig, pkt, true))
}

// A signature compiled for matching: the header shortcut, then only the numeric tests the rule has,
// as flat [field, lo, hi, negate] quadruples run by one loop (cheapest fields first, the payload
// estimate last), so a packet pays for what a rule tests and nothing else.
const F_TTL = 0
const F_LEN = 1
const F_IPID = 2
const F_WINDOW = 3
const F_SEQ = 4
const F_ACK = 5
const F_ITYPE = 6
const F_ICODE = 7
const F_ICMPID = 8
const F_ICMPSEQ = 9
const F_DSIZE = 10

export interface MatchProgram {
  readonly sig: Signature
  readonly anyHeader: boolean
  readonly tests: Float64Array
  readonly flags: FlagTest | null
  readonly established: boolean
  readonly sameip: boolean
  /** IPv4-only tests (id, ipopts) make an IPv6 packet fail. */
  readonly v4only: boolean
}

/** Compiles a signature into the program runProgram executes. */
export function compileSignature(sig: Signature): MatchProgram {
  const tests: number[] = []
  const add = (f: number, r: NumRange | null): void => {
    if (r !== null) tests.push(f, r.lo, r.hi, r.negate ? 1 : 0)
  }
  add(F_ITYPE, sig.itype)
  add(F_ICODE, sig.icode)
  add(F_WINDOW, sig.window)
  add(F_SEQ, sig.seq)
  add(F_ACK, sig.ack)
  add(F_TTL, sig.ttl)
  add(F_LEN, sig.ipLen)
  add(F_IPID, sig.ipId)
  add(F_ICMPID, sig.icmpId)
  add(F_ICMPSEQ, sig.icmpSeq)
  add(F_DSIZE, sig.dsize)
  return {
    sig,
    anyHeader: sig.src.any && sig.dst.any && sig.sport.any && sig.dport.any,
    tests: Float64Array.from(tests),
    flags: sig.flags,
    established: sig.established,
    sameip: sig.sameip,
    v4only: sig.ipId !== null || sig.ipopt !== null,
  }
}

function fieldValue(pkt: Packet, f: number): number {
  switch (f) {
    case F_TTL: return pkt.ttl
    case F_LEN: return pkt.len
    case F_IPID: return pkt.ipId
    case F_WINDOW: return pkt.window
    case F_SEQ: return pkt.seq
    case F_ACK: return pkt.ack
    case F_ITYPE: return pkt.icmpType
    case F_ICODE: return pkt.icmpCode
    case F_ICMPID: return pkt.icmpId
    case F_ICMPSEQ: return pkt.icmpSeq
    default: return payloadSize(pkt)
  }
}

/** True when the packet satisfies every test of the compiled signature (protocol checked by the index). */
export function runProgram(prog: MatchProgram, pkt: Packet): boolean {
  if (prog.flags !== null && !flagMatch(prog.flags, pkt.flags)) return false
  if (prog.established && (pkt.flags < 0 || !(pkt.flags & ACK))) return false
  if (prog.v4only && pkt.ipv6) return false
  const t = prog.tests
  for (let i = 0; i < t.length; i += 4) {
    const v = fieldValue(pkt, t[i]!)
    if (v < 0) return false // not logged: a rule about it cannot be confirmed
    if ((v >= t[i + 1]! && v <= t[i + 2]!) === (t[i + 3] === 1)) return false
  }
  if (!prog.anyHeader && !headerMatch(prog.sig, pkt)) return false
  if (prog.sameip && (pkt.inIf === 'lo' || (pkt.ipv6 ? pkt.src !== pkt.dst : pkt.srcNum !== pkt.dstNum))) return false
  const ipopt = prog.sig.ipopt
  if (ipopt !== null) {
    if (pkt.ipOpts === '') return false
    if (ipopt !== -2 && !ipOptionTypes(pkt.ipOpts).includes(ipopt)) return false
  }
  return true
}
