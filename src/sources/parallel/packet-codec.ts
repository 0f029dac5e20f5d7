import { emptyPacket, type Chain, type MutablePacket, type Packet } from '../../parse/packet.js'
// Packets cross from a parsing worker to the engine thread in batches: numbers in one transferable
// Float64Array (SLOTS per packet), text fields as indexes into a per-batch string table, so a batch of
// thousands of packets is one typed array and a short list of distinct strings. The field copies are
// written out one by one: keyed property access on a packet would be megamorphic and slow.
//
// Slots: time srcNum dstNum len tos ttl flowLabel ipId extHeaders emptyExtHeaders proto sport dport window flags seq ack udpLen icmpType icmpCode icmpId icmpSeq fwsnortSid fwsnortRule, then a bit word (ipv6, df, fragment, estab, chain), then string indexes of the IPv6
// src and dst, tcpOpts, host prefix inIf outIf physIn physOut macSrc macDst ipOpts (-1: none).
const SLOTS = 37
const CHAINS: Chain[] = ['INPUT', 'OUTPUT', 'FORWARD']

export const BATCH_PACKETS = 4096

/** One batch as it crosses threads. */
export interface PacketBatch {
  count: number
  nums: Float64Array
  strings: string[]
}

export class BatchWriter {
  private nums = new Float64Array(BATCH_PACKETS * SLOTS)
  private strings: string[] = []
  private index = new Map<string, number>()
  count = 0

  private str(s: string | null): number {
    if (s === null || s === '') return -1
    let i = this.index.get(s)
    if (i === undefined) {
      i = this.strings.length
      this.strings.push(s)
      this.index.set(s, i)
    }
    return i
  }

  /** Adds a packet; returns true when the batch is full. */
  add(p: Packet): boolean {
    const n = this.nums
    const o = this.count * SLOTS
    n[o + 0] = p.time
    n[o + 1] = p.srcNum
    n[o + 2] = p.dstNum
    n[o + 3] = p.len
    n[o + 4] = p.tos
    n[o + 5] = p.ttl
    n[o + 6] = p.flowLabel
    n[o + 7] = p.ipId
    n[o + 8] = p.extHeaders
    n[o + 9] = p.emptyExtHeaders
    n[o + 10] = p.proto
    n[o + 11] = p.sport
    n[o + 12] = p.dport
    n[o + 13] = p.window
    n[o + 14] = p.flags
    n[o + 15] = p.seq
    n[o + 16] = p.ack
    n[o + 17] = p.udpLen
    n[o + 18] = p.icmpType
    n[o + 19] = p.icmpCode
    n[o + 20] = p.icmpId
    n[o + 21] = p.icmpSeq
    n[o + 22] = p.fwsnortSid
    n[o + 23] = p.fwsnortRule
    n[o + 24] = (p.ipv6 ? 1 : 0) | (p.df ? 2 : 0) | (p.fragment ? 4 : 0) | (p.estab ? 8 : 0) | (CHAINS.indexOf(p.chain) << 4)
    n[o + 25] = p.ipv6 ? this.str(p.src) : -1
    n[o + 26] = p.ipv6 ? this.str(p.dst) : -1
    n[o + 27] = p.tcpOpts === '' ? -2 : this.str(p.tcpOpts) // -2: an empty OPT ( ), not the same as none
    n[o + 28] = this.str(p.host)
    n[o + 29] = this.str(p.prefix)
    n[o + 30] = this.str(p.inIf)
    n[o + 31] = this.str(p.outIf)
    n[o + 32] = this.str(p.physIn)
    n[o + 33] = this.str(p.physOut)
    n[o + 34] = this.str(p.macSrc)
    n[o + 35] = this.str(p.macDst)
    n[o + 36] = this.str(p.ipOpts)
    return ++this.count === BATCH_PACKETS
  }

  /** Hands the batch over (its array is meant to be transferred) and starts a new one. */
  take(): PacketBatch {
    const batch = { count: this.count, nums: this.nums, strings: this.strings }
    this.nums = new Float64Array(BATCH_PACKETS * SLOTS)
    this.strings = []
    this.index = new Map()
    this.count = 0
    return batch
  }
}

/** Rebuilds packet `i` of a batch. */
export function readPacket(b: PacketBatch, i: number, into?: MutablePacket): Packet {
  // Reusing `into` (as the serial path reuses its packet) spares the engine thread one object per packet.
  const p = into ?? emptyPacket()
  if (into !== undefined) p.reset()
  const n = b.nums
  const t = b.strings
  const o = i * SLOTS
  p.time = n[o + 0]!
  p.srcNum = n[o + 1]!
  p.dstNum = n[o + 2]!
  p.len = n[o + 3]! | 0
  p.tos = n[o + 4]! | 0
  p.ttl = n[o + 5]! | 0
  p.flowLabel = n[o + 6]! | 0
  p.ipId = n[o + 7]! | 0
  p.extHeaders = n[o + 8]! | 0
  p.emptyExtHeaders = n[o + 9]! | 0
  p.proto = n[o + 10]! | 0
  p.sport = n[o + 11]! | 0
  p.dport = n[o + 12]! | 0
  p.window = n[o + 13]! | 0
  p.flags = n[o + 14]! | 0
  p.seq = n[o + 15]!
  p.ack = n[o + 16]!
  p.udpLen = n[o + 17]! | 0
  p.icmpType = n[o + 18]! | 0
  p.icmpCode = n[o + 19]! | 0
  p.icmpId = n[o + 20]! | 0
  p.icmpSeq = n[o + 21]! | 0
  p.fwsnortSid = n[o + 22]! | 0
  p.fwsnortRule = n[o + 23]! | 0
  const bits = n[o + 24]!
  p.ipv6 = (bits & 1) !== 0
  p.df = (bits & 2) !== 0
  p.fragment = (bits & 4) !== 0
  p.estab = (bits & 8) !== 0
  p.chain = CHAINS[bits >> 4]!
  if (p.ipv6) {
    p.src = t[n[o + 25]!]!
    p.dst = t[n[o + 26]!]!
  }
  const opts = n[o + 27]!
  p.tcpOpts = opts === -2 ? '' : opts < 0 ? null : t[opts]!
  p.host = n[o + 28]! < 0 ? '' : t[n[o + 28]!]!
  p.prefix = n[o + 29]! < 0 ? '' : t[n[o + 29]!]!
  p.inIf = n[o + 30]! < 0 ? '' : t[n[o + 30]!]!
  p.outIf = n[o + 31]! < 0 ? '' : t[n[o + 31]!]!
  p.physIn = n[o + 32]! < 0 ? '' : t[n[o + 32]!]!
  p.physOut = n[o + 33]! < 0 ? '' : t[n[o + 33]!]!
  p.macSrc = n[o + 34]! < 0 ? '' : t[n[o + 34]!]!
  p.macDst = n[o + 35]! < 0 ? '' : t[n[o + 35]!]!
  p.ipOpts = n[o + 36]! < 0 ? '' : t[n[o + 36]!]!
  return p
}
