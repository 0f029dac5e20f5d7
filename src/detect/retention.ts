import type { EngineState } from './engine.js'
import { FAR_TIME, NO_PAIRS, NO_TIME, pastList, rareOf, tableKey, type SourceRare, type SourceState } from './state.js'

// How `watch` keeps memory bounded over endless input, without changing a verdict.
//
// Compaction: a source idle for longer than SCAN_TIMEOUT (by the log's own time) has every scan
// window closed by its next packet anyway, so what that packet is scored against starts empty either
// way. Its per-window detail (destination records, OS state, flag and prefix tallies, signature
// hits, ICMP and auto_dl findings) can go; its verdict stays: danger level, packet count, first and
// last seen, and the counters kept inline in the source object. The destinations themselves stay as
// bare keys (`pastDestinations`): they still count against the per-source destination cap, and one
// that comes back is tracked again, as analyze would track it. Not done under ENABLE_PERSISTENCE,
// whose windows never close.
//
// Eviction: past a cap on sources, whole sources go, lowest danger level first and, within a level,
// the longest idle first. A returning evicted source starts again from DL 0.

// Per-source ticks are whole milliseconds (truncated), the engine's `now` is not: one more
// millisecond of idleness guarantees that the source's next packet closes every window.
const TICK_SLACK = 1

/** Priority of a source for eviction: lower goes first. Ticks stay within ±1e12 (decades), so the DL dominates. */
const DL_WEIGHT = 1e13

/** True when the source has nothing left to compact. */
export function isCompact(src: SourceState): boolean {
  const r = src.rare
  return src.pairs.length === 0 && src.os === null && (r === null || (r.tcpFlags === null && r.prefixes === null && r.signatures === null && r.invalidIcmp === null && r.autoDl === null))
}

function bare(r: SourceRare): boolean {
  return r.pastDestinations === null && r.untrackedPackets === 0 && r.untrackedDestinations === null && !r.protocolScan && !r.sweep && r.mirai === 0 && r.topera === 0 && r.flood === null && r.hosts === null && r.reputation.length === 0
}

/** True when a source may be compacted at `now` (epoch ms): idle for more than `idleMs` and not compact yet. */
export function compactable(engine: EngineState, src: SourceState, now: number, idleMs: number): boolean {
  if (engine.settings.persistence || src.lastSeen === NO_TIME) return false
  return now - (engine.base + src.lastSeen) > idleMs + TICK_SLACK && !isCompact(src)
}

/** Frees a source's per-window detail, keeping its verdict and inline counters. */
export function compact(engine: EngineState, src: SourceState): void {
  if (src.pairs.length > 0) {
    const r = rareOf(src)
    r.pastDestinations = pastList([...(r.pastDestinations ?? []), ...src.pairs.map((p) => p.dst)])
  }
  src.pairs = NO_PAIRS
  src.live = 0
  src.oldestLive = FAR_TIME
  src.os = null
  const r = src.rare
  if (r !== null) {
    r.pairIndex = null
    r.tcpFlags = null
    r.prefixes = null
    r.signatures = null
    r.invalidIcmp = null
    r.autoDl = null
    if (bare(r)) src.rare = null
  }
  engine.autoDlCache.delete(tableKey(src.key))
}

// Rearranges xs so that xs[k] is the value a sort would put there (Hoare's selection, median of three).
function select(xs: Float64Array, k: number): number {
  let lo = 0
  let hi = xs.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const a = xs[lo]!
    const b = xs[mid]!
    const c = xs[hi]!
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b
    let i = lo
    let j = hi
    while (i <= j) {
      while (xs[i]! < pivot) i++
      while (xs[j]! > pivot) j--
      if (i <= j) {
        const t = xs[i]!
        xs[i++] = xs[j]!
        xs[j--] = t
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else break
  }
  return xs[k]!
}

/** Returns a source's eviction rank: lower goes first (danger level, then last seen). */
export function evictionRank(src: SourceState): number {
  return src.dl * DL_WEIGHT + src.lastSeen
}

/**
 * Returns the `count` sources to evict first, lowest rank first. One pass to rank, one selection
 * (linear), one pass to collect: tens of milliseconds for a million sources.
 */
export function pickEvictions(engine: EngineState, count: number): SourceState[] {
  const n = engine.sources.size
  if (count <= 0 || n === 0) return []
  const out: SourceState[] = []
  if (count >= n) engine.sources.forEach((s) => out.push(s))
  else {
    const rank = new Float64Array(n)
    let i = 0
    engine.sources.forEach((s) => (rank[i++] = evictionRank(s)))
    const threshold = select(rank, count - 1)
    const ties: SourceState[] = []
    engine.sources.forEach((s) => {
      const r = evictionRank(s)
      if (r < threshold) out.push(s)
      else if (r === threshold) ties.push(s)
    })
    for (let t = 0; out.length < count && t < ties.length; t++) out.push(ties[t]!)
  }
  return out.sort((a, b) => evictionRank(a) - evictionRank(b))
}
