import { tcpOptionsInLine, type Packet } from '../../parse/packet.js'
import type { OsDatabase } from './database.js'
import { compareEntries, entryClass, entryMatches, type SynPrint } from './p0f-match.js'
import { posfCandidates, trackSyn, type PosfTrack } from './posf-match.js'
import { decodeTcpOptions, decodeTcpOptionsAt, NO_OPTIONS, type DecodedOptions } from './tcp-options.js'
import type { OsGuess, P0fEntry } from './types.js'

// Per-source OS fingerprint state and the per-SYN step. A SYN with a logged options blob goes to p0f;
// one without goes to posf (IPv4 only). A SYN whose size says it carries no options at all (size 40:
// a bare 20-byte TCP header) is also fingerprinted by p0f with the empty list `.`, whether or not the
// rule logs options: that is how masscan and ZMap SYNs are told apart. psad never runs p0f without a
// blob, which is why its `*NMAP syn scan` entries (`.`, size 40) can never match.

/** Distinct p0f verdicts kept per source; further ones are only counted. */
const MAX_GUESSES = 4

/** What happened to one SYN, for the engine's counters. */
export type SynOutcome =
  | 'p0f' // matched a p0f entry
  | 'p0f-unknown' // options decoded, no entry matched
  | 'posf' // no options logged: accumulated for posf
  | 'no-options' // no options logged and not usable by posf (IPv6)
  | 'undecodable' // the options blob is malformed: cannot fingerprint
  | 'incomplete' // the line lacks TTL, LEN or WINDOW

/**
 * Bounded per-source state, one object: a few counters, up to four p0f verdicts (the first inline,
 * the others in `moreVerdicts` as [id, count, id, count, …]) and the posf track. A million sources
 * may each have one, so nothing is allocated until a second verdict or value appears.
 */
export interface OsState extends PosfTrack {
  syns: number
  undecodable: number
  unknown: number
  /** The first p0f result id (see P0fIndex.results; -1: none yet) and how many SYNs gave it. */
  id0: number
  count0: number
  moreVerdicts: number[] | null
  /** SYNs whose verdict did not fit in the four kept. */
  otherVerdicts: number
}

/** Returns empty state for a new source. */
export function newOsState(): OsState {
  // Every field written here, in one literal, so all states share one compact shape.
  return {
    syns: 0,
    undecodable: 0,
    unknown: 0,
    id0: -1,
    count0: 0,
    moreVerdicts: null,
    otherVerdicts: 0,
    posfSyns: 0,
    len0: -1,
    win0: -1,
    moreLens: null,
    moreWindows: null,
    ttlMin: 256,
    ttlMax: -1,
    lastId: -1,
    ipIds: 0,
    idSmallIncr: true,
    maxHops: 20,
  }
}

/** Returns the kept p0f verdicts as [result id, SYNs] pairs, first-seen first. */
export function verdicts(st: OsState): [number, number][] {
  if (st.id0 < 0) return []
  const out: [number, number][] = [[st.id0, st.count0]]
  const more = st.moreVerdicts ?? []
  for (let i = 0; i < more.length; i += 2) out.push([more[i]!, more[i + 1]!])
  return out
}

function addVerdict(st: OsState, id: number): void {
  if (st.id0 === id) st.count0++
  else if (st.id0 < 0) {
    st.id0 = id
    st.count0 = 1
  } else {
    const more = (st.moreVerdicts ??= [])
    for (let i = 0; i < more.length; i += 2) {
      if (more[i] === id) {
        more[i + 1]!++
        return
      }
    }
    if (more.length < 2 * (MAX_GUESSES - 1)) more.push(id, 1)
    else st.otherVerdicts++
  }
}

// Scratch record reused for every SYN so the hot path allocates nothing for it (calls are synchronous).
const print: SynPrint = { ttl: 0, window: 0, size: 0, df: false, ipv6: false, opts: NO_OPTIONS }

// The kernel prints IPv6 LEN as payload + 40; signatures count IPv4's 20-byte header.
function sizeOf(pkt: Packet): number {
  return pkt.ipv6 ? pkt.len - 20 : pkt.len
}

function fill(out: SynPrint, pkt: Packet, opts: DecodedOptions): SynPrint {
  out.ttl = pkt.ttl
  out.window = pkt.window
  out.size = sizeOf(pkt)
  out.df = pkt.df
  out.ipv6 = pkt.ipv6
  out.opts = opts
  return out
}

/**
 * Returns every p0f entry a SYN matches, best first (for tests and `explain` output), or null when
 * the SYN cannot be fingerprinted by p0f (options not logged and size above 40, or undecodable).
 */
export function explainSyn(db: OsDatabase, pkt: Packet, maxHops: number): P0fEntry[] | null {
  if (pkt.ttl < 0 || pkt.len < 0 || pkt.window < 0) return null
  const opts = pkt.tcpOpts === null ? (sizeOf(pkt) === 40 ? NO_OPTIONS : null) : decodeTcpOptions(pkt.tcpOpts)
  if (opts === null) return null
  const p = fill({ ...print }, pkt, opts)
  const order = new Map(db.p0fEntries.map((e, i) => [e, i]))
  return db.p0fEntries.filter((e) => e.layout === opts.layout && entryMatches(e, p, maxHops)).sort((a, b) => compareEntries(a, b, order))
}

/**
 * Fingerprints one TCP SYN (SYN set, ACK clear) into the source's state and says what happened.
 * Throws ConfigError only for a maxHops outside 1-255.
 */
export function observeSyn(db: OsDatabase, st: OsState, pkt: Packet, maxHops: number): SynOutcome {
  st.syns++
  if (pkt.ttl < 0 || pkt.len < 0 || pkt.window < 0) return 'incomplete'
  let opts = NO_OPTIONS
  let unmatched: SynOutcome = 'p0f-unknown'
  if (pkt.tcpOptsBytes < 0) {
    unmatched = 'no-options'
    if (!pkt.ipv6) {
      trackSyn(st, pkt.len, pkt.ttl, pkt.window, pkt.ipId, maxHops)
      unmatched = 'posf'
    }
    if (sizeOf(pkt) !== 40) return unmatched
  } else {
    const inLine = tcpOptionsInLine(pkt)
    const decoded = inLine !== null ? decodeTcpOptionsAt(inLine.buf!, inLine.tcpOptsStart, inLine.tcpOptsEnd) : decodeTcpOptions(pkt.tcpOpts!)
    if (decoded === null) {
      st.undecodable++
      return 'undecodable'
    }
    opts = decoded
  }
  const id = db.p0f.lookup(fill(print, pkt, opts), maxHops)
  if (id < 0) {
    st.unknown++
    return unmatched
  }
  addVerdict(st, id)
  return 'p0f'
}

/** Returns the source's OS guesses, best first: p0f verdicts (class, then SYN count), then posf's. */
export function osGuesses(db: OsDatabase, st: OsState): OsGuess[] {
  const p0f = verdicts(st).map(([id, n], i) => ({ r: db.p0f.results[id]!, n, i }))
  p0f.sort((a, b) => entryClass(a.r.entry) - entryClass(b.r.entry) || b.n - a.n || a.i - b.i)
  const out: OsGuess[] = p0f.map(({ r, n }) => ({
    os: r.entry.label,
    method: 'p0f',
    scanner: r.entry.userland,
    generic: r.entry.generic,
    packets: n,
    signature: `${r.entry.file}:${r.entry.line}`,
    alsoMatched: [...r.alsoMatched],
  }))
  if (st.posfSyns > 0) {
    const found = posfCandidates(db.posfEntries, st)
    const best = found[0]
    if (best !== undefined && !out.some((g) => g.os === best.name)) {
      out.push({
        os: best.name,
        method: 'posf',
        scanner: best.scanner,
        generic: false,
        packets: st.posfSyns,
        signature: `${best.file}:${best.line}`,
        alsoMatched: [...new Set(found.slice(1).map((e) => e.name))].filter((n) => n !== best.name).slice(0, 3),
      })
    }
  }
  return out
}
