import { parseIPv4 } from './address.js'
import { type Packet, PROTO_ICMP, PROTO_TCP, PROTO_UDP, SYN, FLAGS_UNKNOWN } from './packet.js'

// Linux 2.2 ipchains (the seed system of psad's lineage) logged:
//   Packet log: input DENY eth0 PROTO=6 192.168.25.3:2351 172.16.50.3:111 L=60 S=0x00 I=45086 F=0x4000 T=45 SYN (#8)
// chain, target, interface, protocol number, src:port, dst:port (ICMP: type and code in the port
// slots; other protocols: 65535), length, TOS, IP ID, flags+fragment offset, TTL, `SYN` when the
// SYN bit is set, and the rule number. Other TCP flags were never logged.

export const IPCHAINS_MARK = 'Packet log: '

const CHAINS: Record<string, Packet['chain']> = { input: 'INPUT', output: 'OUTPUT', forward: 'FORWARD' }

function endpoint(token: string | undefined): [number, number] | null {
  if (token === undefined) return null
  const colon = token.lastIndexOf(':')
  if (colon < 0) return null
  const addr = parseIPv4(token, 0, colon)
  const port = /^\d{1,5}$/.test(token.slice(colon + 1)) ? Number(token.slice(colon + 1)) : -1
  return addr < 0 || port < 0 || port > 65535 ? null : [addr, port]
}

function field(tokens: string[], key: string): string | undefined {
  const t = tokens.find((w) => w.startsWith(key))
  return t?.slice(key.length)
}

/** Fills `pkt` from an ipchains message starting at `start` (after `Packet log: `); returns an error or null. */
export function parseIpchains(line: string, start: number, pkt: Packet): string | null {
  const tokens = line.slice(start).trim().split(/\s+/)
  const [chainName, target, iface, protoTok] = tokens
  if (chainName === undefined || target === undefined || iface === undefined || protoTok === undefined) return 'short ipchains line'
  if (!protoTok.startsWith('PROTO=')) return 'ipchains line without PROTO='
  const proto = Number(protoTok.slice(6))
  if (!Number.isInteger(proto) || proto < 0 || proto > 255) return `bad ipchains protocol '${protoTok.slice(6, 16)}'`
  const src = endpoint(tokens[4])
  const dst = endpoint(tokens[5])
  if (src === null || dst === null) return 'bad ipchains address:port'
  pkt.chain = CHAINS[chainName] ?? 'INPUT'
  if (pkt.chain === 'OUTPUT') pkt.outIf = iface
  else pkt.inIf = iface
  pkt.prefix = target
  pkt.proto = proto
  pkt.srcNum = src[0]
  pkt.dstNum = dst[0]
  pkt.src = tokens[4]!.slice(0, tokens[4]!.lastIndexOf(':'))
  pkt.dst = tokens[5]!.slice(0, tokens[5]!.lastIndexOf(':'))
  if (proto === PROTO_TCP || proto === PROTO_UDP) {
    pkt.sport = src[1]
    pkt.dport = dst[1]
  } else if (proto === PROTO_ICMP) {
    pkt.icmpType = src[1]
    pkt.icmpCode = dst[1]
  }
  if (proto === PROTO_TCP) pkt.flags = tokens.includes('SYN') ? SYN : FLAGS_UNKNOWN
  const len = Number(field(tokens, 'L='))
  pkt.len = Number.isInteger(len) ? len : -1
  const tos = Number.parseInt(field(tokens, 'S=') ?? '', 16)
  pkt.tos = Number.isNaN(tos) ? -1 : tos
  const id = Number(field(tokens, 'I='))
  pkt.ipId = Number.isInteger(id) ? id : -1
  const frag = Number.parseInt(field(tokens, 'F=') ?? '', 16)
  if (!Number.isNaN(frag)) {
    pkt.df = (frag & 0x4000) !== 0
    pkt.fragment = (frag & 0x2000) !== 0 || (frag & 0x1fff) !== 0
  }
  const ttl = Number(field(tokens, 'T='))
  pkt.ttl = Number.isInteger(ttl) ? ttl : -1
  return null
}
