import { canonicalIPv6Bytes, parseIPv4Bytes } from './address.js'
import { bytesAre, decimal, latin1, RecentText } from './bytes.js'
import {
  type MutablePacket,
  PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, PROTO_UDPLITE,
  FIN, SYN, RST, PSH, ACK, URG, ECE, CWR,
} from './packet.js'
import { protoNumber } from './protocols.js'

// The netfilter LOG / nftables `log` body, as printed by the kernel's nf_log_syslog:
//   IN= OUT= [PHYSIN= PHYSOUT=] [MAC=|MACSRC= MACDST= MACPROTO=] SRC= DST= LEN= TOS= PREC= TTL= ID=
//   [CE DF MF FRAG:n] [OPT (hex)] PROTO=TCP SPT= DPT= [SEQ= ACK=] WINDOW= RES= <flags> URGP=
//   [OPT (hex)] [UID= GID=] [MARK=]
// IPv6: SRC= DST= LEN= TC= HOPLIMIT= FLOWLBL= [OPT ( … )]… PROTO=…; ICMP errors embed the offending
// packet in [ … ], which is skipped. The whole line can be forged (logger), so no field is trusted:
// a bad number or address makes the line malformed, never a crash.
//
// One pass over the bytes: each token's key is folded into an integer while it is scanned, numbers
// are read straight from the bytes, and strings are made only for fields that are kept.

const SP = 32
const EQ = 61

// Key code: length, first two characters and last character, which tells every LOG key apart.
function keyCode(s: string): number {
  return ((s.length * 256 + s.charCodeAt(0)) * 256 + s.charCodeAt(1)) * 256 + s.charCodeAt(s.length - 1)
}
// Bare words: TCP flags and the IP header flags.
const W = {
  SYN: keyCode('SYN'), ACK: keyCode('ACK'), FIN: keyCode('FIN'), RST: keyCode('RST'), PSH: keyCode('PSH'), URG: keyCode('URG'),
  ECE: keyCode('ECE'), CWR: keyCode('CWR'), DF: keyCode('DF'), MF: keyCode('MF'), OPT: keyCode('OPT'),
}
const FLAG_BITS = new Map([[W.SYN, SYN], [W.ACK, ACK], [W.FIN, FIN], [W.RST, RST], [W.PSH, PSH], [W.URG, URG], [W.ECE, ECE], [W.CWR, CWR]])

/** Finds the `IN=` that starts a netfilter body (its value followed by ` OUT=`) in b[from,end), or -1. */
export function findBodyStart(b: Uint8Array, from: number, end: number): number {
  // Looks at every third byte (Horspool's skip for `IN=`): a byte that is none of I, N and = cannot
  // be inside an `IN=` that ends at or before the next byte looked at.
  let j = from + 2
  while (j < end) {
    const c = b[j]
    if (c === EQ) {
      if (b[j - 1] === 78 && b[j - 2] === 73) {
        let sp = j + 1
        while (sp < end && b[sp] !== SP) sp++
        if (bytesAre(b, sp + 1, 'OUT=')) return j - 2
      }
      j += 3
    } else if (c === 78) j += 1
    else if (c === 73) j += 2
    else j += 3
  }
  return -1
}

/**
 * Skips the bracket opening at i — the embedded packet of an ICMP error, or `[n bytes]` after
 * INCOMPLETE — and returns the index after its matching `]` (nested brackets count).
 */
function afterBracket(b: Uint8Array, i: number, end: number): number {
  let depth = 0
  let j = i
  for (; j < end; j++) {
    const d = b[j]
    if (d === 91) depth++
    else if (d === 93 && --depth === 0) break
  }
  return j + 1
}

/**
 * The source a netfilter body in b[body,end) names, as a number for dealing lines out to the parts
 * of a run: the IPv4 address, or a hash of the canonical IPv6 text; -1 when it names none. Walks
 * the tokens exactly as NetfilterParser.parse does (brackets skipped, the MAC value's fixed width),
 * so every packet the parser accepts from one source gets the same number.
 */
export function sourceRoute(b: Uint8Array, body: number, end: number): number {
  let i = body
  while (i < end) {
    const c = b[i]!
    if (c === SP) {
      i++
      continue
    }
    if (c === 91) {
      i = afterBracket(b, i, end)
      continue
    }
    let j = i + 1
    while (j < end && b[j] !== EQ && b[j] !== SP) j++
    if (b[j] !== EQ) {
      if (j - i === 3 && c === 79 && b[i + 1] === 80 && b[i + 2] === 84) { // OPT ( … )
        let open = j
        while (open < end && b[open] === SP) open++
        if (b[open] !== 40) return -1
        while (open < end && b[open] !== 41) open++
        j = open + 1
      }
      i = j
      continue
    }
    const v = j + 1
    if (j - i === 3 && c === 83 && b[i + 1] === 82) { // SRC
      const e = spaceAt(b, v, end)
      const n = parseIPv4Bytes(b, v, e)
      if (n >= 0) return n
      const text = canonicalIPv6Bytes(b, v, e)
      return text === '' ? -1 : textHash(text)
    }
    if (j - i === 3 && c === 77 && b[i + 1] === 65) i = b[v + 41] === SP || v + 41 === end ? v + 41 : spaceAt(b, v, end) // MAC
    else i = spaceAt(b, v, end)
  }
  return -1
}

/** FNV-1a of a string's UTF-16 code units, as an unsigned 32-bit number. */
export function textHash(text: string): number {
  let h = 0x811c9dc5
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193)
  return h >>> 0
}

function spaceAt(b: Uint8Array, i: number, end: number): number {
  while (i < end && b[i] !== SP) i++
  return i
}

function hexValue(b: Uint8Array, start: number, end: number): number {
  if (b[start] === 48 && (b[start + 1]! | 32) === 120) start += 2
  if (start >= end || end - start > 8) return -1
  let v = 0
  for (let i = start; i < end; i++) {
    const c = b[i]!
    const d = c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1
    if (d < 0) return -1
    v = v * 16 + d
  }
  return v
}

function protoValue(b: Uint8Array, start: number, end: number): number {
  switch (end - start) {
    case 3:
      if (bytesAre(b, start, 'TCP')) return PROTO_TCP
      if (bytesAre(b, start, 'UDP')) return PROTO_UDP
      break
    case 4:
      if (bytesAre(b, start, 'ICMP')) return PROTO_ICMP
      break
    case 6:
      if (bytesAre(b, start, 'ICMPv6')) return PROTO_ICMPV6
      break
    case 7:
      if (bytesAre(b, start, 'UDPLITE')) return PROTO_UDPLITE
      break
  }
  const n = decimal(b, start, end)
  if (n >= 0) return n <= 255 ? n : -1
  return protoNumber(latin1(b, start, end))
}

const excerpt = (b: Uint8Array, start: number, end: number): string => latin1(b, start, Math.min(end, start + 48))

/** Parses netfilter bodies; remembers recent interface names so repeated ones cost no new string. */
export class NetfilterParser {
  private readonly ifaces = new RecentText(32, latin1)
  /** IPv6 addresses as printed, to their canonical text: destinations and scanning sources repeat. */
  private readonly v6 = new RecentText(256, canonicalIPv6Bytes)

  /** Where the value read by the last number() call ended (the space after it). */
  private valueEnd = 0

  // Reads a decimal value at v: returns it (-1 when not a valid number); its end is in valueEnd.
  // The value is returned rather than kept in a field: a field that also holds 32-bit sequence
  // numbers is a boxed double, and every port read through it would come out boxed too.
  private number(b: Uint8Array, v: number, end: number): number {
    let n = 0
    let e = v
    for (; e < end; e++) {
      const d = b[e]! - 48
      if (d < 0 || d > 9) break
      n = n * 10 + d
    }
    if (e === v || e - v > 10 || (e < end && b[e] !== SP)) {
      this.valueEnd = spaceAt(b, e, end)
      return -1
    }
    this.valueEnd = e
    // A small integer when it fits: a double here would make every field it is copied into (packet,
    // per-destination port ranges, fingerprint state) hold a boxed number.
    return n <= 0x7fffffff ? n | 0 : n
  }

  private address(b: Uint8Array, v: number, e: number, pkt: MutablePacket, isSrc: boolean): boolean {
    const n = parseIPv4Bytes(b, v, e)
    if (n >= 0) {
      if (isSrc) pkt.srcNum = n
      else pkt.dstNum = n
      return true
    }
    const text = this.v6.get(b, v, e)
    if (text === '') return false
    pkt.ipv6 = true
    if (isSrc) pkt.src = text
    else pkt.dst = text
    return true
  }

  /**
   * Fills `pkt` from the body in b[start,end) (starting at `IN=`). Returns null on success, else a short
   * description of what is wrong; 'non-ip' marks a well-formed body without an IP header (ARP, bridge).
   */
  parse(b: Uint8Array, start: number, end: number, pkt: MutablePacket): string | null {
    pkt.buf = b
    let i = start
    let protoSeen = false
    let numericProto = false
    let inFlags = false
    let flags = 0
    let sawWindow = false
    let sawUrgp = false
    let ipLenSeen = false
    let incomplete = false
    let hasSrc = false
    let hasDst = false
    while (i < end) {
      const c = b[i]!
      if (c === SP) {
        i++
        continue
      }
      if (c === 91) {
        i = afterBracket(b, i, end)
        continue
      }
      // Fold the key into a code while finding '=' (or the end of a bare word).
      let j = i + 1
      while (j < end && b[j] !== EQ && b[j] !== SP) j++
      const klen = j - i
      if (b[j] !== EQ) {
        const code = ((klen * 256 + c) * 256 + (klen > 1 ? b[i + 1]! : 0)) * 256 + b[j - 1]!
        // A bare word: TCP flags, DF/MF, OPT ( … ), INCOMPLETE, FRAG:n.
        if (code === W.OPT) {
          let open = j
          while (open < end && b[open] === SP) open++
          if (b[open] !== 40) return 'unterminated OPT ( … )'
          let close = open + 1
          let empty = true
          while (close < end && b[close] !== 41) {
            const d = b[close]!
            if (d !== SP) {
              empty = false
              if (!((d >= 48 && d <= 57) || ((d | 32) >= 97 && (d | 32) <= 102))) return 'OPT ( … ) is not hexadecimal'
            }
            close++
          }
          if (close >= end) return 'unterminated OPT ( … )'
          if (!protoSeen) {
            if (pkt.ipv6) {
              pkt.extHeaders++
              if (empty) pkt.emptyExtHeaders++
            } else {
              pkt.ipOptsStart = open + 1
              pkt.ipOptsEnd = close
            }
          } else if (pkt.proto === PROTO_TCP) {
            pkt.tcpOptsStart = open + 1
            pkt.tcpOptsEnd = close
          }
          i = close + 1
          continue
        }
        if (inFlags) {
          const bit = klen === 3 ? FLAG_BITS.get(code) : undefined
          if (bit === undefined) return `unknown TCP flag '${excerpt(b, i, j)}'`
          flags |= bit
        } else if (code === W.DF) pkt.df = true
        else if (code === W.MF) pkt.fragment = true
        else if (klen >= 5 && bytesAre(b, i, 'FRAG:')) pkt.fragment = true
        else if (klen === 10 && bytesAre(b, i, 'INCOMPLETE')) incomplete = true
        i = j
        continue
      }
      // key=value: dispatch on the key first, then read the value once with a reader for its type.
      const v = j + 1
      const c1 = klen > 1 ? b[i + 1]! : 0
      let e: number
      switch (klen) {
        case 2:
          if (c === 73 && c1 === 68) { // ID: the IP ID before PROTO=, the ICMP echo id after it
            const n = this.number(b, v, end)
            e = this.valueEnd
            if (protoSeen) pkt.icmpId = n
            else pkt.ipId = n
          } else if (c === 73 && c1 === 78) pkt.inIf = this.ifaces.get(b, v, (e = spaceAt(b, v, end))) // IN
          else if (c === 84 && c1 === 67) { // TC
            pkt.tos = this.number(b, v, end)
            e = this.valueEnd
          } else e = spaceAt(b, v, end)
          break
        case 3:
          if (c === 83 && c1 === 82) { // SRC
            e = spaceAt(b, v, end)
            // The kernel prints one; a second (outside an ICMP error's brackets) is a forged line,
            // and sourceRoute, which stops at the first, must name the source the packet gets.
            if (hasSrc) return 'more than one SRC='
            if (!this.address(b, v, e, pkt, true)) return `bad SRC address '${excerpt(b, v, e)}'`
            hasSrc = true
          } else if (c === 68 && c1 === 83) { // DST
            e = spaceAt(b, v, end)
            if (!this.address(b, v, e, pkt, false)) return `bad DST address '${excerpt(b, v, e)}'`
            hasDst = true
          } else if (c === 77 && c1 === 65) { // MAC: its span only; Ethernet's is 41 characters
            e = b[v + 41] === SP || v + 41 === end ? v + 41 : spaceAt(b, v, end)
            pkt.macStart = v
            pkt.macEnd = e
          } else if (c === 79 && c1 === 85) pkt.outIf = this.ifaces.get(b, v, (e = spaceAt(b, v, end))) // OUT
          else if (c === 84 && c1 === 79) { // TOS
            e = spaceAt(b, v, end)
            pkt.tos = hexValue(b, v, e)
          } else {
            const n = this.number(b, v, end)
            e = this.valueEnd
            if (c === 76) { // LEN: the IP length, then UDP's own
              if (!ipLenSeen) {
                pkt.len = n
                ipLenSeen = true
              } else pkt.udpLen = n
            } else if (c === 84 && c1 === 84) pkt.ttl = n // TTL
            else if (c === 83 && c1 === 80) pkt.sport = n // SPT
            else if (c === 68 && c1 === 80) pkt.dport = n // DPT
            else if (c === 83 && c1 === 69) { // SEQ
              if (pkt.proto === PROTO_TCP) pkt.seq = n
              else pkt.icmpSeq = n
            } else if (c === 65 && c1 === 67) pkt.ack = n // ACK
          }
          break
        case 4:
          const n4 = this.number(b, v, end)
          e = this.valueEnd
          if (c === 84 && c1 === 89) pkt.icmpType = n4 // TYPE
          else if (c === 67 && c1 === 79) pkt.icmpCode = n4 // CODE
          else if (c === 85 && c1 === 82) { // URGP
            inFlags = false
            sawUrgp = true
          }
          break
        case 5:
          e = spaceAt(b, v, end)
          if (c === 80 && c1 === 82 && b[i + 4] === 79 && !protoSeen) { // PROTO
            protoSeen = true
            const p = protoValue(b, v, e)
            if (p < 0) return `unknown protocol '${excerpt(b, v, e)}'`
            pkt.proto = p
            numericProto = b[v]! >= 48 && b[v]! <= 57
          }
          break
        case 6:
          if (c === 87) { // WINDOW
            pkt.window = this.number(b, v, end)
            e = this.valueEnd
            sawWindow = true
            inFlags = true
          } else {
            e = spaceAt(b, v, end)
            if (c === 80 && b[i + 5] === 78) pkt.physIn = this.ifaces.get(b, v, e) // PHYSIN
            else if (c === 77 && b[i + 3] === 83) pkt.macSrc = latin1(b, v, e) // MACSRC
            else if (c === 77 && b[i + 3] === 68) pkt.macDst = latin1(b, v, e) // MACDST
          }
          break
        case 7:
          if (c === 70 && c1 === 76) { // FLOWLBL
            pkt.flowLabel = this.number(b, v, end)
            e = this.valueEnd
          } else {
            e = spaceAt(b, v, end)
            if (c === 80 && c1 === 72) pkt.physOut = this.ifaces.get(b, v, e) // PHYSOUT
          }
          break
        case 8:
          if (c === 72 && c1 === 79) { // HOPLIMIT
            pkt.ttl = this.number(b, v, end)
            e = this.valueEnd
          } else e = spaceAt(b, v, end)
          break
        default:
          // RES=, PREC=, MARK=, UID=, GID=, MTU=, … carry nothing the analysis uses.
          e = spaceAt(b, v, end)
      }
      i = e
    }
    if (!hasSrc || !hasDst) return protoSeen ? 'missing SRC= or DST=' : 'non-ip'
    if (!protoSeen) return 'missing PROTO='
    if (pkt.inIf === '' && pkt.outIf === '') return 'neither IN= nor OUT= names an interface'
    pkt.chain = pkt.inIf === '' ? 'OUTPUT' : pkt.outIf === '' ? 'INPUT' : 'FORWARD'
    // The kernel names the protocols it decodes (PROTO=TCP); a number (nmap -sO's PROTO=6, or PROTO=58
    // inside IPv4) means no transport fields follow.
    switch (numericProto ? -1 : pkt.proto) {
      case PROTO_TCP:
        if (incomplete && pkt.dport < 0) break
        if (pkt.sport < 0 || pkt.dport < 0) return 'TCP line without valid SPT=/DPT='
        if (!sawWindow || !sawUrgp) return 'TCP line without WINDOW= … URGP='
        pkt.flags = flags
        break
      case PROTO_UDP:
      case PROTO_UDPLITE:
        if (incomplete && pkt.dport < 0) break
        if (pkt.sport < 0 || pkt.dport < 0) return 'UDP line without valid SPT=/DPT='
        break
      case PROTO_ICMP:
      case PROTO_ICMPV6:
        if (incomplete && pkt.icmpType < 0) break
        if (pkt.icmpType < 0 || pkt.icmpCode < 0 || pkt.icmpType > 255 || pkt.icmpCode > 255) return 'ICMP line without valid TYPE=/CODE='
        break
    }
    if (pkt.sport > 65535 || pkt.dport > 65535) return 'port out of range'
    return null
  }
}
