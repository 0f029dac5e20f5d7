// Sources by address. IPv4 addresses are uint32 numbers, but half of them are beyond V8's small
// integers, so a Map keyed by them boxes a number on every lookup: IPv4 goes into an open-addressing
// table over typed arrays instead; IPv6 (canonical text) into a Map.

export class U32Map<V> {
  private keys: Uint32Array
  private used: Uint8Array
  private values: (V | undefined)[]
  private mask: number
  size = 0

  constructor(capacity = 1024) {
    let cap = 16
    while (cap < capacity * 2) cap *= 2
    this.keys = new Uint32Array(cap)
    this.used = new Uint8Array(cap)
    this.values = new Array<V | undefined>(cap)
    this.mask = cap - 1
  }

  // Multiplicative hashing spreads neighbouring addresses (a /24 of scanners) across the table.
  private slot(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> 0 & this.mask
  }

  get(key: number): V | undefined {
    let i = this.slot(key)
    while (this.used[i] === 1) {
      if (this.keys[i] === key) return this.values[i]
      i = (i + 1) & this.mask
    }
    return undefined
  }

  set(key: number, value: V): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow()
    let i = this.slot(key)
    while (this.used[i] === 1) {
      if (this.keys[i] === key) {
        this.values[i] = value
        return
      }
      i = (i + 1) & this.mask
    }
    this.used[i] = 1
    this.keys[i] = key
    this.values[i] = value
    this.size++
  }

  /**
   * Removes a key; returns whether it was there. Linear probing needs no tombstones: the entries after
   * the hole that would no longer be found from their home slot are shifted back into it.
   */
  delete(key: number): boolean {
    const { keys, used, values, mask } = this
    let i = this.slot(key)
    while (used[i] === 1 && keys[i] !== key) i = (i + 1) & mask
    if (used[i] !== 1) return false
    for (let j = (i + 1) & mask; used[j] === 1; j = (j + 1) & mask) {
      const home = this.slot(keys[j]!)
      // Entry j may move into the hole at i unless its home slot lies cyclically in (i, j].
      const stays = i <= j ? i < home && home <= j : i < home || home <= j
      if (stays) continue
      keys[i] = keys[j]!
      values[i] = values[j]
      i = j
    }
    used[i] = 0
    values[i] = undefined
    this.size--
    return true
  }

  /** Calls fn for every value (no generator: a million sources are walked in tens of milliseconds). */
  forEach(fn: (value: V) => void): void {
    const { used, values } = this
    for (let i = 0; i < used.length; i++) if (used[i] === 1) fn(values[i]!)
  }

  *valuesOf(): Generator<V> {
    for (let i = 0; i < this.used.length; i++) if (this.used[i] === 1) yield this.values[i]!
  }

  private grow(): void {
    const { keys, used, values } = this
    const cap = keys.length * 2
    this.keys = new Uint32Array(cap)
    this.used = new Uint8Array(cap)
    this.values = new Array<V | undefined>(cap)
    this.mask = cap - 1
    this.size = 0
    for (let i = 0; i < used.length; i++) if (used[i] === 1) this.set(keys[i]!, values[i]!)
  }
}

/** Every source of a run: IPv4 by number, IPv6 by canonical text. */
export class SourceTable<V> {
  private readonly v4 = new U32Map<V>()
  private readonly v6 = new Map<string, V>()

  get size(): number {
    return this.v4.size + this.v6.size
  }

  get(key: number | string): V | undefined {
    return typeof key === 'number' ? this.v4.get(key) : this.v6.get(key)
  }

  set(key: number | string, value: V): void {
    if (typeof key === 'number') this.v4.set(key, value)
    else this.v6.set(key, value)
  }

  /** Removes a key; returns whether it was there. */
  delete(key: number | string): boolean {
    return typeof key === 'number' ? this.v4.delete(key) : this.v6.delete(key)
  }

  /** Calls fn for every value: IPv4 in table order, then IPv6 in insertion order. */
  forEach(fn: (value: V) => void): void {
    this.v4.forEach(fn)
    this.v6.forEach(fn)
  }

  *values(): Generator<V> {
    yield* this.v4.valuesOf()
    yield* this.v6.values()
  }
}
