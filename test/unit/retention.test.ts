import { beforeAll, describe, expect, test } from 'vitest'
import { parseAutoDl } from '../../src/config/auto-dl.js'
import { defaultSettings } from '../../src/config/settings.js'
import type { Detector } from '../../src/detect/detector.js'
import { detectorOf, type DetectorParts } from '../helpers/detector.js'
import { restoreSnapshot, snapshot } from '../helpers/snapshot.js'
import { ingest, type DangerEvent } from '../../src/detect/engine.js'
import { attachTracker, EVICTED, type Tracker } from '../../src/detect/tracker.js'
import { keyText, type SourceState } from '../../src/detect/state.js'
import { emptyPacket, PROTO_TCP, SYN } from '../../src/parse/packet.js'
import { buildReport, reportPart } from '../../src/report/build.js'
import { feed, packetStream, streamParts } from '../helpers/packet-stream.js'

// Compaction frees what idle sources no longer need and must never change a verdict: the same lines
// give the same danger-level events and the same DL, packets, first and last seen per source as an
// engine that keeps everything. Eviction bounds the number of sources, lowest DL and oldest first.

const T0 = Date.UTC(2026, 10, 22, 6)
const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '000+00:00')
const syn = (src: string, dst: string, dport: number, ms: number): string =>
  `${iso(ms)} fw kernel: DROP IN=eth0 OUT= SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=${dport} WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) `

interface Pair {
  plain: Detector
  kept: Detector
  tracker: Tracker
  events: { plain: DangerEvent[]; kept: DangerEvent[] }
}

function pair(parts: DetectorParts, maxSources = 1_000_000): Pair {
  const events = { plain: [] as DangerEvent[], kept: [] as DangerEvent[] }
  const plain = detectorOf({ ...parts, onEvent: (e) => events.plain.push(e) })
  const kept = detectorOf({ ...parts, onEvent: (e) => events.kept.push(e) })
  return { plain, kept, tracker: attachTracker(kept.engine, { maxSources }), events }
}

const verdict = (s: SourceState | undefined): unknown => (s === undefined ? undefined : [s.dl, s.packets, s.firstSeen, s.lastSeen])

function verdicts(a: Detector): Map<string, unknown> {
  const out = new Map<string, unknown>()
  a.engine.sources.forEach((s) => out.set(keyText(s.key), verdict(s)))
  return out
}

function source(a: Detector, ip: string): SourceState | undefined {
  let found: SourceState | undefined
  a.engine.sources.forEach((s) => {
    if (keyText(s.key) === ip) found = s
  })
  return found
}

function both(p: Pair, lines: readonly string[]): void {
  feed(p.plain, lines)
  feed(p.kept, lines)
}

const plainParts = (): DetectorParts => ({ settings: defaultSettings() })

describe('compaction', () => {
  test('a compacted source keeps its verdict; a scan after the timeout starts a new window, as analyze scores it', () => {
    const p = pair(plainParts())
    const S = '203.0.113.5'
    const scan = (from: number, n: number, at: number): string[] => Array.from({ length: n }, (_, i) => syn(S, '192.0.2.1', from + i, at + i))
    // 10 probes, an expiry pass while the scan is live (nothing to compact), 130 more: one window of 140.
    both(p, scan(1, 10, T0))
    p.tracker.expire()
    expect(source(p.kept, S)!.pairs.length).toBe(1)
    both(p, scan(11, 130, T0 + 10))
    expect(source(p.kept, S)!.dl).toBe(2)
    // Two hours later another source moves the log's time on; the idle scanner is compacted.
    both(p, [syn('198.51.100.1', '192.0.2.1', 22, T0 + 7_200_000)])
    expect(p.tracker.expire()).toEqual({ compacted: 1, evicted: 0 })
    const compacted = source(p.kept, S)!
    expect(compacted.pairs).toEqual([])
    expect(compacted.os).toBeNull()
    expect(compacted.rare?.pastDestinations).toEqual([(0xc0000201 | 0)])
    expect(verdict(compacted)).toEqual(verdict(source(p.plain, S)))
    // It comes back: 10 probes are a new window (140 + 10 would not reach 150 either way) ...
    both(p, scan(141, 10, T0 + 7_300_000))
    expect(verdict(source(p.kept, S))).toEqual(verdict(source(p.plain, S)))
    expect(source(p.kept, S)!.dl).toBe(2)
    // ... and 140 more make that new window 150 packets: DL 3 in both, at the same packet.
    both(p, scan(151, 140, T0 + 7_300_010))
    expect(source(p.kept, S)!.dl).toBe(3)
    expect(verdicts(p.kept)).toEqual(verdicts(p.plain))
    expect(p.events.kept).toEqual(p.events.plain)
  })

  test.each([
    [60_000, 0, 3],
    [60_002, 1, 2],
  ])('idle %i ms with SCAN_TIMEOUT 60 s: %i compacted, and the scan scores DL %i as analyze does', (idle, compacted, dl) => {
    const settings = defaultSettings()
    settings.detection = { ...settings.detection, scanTimeout: 60 }
    const p = pair({ settings })
    const S = '203.0.113.5'
    const last = T0 + 139
    both(p, Array.from({ length: 140 }, (_, i) => syn(S, '192.0.2.1', i + 1, T0 + i)))
    both(p, [syn('198.51.100.1', '192.0.2.1', 22, last + idle)])
    expect(p.tracker.expire().compacted).toBe(compacted)
    // Ten more at the same moment: still the first window (150 packets, DL 3) unless it timed out.
    both(p, Array.from({ length: 10 }, (_, i) => syn(S, '192.0.2.1', 200 + i, last + idle)))
    expect(source(p.kept, S)!.dl).toBe(dl)
    expect(verdicts(p.kept)).toEqual(verdicts(p.plain))
  })

  test('past destinations still count against MAX destinations per source', () => {
    const settings = defaultSettings()
    settings.detection = { ...settings.detection, maxDestinations: 4, uniqueHosts: [0, 0, 0, 0, 0] }
    const p = pair({ settings })
    const S = '203.0.113.9'
    // Three destinations, idle, compacted; then six: analyze tracks one new one and the three old ones.
    both(p, [1, 2, 3].map((d) => syn(S, `192.0.2.${d}`, 80, T0 + d)))
    both(p, [syn('198.51.100.1', '192.0.2.1', 22, T0 + 7_200_000)])
    p.tracker.expire()
    expect(source(p.kept, S)!.pairs).toEqual([])
    const again = [9, 8, 1, 2, 3, 7].flatMap((d) => Array.from({ length: 20 }, (_, i) => syn(S, `192.0.2.${d}`, 100 + i, T0 + 7_300_000 + d * 100 + i)))
    both(p, again)
    expect(source(p.kept, S)!.pairs.map((x) => keyText(x.dst))).toEqual(['192.0.2.9', '192.0.2.1', '192.0.2.2', '192.0.2.3'])
    expect(source(p.kept, S)!.rare!.untrackedPackets).toBe(source(p.plain, S)!.rare!.untrackedPackets)
    expect(verdicts(p.kept)).toEqual(verdicts(p.plain))
    expect(p.events.kept).toEqual(p.events.plain)
  })

  let parts: DetectorParts
  beforeAll(async () => {
    parts = await streamParts()
  })

  test.each([1, 2, 3, 4])('random stream %i: expiring in slices every few lines changes no event and no verdict', (seed) => {
    const p = pair(parts)
    const lines = packetStream({ seed, lines: 4000 })
    let compacted = 0
    const returned = new Set<string>()
    const compactedKeys = new Set<string>()
    for (let at = 0; at < lines.length; at += 37) {
      both(p, lines.slice(at, at + 37))
      p.kept.engine.sources.forEach((s) => {
        if (compactedKeys.has(keyText(s.key)) && s.pairs.length > 0) returned.add(keyText(s.key))
      })
      compacted += p.tracker.expire({ budget: at % 3 === 0 ? 4 : 1000 }).compacted
      p.kept.engine.sources.forEach((s) => {
        if (s.pairs.length === 0 && s.rare?.pastDestinations != null) compactedKeys.add(keyText(s.key))
      })
    }
    expect(compacted).toBeGreaterThan(5)
    expect(returned.size).toBeGreaterThan(2)
    expect(verdicts(p.kept)).toEqual(verdicts(p.plain))
    expect(p.events.kept).toEqual(p.events.plain)
  })

  test('compacted state is saved and restored like any other', () => {
    const p = pair(parts)
    const lines = packetStream({ seed: 5, lines: 4000 })
    for (let at = 0; at < 3000; at += 50) {
      both(p, lines.slice(at, at + 50))
      p.tracker.expire()
    }
    const back = detectorOf(parts)
    restoreSnapshot(back, JSON.parse(JSON.stringify(snapshot(p.kept))))
    let past = 0
    back.engine.sources.forEach((s) => (past += s.rare?.pastDestinations == null ? 0 : 1))
    expect(past).toBeGreaterThan(0)
    feed(p.kept, lines.slice(3000))
    feed(back, lines.slice(3000))
    const report = (a: Detector): string => JSON.stringify(buildReport({ parts: [reportPart(a, parts.settings)], inputs: [] }, 't'))
    expect(report(back)).toBe(report(p.kept))
  })

  test('ENABLE_PERSISTENCE: windows never close, so nothing is compacted', () => {
    const settings = defaultSettings()
    settings.detection = { ...settings.detection, persistence: true }
    const p = pair({ settings })
    both(p, [syn('203.0.113.5', '192.0.2.1', 80, T0), syn('198.51.100.1', '192.0.2.1', 22, T0 + 86_400_000)])
    expect(p.tracker.expire()).toEqual({ compacted: 0, evicted: 0 })
  })

  test('a budget bounds the sources one call looks at; the next call goes on from there', () => {
    const p = pair(plainParts())
    both(p, Array.from({ length: 100 }, (_, i) => syn(`10.0.${i}.1`, '192.0.2.1', 80, T0 + i)))
    both(p, [syn('198.51.100.1', '192.0.2.1', 22, T0 + 7_200_000)])
    const done: number[] = []
    for (let call = 0; call < 12; call++) done.push(p.tracker.expire({ budget: 10 }).compacted)
    expect(done.every((n) => n <= 10)).toBe(true)
    expect(done.reduce((x, y) => x + y, 0)).toBe(100)
    expect(p.tracker.compacted).toBe(100)
  })
})

describe('eviction past the source cap', () => {
  // auto_dl gives the first sources a danger level, so the order of eviction can be checked exactly.
  const lists = { autoDl: parseAutoDl('10.1.0.1 3;\n10.1.0.2 1;\n10.1.0.3 1;\n10.1.0.4 2;\n', 'auto_dl'), reputation: null, snortRules: null, snortRuleDl: null }

  test('lowest danger level first, then the longest idle; counted, and deleted from the store', () => {
    const a = detectorOf({ settings: defaultSettings(), lists })
    const tracker = attachTracker(a.engine, { maxSources: 32 })
    // 10.1.0.1-4 have DL 3, 1, 1, 2 and are the oldest; 28 DL-0 sources follow, each a second later.
    const lines = Array.from({ length: 32 }, (_, i) => syn(`10.1.0.${i + 1}`, '192.0.2.1', 80, T0 + i * 1000))
    feed(a, lines)
    // Seen again later: 10.1.0.5 is now the most recently active of the DL-0 sources.
    feed(a, [syn('10.1.0.5', '192.0.2.1', 81, T0 + 60_000)])
    tracker.takeChanges()
    const victims = [source(a, '10.1.0.6')!, source(a, '10.1.0.7')!]
    feed(a, [syn('10.2.0.1', '192.0.2.1', 80, T0 + 61_000)])
    // A sixteenth of the cap (2) went: the two oldest DL-0 sources.
    expect(a.engine.sources.size).toBe(31)
    expect(source(a, '10.1.0.6')).toBeUndefined()
    expect(source(a, '10.1.0.7')).toBeUndefined()
    expect(victims.map((s) => s.epoch)).toEqual([EVICTED, EVICTED])
    expect(tracker.evicted).toBe(2)
    const changes = tracker.takeChanges()
    expect(changes.removed.map(keyText).sort()).toEqual(['10.1.0.6', '10.1.0.7'])
    expect(changes.sources.map((s) => keyText(s.key))).toEqual(['10.2.0.1'])
    // Many more new DL-0 sources: every source with a danger level outlives them all.
    feed(a, Array.from({ length: 100 }, (_, i) => syn(`10.3.0.${i + 1}`, '192.0.2.1', 80, T0 + 62_000 + i)))
    expect(a.engine.sources.size).toBeLessThanOrEqual(32)
    expect(['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'].map((ip) => source(a, ip)?.dl)).toEqual([3, 1, 1, 2])
    expect(tracker.evicted).toBe(32 + 1 + 100 - a.engine.sources.size)
  })

  test('among sources with a danger level, the lowest goes first, however recent', () => {
    const byNet = { ...lists, autoDl: parseAutoDl('10.1.0.1 3;\n10.1.0.2 1;\n10.1.0.3 1;\n10.1.0.4 2;\n10.7.0.0/16 1;\n', 'auto_dl') }
    const a = detectorOf({ settings: defaultSettings(), lists: byNet })
    attachTracker(a.engine, { maxSources: 32 })
    feed(a, [1, 2, 3, 4].map((i) => syn(`10.1.0.${i}`, '192.0.2.1', 80, T0 + i)))
    feed(a, Array.from({ length: 60 }, (_, i) => syn(`10.7.${Math.floor(i / 10)}.${(i % 10) + 1}`, '192.0.2.1', 80, T0 + 1000 + i)))
    // The DL-2 and DL-3 sources are the oldest but stay; the old DL-1 ones went first.
    expect(['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'].map((ip) => source(a, ip)?.dl)).toEqual([3, undefined, undefined, 2])
    const kept: string[] = []
    a.engine.sources.forEach((s) => kept.push(keyText(s.key)))
    // The DL-1 sources kept are the most recent ones, in one unbroken run up to the last.
    const recent = Array.from({ length: 60 }, (_, i) => `10.7.${Math.floor(i / 10)}.${(i % 10) + 1}`).filter((ip) => kept.includes(ip))
    expect(recent.length).toBe(kept.length - 2)
    expect(recent.at(-1)).toBe('10.7.5.10')
    const first = Array.from({ length: 60 }, (_, i) => `10.7.${Math.floor(i / 10)}.${(i % 10) + 1}`).indexOf(recent[0]!)
    expect(recent).toEqual(Array.from({ length: 60 }, (_, i) => `10.7.${Math.floor(i / 10)}.${(i % 10) + 1}`).slice(first))
  })

  test('an evicted source that returns starts from DL 0', () => {
    const a = detectorOf({ settings: defaultSettings() })
    attachTracker(a.engine, { maxSources: 16 })
    feed(a, Array.from({ length: 20 }, (_, i) => syn('203.0.113.5', '192.0.2.1', i + 1, T0 + i)))
    expect(source(a, '203.0.113.5')!.dl).toBe(2)
    // Sixteen DL-0 sources arrive later; then sixteen more make room by evicting... DL 0 only.
    feed(a, Array.from({ length: 40 }, (_, i) => syn(`10.5.0.${i + 1}`, '192.0.2.1', 80, T0 + 1000 + i)))
    expect(source(a, '203.0.113.5')!.dl).toBe(2)
  })

  test('a cap lowered between runs is applied by the next expire', () => {
    const a = detectorOf({ settings: defaultSettings() })
    feed(a, Array.from({ length: 20 }, (_, i) => syn(`10.6.0.${i + 1}`, '192.0.2.1', 80, T0 + i)))
    const tracker = attachTracker(a.engine, { maxSources: 10 })
    expect(tracker.expire()).toEqual({ compacted: 0, evicted: 10 })
    expect(a.engine.sources.size).toBe(10)
    expect(source(a, '10.6.0.20')).toBeDefined()
    expect(source(a, '10.6.0.1')).toBeUndefined()
  })

  test('memory stays bounded: 2,000,000 distinct sources against a cap of 50,000', () => {
    const settings = defaultSettings()
    settings.detection = { ...settings.detection, os: false }
    // An auto_dl list that matches none of them: its per-source cache must be bounded too.
    const a = detectorOf({ settings, lists: { ...lists, autoDl: parseAutoDl('172.16.0.0/12 3;\n', 'auto_dl') } })
    const tracker = attachTracker(a.engine, { maxSources: 50_000, recordChanges: false })
    const pkt = emptyPacket()
    pkt.proto = PROTO_TCP
    pkt.flags = SYN
    pkt.dport = 80
    pkt.dstNum = 0xc0000201
    pkt.host = 'fw'
    let most = 0
    for (let i = 0; i < 2_000_000; i++) {
      pkt.srcNum = (0x0b000000 + i) >>> 0
      pkt.time = T0 + i
      ingest(a.engine, pkt)
      if (a.engine.sources.size > most) most = a.engine.sources.size
    }
    expect(most).toBe(50_000)
    expect(a.engine.autoDlCache.size).toBeLessThanOrEqual(50_000)
    expect(tracker.evicted).toBe(2_000_000 - a.engine.sources.size)
    expect(a.engine.totals.packets).toBe(2_000_000)
    expect(tracker.minutes).toBeNull()
  })
})
