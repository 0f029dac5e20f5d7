// Per-packet counters keyed by labels (hosts, prefixes, flag sets). A Map get+set per packet is two
// hash lookups; consecutive packets usually carry the same key, so the last key's box is kept at hand.
// Bounded: past `limit` keys, new ones are counted under `other` (hostile logs cannot grow it).
// Each key remembers the ordinal it was first counted at (when the caller gives one), so tallies of
// parts of one input can be merged into the tally of the whole (mergeTallies).
//
// A part of a run with threads cannot know which keys the whole run keeps: a key first seen early in
// another part is among the first `limit` of the run even when this part meets it only after its own
// tally is full. So a part's tally counts every key past the limit by name too (`countEveryKey`),
// and the merge picks the run's first `limit` from all of them. That costs a count per distinct
// label in each thread; a serial run (and watch) keeps `limit`.

interface Box {
  n: number
  first: number
}

/** One key of a tally as data: its count and the ordinal it was first counted at. */
export interface TallyEntry<K> {
  key: K
  n: number
  first: number
}

export class Tally<K> {
  private readonly boxes = new Map<K, Box>()
  private lastKey: K | undefined = undefined
  private last: Box | null = null
  /** Keys other than `other` (a key spelled like `other` shares its count and takes no place). */
  private keys = 0
  /** Keys past the limit with their own counts (a part of a run with threads), else null. */
  private beyond: Map<K, Box> | null = null

  constructor(
    private readonly limit: number,
    private readonly other: K,
  ) {}

  /** Returns a tally holding `data` (as `data()` gave it), in its order: how saved state comes back. */
  static fromData<K>(limit: number, other: K, data: readonly TallyEntry<K>[]): Tally<K> {
    const t = new Tally(limit, other)
    for (const e of data) {
      t.boxes.set(e.key, { n: e.n, first: e.first })
      if (e.key !== other) t.keys++
    }
    return t
  }

  /** Counts keys past the limit by name too, for mergeTallies (a part of a run with threads). */
  countEveryKey(): void {
    this.beyond ??= new Map()
  }

  /** Adds `by` to the count of `key` (or of `other` when the tally is full). */
  add(key: K, by = 1, ordinal = 0): void {
    if (this.last !== null && key === this.lastKey) {
      this.last.n += by
      return
    }
    let box = this.boxes.get(key)
    if (box === undefined) {
      const beyond = this.beyond
      if (beyond !== null && this.keys >= this.limit && key !== this.other) {
        box = beyond.get(key)
        if (box === undefined) beyond.set(key, (box = { n: 0, first: ordinal }))
        box.n += by
        this.lastKey = key
        this.last = box
        return
      }
      if (this.keys >= this.limit || key === this.other) key = this.other
      else this.keys++
      box = this.boxes.get(key)
      if (box === undefined) this.boxes.set(key, (box = { n: 0, first: ordinal }))
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

  /** Returns every key with its count and first ordinal, in insertion order (with countEveryKey: keys past the limit after). */
  data(): TallyEntry<K>[] {
    const out = [...this.boxes].map(([key, box]) => ({ key, n: box.n, first: box.first }))
    if (this.beyond !== null) for (const [key, box] of this.beyond) out.push({ key, n: box.n, first: box.first })
    return out
  }
}

/**
 * Merges the tallies (as data) of disjoint parts of one input into what one tally of the whole
 * would hold: it keeps the first `limit` keys by first ordinal and counts the others under `other`.
 * Exact when every part counted every key (countEveryKey): a key's first ordinal is the least of its
 * parts', and its count the sum of theirs, even where a part met it after it was full.
 */
export function mergeTallies<K>(parts: readonly (readonly TallyEntry<K>[])[], limit: number, other: K): [K, number][] {
  const byKey = new Map<K, TallyEntry<K>>()
  for (const part of parts) {
    for (const e of part) {
      const m = byKey.get(e.key)
      if (m === undefined) byKey.set(e.key, { ...e })
      else {
        m.n += e.n
        if (e.first < m.first) m.first = e.first
      }
    }
  }
  const all = [...byKey.values()].sort((a, b) => a.first - b.first)
  const out = new Map<K, number>()
  let kept = 0
  for (const e of all) {
    if (e.key !== other && kept >= limit) out.set(other, (out.get(other) ?? 0) + e.n)
    else {
      if (e.key !== other) kept++
      out.set(e.key, (out.get(e.key) ?? 0) + e.n)
    }
  }
  return [...out]
}
