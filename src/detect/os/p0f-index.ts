import { ConfigError } from '../../core/errors.js'
import { compareEntries, entryClass, entryMatches, type SynPrint } from './p0f-match.js'
import type { P0fEntry } from './types.js'

// psad tests every entry against every SYN. Here entries are filed by option layout (a SYN can only
// match entries with its exact layout), and the verdict for each distinct (TTL bucket, window, size,
// DF, options-with-values) is cached. TTL buckets are the ranges of TTL within which no entry's TTL
// test changes, so a whole scan from one host is one cache entry.

/** The verdict for one fingerprint: the best entry (the first loaded with its label) and equally good ones. */
export interface P0fResult {
  readonly id: number
  readonly entry: P0fEntry
  readonly alsoMatched: readonly string[]
}

const MAX_CACHE = 100_000
const MAX_TTL = 255
const MAX_U16 = 0xffff
const MAX_ALSO = 3

interface HopTable {
  bucketOf: Uint16Array
  /** Verdicts by option layout-with-values, then by (TTL bucket, window, size, DF) packed in a number. */
  cache: Map<string, Map<number, number>>
  size: number
}

/** p0f entries compiled for lookup; results are interned so per-source state stores small ints. */
export class P0fIndex {
  readonly size: number
  readonly results: P0fResult[] = []
  private readonly byLayout = new Map<string, P0fEntry[]>()
  private readonly order = new Map<P0fEntry, number>()
  private readonly resultIds = new Map<string, number>()
  private readonly tables = new Map<number, HopTable>()
  private byPlace: Map<string, P0fEntry> | null = null

  constructor(private readonly entries: readonly P0fEntry[]) {
    this.size = entries.length
    entries.forEach((e, i) => {
      this.order.set(e, i)
      const list = this.byLayout.get(e.layout)
      if (list === undefined) this.byLayout.set(e.layout, [e])
      else list.push(e)
    })
  }

  /** Returns the interned result for a SYN, or -1 when no entry matches. Throws on a bad maxHops. */
  lookup(p: SynPrint, maxHops: number): number {
    const t = this.table(maxHops)
    // The key holds TTL, window and size exactly: a value outside what a header field can carry
    // (a forged WINDOW=131071 would share 65535's slot if masked to 16 bits, and its verdict would
    // then stand for every real WINDOW=65535 SYN) is looked up without the cache.
    if (!(p.ttl >= 0 && p.ttl <= MAX_TTL && p.window >= 0 && p.window <= MAX_U16 && p.size >= 0 && p.size <= MAX_U16)) return this.compute(p, maxHops)
    const key = ((t.bucketOf[p.ttl]! * 65536 + p.window) * 65536 + p.size) * 4 + (p.ipv6 ? 2 : p.df ? 1 : 0)
    let byOpts = t.cache.get(p.opts.canon)
    const hit = byOpts?.get(key)
    if (hit !== undefined) return hit
    const id = this.compute(p, maxHops)
    if (t.size >= MAX_CACHE) {
      t.cache.clear()
      t.size = 0
      byOpts = undefined
    }
    if (byOpts === undefined) t.cache.set(p.opts.canon, (byOpts = new Map()))
    byOpts.set(key, id)
    t.size++
    return id
  }

  private compute(p: SynPrint, maxHops: number): number {
    const candidates = this.byLayout.get(p.opts.layout)
    if (candidates === undefined) return -1
    const matches = candidates.filter((e) => entryMatches(e, p, maxHops))
    if (matches.length === 0) return -1
    matches.sort((a, b) => compareEntries(a, b, this.order))
    const best = matches[0]!
    const also: string[] = []
    for (const m of matches.slice(1)) {
      if (entryClass(m) !== entryClass(best) || m.specificity !== best.specificity) break
      if (m.label !== best.label && !also.includes(m.label) && also.length < MAX_ALSO) also.push(m.label)
    }
    return this.intern(best, also)
  }

  /**
   * Returns the result id for a verdict saved as its entry's `file:line` and the labels that tied
   * with it (ids are interned per run, so saved state names results this way), or -1 when this
   * database has no entry there any more.
   */
  restore(place: string, alsoMatched: readonly string[]): number {
    this.byPlace ??= new Map(this.entries.map((e) => [`${e.file}:${e.line}`, e]))
    const entry = this.byPlace.get(place)
    return entry === undefined ? -1 : this.intern(entry, [...alsoMatched])
  }

  // Entries that share a label (nmap's nine OS-probe shapes, Linux's S44 and S45) are one verdict, so
  // a source's bounded list of verdicts is not filled by variants of the same answer.
  private intern(entry: P0fEntry, also: string[]): number {
    const key = `${entryClass(entry)}|${entry.label}|${also.join('\u0000')}`
    const known = this.resultIds.get(key)
    if (known !== undefined) return known
    const id = this.results.length
    this.results.push({ id, entry, alsoMatched: also })
    this.resultIds.set(key, id)
    return id
  }

  private table(maxHops: number): HopTable {
    const known = this.tables.get(maxHops)
    if (known !== undefined) return known
    if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 255) {
      throw new ConfigError(`invalid MAX_HOPS '${maxHops}': expected a whole number 1-255`)
    }
    // A TTL test flips at ttl = sig + 1 (upper bound) and ttl = sig − maxHops + 1 (lower bound).
    const flips = new Uint8Array(257)
    for (const e of this.entries) {
      flips[e.ttl + 1] = 1
      if (!e.userland && e.ttl - maxHops + 1 > 0) flips[e.ttl - maxHops + 1] = 1
    }
    const bucketOf = new Uint16Array(256)
    let b = 0
    for (let ttl = 0; ttl < 256; ttl++) {
      if (flips[ttl] === 1) b++
      bucketOf[ttl] = b
    }
    const t: HopTable = { bucketOf, cache: new Map(), size: 0 }
    this.tables.set(maxHops, t)
    return t
  }
}
