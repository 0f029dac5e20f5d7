import { canonicalIPv6, parseIPv4 } from './address.js'
import {
  type Packet,
  PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, PROTO_UDPLITE,
  FIN, SYN, RST, PSH, ACK, URG, ECE, CWR,
} from './packet.js'
import { protoNumber } from './protocols.js'

// The netfilter LOG / nftables `log` body, as printed by the kernel's nf_log_syslog:
//   IN= OUT= [PHYSIN= PHYSOUT=] [MAC=] SRC= DST= LEN= TOS= PREC= TTL= ID= [CE DF MF FRAG:n] [OPT (hex)]
//   PROTO=TCP SPT= DPT= [SEQ= ACK=] WINDOW= RES= <flags> URGP= [OPT (hex)] [UID= GID=] [MARK=]
// IPv6: SRC= DST= LEN= TC= HOPLIMIT= FLOWLBL= [OPT ( … )]… PROTO=…; ICMP errors embed the offending
// packet in [ … ], which we skip. Values are attacker-influenced only through the prefix, but the whole
// line can be forged (logger), so nothing here trusts a field: bad numbers make the line malformed.

/** Finds the `IN=` that starts a netfilter body (its value followed by ` OUT=`), or -1. */
export function findBodyStart(line: string, from: number): number {
  let idx = line.indexOf('IN=', from)
  while (idx >= 0) {
    const sp = line.indexOf(' ', idx + 3)
    if (sp >= 0 && line.startsWith('OUT=', sp + 1)) return idx
    idx = line.indexOf('IN=', idx + 3)
  }
  return -1
}

function num(line: string, start: number, end: number): number {
  if (start >= end || end - start > 10) return -1
  let v = 0
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

function hexNum(line: string, start: number, end: number): number {
  if (line.charCodeAt(start) === 48 && (line.charCodeAt(start + 1) | 32) === 120) start += 2
  if (start >= end || end - start > 8) return -1
  const v = Number.parseInt(line.slice(start, end), 16)
  return Number.isNaN(v) ? -1 : v
}

function same(line: string, start: number, word: string): boolean {
  return line.startsWith(word, start)
}

function flagWord(line: string, start: number, end: number): number {
  if (end - start !== 3) return 0
  switch (line.charCodeAt(start)) {
    case 83: return same(line, start, 'SYN') ? SYN : 0
    case 65: return same(line, start, 'ACK') ? ACK : 0
    case 70: return same(line, start, 'FIN') ? FIN : 0
    case 82: return same(line, start, 'RST') ? RST : 0
    case 80: return same(line, start, 'PSH') ? PSH : 0
    case 85: return same(line, start, 'URG') ? URG : 0
    case 69: return same(line, start, 'ECE') ? ECE : 0
    case 67: return same(line, start, 'CWR') ? CWR : 0
  }
  return 0
}

function address(line: string, start: number, end: number, pkt: Packet, isSrc: boolean): boolean {
  const v4 = parseIPv4(line, start, end)
  if (v4 >= 0) {
    if (isSrc) pkt.srcNum = v4
    else pkt.dstNum = v4
    const text = line.slice(start, end)
    if (isSrc) pkt.src = text
    else pkt.dst = text
    return true
  }
  const v6 = canonicalIPv6(line.slice(start, end))
  if (v6 === '') return false
  pkt.ipv6 = true
  if (isSrc) pkt.src = v6
  else pkt.dst = v6
  return true
}

/**
 * Fills `pkt` from the body starting at `start` (an `IN=`). Returns null on success, else a short
 * description of what is wrong; the special value 'non-ip' marks a well-formed body without an IP
 * header (ARP, bridge), which is not malformed but cannot be analysed.
 */
export function parseNetfilter(line: string, start: number, pkt: Packet): string | null {
  const n = line.length
  let i = start
  let protoSeen = false
  let inFlags = false
  let flags = 0
  let sawWindow = false
  let sawUrgp = false
  let ipLenSeen = false
  let incomplete = false
  // The kernel names the protocols it decodes (PROTO=TCP); a number (nmap -sO's PROTO=6 or PROTO=58
  // inside IPv4) means no transport fields follow.
  let numericProto = false
  while (i < n) {
    const c = line.charCodeAt(i)
    if (c === 32) {
      i++
      continue
    }
    if (c === 91) {
      // Embedded packet of an ICMP error, or `[n bytes]` after INCOMPLETE: skip the bracket.
      let depth = 0
      let j = i
      for (; j < n; j++) {
        const d = line.charCodeAt(j)
        if (d === 91) depth++
        else if (d === 93 && --depth === 0) break
      }
      i = j + 1
      continue
    }
    let end = line.indexOf(' ', i)
    if (end < 0) end = n
    let eq = -1
    for (let k = i; k < end; k++) {
      if (line.charCodeAt(k) === 61) {
        eq = k
        break
      }
    }
    if (eq < 0) {
      if (end - i === 3 && same(line, i, 'OPT')) {
        const open = line.indexOf('(', end)
        const close = open < 0 ? -1 : line.indexOf(')', open)
        if (open !== end + 1 || close < 0) return 'unterminated OPT ( … )'
        const hex = line.slice(open + 1, close).trim()
        if (hex !== '' && !/^[0-9A-Fa-f ]+$/.test(hex)) return 'OPT ( … ) is not hexadecimal'
        if (!protoSeen) {
          if (pkt.ipv6) {
            pkt.extHeaders++
            if (hex === '') pkt.emptyExtHeaders++
          } else pkt.ipOpts = hex
        } else if (pkt.proto === PROTO_TCP) pkt.tcpOpts = hex
        i = close + 1
        continue
      }
      if (inFlags) {
        const bit = flagWord(line, i, end)
        if (bit === 0) return `unknown TCP flag '${line.slice(i, Math.min(end, i + 16))}'`
        flags |= bit
      } else if (end - i === 2 && same(line, i, 'DF')) pkt.df = true
      else if (end - i === 2 && same(line, i, 'MF')) pkt.fragment = true
      else if (same(line, i, 'FRAG:')) pkt.fragment = true
      else if (same(line, i, 'INCOMPLETE')) incomplete = true
      i = end
      continue
    }
    const klen = eq - i
    const v = eq + 1
    switch (klen) {
      case 2:
        if (same(line, i, 'IN')) pkt.inIf = line.slice(v, end)
        else if (same(line, i, 'ID')) {
          if (protoSeen) pkt.icmpId = num(line, v, end)
          else pkt.ipId = num(line, v, end)
        } else if (same(line, i, 'TC')) pkt.tos = num(line, v, end)
        break
      case 3:
        switch (line.charCodeAt(i)) {
          case 83: // S
            if (same(line, i, 'SRC')) {
              if (!address(line, v, end, pkt, true)) return `bad SRC address '${line.slice(v, Math.min(end, v + 48))}'`
            } else if (same(line, i, 'SPT')) pkt.sport = num(line, v, end)
            else if (same(line, i, 'SEQ')) {
              if (pkt.proto === PROTO_TCP) pkt.seq = num(line, v, end)
              else pkt.icmpSeq = num(line, v, end)
            }
            break
          case 68: // D
            if (same(line, i, 'DST')) {
              if (!address(line, v, end, pkt, false)) return `bad DST address '${line.slice(v, Math.min(end, v + 48))}'`
            } else if (same(line, i, 'DPT')) pkt.dport = num(line, v, end)
            break
          case 79: // O
            if (same(line, i, 'OUT')) pkt.outIf = line.slice(v, end)
            break
          case 77: // M
            if (same(line, i, 'MAC')) pkt.mac = line.slice(v, end)
            break
          case 76: // L
            if (same(line, i, 'LEN')) {
              if (!ipLenSeen) {
                pkt.len = num(line, v, end)
                ipLenSeen = true
              } else pkt.udpLen = num(line, v, end)
            }
            break
          case 84: // T
            if (same(line, i, 'TTL')) pkt.ttl = num(line, v, end)
            else if (same(line, i, 'TOS')) pkt.tos = hexNum(line, v, end)
            break
          case 65: // A
            if (same(line, i, 'ACK')) pkt.ack = num(line, v, end)
            break
        }
        break
      case 4:
        if (same(line, i, 'TYPE')) pkt.icmpType = num(line, v, end)
        else if (same(line, i, 'CODE')) pkt.icmpCode = num(line, v, end)
        else if (same(line, i, 'URGP')) {
          inFlags = false
          sawUrgp = true
        }
        break
      case 5:
        if (same(line, i, 'PROTO')) {
          if (protoSeen) break
          protoSeen = true
          const p = protoValue(line, v, end)
          if (p < 0) return `unknown protocol '${line.slice(v, Math.min(end, v + 16))}'`
          pkt.proto = p
          numericProto = line.charCodeAt(v) >= 48 && line.charCodeAt(v) <= 57
        }
        break
      case 6:
        if (same(line, i, 'WINDOW')) {
          pkt.window = num(line, v, end)
          sawWindow = true
          inFlags = true
        } else if (same(line, i, 'PHYSIN')) pkt.physIn = line.slice(v, end)
        else if (same(line, i, 'MACSRC')) pkt.macSrc = line.slice(v, end)
        else if (same(line, i, 'MACDST')) pkt.macDst = line.slice(v, end)
        break
      case 7:
        if (same(line, i, 'PHYSOUT')) pkt.physOut = line.slice(v, end)
        else if (same(line, i, 'FLOWLBL')) pkt.flowLabel = num(line, v, end)
        break
      case 8:
        if (same(line, i, 'HOPLIMIT')) pkt.ttl = num(line, v, end)
        break
    }
    // RES=0x00 sits inside the flag region; it is not a flag.
    i = end
  }
  if (pkt.src === '' || pkt.dst === '') return protoSeen ? 'missing SRC= or DST=' : 'non-ip'
  if (!protoSeen) return 'missing PROTO='
  if (pkt.inIf === '' && pkt.outIf === '') return 'neither IN= nor OUT= names an interface'
  pkt.chain = pkt.inIf === '' ? 'OUTPUT' : pkt.outIf === '' ? 'INPUT' : 'FORWARD'
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

function protoValue(line: string, start: number, end: number): number {
  switch (end - start) {
    case 3:
      if (same(line, start, 'TCP')) return PROTO_TCP
      if (same(line, start, 'UDP')) return PROTO_UDP
      break
    case 4:
      if (same(line, start, 'ICMP')) return PROTO_ICMP
      break
    case 6:
      if (same(line, start, 'ICMPv6')) return PROTO_ICMPV6
      break
    case 7:
      if (same(line, start, 'UDPLITE')) return PROTO_UDPLITE
      break
  }
  const n = num(line, start, end)
  if (n >= 0) return n <= 255 ? n : -1
  return protoNumber(line.slice(start, end))
}
