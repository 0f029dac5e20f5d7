import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ConfigError } from '../../src/core/errors.js'
import { parseP0f } from '../../src/detect/os/p0f-grammar.js'
import { P0fIndex } from '../../src/detect/os/p0f-index.js'
import { entryMatches, type SynPrint } from '../../src/detect/os/p0f-match.js'
import { decodeTcpOptions, type DecodedOptions } from '../../src/detect/os/tcp-options.js'
import type { P0fEntry } from '../../src/detect/os/types.js'

// P0fIndex files entries by option layout and caches verdicts by (TTL bucket, window, size, DF/IPv6,
// options). Whatever it caches, a lookup must say what psad's plain loop over every entry says: the
// best entry by class, specificity, nearer initial TTL, load order, and the equally good labels.

const entries = (text: string): P0fEntry[] => parseP0f(text, 't.fp').entries

const opts = (hex: string): DecodedOptions => decodeTcpOptions(hex)!

const classOf = (e: P0fEntry): number => (e.userland ? 0 : e.generic ? 2 : 1)

interface Verdict {
  label: string
  cls: number
  alsoMatched: readonly string[]
}

/** The verdict of a plain scan over every entry (what psad does), written out independently. */
function linear(list: readonly P0fEntry[], p: SynPrint, maxHops: number): Verdict | null {
  const found = list
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.layout === p.opts.layout && entryMatches(e, p, maxHops))
    .sort((a, b) => classOf(a.e) - classOf(b.e) || b.e.specificity - a.e.specificity || a.e.ttl - b.e.ttl || a.i - b.i)
  const best = found[0]
  if (best === undefined) return null
  const also: string[] = []
  for (const { e } of found.slice(1)) {
    if (classOf(e) !== classOf(best.e) || e.specificity !== best.e.specificity) break
    if (e.label !== best.e.label && !also.includes(e.label) && also.length < 3) also.push(e.label)
  }
  return { label: best.e.label, cls: classOf(best.e), alsoMatched: also }
}

function viaIndex(index: P0fIndex, p: SynPrint, maxHops: number): Verdict | null {
  const id = index.lookup(p, maxHops)
  if (id < 0) return null
  const r = index.results[id]!
  expect(r.id).toBe(id)
  return { label: r.entry.label, cls: classOf(r.entry), alsoMatched: r.alsoMatched }
}

const print = (p: Partial<SynPrint> & { opts: DecodedOptions }): SynPrint => ({ ttl: 64, window: 65535, size: 60, df: true, ipv6: false, ...p })

// Option blobs with their layouts: M,S,T,N,W (Linux), M,N,W,N,N,S (Windows), M (nmap), . (masscan).
const LINUX_OPTS = ['020405B40402080A71FF303F000000000103030A', '020405A00402080A71FF303F0000000001030307', '020405B40402080A000000000000000001030307']
const WINDOWS_OPTS = ['020405B4010303080101 0402', '020405780103030201010402']
const NMAP_OPTS = ['020405B4', '02040400']
const OPT_POOL = [...LINUX_OPTS, ...WINDOWS_OPTS, ...NMAP_OPTS, ''].map(opts)

// Signature fields drawn so that many entries tie, overlap or sit on each other's TTL edges.
const WINDOWS = ['*', '%8192', '%4096', 'S44', 'S10', 'T4', '65535', '64240', '1024', '0', '4096']
const TTLS = ['32', '64', '128', '255']
const DFS = ['0', '1', '*']
const SIZES = ['*', '%4', '40', '44', '52', '56', '60', '61']
const LAYOUTS = ['M*,S,T,N,W*', 'M1460,S,T,N,W10', 'M%20,S,T0,N,W7', 'M*,N,W*,N,N,S', 'M1460,N,W8,N,N,S', 'M*', 'M1460', '.']
const GENRES = ['Linux', '@Linux', '*nmap', 'Windows', '@Windows', '*masscan']
const LABELS = ['A', 'B', 'C', 'ab', 'c', 'a', 'bc', '']

const entryLine = fc
  .tuple(...[WINDOWS, TTLS, DFS, SIZES, LAYOUTS, GENRES, LABELS].map((pool) => fc.constantFrom(...pool)))
  .map((f) => `${f.slice(0, 6).join(':')}:1::${f[6]}`)

// SYN field values at and around every edge the pools above create, and outside what a header can carry.
const TTL_VALUES = [-1, 0, 1, 12, 13, 31, 32, 33, 44, 45, 63, 64, 65, 108, 109, 127, 128, 129, 192, 235, 236, 254, 255, 256, 300]
const WINDOW_VALUES = [-1, 0, 1, 1024, 4096, 6000, 8192, 14600, 16384, 63360, 64240, 65535, 65536, 65536 + 1024, 65536 + 4096, 131071]
const SIZE_VALUES = [-1, 0, 40, 44, 48, 52, 56, 59, 60, 61, 64, 65535, 65536, 65536 + 60, 65536 + 40]

const synPrint = fc.record({
  ttl: fc.constantFrom(...TTL_VALUES),
  window: fc.constantFrom(...WINDOW_VALUES),
  size: fc.constantFrom(...SIZE_VALUES),
  df: fc.boolean(),
  ipv6: fc.boolean(),
  opts: fc.constantFrom(...OPT_POOL),
})

describe('P0fIndex agrees with a plain scan over every entry', () => {
  test('for any database and any sequence of SYNs, with the cache shared across the sequence', () => {
    fc.assert(
      fc.property(
        fc.array(entryLine, { minLength: 1, maxLength: 25 }),
        fc.array(fc.tuple(synPrint, fc.constantFrom(1, 20, 64, 255)), { minLength: 1, maxLength: 120 }),
        (lines, syns) => {
          const list = entries(lines.join('\n'))
          const index = new P0fIndex(list)
          for (const [p, hops] of syns) {
            const want = linear(list, p, hops)
            expect(viaIndex(index, p, hops), JSON.stringify({ ...p, opts: p.opts.canon, hops })).toEqual(want)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  // Deterministic cases for the cache key: two SYNs whose key parts would fold into one another.
  const LINUX = opts(LINUX_OPTS[0]!)
  const d = entries(
    [
      '*:64:*:60:M*,S,T,N,W*:Linux:6::size 60',
      '*:64:*:59:M*,S,T,N,W*:Linux:6::size 59',
      '*:64:1:56:M*,S,T,N,W*:Linux:6::size 56 DF',
      '*:64:0:60:M*,S,T,N,W*:Linux:6::size 60 no DF',
      '65535:128:*:*:M*,S,T,N,W*:Linux:6::window 65535 far',
      '0:128:*:*:M*,S,T,N,W*:Linux:6::window 0 far',
      '65535:255:*:*:M*,S,T,N,W*:*scan:1::scanner, window 65535',
      '*:32:*:*:M*,S,T,N,W*:*scan:1::scanner, TTL up to 32',
    ].join('\n'),
  )

  test.each<[string, Partial<SynPrint>, Partial<SynPrint>]>([
    ['a window past 16 bits and the next TTL bucket', { ttl: 100, window: 65536 + 65535, size: 100 }, { ttl: 110, window: 65535, size: 100 }],
    ['a negative window and the previous TTL bucket', { ttl: 110, window: -1, size: 100 }, { ttl: 100, window: 65535, size: 100 }],
    ['a size past 16 bits and the next window', { ttl: 100, window: 65534, size: 65536 }, { ttl: 100, window: 65535, size: 0 }],
    ['a negative TTL and one above 255', { ttl: -1, window: 0, size: 60 }, { ttl: 300, window: 0, size: 60 }],
    ['a negative TTL with two different windows', { ttl: -1, window: 0, size: 60 }, { ttl: -1, window: 65535, size: 60 }],
    ['the TTLs either side of the MAX_HOPS edge', { ttl: 44, window: 1, size: 60 }, { ttl: 45, window: 1, size: 60 }],
    ['sizes four apart, one with DF and one without', { ttl: 64, window: 1, size: 60, df: false }, { ttl: 64, window: 1, size: 56, df: true }],
    ['sizes one apart in adjacent TTL buckets', { ttl: 64, window: 1, size: 59 }, { ttl: 65, window: 1, size: 58 }],
    ['sizes one apart in adjacent TTL buckets, the other way', { ttl: 44, window: 1, size: 61 }, { ttl: 45, window: 1, size: 60 }],
  ])('%s get their own verdicts, in either order', (_what, a, b) => {
    expect(linear(d, print({ ...a, opts: LINUX }), 20), 'the two SYNs have different verdicts').not.toEqual(linear(d, print({ ...b, opts: LINUX }), 20))
    for (const [first, second] of [[a, b], [b, a]] as const) {
      const index = new P0fIndex(d)
      for (const s of [first, second, first, second]) {
        const p = print({ ...s, opts: LINUX })
        expect(viaIndex(index, p, 20), JSON.stringify(s)).toEqual(linear(d, p, 20))
      }
    }
  })
})

describe('P0fIndex verdicts', () => {
  const LINUX = opts(LINUX_OPTS[0]!)

  test('equally good labels are listed once each, never the best one, at most three', () => {
    const index = new P0fIndex(entries(['X', 'Y', 'Y', 'X', 'Z', 'W', 'V'].map((l) => `S44:64:1:60:M*,S,T,N,W*:Linux:6::${l}`).join('\n')))
    const id = index.lookup(print({ window: 44 * 1460, opts: LINUX }), 20)
    expect(index.results[id]).toMatchObject({ entry: { label: 'X', line: 1 }, alsoMatched: ['Y', 'Z', 'W'] })
  })

  test('a less specific or lower-class match is not listed as equally good', () => {
    const index = new P0fIndex(entries(['S44:64:1:60:M*,S,T,N,W*:Linux:6::best', 'S44:64:1:*:M*,S,T,N,W*:Linux:6::vaguer', 'S44:64:1:60:M*,S,T,N,W*:@Linux:6::group'].join('\n')))
    const id = index.lookup(print({ window: 44 * 1460, opts: LINUX }), 20)
    expect(index.results[id]).toMatchObject({ entry: { label: 'best' }, alsoMatched: [] })
  })

  test('verdicts whose tie lists read alike when glued together stay apart', () => {
    // Window 1 ties X with 'ab' and 'c'; window 2 ties X with 'a' and 'bc'.
    const index = new P0fIndex(entries(['1:64:1:60:M*,S,T,N,W*:L:1::X', '1:64:1:60:M*,S,T,N,W*:L:1::ab', '1:64:1:60:M*,S,T,N,W*:L:1::c', '2:64:1:60:M*,S,T,N,W*:L:1::X', '2:64:1:60:M*,S,T,N,W*:L:1::a', '2:64:1:60:M*,S,T,N,W*:L:1::bc'].join('\n')))
    const one = index.lookup(print({ window: 1, opts: LINUX }), 20)
    const two = index.lookup(print({ window: 2, opts: LINUX }), 20)
    expect(one).not.toBe(two)
    expect(index.results[one]!.alsoMatched).toEqual(['ab', 'c'])
    expect(index.results[two]!.alsoMatched).toEqual(['a', 'bc'])
  })

  test('entries that share a label and class are one result; results holds exactly the verdicts given', () => {
    const index = new P0fIndex(entries('S44:64:1:60:M*,S,T,N,W*:Linux:6::Linux 6.x\nS45:64:1:60:M*,S,T,N,W*:Linux:6::Linux 6.x\n'))
    expect(index.results).toEqual([])
    const a = index.lookup(print({ window: 44 * 1460, opts: LINUX }), 20)
    const b = index.lookup(print({ window: 45 * 1460, opts: LINUX }), 20)
    expect([a, b]).toEqual([0, 0])
    expect(index.results).toHaveLength(1)
    expect(index.results[0]).toMatchObject({ id: 0, entry: { line: 1 }, alsoMatched: [] })
    expect(index.lookup(print({ window: 1, opts: LINUX }), 20)).toBe(-1)
    expect(index.results).toHaveLength(1)
  })

  test('restore finds a saved verdict by file:line with its tie list, or -1 when the entry is gone', () => {
    const index = new P0fIndex(entries('S44:64:1:60:M*,S,T,N,W*:Linux:6::A\nS44:64:1:60:M*,S,T,N,W*:Linux:6::B\n'))
    const restored = index.restore('t.fp:1', ['B'])
    expect(index.results[restored]).toMatchObject({ entry: { label: 'A', line: 1 }, alsoMatched: ['B'] })
    expect(index.lookup(print({ window: 44 * 1460, opts: LINUX }), 20)).toBe(restored)
    expect(index.results[index.restore('t.fp:2', [])]).toMatchObject({ entry: { label: 'B' }, alsoMatched: [] })
    expect(index.restore('t.fp:3', [])).toBe(-1)
    expect(index.restore('other.fp:1', [])).toBe(-1)
  })

  test.each([
    [1, true], [255, true], [0, false], [256, false], [-20, false], [1.5, false], [Number.NaN, false],
  ])('MAX_HOPS %d accepted: %s', (hops, ok) => {
    const index = new P0fIndex(entries('*:64:1:60:M*,S,T,N,W*:Linux:6::A\n'))
    const run = () => index.lookup(print({ opts: LINUX }), hops)
    if (ok) expect(run()).toBe(0)
    else {
      expect(run).toThrow(ConfigError)
      expect(run).toThrow(`invalid MAX_HOPS '${hops}': expected a whole number 1-255`)
    }
  })
})
