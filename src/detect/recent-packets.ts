import type { Packet } from '../parse/packet.js'

// One packet that passes two LOG rules is logged twice: ufw writes `[UFW AUDIT]` and then the rule's
// verdict (`[UFW ALLOW]`) for the same packet, and any ruleset with a LOG rule before the one that
// decides does the same. The copies are counted once. A copy is a line from the same syslog host with
// another log prefix, the same header fields (addresses, protocol, ports, IP ID, TCP SEQ and flags,
// length, TTL, ICMP type/code/id/seq, interfaces) and a timestamp within a second of the first.
// Requiring another prefix keeps a flood of identical packets through one rule (a fixed IP ID and
// source port) from being folded into one packet.
//
// The table holds the last CAPACITY packets (first in, first out). Lines of one packet are written
// together, so a copy is found unless more than CAPACITY other packets were logged in between; as
// eviction depends only on how many packets came before, a thread analysing a share of the sources
// finds the same copies a serial run finds.

const CAPACITY = 1024
const WITHIN_MS = 1000

/** The numeric header fields that must be equal in two lines of one packet. */
export const RECENT_NUMBERS = ['proto', 'sport', 'dport', 'ipId', 'seq', 'len', 'ttl', 'flags', 'icmpType', 'icmpCode', 'icmpId', 'icmpSeq'] as const

/** One remembered packet: the fields that tell it apart, and whether it was scored. */
export interface RecentEntry {
  time: number
  host: string
  prefix: string
  ipv6: boolean
  /** IPv4 addresses as numbers; IPv6 as text ('' for IPv4). */
  srcNum: number
  dstNum: number
  src: string
  dst: string
  proto: number
  sport: number
  dport: number
  ipId: number
  seq: number
  len: number
  ttl: number
  flags: number
  icmpType: number
  icmpCode: number
  icmpId: number
  icmpSeq: number
  inIf: string
  outIf: string
  scored: boolean
}

interface Entry extends RecentEntry {
  hash: number
}

type Hashed = Pick<Packet, 'ipv6' | 'src' | 'dst' | 'srcNum' | 'dstNum' | (typeof RECENT_NUMBERS)[number]>

function mix(h: number, v: number): number {
  return Math.imul(h ^ (v | 0), 0x9e3779b1) ^ (h >>> 15)
}

function textMix(h: number, s: string): number {
  for (let i = Math.max(0, s.length - 6); i < s.length; i++) h = mix(h, s.charCodeAt(i))
  return h
}

function hashOf(p: Hashed): number {
  let h = p.ipv6 ? textMix(textMix(0x3c6ef372, p.src), p.dst) : mix(mix(0x3c6ef372, p.srcNum), p.dstNum)
  h = mix(h, p.proto)
  h = mix(h, (p.sport << 16) ^ p.dport)
  h = mix(h, p.ipId)
  h = mix(h, p.seq)
  h = mix(h, (p.len << 8) ^ p.flags)
  h = mix(h, (p.icmpType << 24) ^ (p.icmpCode << 16) ^ p.icmpSeq)
  return h | 0
}

function emptyEntry(): Entry {
  return {
    hash: 0, time: Number.NaN, host: '', prefix: '', ipv6: false, srcNum: -1, dstNum: -1, src: '', dst: '', proto: -1, sport: -1, dport: -1,
    ipId: -1, seq: -1, len: -1, ttl: -1, flags: -1, icmpType: -1, icmpCode: -1, icmpId: -1, icmpSeq: -1, inIf: '', outIf: '', scored: false,
  }
}


// Spelled out, not a loop over NUMBERS: this runs for every packet, and a keyed loop is several
// times slower than named fields.
function samePacket(e: Entry, p: Packet): boolean {
  if (e.proto !== p.proto || e.sport !== p.sport || e.dport !== p.dport || e.ipId !== p.ipId || e.seq !== p.seq || e.len !== p.len) return false
  if (e.ttl !== p.ttl || e.flags !== p.flags || e.icmpType !== p.icmpType || e.icmpCode !== p.icmpCode || e.icmpId !== p.icmpId || e.icmpSeq !== p.icmpSeq) return false
  if (e.ipv6 !== p.ipv6 || e.host !== p.host || e.inIf !== p.inIf || e.outIf !== p.outIf) return false
  if (p.ipv6 ? e.src !== p.src || e.dst !== p.dst : e.srcNum !== p.srcNum || e.dstNum !== p.dstNum) return false
  const t = p.time
  return t === t ? Math.abs(t - e.time) <= WITHIN_MS : e.time !== e.time
}

/** The last packets seen, to tell a second log line of one packet from a new packet. */
export class RecentPackets {
  private readonly ring: Entry[] = []
  private next = 0
  /** Hash → the ring slot of the latest packet with that hash. */
  private readonly latest = new Map<number, number>()

  /**
   * Returns true when `p` is another line of a packet seen within the last second that is counted
   * already (so `p` is not): a copy is not counted, unless the first line was not scored and this one
   * would be (`[UFW AUDIT]` then `[UFW BLOCK]`). Otherwise remembers `p` and returns false.
   */
  isCopy(p: Packet, scored: boolean): boolean {
    const hash = hashOf(p)
    const at = this.latest.get(hash)
    if (at !== undefined) {
      const e = this.ring[at]!
      if (e.prefix !== p.prefix && samePacket(e, p)) {
        if (e.scored || !scored) return true
        e.scored = true
        e.prefix = p.prefix
        return false
      }
    }
    this.remember(p, hash, scored)
    return false
  }

  private slot(): Entry {
    const i = this.next
    this.next = (i + 1) % CAPACITY
    let e = this.ring[i]
    if (e === undefined) this.ring[i] = e = emptyEntry()
    else if (this.latest.get(e.hash) === i) this.latest.delete(e.hash)
    return e
  }

  private remember(p: Packet, hash: number, scored: boolean): void {
    const i = this.next
    const e = this.slot()
    e.hash = hash
    e.time = p.time
    e.host = p.host
    e.prefix = p.prefix
    e.ipv6 = p.ipv6
    e.srcNum = p.ipv6 ? -1 : p.srcNum
    e.dstNum = p.ipv6 ? -1 : p.dstNum
    e.src = p.ipv6 ? p.src : ''
    e.dst = p.ipv6 ? p.dst : ''
    e.proto = p.proto
    e.sport = p.sport
    e.dport = p.dport
    e.ipId = p.ipId
    e.seq = p.seq
    e.len = p.len
    e.ttl = p.ttl
    e.flags = p.flags
    e.icmpType = p.icmpType
    e.icmpCode = p.icmpCode
    e.icmpId = p.icmpId
    e.icmpSeq = p.icmpSeq
    e.inIf = p.inIf
    e.outIf = p.outIf
    e.scored = scored
    this.latest.set(hash, i)
  }

  /** Returns the remembered packets, oldest first (saved state). */
  entries(): RecentEntry[] {
    const out: RecentEntry[] = []
    const n = this.ring.length
    for (let k = 0; k < n; k++) {
      const { hash: _hash, ...e } = this.ring[(this.next + k) % n]!
      out.push(e)
    }
    return out
  }

  /** Forgets every packet and remembers `entries` (as entries() gave them), oldest first. */
  restore(entries: readonly RecentEntry[]): void {
    this.ring.length = 0
    this.next = 0
    this.latest.clear()
    for (const r of entries.slice(-CAPACITY)) {
      const i = this.next
      const e = this.slot()
      Object.assign(e, r)
      e.hash = hashOf(e)
      this.latest.set(e.hash, i)
    }
  }
}
