import { ipv6Words } from '../parse/address.js'

// The distinct destinations of one source beyond the ones it keeps a record for (maxDestinations):
// a sweep of a /8 sends to millions. They are counted exactly up to EXACT_LIMIT in open-addressing
// hash sets of the addresses themselves (a Uint32Array: one word per IPv4 address, four per IPv6;
// at most 3/4 full, so 8 MB for a million IPv4 destinations, 32 MB for IPv6), and past that
// estimated with a HyperLogLog sketch (2^14 one-byte registers, 16 KB, about 0.8% standard error)
// that replaces the sets. Only sources past maxDestinations have one.

/** Distinct destinations counted exactly before the count becomes an estimate. */
export const EXACT_LIMIT = 1 << 20

const MAX_LOAD = 0.75
const SKETCH_BITS = 14
const SKETCH_SIZE = 1 << SKETCH_BITS

// murmur3's 32-bit finaliser: every input bit reaches every output bit.
function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

function hash6(w: ArrayLike<number>, at: number): number {
  return fmix(w[at]! ^ fmix(w[at + 1]! ^ fmix(w[at + 2]! ^ fmix(w[at + 3]!))))
}

/** An open-addressing set of fixed-width keys of 32-bit words; the all-zero key is a flag of its own. */
class WordSet {
  words: Uint32Array
  size = 0
  zero = false

  constructor(private readonly width: 1 | 4) {
    this.words = new Uint32Array(16 * width)
  }

  private slots(): number {
    return this.words.length / this.width
  }

  private hash(w: ArrayLike<number>, at: number): number {
    return this.width === 1 ? fmix(w[at]!) : hash6(w, at)
  }

  private isZero(w: ArrayLike<number>, at: number): boolean {
    for (let k = 0; k < this.width; k++) if (w[at + k] !== 0) return false
    return true
  }

  /** Adds the key w[at, at+width); returns true when it was new. */
  add(w: ArrayLike<number>, at = 0): boolean {
    if (this.isZero(w, at)) {
      if (this.zero) return false
      this.zero = true
      return true
    }
    const width = this.width
    const mask = this.slots() - 1
    let i = this.hash(w, at) & mask
    for (;;) {
      const o = i * width
      if (this.isZero(this.words, o)) break
      let same = true
      for (let k = 0; k < width; k++) if (this.words[o + k] !== w[at + k]) same = false
      if (same) return false
      i = (i + 1) & mask
    }
    for (let k = 0; k < width; k++) this.words[i * width + k] = w[at + k]! >>> 0
    if (++this.size > this.slots() * MAX_LOAD) this.grow()
    return true
  }

  private grow(): void {
    const old = this.words
    this.words = new Uint32Array(old.length * 2)
    this.size = 0
    for (let o = 0; o < old.length; o += this.width) if (!this.isZero(old, o)) this.add(old, o)
  }

  get count(): number {
    return this.size + (this.zero ? 1 : 0)
  }

  /** Calls fn with the offset of every key in `keys` (a copy of the words, zero key included). */
  forEach(fn: (words: Uint32Array, at: number) => void): void {
    if (this.zero) fn(new Uint32Array(this.width), 0)
    const w = this.words
    for (let o = 0; o < w.length; o += this.width) if (!this.isZero(w, o)) fn(w, o)
  }

  /** The keys in ascending order, word after word (the saved form: the same set saves the same). */
  keys(): Uint32Array {
    const width = this.width
    if (width === 1) {
      const out = new Uint32Array(this.count)
      let n = 0
      this.forEach((w, at) => (out[n++] = w[at]!))
      return out.sort()
    }
    const offsets: [Uint32Array, number][] = []
    this.forEach((w, at) => offsets.push([w, at]))
    offsets.sort(([a, i], [b, j]) => {
      for (let k = 0; k < width; k++) if (a[i + k] !== b[j + k]) return a[i + k]! - b[j + k]!
      return 0
    })
    const out = new Uint32Array(offsets.length * width)
    offsets.forEach(([w, at], n) => out.set(w.subarray(at, at + width), n * width))
    return out
  }
}

/** Counts distinct destination addresses: exactly up to EXACT_LIMIT, then as an estimate. */
export class DestinationCount {
  private v4: WordSet | null = new WordSet(1)
  private v6: WordSet | null = new WordSet(4)
  /** HyperLogLog registers once the exact sets are gone. */
  private sketch: Uint8Array | null = null
  private readonly one = new Uint32Array(1)

  /** Counts a destination (an engine address key, state.ts AddressKey: IPv4 as a number, IPv6 as canonical text). */
  add(key: number | string): void {
    if (this.sketch !== null) {
      this.sketchAdd(typeof key === 'number' ? fmix(key >>> 0) : hash6(ipv6Words(key) ?? [0, 0, 0, 0], 0) ^ 0x5bd1e995)
      return
    }
    let added: boolean
    if (typeof key === 'number') {
      this.one[0] = key >>> 0
      added = this.v4!.add(this.one)
    } else added = this.v6!.add(ipv6Words(key) ?? [0, 0, 0, 0])
    if (added && this.v4!.count + this.v6!.count > EXACT_LIMIT) this.toSketch()
  }

  // Every address so far goes into the sketch, which then counts alone.
  private toSketch(): void {
    this.sketch = new Uint8Array(SKETCH_SIZE)
    this.v4!.forEach((w, at) => this.sketchAdd(fmix(w[at]!)))
    this.v6!.forEach((w, at) => this.sketchAdd(hash6(w, at) ^ 0x5bd1e995))
    this.v4 = null
    this.v6 = null
  }

  private sketchAdd(h: number): void {
    const j = h >>> (32 - SKETCH_BITS)
    // The rank of the first 1 bit in the remaining 18 bits (19 when they are all 0).
    const rank = Math.min(Math.clz32((h << SKETCH_BITS) >>> 0) + 1, 32 - SKETCH_BITS + 1)
    if (rank > this.sketch![j]!) this.sketch![j] = rank
  }

  /** True once the count is an estimate (more than EXACT_LIMIT distinct destinations). */
  get estimated(): boolean {
    return this.sketch !== null
  }

  /** The number of distinct destinations counted (exact, or the sketch's estimate). */
  get count(): number {
    const s = this.sketch
    if (s === null) return this.v4!.count + this.v6!.count
    let sum = 0
    let zeros = 0
    for (let j = 0; j < SKETCH_SIZE; j++) {
      sum += 2 ** -s[j]!
      if (s[j] === 0) zeros++
    }
    const m = SKETCH_SIZE
    const raw = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum
    // Flajolet et al.: linear counting for small counts, and the 32-bit hash's large-range correction.
    const e = raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw > 2 ** 32 / 30 ? -(2 ** 32) * Math.log(1 - raw / 2 ** 32) : raw
    return Math.max(EXACT_LIMIT + 1, Math.round(e))
  }

  /** The saved form: the exact sets' keys, or the sketch's registers, as base64. */
  save(): ['exact', string, string] | ['sketch', string] {
    const b64 = (a: Uint8Array | Uint32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')
    return this.sketch !== null ? ['sketch', b64(this.sketch)] : ['exact', b64(this.v4!.keys()), b64(this.v6!.keys())]
  }

  /** Returns the count a saved form describes, or null when it is malformed. */
  static restore(v: unknown): DestinationCount | null {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return null
    const bytes = (s: string): Buffer => Buffer.from(s, 'base64')
    const c = new DestinationCount()
    if (v[0] === 'sketch' && v.length === 2) {
      const b = bytes(v[1]!)
      if (b.length !== SKETCH_SIZE || b.some((r) => r > 32 - SKETCH_BITS + 1)) return null
      c.sketch = new Uint8Array(b)
      c.v4 = null
      c.v6 = null
      return c
    }
    if (v[0] !== 'exact' || v.length !== 3) return null
    const v4 = bytes(v[1]!)
    const v6 = bytes(v[2]!)
    if (v4.length % 4 !== 0 || v6.length % 16 !== 0 || v4.length / 4 + v6.length / 16 > EXACT_LIMIT) return null
    const w4 = new Uint32Array(new Uint8Array(v4).buffer)
    const w6 = new Uint32Array(new Uint8Array(v6).buffer)
    for (let i = 0; i < w4.length; i++) c.v4!.add(w4, i)
    for (let i = 0; i < w6.length; i += 4) c.v6!.add(w6, i)
    return c
  }
}
