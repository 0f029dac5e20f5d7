import { ipv6Words, type Network } from '../parse/address.js'

// A longest-prefix-match table for IPv4 and IPv6 networks, looked up in O(log n) without a linear scan.
//
// CIDR blocks are either nested or disjoint, so at build time a sweep over the blocks sorted by start
// (larger first) cuts the address space into sorted, disjoint intervals, each owned by the most specific
// block covering it; adjacent intervals with the same owner are merged. A lookup is one binary search
// over the interval starts. Each block also keeps its parent (the next larger block containing it), so
// every block containing an address can be listed by walking parents — at most 32 (v4) / 128 (v6) steps.
// IPv4 intervals are Uint32Arrays; IPv6 ones are four 32-bit words per bound, compared word by word.

/** A network and what it maps to. */
export interface TableItem<V> {
  net: Network
  value: V
}

/** Sorted, disjoint intervals of one address family; `owners[i]` indexes the table's networks. */
export interface Intervals {
  /** IPv4: one word per bound; IPv6: four words per bound (most significant first). */
  readonly starts: Uint32Array
  readonly ends: Uint32Array
  readonly owners: Int32Array
  readonly count: number
}

// Bounds are numbers for IPv4 (exact below 2^53) and bigints for IPv6, whose bigint arithmetic
// would make building a large IPv4 list several times slower.
interface Block<T> {
  start: T
  end: T
  prefix: number
  index: number
}

interface Part<T> {
  lo: T
  hi: T
  owner: number
}

const V6_CACHE_MAX = 65536

function v4Block(net: Network, index: number): Block<number> {
  const start = net.words[0]! >>> 0
  return { start, end: start + 2 ** (32 - net.prefix) - 1, prefix: net.prefix, index }
}

function v6Block(net: Network, index: number): Block<bigint> {
  let start = 0n
  for (const w of net.words) start = (start << 32n) | BigInt(w >>> 0)
  return { start, end: start + (1n << BigInt(128 - net.prefix)) - 1n, prefix: net.prefix, index }
}

function sweep<T extends number | bigint>(blocks: Block<T>[], one: T, parents: Int32Array): Part<T>[] {
  const inc = (x: T): T => ((x as number) + (one as number)) as T
  const dec = (x: T): T => ((x as number) - (one as number)) as T
  blocks.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.prefix - b.prefix))
  const out: Part<T>[] = []
  const emit = (lo: T, hi: T, owner: number): void => {
    if (lo > hi) return
    const last = out[out.length - 1]
    if (last !== undefined && last.owner === owner && inc(last.hi) === lo) last.hi = hi
    else out.push({ lo, hi, owner })
  }
  const stack: Block<T>[] = []
  let cursor = dec(one)
  for (const b of blocks) {
    while (stack.length > 0 && stack[stack.length - 1]!.end < b.start) {
      const top = stack.pop()!
      emit(cursor, top.end, top.index)
      cursor = inc(top.end)
    }
    const outer = stack[stack.length - 1]
    if (outer !== undefined) emit(cursor, dec(b.start), outer.index)
    parents[b.index] = outer === undefined ? -1 : outer.index
    cursor = b.start
    stack.push(b)
  }
  while (stack.length > 0) {
    const top = stack.pop()!
    emit(cursor, top.end, top.index)
    cursor = inc(top.end)
  }
  return out
}

function packV4(parts: Part<number>[]): Intervals {
  const starts = new Uint32Array(parts.length)
  const ends = new Uint32Array(parts.length)
  const owners = new Int32Array(parts.length)
  parts.forEach((p, i) => {
    starts[i] = p.lo
    ends[i] = p.hi
    owners[i] = p.owner
  })
  return { starts, ends, owners, count: parts.length }
}

function packV6(parts: Part<bigint>[]): Intervals {
  const starts = new Uint32Array(parts.length * 4)
  const ends = new Uint32Array(parts.length * 4)
  const owners = new Int32Array(parts.length)
  parts.forEach((p, i) => {
    for (let w = 0; w < 4; w++) {
      const shift = BigInt((3 - w) * 32)
      starts[i * 4 + w] = Number((p.lo >> shift) & 0xffffffffn)
      ends[i * 4 + w] = Number((p.hi >> shift) & 0xffffffffn)
    }
    owners[i] = p.owner
  })
  return { starts, ends, owners, count: parts.length }
}

// -1 when a < b, 0 when equal, 1 when a > b; a is four words, b the i-th bound in arr.
function cmp6(a: readonly number[], arr: Uint32Array, i: number): number {
  const o = i * 4
  for (let w = 0; w < 4; w++) {
    const x = a[w]! >>> 0
    const y = arr[o + w]!
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

export class AddressTable<V> {
  readonly v4: Intervals
  readonly v6: Intervals
  /** Items whose network was already in the table (merged into the first one's value). */
  readonly duplicates: number
  private readonly wordsCache = new Map<string, number[] | null>()

  private constructor(
    private readonly nets: readonly Network[],
    private readonly values: V[],
    private readonly parents: Int32Array,
    v4: Intervals,
    v6: Intervals,
    duplicates: number,
  ) {
    this.v4 = v4
    this.v6 = v6
    this.duplicates = duplicates
  }

  /**
   * Builds a table. Items with an identical network are combined with `merge(first, next)` (default:
   * the first is kept). Never throws for valid networks.
   */
  static build<V>(items: readonly TableItem<V>[], merge: (a: V, b: V) => V = (a) => a): AddressTable<V> {
    const nets: Network[] = []
    const values: V[] = []
    const blocks4: Block<number>[] = []
    const blocks6: Block<bigint>[] = []
    const byKey = new Map<string, number>()
    let duplicates = 0
    for (const { net, value } of items) {
      const seen = byKey.get(net.text)
      if (seen !== undefined) {
        values[seen] = merge(values[seen]!, value)
        duplicates++
        continue
      }
      const index = nets.length
      byKey.set(net.text, index)
      nets.push(net)
      values.push(value)
      if (net.v6) blocks6.push(v6Block(net, index))
      else blocks4.push(v4Block(net, index))
    }
    const parents = new Int32Array(nets.length).fill(-1)
    const v4 = packV4(sweep(blocks4, 1, parents))
    const v6 = packV6(sweep(blocks6, 1n, parents))
    return new AddressTable(nets, values, parents, v4, v6, duplicates)
  }

  /** Number of distinct networks. */
  get size(): number {
    return this.nets.length
  }

  /** Returns the index of the most specific network containing an IPv4 address (a 32-bit number), or -1. */
  indexV4(addr: number): number {
    const { starts, ends, owners, count } = this.v4
    let lo = 0
    let hi = count - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (starts[mid]! <= addr) lo = mid + 1
      else hi = mid - 1
    }
    return hi >= 0 && addr <= ends[hi]! ? owners[hi]! : -1
  }

  /** Returns the index of the most specific network containing an IPv6 address (four words), or -1. */
  indexV6(words: readonly number[]): number {
    const { starts, ends, owners, count } = this.v6
    let lo = 0
    let hi = count - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (cmp6(words, starts, mid) >= 0) lo = mid + 1
      else hi = mid - 1
    }
    return hi >= 0 && cmp6(words, ends, hi) <= 0 ? owners[hi]! : -1
  }

  /** Returns the index of the most specific network containing a packet address, or -1 (also for bad text). */
  index(text: string, v4num: number): number {
    if (v4num >= 0) return this.indexV4(v4num)
    if (this.v6.count === 0) return -1
    let words = this.wordsCache.get(text)
    if (words === undefined) {
      words = text.includes(':') ? ipv6Words(text) : null
      if (this.wordsCache.size >= V6_CACHE_MAX) this.wordsCache.clear()
      this.wordsCache.set(text, words)
    }
    return words === null ? -1 : this.indexV6(words)
  }

  /** Returns the value of the most specific network containing the address, or undefined. */
  lookup(text: string, v4num: number): V | undefined {
    const i = this.index(text, v4num)
    return i < 0 ? undefined : this.values[i]
  }

  /** Returns the values of every network containing the address, most specific first. */
  containing(text: string, v4num: number): V[] {
    const out: V[] = []
    for (let i = this.index(text, v4num); i >= 0; i = this.parents[i]!) out.push(this.values[i]!)
    return out
  }

  /** The network at an index. */
  network(i: number): Network {
    return this.nets[i]!
  }

  /** The value at an index. */
  value(i: number): V {
    return this.values[i]!
  }

  /** The index of the next larger network containing network i, or -1. */
  parent(i: number): number {
    return this.parents[i]!
  }
}
