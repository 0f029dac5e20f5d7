import type { PosfEntry } from './types.js'

// posf (Toby Miller's "Passive OS Fingerprinting: Details and Techniques", as psad uses it) judges a
// source by several SYNs: the LEN and WINDOW values seen, the TTL range, and how the IPv4 ID moves.
// psad keeps every IP ID of the source in a list; a running "all small increments" flag is enough.
// Differences from psad: the hop allowance is MAX_HOPS, not a fixed 20; the
// ID step wraps at 65536; the choice among several matching entries is file order (psad: hash order)
// and the others are reported; `*`-named entries (scanners) bound the TTL only from above.

/** Distinct LEN and WINDOW values remembered per source; more are counted but not kept. */
const MAX_VALUES = 8
/** psad's SMALLINCR: every IP ID is 1..999 above the previous one. */
const SMALL_STEP = 1000

/**
 * What posf needs from a source's SYNs without logged options (IPv4 only: it needs the IP ID). It is
 * part of the source's OsState (one object per source, not three): the first LEN and WINDOW are
 * inline, further distinct ones (up to MAX_VALUES in all) in arrays created when they appear.
 */
export interface PosfTrack {
  /** SYNs accumulated; 0 means none, and the other fields are meaningless. */
  posfSyns: number
  len0: number
  win0: number
  moreLens: number[] | null
  moreWindows: number[] | null
  ttlMin: number
  ttlMax: number
  lastId: number
  /** SYNs that carried an IP ID, and whether every step between them was a small increment. */
  ipIds: number
  idSmallIncr: boolean
  /** MAX_HOPS in force at the last SYN, used when the guess is made. */
  maxHops: number
}

// Returns `more` with v added unless v is `first`, already there, or the set is full.
function remember(first: number, more: number[] | null, v: number): number[] | null {
  if (v === first) return more
  if (more === null) return [v]
  if (more.length < MAX_VALUES - 1 && !more.includes(v)) more.push(v)
  return more
}

const has = (first: number, more: number[] | null, v: number): boolean => v === first || (more !== null && more.includes(v))

/** Returns the distinct LEN and WINDOW values remembered, first-seen first. */
export function posfValues(t: PosfTrack): { lens: number[]; windows: number[] } {
  if (t.posfSyns === 0) return { lens: [], windows: [] }
  return { lens: [t.len0, ...(t.moreLens ?? [])], windows: [t.win0, ...(t.moreWindows ?? [])] }
}

/** Adds one SYN to the track. */
export function trackSyn(t: PosfTrack, len: number, ttl: number, window: number, ipId: number, maxHops: number): void {
  if (t.posfSyns++ === 0) {
    t.len0 = len
    t.win0 = window
  } else {
    t.moreLens = remember(t.len0, t.moreLens, len)
    t.moreWindows = remember(t.win0, t.moreWindows, window)
  }
  t.maxHops = maxHops
  if (ttl < t.ttlMin) t.ttlMin = ttl
  if (ttl > t.ttlMax) t.ttlMax = ttl
  if (ipId >= 0) {
    if (t.lastId >= 0) {
      const step = (ipId - t.lastId + 65536) % 65536
      if (step === 0 || step >= SMALL_STEP) t.idSmallIncr = false
    }
    t.lastId = ipId
    t.ipIds++
  }
}

/** True when the accumulated SYNs satisfy the entry. */
export function posfMatches(e: PosfEntry, t: PosfTrack): boolean {
  if (t.posfSyns < e.numPkts || t.ipIds < 2) return false
  if (!has(t.win0, t.moreWindows, e.window) || !has(t.len0, t.moreLens, e.len)) return false
  if (t.ttlMax > e.ttl || (!e.scanner && t.ttlMin <= e.ttl - t.maxHops)) return false
  return (t.idSmallIncr ? 'SMALLINCR' : 'RANDOM') === e.id
}

/** Returns the matching entries in file order (the first is the guess), possibly empty. */
export function posfCandidates(entries: readonly PosfEntry[], t: PosfTrack): PosfEntry[] {
  return entries.filter((e) => posfMatches(e, t))
}
