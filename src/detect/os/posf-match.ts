import type { PosfEntry } from './types.js'

// posf (Toby Miller's "Passive OS Fingerprinting: Details and Techniques", as psad uses it) judges a
// source by several SYNs: the LEN and WINDOW values seen, the TTL range, and how the IPv4 ID moves.
// psad keeps every IP ID of the source in a list; a running "all small increments" flag is enough.
// Differences from psad (psad-behaviour §5.2): the hop allowance is MAX_HOPS, not a fixed 20; the
// ID step wraps at 65536; the choice among several matching entries is file order (psad: hash order)
// and the others are reported; `*`-named entries (scanners) bound the TTL only from above.

/** Distinct LEN and WINDOW values remembered per source; more are counted but not kept. */
const MAX_VALUES = 8
/** psad's SMALLINCR: every IP ID is 1..999 above the previous one. */
const SMALL_STEP = 1000

/** What posf needs from a source's SYNs without logged options (IPv4 only: it needs the IP ID). */
export interface PosfTrack {
  n: number
  lens: number[]
  windows: number[]
  ttlMin: number
  ttlMax: number
  lastId: number
  ids: number
  idSmallIncr: boolean
  /** MAX_HOPS in force at the last SYN, used when the guess is made. */
  maxHops: number
}

export function newPosfTrack(): PosfTrack {
  return { n: 0, lens: [], windows: [], ttlMin: 256, ttlMax: -1, lastId: -1, ids: 0, idSmallIncr: true, maxHops: 20 }
}

// Returns the set with v added. A first value gets an exact-size array: pushing onto [] reserves 17 slots.
function remember(set: number[], v: number): number[] {
  if (set.length === 0) return [v]
  if (set.length < MAX_VALUES && !set.includes(v)) set.push(v)
  return set
}

/** Adds one SYN to the track. */
export function trackSyn(t: PosfTrack, len: number, ttl: number, window: number, ipId: number, maxHops: number): void {
  t.n++
  t.maxHops = maxHops
  t.lens = remember(t.lens, len)
  t.windows = remember(t.windows, window)
  if (ttl < t.ttlMin) t.ttlMin = ttl
  if (ttl > t.ttlMax) t.ttlMax = ttl
  if (ipId >= 0) {
    if (t.lastId >= 0) {
      const step = (ipId - t.lastId + 65536) % 65536
      if (step === 0 || step >= SMALL_STEP) t.idSmallIncr = false
    }
    t.lastId = ipId
    t.ids++
  }
}

/** True when the accumulated SYNs satisfy the entry. */
export function posfMatches(e: PosfEntry, t: PosfTrack): boolean {
  if (t.n < e.numPkts || t.ids < 2) return false
  if (!t.windows.includes(e.window) || !t.lens.includes(e.len)) return false
  if (t.ttlMax > e.ttl || (!e.scanner && t.ttlMin <= e.ttl - t.maxHops)) return false
  return (t.idSmallIncr ? 'SMALLINCR' : 'RANDOM') === e.id
}

/** Returns the matching entries in file order (the first is the guess), possibly empty. */
export function posfCandidates(entries: readonly PosfEntry[], t: PosfTrack): PosfEntry[] {
  return entries.filter((e) => posfMatches(e, t))
}
