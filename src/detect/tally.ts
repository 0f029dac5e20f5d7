// Per-packet counters keyed by labels (hosts, prefixes, flag sets). A Map get+set per packet is two
// hash lookups; consecutive packets usually carry the same key, so the last key's box is kept at hand.
// Bounded: past `limit` keys, new ones are counted under `other` (hostile logs cannot grow it).

export class Tally<K> {
  private readonly boxes = new Map<K, { n: number }>()
  private lastKey: K | undefined = undefined
  private last: { n: number } | null = null

  constructor(
    private readonly limit: number,
    private readonly other: K,
  ) {}

  /** Adds `by` to the count of `key` (or of `other` when the tally is full). */
  add(key: K, by = 1): void {
    if (this.last !== null && key === this.lastKey) {
      this.last.n += by
      return
    }
    let box = this.boxes.get(key)
    if (box === undefined) {
      if (this.boxes.size >= this.limit) key = this.other
      box = this.boxes.get(key)
      if (box === undefined) this.boxes.set(key, (box = { n: 0 }))
    }
    box.n += by
    this.lastKey = key
    this.last = box
  }

  get size(): number {
    return this.boxes.size
  }

  /** Returns [key, count] pairs in insertion order. */
  entries(): [K, number][] {
    return [...this.boxes].map(([k, box]) => [k, box.n])
  }
}
