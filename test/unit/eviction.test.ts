import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { DestinationCount } from '../../src/detect/destination-count.js'
import { createEngine, ingest, type EngineState } from '../../src/detect/engine.js'
import { newOsState } from '../../src/detect/os/fingerprint.js'
import { compact, compactable, evictionRank, isCompact, pickEvictions } from '../../src/detect/retention.js'
import { keyText, newPair, newSource, NO_TIME, rareOf, tableKey, type SourceRare, type SourceState } from '../../src/detect/state.js'
import { Tally } from '../../src/detect/tally.js'
import { attachTracker } from '../../src/detect/tracker.js'
import { emptyPacket, PROTO_TCP, SYN } from '../../src/parse/packet.js'
import { prng } from '../helpers/packet-stream.js'

// The retention rules watch relies on, at the level of the functions the tracker calls: which
// sources eviction picks (exactly `count`, lowest danger level first, then the longest idle), when a
// source is idle enough to compact, and what compaction keeps.

const T0 = Date.UTC(2026, 10, 22, 6)

function engineOf(persistence = false): EngineState {
  const settings = defaultSettings()
  const e = createEngine({ ...settings.detection, persistence }, null)
  e.base = T0
  return e
}

/** Adds a source 10.0.x.y with a danger level and a last-seen tick; returns it. */
function add(e: EngineState, n: number, dl: number, lastSeen: number): SourceState {
  const s = newSource((0x0a000000 + n) | 0, 0)
  s.dl = dl
  s.lastSeen = lastSeen
  e.sources.set(tableKey(s.key), s)
  return s
}

const names = (xs: SourceState[]): string[] => xs.map((s) => keyText(s.key))

describe('pickEvictions', () => {
  // DL 2 oldest, DL 0 newest, DL 1 in between: the order is DL first, idle time second.
  const table: [number, number, number][] = [
    [1, 2, 10],
    [2, 0, 500],
    [3, 1, 20],
    [4, 0, 300],
    [5, 1, 5],
    [6, 0, 400],
    [7, 3, 0],
  ]
  const fill = (): EngineState => {
    const e = engineOf()
    for (const [n, dl, at] of table) add(e, n, dl, at)
    return e
  }

  test.each([
    [1, ['10.0.0.4']],
    [2, ['10.0.0.4', '10.0.0.6']],
    [3, ['10.0.0.4', '10.0.0.6', '10.0.0.2']],
    [4, ['10.0.0.4', '10.0.0.6', '10.0.0.2', '10.0.0.5']],
    [6, ['10.0.0.4', '10.0.0.6', '10.0.0.2', '10.0.0.5', '10.0.0.3', '10.0.0.1']],
  ])('%i wanted: the lowest danger levels, the longest idle first within a level', (count, want) => {
    expect(names(pickEvictions(fill(), count))).toEqual(want)
  })

  test.each([7, 8, 1000])('%i wanted of 7: every source, lowest rank first', (count) => {
    expect(names(pickEvictions(fill(), count))).toEqual(['10.0.0.4', '10.0.0.6', '10.0.0.2', '10.0.0.5', '10.0.0.3', '10.0.0.1', '10.0.0.7'])
  })

  test.each([0, -1, -100])('%i wanted: nothing', (count) => {
    expect(pickEvictions(fill(), count)).toEqual([])
  })

  test('an empty engine gives nothing, however many are wanted', () => {
    expect(pickEvictions(engineOf(), 5)).toEqual([])
  })

  test('a danger level outranks any idle time: a DL-1 source seen now goes before a DL-2 source idle for years', () => {
    const e = engineOf()
    add(e, 1, 2, -1_000_000_000)
    add(e, 2, 1, 1_000_000_000)
    expect(names(pickEvictions(e, 1))).toEqual(['10.0.0.2'])
    expect(evictionRank(e.sources.get(tableKey(0x0a000002))!)).toBeLessThan(evictionRank(e.sources.get(tableKey(0x0a000001))!))
  })

  test.each([1, 2, 3, 4, 5])('ties at the cut: exactly the number wanted, every lower-ranked source among them (%i wanted)', (count) => {
    // Two sources below the tie, five tied (DL 0, same last seen), one above.
    const e = engineOf()
    add(e, 1, 0, 10)
    add(e, 2, 0, 20)
    for (let n = 3; n <= 7; n++) add(e, n, 0, 50)
    add(e, 8, 1, 0)
    const got = names(pickEvictions(e, count + 2))
    expect(got).toHaveLength(count + 2)
    expect(got.slice(0, 2)).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(new Set(got).size).toBe(got.length)
    for (const ip of got.slice(2)) expect(['10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7']).toContain(ip)
  })

  test('all sources tied: exactly the number wanted, each once', () => {
    const e = engineOf()
    for (let n = 1; n <= 9; n++) add(e, n, 1, 7)
    for (const count of [1, 4, 8]) {
      const got = pickEvictions(e, count)
      expect(got).toHaveLength(count)
      expect(new Set(got).size).toBe(count)
    }
  })

  // Whatever the arrangement (duplicates, runs, sorted, reversed), the pick is the first `count`
  // of the sources sorted by rank, up to the order among equal ranks.
  const arrangements: [string, (i: number, n: number, r: () => number) => [number, number]][] = [
    ['random, many ties', (_i, _n, r) => [Math.floor(r() * 3), Math.floor(r() * 8)]],
    ['random, few ties', (_i, _n, r) => [Math.floor(r() * 4), Math.floor(r() * 1_000_000)]],
    ['ascending', (i) => [0, i]],
    ['descending', (i, n) => [0, n - i]],
    ['organ pipe', (i, n) => [0, Math.min(i, n - i)]],
    ['one level, one time', () => [1, 0]],
  ]

  test.each(arrangements)('%s: the pick equals the lowest ranks of a full sort', (_name, rankOf) => {
    const r = prng(7)
    for (let trial = 0; trial < 150; trial++) {
      const n = 1 + Math.floor(r() * 60)
      const e = engineOf()
      for (let i = 0; i < n; i++) {
        const [dl, at] = rankOf(i, n, r)
        add(e, i + 1, dl, at)
      }
      const all: SourceState[] = []
      e.sources.forEach((s) => all.push(s))
      const sorted = all.map(evictionRank).sort((a, b) => a - b)
      const count = 1 + Math.floor(r() * n)
      const got = pickEvictions(e, count)
      expect(got.map(evictionRank)).toEqual(sorted.slice(0, count))
      expect(new Set(got).size).toBe(count)
    }
  })
})

describe('eviction in a running engine', () => {
  test('sources tied in rank (one DL, one second): past the cap exactly a batch goes, and the newcomer stays', () => {
    const e = createEngine(defaultSettings().detection, null)
    const tracker = attachTracker(e, { maxSources: 32 })
    const pkt = emptyPacket()
    Object.assign(pkt, { proto: PROTO_TCP, flags: SYN, dport: 80, dstNum: 0xc0000201, host: 'fw', time: T0 })
    for (let i = 0; i < 32; i++) {
      pkt.srcNum = 0x0a000000 + i
      ingest(e, pkt)
    }
    expect([e.sources.size, tracker.evicted]).toEqual([32, 0])
    pkt.srcNum = 0x0b000001
    ingest(e, pkt)
    // A sixteenth of the cap (2) made room for the newcomer.
    expect([e.sources.size, tracker.evicted]).toEqual([31, 2])
    expect(e.sources.get(0x0b000001)).toBeDefined()
  })
})

describe('compactable', () => {
  const IDLE = 60_000
  // A source last seen at tick 1000 with one destination (so there is something to compact).
  const busy = (): SourceState => {
    const s = newSource(0x0a000001, 0)
    s.lastSeen = 1000
    s.pairs = [newPair(0xc0000201 | 0, 1000)]
    return s
  }

  test.each([
    [IDLE - 1, false],
    [IDLE, false],
    [IDLE + 1, false],
    [IDLE + 2, true],
    [IDLE + 10_000, true],
  ])('idle %i ms with a 60 s timeout: compactable %s (one millisecond of slack for truncated ticks)', (idle, want) => {
    expect(compactable(engineOf(), busy(), T0 + 1000 + idle, IDLE)).toBe(want)
  })

  test('under ENABLE_PERSISTENCE nothing is compactable, however long idle', () => {
    expect(compactable(engineOf(true), busy(), T0 + 1000 + 365 * 86_400_000, IDLE)).toBe(false)
  })

  test('a source with no timestamp is never idle', () => {
    const s = busy()
    s.lastSeen = NO_TIME
    expect(compactable(engineOf(), s, T0 + 86_400_000, IDLE)).toBe(false)
  })

  test('an idle source that is compact already is not compacted again', () => {
    const s = busy()
    s.pairs = []
    rareOf(s).pastDestinations = [0xc0000201 | 0]
    expect(compactable(engineOf(), s, T0 + 86_400_000, IDLE)).toBe(false)
  })
})

describe('isCompact', () => {
  type Detail = [string, (s: SourceState) => void]
  // Per-window detail: any one of these means there is something to free.
  const detail: Detail[] = [
    ['a destination record', (s) => (s.pairs = [newPair(1, 0)])],
    ['OS state', (s) => (s.os = newOsState())],
    ['a TCP flag tally', (s) => (rareOf(s).tcpFlags = new Tally(256, 0))],
    ['a prefix tally', (s) => (rareOf(s).prefixes = new Tally(32, 'other'))],
    ['signature hits', (s) => (rareOf(s).signatures = [])],
    ['ICMP findings', (s) => (rareOf(s).invalidIcmp = new Map())],
    ['auto_dl findings', (s) => (rareOf(s).autoDl = new Map())],
  ]
  // Verdict-side state that compaction keeps: none of it makes a source less compact.
  const kept: Detail[] = [
    ['nothing at all', () => undefined],
    ['an empty rare part', (s) => rareOf(s)],
    ['past destinations', (s) => (rareOf(s).pastDestinations = [1, 2])],
    ['untracked destinations', (s) => Object.assign(rareOf(s), { untrackedPackets: 3, untrackedDestinations: new DestinationCount() })],
    ['findings', (s) => Object.assign(rareOf(s), { protocolScan: true, sweep: true, mirai: 1, topera: 1 })],
  ]

  test.each(detail)('not compact with %s', (_what, give) => {
    const s = newSource(1, 0)
    give(s)
    expect(isCompact(s)).toBe(false)
  })

  test.each(kept)('compact with %s', (_what, give) => {
    const s = newSource(1, 0)
    give(s)
    expect(isCompact(s)).toBe(true)
  })
})

describe('compact', () => {
  test('a source without destinations or rare state stays without rare state', () => {
    const e = engineOf()
    const s = add(e, 1, 1, 5)
    s.os = newOsState()
    compact(e, s)
    expect([s.os, s.rare, s.pairs]).toEqual([null, null, []])
  })

  test('rare state left with nothing in it is dropped', () => {
    const e = engineOf()
    const s = add(e, 1, 1, 5)
    rareOf(s).tcpFlags = new Tally(256, 0)
    rareOf(s).autoDl = new Map([['auto_dl:1', '10.0.0.0/8']])
    compact(e, s)
    expect(s.rare).toBeNull()
    expect(isCompact(s)).toBe(true)
  })

  test('without destinations, no empty past-destination list is made', () => {
    const e = engineOf()
    const s = add(e, 1, 1, 5)
    rareOf(s).sweep = true
    rareOf(s).prefixes = new Tally(32, 'other')
    compact(e, s)
    expect(s.rare?.pastDestinations).toBeNull()
    expect(s.rare?.prefixes).toBeNull()
    expect(s.rare?.sweep).toBe(true)
  })

  // Each of these is part of the verdict or a count: the rare part carrying it stays.
  const keeps: [keyof SourceRare, SourceRare[keyof SourceRare]][] = [
    ['untrackedPackets', 4],
    ['untrackedDestinations', new DestinationCount()],
    ['protocolScan', true],
    ['sweep', true],
    ['mirai', 1],
    ['topera', 2],
    ['flood', { dst: 1, port: 80, protoBits: 1, packets: 500, first: 0, last: 9 }],
    ['hosts', new Tally(32, 'other')],
    ['reputation', [{ feed: 'feed', dl: 2, network: '10.0.0.0/8' }]],
  ]

  test.each(keeps)('the rare part stays when it holds %s, with its value', (field, value) => {
    const e = engineOf()
    const s = add(e, 1, 1, 5)
    const r = rareOf(s) as unknown as Record<string, unknown>
    r[field] = value
    r.tcpFlags = new Tally(256, 0)
    compact(e, s)
    expect(s.rare).not.toBeNull()
    expect((s.rare as unknown as Record<string, unknown>)[field]).toBe(value)
    expect(s.rare!.tcpFlags).toBeNull()
  })

  test('destinations become past destinations, after those already past', () => {
    const e = engineOf()
    const s = add(e, 1, 1, 5)
    rareOf(s).pastDestinations = [7]
    s.pairs = [newPair(3, 0), newPair(5, 1)]
    s.live = 2
    compact(e, s)
    expect(s.rare!.pastDestinations).toEqual([7, 3, 5])
    expect([s.pairs, s.live]).toEqual([[], 0])
  })
})
