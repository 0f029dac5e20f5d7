import { PROTO_TCP, PROTO_UDP, PROTO_UDPLITE } from '../parse/packet.js'
import type { Network } from '../parse/address.js'
import { AddressTable } from './address-table.js'

// psad's auto_dl entries, compiled for lookups by source address (config/auto-dl.ts reads the file).
// DL 0 means "ignore every packet from this source"; 1-5 raise the source's danger level. Overlapping
// entries resolve deterministically: the most specific network whose criteria match the packet wins;
// for one network, an entry with criteria beats one without, then the earlier line wins.

/** One protocol criterion: a protocol number and an inclusive destination-port range. */
export interface AutoDlCriterion {
  proto: number
  lo: number
  hi: number
}

/** What a lookup returns: the entry's danger level (0 = ignore the packet) and where it is. */
export interface AutoDlMatch {
  readonly dl: number
  /** `file:line` of the entry. */
  readonly entry: string
  /** The entry's network, canonical (`192.168.10.0/24`, `2001:db8:0:f101::2`). */
  readonly network: string
}

export interface AutoDlEntry {
  readonly net: Network
  readonly dl: number
  /** null: any packet. */
  readonly criteria: readonly AutoDlCriterion[] | null
  readonly file: string
  readonly line: number
  readonly match: AutoDlMatch
}

/** Protocols whose criteria may name destination ports. */
export const PORTED: ReadonlySet<number> = new Set([PROTO_TCP, PROTO_UDP, PROTO_UDPLITE])

function matches(e: AutoDlEntry, proto: number, dport: number): boolean {
  const c = e.criteria
  if (c === null) return true
  for (const k of c) {
    if (k.proto !== proto) continue
    if (!PORTED.has(proto) || (dport >= k.lo && dport <= k.hi)) return true
  }
  return false
}

/** A loaded auto_dl file, compiled for lookups by source address. */
export class AutoDl {
  private readonly table: AddressTable<AutoDlEntry[]>
  /** Per network index: every entry that may apply, in resolution order (most specific first). */
  private readonly chains: (readonly AutoDlEntry[] | undefined)[] = []

  constructor(
    readonly entries: readonly AutoDlEntry[],
    readonly warnings: readonly string[] = [],
  ) {
    // For one network: entries with criteria first, then file order (stable sort keeps line order).
    const ordered = [...entries].sort((a, b) => (a.criteria === null ? 1 : 0) - (b.criteria === null ? 1 : 0))
    this.table = AddressTable.build(ordered.map((e) => ({ net: e.net, value: [e] })), (a, b) => [...a, ...b])
  }

  /** Returns an empty auto_dl (no entries). */
  static empty(): AutoDl {
    return new AutoDl([])
  }

  private chain(i: number): readonly AutoDlEntry[] {
    let c = this.chains[i]
    if (c === undefined) {
      const parent = this.table.parent(i)
      c = parent < 0 ? this.table.value(i) : [...this.table.value(i), ...this.chain(parent)]
      this.chains[i] = c
    }
    return c
  }

  /**
   * Returns every entry whose network contains the source, in resolution order. The answer depends on
   * the source only, so callers may keep it per source and run `pick` per packet.
   */
  candidates(src: string, srcNum: number): readonly AutoDlEntry[] {
    const i = this.table.index(src, srcNum)
    return i < 0 ? [] : this.chain(i)
  }

  /** Returns the entry that applies to a packet from `src` (see the file comment), or null. Never throws. */
  lookup(src: string, srcNum: number, proto: number, dport: number): AutoDlMatch | null {
    const i = this.table.index(src, srcNum)
    return i < 0 ? null : AutoDl.pick(this.chain(i), proto, dport)
  }

  /** Returns the first of `candidates` whose criteria match the protocol and destination port, or null. */
  static pick(candidates: readonly AutoDlEntry[], proto: number, dport: number): AutoDlMatch | null {
    for (const e of candidates) if (matches(e, proto, dport)) return e.match
    return null
  }

  /** Returns the DL-0 (ignore) entries overlapping a network — blockers must not block those. */
  ignoredOverlapping(net: Network): AutoDlEntry[] {
    return this.entries.filter((e) => e.dl === 0 && e.net.v6 === net.v6 && overlaps(e.net, net))
  }
}

function overlaps(a: Network, b: Network): boolean {
  const prefix = Math.min(a.prefix, b.prefix)
  for (let w = 0; w < a.words.length; w++) {
    const bits = prefix - w * 32
    if (bits <= 0) return true
    const mask = bits >= 32 ? 0xffffffff : ~((1 << (32 - bits)) - 1)
    if (((a.words[w]! & mask) >>> 0) !== ((b.words[w]! & mask) >>> 0)) return false
  }
  return true
}
