import { OPT_EOL, OPT_MSS, OPT_NOP, OPT_SACK_OK, OPT_TIMESTAMP, OPT_WSCALE, type DecodedOptions, type TcpOption } from './tcp-options.js'
import type { NumTest, OptTest, P0fEntry } from './types.js'

// Matching one SYN against one pf.os entry. Differences from psad (docs/psad-model.md §7):
// - the option list must match as a whole: same length, same kinds in the same order. psad checks
//   only the signature's positions, so extra packet options pass and `.` matches anything.
// - `T` wants a non-zero TSval and `T0` a zero one (p0f v2); psad lets `T` match both.
// - `Sn`/`Tn` use the packet's MSS option wherever it is; psad needs it first and skips `Tn` entries.
// - `*` (userland) entries bound the TTL only from above: nmap picks a random TTL of 37-59 per
//   probe (seen in captures here), which a hop window below 64 would miss.
// - IPv6: the hop limit is the TTL, size is LEN − 20 (the IPv4-equivalent total length: the kernel
//   prints LEN as payload + 40), the MTU for `Tn` is MSS + 60, and DF is not compared (no such bit).

/** The fields of a SYN that matching looks at, already normalised. */
export interface SynPrint {
  ttl: number
  window: number
  /** IPv4-equivalent total length. */
  size: number
  df: boolean
  ipv6: boolean
  opts: DecodedOptions
}

function num(t: NumTest, v: number): boolean {
  switch (t.kind) {
    case 'any': return true
    case 'eq': return v === t.n
    case 'mod': return v % t.n === 0
  }
}

const KIND: Readonly<Record<string, number>> = { N: OPT_NOP, E: OPT_EOL, S: OPT_SACK_OK, M: OPT_MSS, W: OPT_WSCALE, T: OPT_TIMESTAMP }

function option(t: OptTest, o: TcpOption): boolean {
  if (t.kind === '?') return o.kind === t.code
  if (o.kind !== KIND[t.kind]) return false
  if (t.kind === 'M' || t.kind === 'W') return num(t.value, o.value)
  if (t.kind === 'T') return t.zero === (o.value === 0)
  return true
}

/** True when the entry's TTL test accepts `ttl` for the given hop allowance. */
export function ttlFits(e: P0fEntry, ttl: number, maxHops: number): boolean {
  return ttl <= e.ttl && (e.userland || ttl > e.ttl - maxHops)
}

/** True when the SYN matches every field of the entry (the layout is assumed equal: see P0fIndex). */
export function entryMatches(e: P0fEntry, p: SynPrint, maxHops: number): boolean {
  if (!ttlFits(e, p.ttl, maxHops)) return false
  if (!p.ipv6 && e.df !== null && e.df !== p.df) return false
  if (!num(e.size, p.size)) return false
  const w = e.window
  switch (w.kind) {
    case 'mss':
      if (p.opts.mss < 0 || p.window !== w.n * p.opts.mss) return false
      break
    case 'mtu':
      if (p.opts.mss < 0 || p.window !== w.n * (p.opts.mss + (p.ipv6 ? 60 : 40))) return false
      break
    default:
      if (!num(w, p.window)) return false
  }
  const list = p.opts.list
  if (e.options.length !== list.length) return false
  for (let i = 0; i < list.length; i++) if (!option(e.options[i]!, list[i]!)) return false
  return true
}

/** Ranking class: userland scanners, then exact OS entries, then `@` group entries. */
export function entryClass(e: P0fEntry): number {
  return e.userland ? 0 : e.generic ? 2 : 1
}

/**
 * Orders matches best first: class, then specificity (more pinned fields), then the lower initial TTL
 * (the nearer one), then load order. A scanner's SYN that coincides with an old OS entry (nmap's
 * window-4096 SYN is psad's "SunOS 4.1") is far more likely the scanner, hence class 0.
 */
export function compareEntries(a: P0fEntry, b: P0fEntry, order: ReadonlyMap<P0fEntry, number>): number {
  return entryClass(a) - entryClass(b) || b.specificity - a.specificity || a.ttl - b.ttl || order.get(a)! - order.get(b)!
}
