import { emptyPacket, type Packet, PROTO_TCP, SYN } from '../../src/parse/packet.js'

// A TCP SYN as the OS fingerprinting sees it, built field by field for the OS tests.

export interface SynSpec {
  ttl?: number
  len?: number
  window?: number
  df?: boolean
  /** The TCP options as hex; null for none logged. */
  opts?: string | null
  ipv6?: boolean
  ipId?: number
}

/** Returns a SYN of `s`, with `defaultOpts` where `s` gives no options (64 TTL, 60 bytes, DF, window 64240 otherwise). */
export function synPacket(s: SynSpec, defaultOpts: string): Packet {
  const p = emptyPacket()
  p.proto = PROTO_TCP
  p.flags = SYN
  p.ipv6 = s.ipv6 ?? false
  p.ttl = s.ttl ?? 64
  p.len = s.len ?? 60
  p.window = s.window ?? 64240
  p.df = s.df ?? true
  p.tcpOpts = s.opts === undefined ? defaultOpts : s.opts
  p.ipId = s.ipId ?? (p.ipv6 ? -1 : 1)
  return p
}
