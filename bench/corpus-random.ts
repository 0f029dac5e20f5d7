// Seeded pseudo-random numbers for the corpus generator. Math.random is never used: the same seed must
// give byte-identical corpora on every machine and Node version, so the generator is sfc32 (Chris
// Doty-Humphrey's Small Fast Counter, 32-bit) seeded through splitmix32, both pure integer arithmetic.

function splitmix32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** A deterministic random stream; `fork` derives an independent stream (one per actor). */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    const mix = splitmix32(seed)
    this.a = mix()
    this.b = mix()
    this.c = mix()
    this.d = 1
    for (let i = 0; i < 12; i++) this.u32()
  }

  /** Returns a uniform unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0
    this.c = (this.c + t) >>> 0
    return t
  }

  /** Returns a uniform float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296
  }

  /** Returns a uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1))
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p
  }

  /** Returns one element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!
  }

  /** Returns one key of a weight table, with probability proportional to its weight. */
  weighted<K extends string>(table: Readonly<Record<K, number>>): K {
    const keys = Object.keys(table) as K[]
    let total = 0
    for (const k of keys) total += table[k]
    let x = this.float() * total
    for (const k of keys) {
      x -= table[k]
      if (x < 0) return k
    }
    return keys[keys.length - 1]!
  }

  /** Returns an exponentially distributed value with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean
  }

  /** Returns a log-uniform integer in [lo, hi]: as many small values as large orders of magnitude. */
  logInt(lo: number, hi: number): number {
    return Math.min(hi, Math.floor(lo * Math.pow(hi / lo, this.float())))
  }

  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1))
      const t = items[i]!
      items[i] = items[j]!
      items[j] = t
    }
    return items
  }

  /** Returns a new stream derived from this one. */
  fork(): Rng {
    return new Rng(this.u32() ^ Math.imul(this.u32(), 0x27d4eb2d))
  }
}
