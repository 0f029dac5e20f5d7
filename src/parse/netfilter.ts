import { canonicalIPv6Bytes, parseIPv4Bytes } from './address.js'
import { COLON, DEL, DIGIT_0, DIGIT_9, EQ, hexDigit, isHexDigit, LBRACKET, LPAREN, PERCENT, RPAREN, SLASH, SP } from './ascii.js'
import { Key, keyId, keyText } from './body-keys.js'
import { KERNEL_DIALECT, PVE_DIALECT } from './syslog-header.js'
import { afterBracket, groupEnd, isPair, keyEnd, valueEnd } from './body-tokens.js'
import { bytesAre, decimal, indexOfByte, latin1, RecentText } from './bytes.js'
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
// packet in [ … ], which is skipped. Everything before PROTO= describes the link and network
// headers, what follows it the header of that protocol, then the socket's UID/GID and the mark; the
// readers below follow that order. The whole line can be forged (logger), so no field is trusted:
// a bad number or address makes the line malformed, never a crash.

const UPPER_I = 73
const UPPER_N = 78

/** Finds the `IN=` that starts a netfilter body (its value followed by ` OUT=`) in b[from,end), or -1. */
export function findBodyStart(b: Uint8Array, from: number, end: number): number {
  // The first space at or after the last `IN=` value looked at: a later `IN=` whose value starts
  // before it ends at the same space, so no byte is scanned twice (`IN=xIN=xIN=x…` stays linear).
  let space = -1
  // Looks at every third byte (Horspool's skip for `IN=`): a byte that is none of I, N and = cannot
  // be inside an `IN=` that ends at or before the next byte looked at.
  let j = from + 2
  while (j < end) {
    const c = b[j]
    if (c === EQ) {
      if (b[j - 1] === UPPER_N && b[j - 2] === UPPER_I) {
        if (space <= j) {
          space = j + 1
          while (space < end && b[space] !== SP) space++
        }
        if (space + OUT_KEY.length < end && bytesAre(b, space + 1, OUT_KEY)) return j - 2
      }
      j += 3
    } else if (c === UPPER_N) j += 1
    else if (c === UPPER_I) j += 2
    else j += 3
  }
  return -1
}

const OUT_KEY = 'OUT='

/**
 * Proxmox VE: where the body starts in b[from,end), the message after pvefw-logger's head: the first
 * token that is IN=, OUT=, PHYSIN=, PHYSOUT=, MAC= or SRC= (the interfaces are printed only when
 * there are some); -1 when there is none.
 */
export function findPveBodyStart(b: Uint8Array, from: number, end: number): number {
  let i = from
  while (i < end) {
    if (b[i] === SP) {
      i++
      continue
    }
    const j = keyEnd(b, i, end)
    if (!isPair(b, j, end)) {
      i = j
      continue
    }
    const key = keyId(b, i, j)
    if (key === Key.IN || key === Key.OUT || key === Key.PHYSIN || key === Key.PHYSOUT || key === Key.MAC || key === Key.SRC) return i
    i = valueEnd(b, j + 1, end, key)
  }
  return -1
}

/**
 * The source a netfilter body in b[body,end) names, as a number for dealing lines out to the parts
 * of a run: the IPv4 address, or a hash of the canonical IPv6 text; -1 when it names none. Takes
 * the parser's own steps over the tokens (body-tokens.ts), so every packet the parser accepts from
 * one source gets the same number.
 */
export function sourceRoute(b: Uint8Array, body: number, end: number): number {
  let i = body
  while (i < end) {
    const c = b[i]
    if (c === SP) {
      i++
      continue
    }
    if (c === LBRACKET) {
      i = afterBracket(b, i, end)
      if (i < 0) return -1
      continue
    }
    const j = keyEnd(b, i, end)
    const key = keyId(b, i, j)
    if (isPair(b, j, end)) {
      const v = j + 1
      i = valueEnd(b, v, end, key)
      if (key === Key.SRC) return addressRoute(b, v, i)
    } else if (key === Key.OPT) {
      const close = groupEnd(b, j, end)
      if (close < 0) return -1
      i = close + 1
    } else i = j
  }
  return -1
}

function addressRoute(b: Uint8Array, v: number, e: number): number {
  const n = parseIPv4Bytes(b, v, e)
  if (n >= 0) return n
  const text = canonicalIPv6Bytes(b, v, zoneStart(b, v, e))
  return text === '' ? -1 : textHash(text)
}

/**
 * Where an IPv6 address in b[v,e) ends and its zone (`fe80::3%eth0`) begins: the `%`, or e when it
 * has none. The zone is not part of the address: a source is the same with or without it.
 */
function zoneStart(b: Uint8Array, v: number, e: number): number {
  const pct = indexOfByte(b, PERCENT, v, e)
  return pct < 0 ? e : pct
}

/** True for a zone name: 1-15 bytes of an interface name (printable, no `/`, `:` or `%`). */
function isZone(b: Uint8Array, start: number, end: number): boolean {
  if (end <= start || end - start > IFNAME_MAX) return false
  for (let k = start; k < end; k++) {
    const c = b[k]!
    if (c <= SP || c >= DEL || c === SLASH || c === COLON || c === PERCENT) return false
  }
  return true
}

/** FNV-1a of a string's UTF-16 key units, as an unsigned 32-bit number. */
export function textHash(text: string): number {
  let h = 0x811c9dc5
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193)
  return h >>> 0
}

function hexValue(b: Uint8Array, start: number, end: number): number {
  if (b[start] === DIGIT_0 && (b[start + 1]! | 32) === 120) start += 2
  if (start >= end || end - start > 8) return -1
  let v = 0
  for (let i = start; i < end; i++) {
    const d = hexDigit(b[i]!)
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

/** The TCP flag bit a word names, 0 when it names none. */
function flagBit(key: Key): number {
  switch (key) {
    case Key.SYN: return SYN
    case Key.ACK: return ACK
    case Key.FIN: return FIN
    case Key.RST: return RST
    case Key.PSH: return PSH
    case Key.URG: return URG
    case Key.ECE: return ECE
    case Key.CWR: return CWR
  }
  return 0
}

// The largest values the kernel can print for the fields it prints in decimal or hex.
const U8 = 0xff
const U16 = 0xffff
const U32 = 0xffffffff
/** The IPv6 header, which the kernel's LEN= counts and pvefw-logger's does not. */
const IPV6_HEADER = 40
/** IPv6's LEN= is the payload length plus the 40-byte header. */
const IPV6_MAX_LEN = 0xffff + IPV6_HEADER
/** A flow label is 20 bits. */
const FLOW_LABEL_MAX = 0xfffff
/** An IPv4 fragment offset (FRAG:n, in 8-byte units) is 13 bits. */
const FRAG_OFFSET_MAX = 0x1fff
/** Interface names are at most IFNAMSIZ - 1 bytes. */
const IFNAME_MAX = 15
// ICMP and ICMPv6 echo request and reply: the kernel prints ID= and SEQ= after their TYPE and CODE.
const ICMP_ECHO_REPLY = 0
const ICMP_ECHO = 8
const ICMPV6_ECHO_REQUEST = 128
const ICMPV6_ECHO_REPLY = 129

function isEcho(proto: number, type: number): boolean {
  return proto === PROTO_ICMP ? type === ICMP_ECHO || type === ICMP_ECHO_REPLY : type === ICMPV6_ECHO_REQUEST || type === ICMPV6_ECHO_REPLY
}

/** Parses netfilter bodies; remembers recent interface names so repeated ones cost no new string. */
export class NetfilterParser {
  private readonly ifaces = new RecentText(32, latin1)
  /** IPv6 addresses as printed, to their canonical text: destinations and scanning sources repeat. */
  private readonly v6 = new RecentText(256, canonicalIPv6Bytes)

  // Each reader is given a field's key and the start of its value, and returns where the value
  // ends, or -1 with the reason in `reason` when the line is malformed. What the line has said so
  // far is in the fields below (reset by parse).
  private reason = ''
  /** Where the value read by the last number() or hex() call ended (the space after it). */
  private numberEnd = 0
  private protoSeen = false
  private numericProto = false
  private inFlags = false
  private flags = 0
  private sawWindow = false
  private sawUrgp = false
  private sawSeq = false
  private sawAck = false
  private incomplete = false
  private fragmentOffset = 0
  private hasSrc = false
  private hasDst = false
  /** Words and link-layer fields that say the line carries no IP header (ARP, TRUNCATED, an ethertype). */
  private notIp = false
  // Which family the addresses and the header fields belong to: one line is one packet of one family.
  private v4Address = false
  private v4Header = false
  private v6Header = false

  /** The format of the body being read: KERNEL_DIALECT or PVE_DIALECT. */
  private dialect = KERNEL_DIALECT

  /**
   * Fills `pkt` from the body in b[start,end) (starting at `IN=`), written in `dialect` (see the
   * header's). Returns null on success, else a short description of what is wrong; 'non-ip' marks a
   * well-formed body without an IP header (ARP, bridge).
   */
  parse(b: Uint8Array, start: number, end: number, pkt: MutablePacket, dialect = KERNEL_DIALECT): string | null {
    pkt.buf = b
    this.dialect = dialect
    this.protoSeen = false
    this.numericProto = false
    this.inFlags = false
    this.flags = 0
    this.sawWindow = false
    this.sawUrgp = false
    this.sawSeq = false
    this.sawAck = false
    this.incomplete = false
    this.fragmentOffset = 0
    this.hasSrc = false
    this.hasDst = false
    this.notIp = false
    this.v4Address = false
    this.v4Header = false
    this.v6Header = false
    // The token walk of body-tokens.ts, as sourceRoute takes it.
    let i = start
    while (i < end) {
      const c = b[i]
      if (c === SP) {
        i++
        continue
      }
      if (c === LBRACKET) {
        i = afterBracket(b, i, end)
        if (i < 0) return 'unterminated [ … ]'
        continue
      }
      const j = keyEnd(b, i, end)
      const key = keyId(b, i, j)
      if (!isPair(b, j, end)) i = key === Key.OPT ? this.options(b, j, end, pkt) : this.word(key, b, i, j, pkt)
      else if (!this.protoSeen) {
        // Before PROTO=: the link layer, the addresses, the IPv4 or IPv6 header, then PROTO= itself.
        const v = j + 1
        switch (key) {
          case Key.SRC:
          case Key.DST:
            i = this.address(key === Key.SRC, b, v, end, pkt)
            break
          case Key.LEN:
          case Key.TOS:
          case Key.PREC:
          case Key.TTL:
          case Key.ID:
            i = this.ipv4Field(key, b, v, end, pkt)
            break
          case Key.TC:
          case Key.HOPLIMIT:
          case Key.FLOWLBL:
            i = this.ipv6Field(key, b, v, end, pkt)
            break
          case Key.PROTO:
            i = this.protocol(b, v, end, pkt)
            break
          case Key.FRAG:
          case Key.INVALID:
            i = this.pveField(key, b, v, end, pkt)
            break
          default:
            i = this.linkField(key, b, v, end, pkt)
        }
      } else if (key === Key.SRC) i = this.fail('more than one SRC=')
      else {
        // After PROTO=: the fields of that protocol's header, then the socket's UID/GID and the mark.
        const v = j + 1
        switch (pkt.proto) {
          case PROTO_TCP:
            i = this.tcpField(key, b, v, end, pkt)
            break
          case PROTO_UDP:
          case PROTO_UDPLITE:
            i = this.udpField(key, b, v, end, pkt)
            break
          case PROTO_ICMP:
          case PROTO_ICMPV6:
            i = this.icmpField(key, b, v, end, pkt)
            break
          default:
            i = this.trailerField(key, b, v, end)
        }
      }
      if (i < 0) return this.reason
    }
    return this.finish(pkt)
  }

  private fail(reason: string): number {
    this.reason = reason
    return -1
  }

  /** fail() with the offending bytes quoted after the reason (what the reader saw, cut to 48 bytes). */
  private failAt(reason: string, b: Uint8Array, start: number, end: number): number {
    this.reason = `${reason} '${latin1(b, start, Math.min(end, start + 48))}'`
    return -1
  }

  // A value the kernel cannot have printed for `key`: `bad TTL= value '300' (expected 0-255)`.
  private badValue(key: Key, b: Uint8Array, v: number, end: number, expected: string): number {
    const e = valueEnd(b, v, end, key)
    this.reason = `bad ${keyText(key)}= value '${latin1(b, v, Math.min(e, v + 48))}' (expected ${expected})`
    return -1
  }

  // Reads a decimal value at v: returns it (-1 when not a valid number); its end is in numberEnd.
  // The value is returned rather than kept in a field: a field that also holds 32-bit sequence
  // numbers is a boxed double, and every port read through it would come out boxed too.
  private number(b: Uint8Array, v: number, end: number): number {
    let n = 0
    let e = v
    for (; e < end; e++) {
      const d = b[e]! - DIGIT_0
      if (d < 0 || d > 9) break
      n = n * 10 + d
    }
    if (e === v || e - v > 10 || (e < end && b[e] !== SP)) {
      this.numberEnd = valueEnd(b, e, end, Key.None)
      return -1
    }
    this.numberEnd = e
    // A small integer when it fits: a double here would make every field it is copied into (packet,
    // per-destination port ranges, fingerprint state) hold a boxed number.
    return n <= 0x7fffffff ? n | 0 : n
  }

  // Reads a decimal value of `key` at v that must be 0..max; -1 (line malformed) when it is not.
  private decimalField(key: Key, b: Uint8Array, v: number, end: number, max: number): number {
    const n = this.number(b, v, end)
    if (n < 0 || n > max) return this.badValue(key, b, v, end, `0-${max}`)
    return n
  }

  // Reads a hexadecimal value of `key` at v (`0x` optional) that must be 0..max; -1 when it is not.
  private hexField(key: Key, b: Uint8Array, v: number, end: number, max: number): number {
    const e = valueEnd(b, v, end, key)
    const n = hexValue(b, v, e)
    this.numberEnd = e
    if (n < 0 || n > max) return this.badValue(key, b, v, end, `0x0-0x${max.toString(16).toUpperCase()}`)
    return n
  }

  // IN= OUT= PHYSIN= PHYSOUT= MAC= MACSRC= MACDST= MACPROTO=: interface names and the link layer.
  private linkField(key: Key, b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    const e = valueEnd(b, v, end, key)
    switch (key) {
      case Key.IN:
      case Key.OUT:
      case Key.PHYSIN:
      case Key.PHYSOUT: {
        if (e - v > IFNAME_MAX) return this.badValue(key, b, v, end, `an interface name of at most ${IFNAME_MAX} bytes`)
        const name = this.ifaces.get(b, v, e)
        if (key === Key.IN) pkt.inIf = name
        else if (key === Key.OUT) pkt.outIf = name
        else if (key === Key.PHYSIN) pkt.physIn = name
        else pkt.physOut = name
        break
      }
      case Key.MAC: // its span only: most runs never show it
        pkt.macStart = v
        pkt.macEnd = e
        if (!carriesIp(b, v, e)) this.notIp = true
        break
      case Key.MACSRC:
        pkt.macSrc = latin1(b, v, e)
        break
      case Key.MACDST:
        pkt.macDst = latin1(b, v, e)
        break
      case Key.MACPROTO:
        if (!isIpEthertype(b, v, e)) this.notIp = true
        break
    }
    return e
  }

  // SRC= DST=: a dotted quad, or IPv6 in any notation (the kernel's full form is the fast one),
  // with a zone (`%eth0`) kept apart from the address.
  private address(isSrc: boolean, b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    const e = valueEnd(b, v, end, Key.SRC)
    // The kernel prints one SRC=; a second (outside an ICMP error's brackets) is a forged line, and
    // sourceRoute, which stops at the first, must name the source the packet gets.
    if (isSrc && this.hasSrc) return this.fail('more than one SRC=')
    const n = parseIPv4Bytes(b, v, e)
    if (n >= 0) {
      if (isSrc) pkt.srcNum = n
      else pkt.dstNum = n
      this.v4Address = true
    } else {
      const z = zoneStart(b, v, e)
      const text = this.v6.get(b, v, z)
      if (text === '' || (z < e && !isZone(b, z + 1, e))) return this.failAt(isSrc ? 'bad SRC address' : 'bad DST address', b, v, e)
      pkt.ipv6 = true
      if (isSrc) {
        pkt.src = text
        if (z < e) pkt.srcZone = latin1(b, z + 1, e)
      } else {
        pkt.dst = text
        if (z < e) pkt.dstZone = latin1(b, z + 1, e)
      }
    }
    if (isSrc) this.hasSrc = true
    else this.hasDst = true
    return e
  }

  // LEN= TOS= PREC= TTL= ID= (IPv6's LEN= comes here too: the payload plus its 40-byte header).
  private ipv4Field(key: Key, b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    if (this.dialect === PVE_DIALECT && pkt.ipv6 && (key === Key.LEN || key === Key.ID)) return this.pveIpv6Field(key, b, v, end, pkt)
    if (key !== Key.LEN) this.v4Header = true
    switch (key) {
      case Key.LEN:
        if ((pkt.len = this.decimalField(key, b, v, end, pkt.ipv6 ? IPV6_MAX_LEN : U16)) < 0) return -1
        break
      case Key.TOS:
        if ((pkt.tos = this.hexField(key, b, v, end, U8)) < 0) return -1
        break
      case Key.PREC: // carries nothing TOS= does not
        if (this.hexField(key, b, v, end, U8) < 0) return -1
        break
      case Key.TTL:
        if ((pkt.ttl = this.decimalField(key, b, v, end, U8)) < 0) return -1
        break
      default:
        if ((pkt.ipId = this.decimalField(key, b, v, end, U16)) < 0) return -1
    }
    return this.numberEnd
  }

  // TC= HOPLIMIT= FLOWLBL=
  private ipv6Field(key: Key, b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    this.v6Header = true
    switch (key) {
      case Key.HOPLIMIT:
        if ((pkt.ttl = this.decimalField(key, b, v, end, U8)) < 0) return -1
        break
      case Key.TC:
        if ((pkt.tos = this.decimalField(key, b, v, end, U8)) < 0) return -1
        break
      default:
        if ((pkt.flowLabel = this.decimalField(key, b, v, end, FLOW_LABEL_MAX)) < 0) return -1
    }
    return this.numberEnd
  }

  // PROTO=: a name the kernel decodes (TCP, UDP, ICMP…) or a number.
  private protocol(b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    const e = valueEnd(b, v, end, Key.PROTO)
    this.protoSeen = true
    if (this.dialect === PVE_DIALECT && e - v === 3 && bytesAre(b, v, 'ARP')) {
      this.notIp = true // pvefw-logger prints ARP's addresses as SRC= and DST=
      return e
    }
    const p = protoValue(b, v, e)
    if (p < 0) return this.failAt('unknown protocol', b, v, e)
    pkt.proto = p
    this.numericProto = b[v]! >= DIGIT_0 && b[v]! <= DIGIT_9
    return e
  }

  // SPT= DPT= [SEQ= ACK=] WINDOW= RES= <flags> URGP=. A port that is not one is left for finish()
  // to report, as it always has.
  private tcpField(key: Key, b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    switch (key) {
      case Key.SPT:
        pkt.sport = this.number(b, v, end)
        break
      case Key.DPT:
        pkt.dport = this.number(b, v, end)
        break
      case Key.SEQ:
        if ((pkt.seq = this.decimalField(key, b, v, end, U32)) < 0) return -1
        this.sawSeq = true
        break
      case Key.ACK:
        if ((pkt.ack = this.decimalField(key, b, v, end, U32)) < 0) return -1
        this.sawAck = true
        break
      case Key.WINDOW:
        if ((pkt.window = this.decimalField(key, b, v, end, U16)) < 0) return -1
        this.sawWindow = true
        this.inFlags = true
        break
      case Key.RES:
        if (this.hexField(key, b, v, end, U8) < 0) return -1
        break
      case Key.URGP:
        if (this.decimalField(key, b, v, end, U16) < 0) return -1
        this.inFlags = false
        this.sawUrgp = true
        break
      case Key.INVALID:
        return this.pveField(key, b, v, end, pkt)
      default:
        this.inFlags = false
        return this.trailerField(key, b, v, end)
    }
    return this.numberEnd
  }

  // SPT= DPT= LEN=
  private udpField(key: Key, b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    switch (key) {
      case Key.SPT:
        pkt.sport = this.number(b, v, end)
        break
      case Key.DPT:
        pkt.dport = this.number(b, v, end)
        break
      case Key.INVALID:
        return this.pveField(key, b, v, end, pkt)
      case Key.LEN:
        if (this.dialect === PVE_DIALECT) return this.pveUdpLength(b, v, end, pkt)
        if ((pkt.udpLen = this.decimalField(key, b, v, end, U16)) < 0) return -1
        break
      default:
        return this.trailerField(key, b, v, end)
    }
    return this.numberEnd
  }

  // TYPE= CODE= [ID= SEQ=] (echo) [PARAMETER=] [GATEWAY=] [ … ] [MTU=]. A TYPE or CODE that is not
  // one is left for finish() to report, as it always has.
  private icmpField(key: Key, b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    switch (key) {
      case Key.TYPE:
        pkt.icmpType = this.number(b, v, end)
        break
      case Key.CODE:
        pkt.icmpCode = this.number(b, v, end)
        break
      case Key.ID:
        if ((pkt.icmpId = this.decimalField(key, b, v, end, U16)) < 0) return -1
        break
      case Key.SEQ:
        if ((pkt.icmpSeq = this.decimalField(key, b, v, end, U16)) < 0) return -1
        break
      case Key.PARAMETER:
        if (this.dialect === PVE_DIALECT && pkt.proto === PROTO_ICMPV6) return valueEnd(b, v, end, key) // HEADER, NEXTHEADER, OPTION or a pointer
        if (this.decimalField(key, b, v, end, U8) < 0) return -1
        break
      case Key.MTU:
        if (this.decimalField(key, b, v, end, pkt.proto === PROTO_ICMP ? U16 : U32) < 0) return -1
        break
      case Key.GATEWAY: {
        const e = valueEnd(b, v, end, key)
        // pvefw-logger prints an ICMPv6 redirect's gateway, an IPv6 address.
        const ok = pkt.proto === PROTO_ICMP ? parseIPv4Bytes(b, v, e) >= 0 : this.dialect === PVE_DIALECT && this.v6.get(b, v, e) !== ''
        if (!ok) return this.badValue(key, b, v, end, pkt.proto === PROTO_ICMP ? 'an IPv4 address' : 'an IPv6 address')
        return e
      }
      case Key.INVALID:
        return this.pveField(key, b, v, end, pkt)
      default:
        return this.trailerField(key, b, v, end)
    }
    return this.numberEnd
  }

  // UID= GID= (the socket's owner, --log-uid) and MARK= (the packet mark) after any protocol; other
  // keys are stepped over (SPI= of AH and ESP, keys of kernels to come).
  private trailerField(key: Key, b: Uint8Array, v: number, end: number): number {
    switch (key) {
      case Key.UID:
      case Key.GID:
        if (this.decimalField(key, b, v, end, U32) < 0) return -1
        break
      case Key.MARK:
        if (this.hexField(key, b, v, end, U32) < 0) return -1
        break
      case Key.PVE_MARK:
        if (this.dialect !== PVE_DIALECT) return valueEnd(b, v, end, key)
        if (this.decimalField(key, b, v, end, U32) < 0) return -1
        break
      default:
        return valueEnd(b, v, end, key)
    }
    return this.numberEnd
  }

  // Bare words: TCP flags between WINDOW= and URGP=, the IP header's DF/MF/FRAG:n, INCOMPLETE, and
  // the words of lines without an IP header.
  private word(key: Key, b: Uint8Array, i: number, j: number, pkt: MutablePacket): number {
    if (this.inFlags) {
      const bit = flagBit(key)
      if (bit === 0) return this.failAt('unknown TCP flag', b, i, j)
      this.flags |= bit
    } else if (key === Key.DF) pkt.df = true
    else if (key === Key.MF) pkt.fragment = true
    else if (key === Key.INCOMPLETE) this.incomplete = true
    else if (key === Key.ARP || key === Key.TRUNCATED) this.notIp = true
    else if (j - i >= FRAG_WORD.length && bytesAre(b, i, FRAG_WORD)) {
      const offset = decimal(b, i + FRAG_WORD.length, j)
      if (offset < 0 || offset > FRAG_OFFSET_MAX) return this.failAt(`bad fragment offset (expected ${FRAG_WORD}0-${FRAG_OFFSET_MAX})`, b, i, j)
      pkt.fragment = true
      this.fragmentOffset = offset
    }
    return j
  }

  // Proxmox VE's own fields: FRAG=n (an IPv4 fragment offset, before DF/MF) and INVALID=LEN/IHL
  // (a header too short to print: before SRC= there is no IP header, after PROTO= no transport one).
  private pveField(key: Key, b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    if (this.dialect !== PVE_DIALECT) return valueEnd(b, v, end, key)
    if (key === Key.INVALID) {
      if (this.protoSeen) this.incomplete = true
      else this.notIp = true
      return valueEnd(b, v, end, key)
    }
    const offset = this.decimalField(key, b, v, end, pkt.ipv6 ? U16 : FRAG_OFFSET_MAX)
    if (offset < 0) return -1
    pkt.fragment = true
    this.fragmentOffset = offset
    return this.numberEnd
  }

  // Proxmox VE's IPv6 LEN= and ID=: LEN= is the payload length (the kernel's is 40 more: stored as the
  // kernel's), ID= belongs to FRAG= (a fragment header, printed with %d).
  private pveIpv6Field(key: Key, b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    if (key === Key.ID) return valueEnd(b, v, end, key)
    const n = this.decimalField(key, b, v, end, U16)
    if (n < 0) return -1
    pkt.len = n + IPV6_HEADER
    return this.numberEnd
  }

  // pvefw-logger prints UDP's `LEN=%u` without the space after it, so a mark follows glued:
  // `LEN=52mark=3`. The length ends where the digits do.
  private pveUdpLength(b: Uint8Array, v: number, end: number, pkt: MutablePacket): number {
    let e = v
    let n = 0
    while (e < end && e - v < 6 && b[e]! >= DIGIT_0 && b[e]! <= DIGIT_9) n = n * 10 + (b[e++]! - DIGIT_0)
    const glued = e < end && bytesAre(b, e, 'mark=')
    if (e === v || n > U16 || (e < end && b[e] !== SP && !glued)) return this.badValue(Key.LEN, b, v, end, `0-${U16}`)
    pkt.udpLen = n
    return e
  }

  // OPT ( … ) after the word ending at j: IPv4 options or IPv6 extension headers before PROTO=, TCP
  // options after it. One pass that checks the hex as it looks for the `)` (groupEnd's `)`): a
  // second pass over the bytes cost the parser 8% on the bench corpus.
  private options(b: Uint8Array, j: number, end: number, pkt: MutablePacket): number {
    let open = j
    while (open < end && b[open] === SP) open++
    if (open >= end || b[open] !== LPAREN) return this.fail('unterminated OPT ( … )')
    open++
    let close = open
    let empty = true
    for (; close < end; close++) {
      const d = b[close]!
      if (d === RPAREN) break
      if (d === SP) continue
      empty = false
      if (!isHexDigit(d)) return this.fail('OPT ( … ) is not hexadecimal')
    }
    if (close >= end) return this.fail('unterminated OPT ( … )')
    if (!this.protoSeen) {
      if (pkt.ipv6) {
        pkt.extHeaders++
        if (empty) pkt.emptyExtHeaders++
      } else {
        pkt.ipOptsStart = open
        pkt.ipOptsEnd = close
      }
    } else if (pkt.proto === PROTO_TCP) {
      pkt.tcpOptsStart = open
      pkt.tcpOptsEnd = close
    }
    return close + 1
  }

  // What the whole line must have: addresses, a protocol, an interface, the protocol's own fields.
  private finish(pkt: MutablePacket): string | null {
    if (this.notIp && this.dialect === PVE_DIALECT) return 'non-ip'
    if (!this.hasSrc || !this.hasDst) {
      if (this.protoSeen) return 'missing SRC= or DST='
      // Only a line that says it carries something else is not IP (ARP, TRUNCATED, another
      // ethertype); the kernel always prints SRC= after an IP packet's link layer, so a line that
      // just stops before it was cut.
      return this.notIp ? 'non-ip' : 'line ends before SRC='
    }
    if (pkt.ipv6 && this.v4Address) return 'SRC= and DST= of different address families'
    if (pkt.ipv6 ? this.v4Header : this.v6Header) return pkt.ipv6 ? 'IPv4 header fields (TOS=, TTL=, ID=) in an IPv6 line' : 'IPv6 header fields (TC=, HOPLIMIT=, FLOWLBL=) in an IPv4 line'
    if (!this.protoSeen) return 'missing PROTO='
    if (pkt.inIf === '' && pkt.outIf === '') return 'neither IN= nor OUT= names an interface'
    pkt.chain = pkt.inIf === '' ? 'OUTPUT' : pkt.outIf === '' ? 'INPUT' : 'FORWARD'
    // A fragment other than the first carries no transport header: the kernel prints PROTO= alone.
    const bare = this.incomplete || this.fragmentOffset > 0
    // The kernel names the protocols it decodes (PROTO=TCP); a number (nmap -sO's PROTO=6, or PROTO=58
    // inside IPv4) means no transport fields follow.
    switch (this.numericProto ? -1 : pkt.proto) {
      case PROTO_TCP:
        if (bare && pkt.dport < 0) break
        if (pkt.sport < 0 || pkt.dport < 0) return 'TCP line without valid SPT=/DPT='
        // pvefw-logger prints URGP= only with URG (and never RES=).
        if (!this.sawWindow || (!this.sawUrgp && (this.dialect === KERNEL_DIALECT || (this.flags & URG) !== 0))) return 'TCP line without WINDOW= … URGP='
        if (this.sawSeq !== this.sawAck) return 'TCP line with SEQ= but not ACK= (or ACK= alone)'
        pkt.flags = this.flags
        break
      case PROTO_UDP:
      case PROTO_UDPLITE:
        if (bare && pkt.dport < 0) break
        if (pkt.sport < 0 || pkt.dport < 0) return 'UDP line without valid SPT=/DPT='
        // The kernel prints SPT=, DPT= and LEN= together: a line without LEN= was cut.
        if (pkt.udpLen < 0) return 'UDP line without LEN= after its ports'
        break
      case PROTO_ICMP:
      case PROTO_ICMPV6:
        if (bare && pkt.icmpType < 0) break
        if (pkt.icmpType < 0 || pkt.icmpCode < 0 || pkt.icmpType > 255 || pkt.icmpCode > 255) return 'ICMP line without valid TYPE=/CODE='
        // Echo request and reply are followed by ID= and SEQ=, unless the header was INCOMPLETE.
        if (!this.incomplete && isEcho(pkt.proto, pkt.icmpType) && (pkt.icmpId < 0 || pkt.icmpSeq < 0)) return 'ICMP echo line without ID= and SEQ='
        break
    }
    if (pkt.sport > 65535 || pkt.dport > 65535) return 'SPT= or DPT= past 65535'
    return null
  }
}

const FRAG_WORD = 'FRAG:'

// Ethernet types of IPv4 and IPv6 as the kernel prints them: MACPROTO=0800, or the last two bytes
// of MAC= (dst:src:type).
function isIpEthertype(b: Uint8Array, v: number, e: number): boolean {
  return e - v === 4 && (bytesAre(b, v, '0800') || bytesAre(b, v, '86dd'))
}

/** False when a MAC= value is a whole Ethernet header whose type is neither IPv4 nor IPv6. */
function carriesIp(b: Uint8Array, v: number, e: number): boolean {
  if (e - v !== ETHERNET_HEADER_TEXT) return true
  return bytesAre(b, e - 5, '08:00') || bytesAre(b, e - 5, '86:dd')
}

/** dst:src:type, 14 bytes as hex pairs joined by colons. */
const ETHERNET_HEADER_TEXT = 41
