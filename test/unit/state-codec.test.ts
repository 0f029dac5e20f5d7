import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { StateError } from '../../src/core/errors.js'
import type { Detector } from '../../src/detect/detector.js'
import { detectorOf, type DetectorParts } from '../helpers/detector.js'
import { OS_NUMBERS, OS_OTHER } from '../../src/detect/codec/os.js'
import { ENGINE_NOT_SAVED, ENGINE_SAVED, TOTALS_SAVED } from '../../src/detect/codec/run.js'
import { DETECTOR_NOT_SAVED, DETECTOR_SAVED, restoreSnapshot, snapshot } from '../helpers/snapshot.js'
import {
  decodeSource, encodeSource, PAIR_NUMBERS, PAIR_OTHER, RARE_NUMBERS, RARE_OTHER, SOURCE_NUMBERS, SOURCE_OTHER,
} from '../../src/detect/codec/source.js'
import { compileOsDatabase } from '../../src/detect/os/index.js'
import { SignatureIndex } from '../../src/detect/signatures/signature-index.js'
import type { SourceState } from '../../src/detect/state.js'
import { DestinationCount } from '../../src/detect/destination-count.js'
import { Tally } from '../../src/detect/tally.js'
import { buildReport, reportPart } from '../../src/report/build.js'
import { CAPTURES } from '../helpers/golden.js'
import { feed, packetStream, prng, streamParts } from '../helpers/packet-stream.js'

// Saved state must be the state: an analyzer restored from a snapshot, fed the same further lines as
// the one that was saved, must give the same report, byte for byte.

let parts: DetectorParts
beforeAll(async () => {
  parts = await streamParts()
})

// Tallies keep the last key they counted as a cache, which a restored tally starts without.
function plain(x: unknown): unknown {
  if (x instanceof Tally) return { tally: x.data() }
  if (x instanceof DestinationCount) return { destinations: x.save() }
  if (x instanceof Map) return { map: [...x].map(([k, v]) => [k, plain(v)]) }
  if (x instanceof Set) return { set: [...x] }
  if (Array.isArray(x)) return x.map(plain)
  if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]))
  return x
}

const reportOf = (a: Detector, p: DetectorParts): string => JSON.stringify(buildReport({ parts: [reportPart(a, p.settings)], inputs: [] }, 'test'))

/** Saves and restores through JSON text, as the store does. */
function roundTrip(a: Detector, p: DetectorParts): Detector {
  const b = detectorOf(p)
  restoreSnapshot(b, JSON.parse(JSON.stringify(snapshot(a))))
  return b
}

// What the stream put into the engine, so the round trips are known to cover every kind of state.
function coverage(a: Detector): Set<string> {
  const seen = new Set<string>()
  a.engine.sources.forEach((s) => {
    if (s.pairs.length > 8) seen.add('pairIndex')
    if (s.pairs.some((p) => p.otherProtos !== null)) seen.add('otherProtos')
    if (s.pairs.some((p) => p.wPackets === 0)) seen.add('closed window')
    if (s.os !== null && s.os.id0 >= 0) seen.add('p0f verdict')
    if (s.os?.moreVerdicts != null) seen.add('more verdicts')
    if (s.os !== null && s.os.posfSyns > 0) seen.add('posf')
    if (typeof s.key === 'string') seen.add('ipv6')
    const r = s.rare
    if (r === null) return
    for (const f of ['tcpFlags', 'prefixes', 'hosts', 'invalidIcmp', 'autoDl', 'untrackedDestinations'] as const) if (r[f] !== null) seen.add(f)
    if (r.signatures?.some((h) => h.sig.key.startsWith('fwsnort:'))) seen.add('fwsnort hit')
    if (r.signatures?.some((h) => !h.sig.key.startsWith('fwsnort:'))) seen.add('signature hit')
    if (r.reputation.length > 0) seen.add('reputation')
    for (const f of ['untrackedPackets', 'mirai', 'topera'] as const) if (r[f] > 0) seen.add(f)
    if (r.protocolScan) seen.add('protocolScan')
    if (r.flood !== null) seen.add('flood')
  })
  if (a.malformed.length > 0) seen.add('malformed')
  if (a.engine.totals.outbound.packets > 0) seen.add('outbound')
  if ((a.skipped.get('duplicate') ?? 0) > 0) seen.add('duplicate')
  if ((a.skipped.get('audit') ?? 0) > 0 && (a.skipped.get('allowed') ?? 0) > 0) seen.add('audit and allowed')
  if (a.engine.totals.timeline.size > 1) seen.add('timeline')
  return seen
}

const EVERY_KIND = [
  'pairIndex', 'otherProtos', 'closed window', 'p0f verdict', 'posf', 'ipv6', 'tcpFlags', 'prefixes', 'hosts', 'invalidIcmp', 'autoDl',
  'untrackedDestinations', 'fwsnort hit', 'signature hit', 'reputation', 'untrackedPackets', 'mirai', 'topera', 'protocolScan', 'malformed', 'timeline',
  'outbound', 'duplicate', 'audit and allowed', 'flood',
]

describe('a restored analyzer continues exactly as the saved one', () => {
  test.each([1, 2, 3, 4, 5, 6])('random stream, seed %i, saved and restored at three random points', (seed) => {
    const lines = packetStream({ seed, lines: 2500 })
    const r = prng(seed * 7919)
    const cuts = [0, 1, 2].map(() => Math.floor(r() * lines.length)).sort((x, y) => x - y)
    const a = detectorOf(parts)
    let b = detectorOf(parts)
    let at = 0
    for (const cut of [...cuts, lines.length]) {
      feed(a, lines.slice(at, cut))
      feed(b, lines.slice(at, cut))
      expect(reportOf(b, parts)).toBe(reportOf(a, parts))
      b = roundTrip(b, parts)
      expect(JSON.stringify(snapshot(b))).toBe(JSON.stringify(snapshot(a)))
      at = cut
    }
    feed(a, lines.slice(0, 300))
    feed(b, lines.slice(0, 300))
    expect(reportOf(b, parts)).toBe(reportOf(a, parts))
  })

  test('the streams cover every kind of per-source state', () => {
    const seen = new Set<string>()
    for (const seed of [1, 2, 3]) {
      const a = detectorOf(parts)
      feed(a, packetStream({ seed, lines: 2500 }))
      for (const k of coverage(a)) seen.add(k)
    }
    expect(EVERY_KIND.filter((k) => !seen.has(k))).toEqual([])
  })

  test.each(['sample.log', 'syn-scan.log', 'os-probe.log', 'signature-probes.log', 'ipv6-syn-scan.log', 'icmp-types.log', 'proto-scan.log', 'fmt-rfc3164.log'])(
    'capture %s, default configuration, cut at a third and at two thirds',
    async (name) => {
      const lines = readFileSync(path.join(CAPTURES, name), 'utf8').split('\n').filter((l) => l !== '')
      const p = { ...parts, settings: (await streamParts()).settings }
      p.settings.detection = { ...p.settings.detection, scanTimeout: 3600, maxDestinations: 4096, protocolScanThreshold: 5 }
      const a = detectorOf(p)
      let b = detectorOf(p)
      let at = 0
      for (const cut of [Math.floor(lines.length / 3), Math.floor((2 * lines.length) / 3), lines.length]) {
        feed(a, lines.slice(at, cut))
        feed(b, lines.slice(at, cut))
        b = roundTrip(b, p)
        at = cut
      }
      expect(a.engine.totals.packets).toBeGreaterThan(0)
      expect(reportOf(b, p)).toBe(reportOf(a, p))
    },
  )

  test('every source decodes to an equal object', () => {
    const a = detectorOf(parts)
    feed(a, packetStream({ seed: 3, lines: 2500 }))
    let n = 0
    a.engine.sources.forEach((s) => {
      const back = decodeSource(s.key, JSON.parse(JSON.stringify(encodeSource(s, a.engine))), a.engine)
      expect(plain(back)).toEqual(plain(s))
      n++
    })
    expect(n).toBeGreaterThan(5)
  })
})

describe('the codec carries every field', () => {
  // A field added to the engine's state and not to the codec's lists fails here (and in tsc).
  const sorted = (xs: readonly string[]): string[] => [...xs].sort()

  test('SourceState, PairState, SourceRare, OsState, Totals, EngineState, Detector', () => {
    const a = detectorOf(parts)
    feed(a, packetStream({ seed: 1, lines: 2500 }))
    let full: SourceState | null = null
    a.engine.sources.forEach((s) => {
      if (s.rare !== null && s.os !== null && s.pairs.length > 0 && (full === null || s.packets > full.packets)) full = s
    })
    const src = full as SourceState | null
    expect(src).not.toBeNull()
    expect(sorted(Object.keys(src!))).toEqual(sorted([...SOURCE_NUMBERS, ...SOURCE_OTHER]))
    expect(sorted(Object.keys(src!.pairs[0]!))).toEqual(sorted([...PAIR_NUMBERS, ...PAIR_OTHER]))
    expect(sorted(Object.keys(src!.rare!))).toEqual(sorted([...RARE_NUMBERS, ...RARE_OTHER]))
    expect(sorted(Object.keys(src!.os!))).toEqual(sorted([...OS_NUMBERS, ...OS_OTHER]))
    expect(sorted(Object.keys(a.engine.totals))).toEqual(sorted(TOTALS_SAVED))
    expect(sorted(Object.keys(a.engine))).toEqual(sorted([...ENGINE_SAVED, ...ENGINE_NOT_SAVED]))
    expect(sorted(Object.keys(a))).toEqual(sorted([...DETECTOR_SAVED, ...DETECTOR_NOT_SAVED]))
  })
})

describe('state saved under another configuration', () => {
  function sourceWith(a: Detector, test: (s: SourceState) => boolean): SourceState {
    let found: SourceState | null = null
    a.engine.sources.forEach((s) => {
      if (found === null && test(s)) found = s
    })
    expect(found).not.toBeNull()
    return found!
  }

  test('a signature hit whose signature is gone keeps a stand-in with its message, ids, DL and count', () => {
    const a = detectorOf(parts)
    feed(a, packetStream({ seed: 2, lines: 2500 }))
    const src = sourceWith(a, (s) => (s.rare?.signatures?.length ?? 0) >= 2 && s.rare!.signatures!.some((h) => h.sig.key.startsWith('fwsnort:')))
    const bare = detectorOf({ ...parts, signatures: new SignatureIndex([]), lists: { ...parts.lists!, snortRules: null } })
    const back = decodeSource(src.key, JSON.parse(JSON.stringify(encodeSource(src, a.engine))), bare.engine)
    const seen = (s: SourceState): unknown[] => s.rare!.signatures!.map((h) => [h.sig.key, h.sig.msg, h.sig.sid, h.sig.psadId, h.sig.proto, h.sig.dl, h.count])
    expect(seen(back)).toEqual(seen(src))
    expect(back.rare!.signatures!.every((h) => h.sig.file === '(saved state)')).toBe(true)
  })

  test('a p0f verdict whose entry is gone counts as an unmatched SYN', () => {
    const a = detectorOf(parts)
    feed(a, packetStream({ seed: 1, lines: 2500 }))
    const src = sourceWith(a, (s) => s.os !== null && s.os.id0 >= 0)
    const empty = compileOsDatabase({ p0f: [], posf: [] })
    const other = detectorOf({ ...parts, os: empty })
    const back = decodeSource(src.key, encodeSource(src, a.engine), other.engine)
    const total = src.os!.count0 + (src.os!.moreVerdicts ?? []).filter((_, i) => i % 2 === 1).reduce((x, y) => x + y, 0)
    expect(back.os!.id0).toBe(-1)
    expect(back.os!.unknown).toBe(src.os!.unknown + total)
    expect(back.os!.syns).toBe(src.os!.syns)
  })
})

describe('damaged records fail with StateError', () => {
  test.each([
    ['not a list', { a: 1 }],
    ['too short', [1, 2, 3]],
    ['a string for a number', ['5', ...Array.from({ length: SOURCE_NUMBERS.length + 4 }, () => 0)]],
  ])('%s', (_, rec) => {
    const a = detectorOf(parts)
    expect(() => decodeSource(1, rec, a.engine)).toThrow(StateError)
  })

  test('a snapshot with a damaged part', () => {
    const a = detectorOf(parts)
    feed(a, packetStream({ seed: 4, lines: 300 }))
    const snap = JSON.parse(JSON.stringify(snapshot(a)))
    for (const damage of [
      (s: any) => (s.run.hosts = 'x'),
      (s: any) => (s.ports[0] = [6, 70000, 1]),
      (s: any) => (s.timeline[0][1] = [1, 2]),
      (s: any) => (s.sources[0][0] = 'not-an-address'),
      (s: any) => (s.sources[0][1][SOURCE_NUMBERS.length + 1] = 'pairs'),
      (s: any) => (s.sources[0][1][SOURCE_NUMBERS.length + 4] = 7),
      (s: any) => (s.counters.skipped = [[1, 'x']]),
    ]) {
      const copy = structuredClone(snap)
      damage(copy)
      expect(() => restoreSnapshot(detectorOf(parts), copy)).toThrow(StateError)
    }
  })
})
