import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import type { Detector } from '../../src/detect/detector.js'
import { keyText } from '../../src/detect/state.js'
import { attachTracker, Tracker, type StateChanges } from '../../src/detect/tracker.js'
import { detectorOf } from '../helpers/detector.js'
import { iso, T0 } from '../helpers/engine-feed.js'
import { range, tcpLine } from '../helpers/lines.js'

// The tracker is watch's bookkeeping: which sources changed since the last save (each once), which
// were evicted, which timeline minutes were entered; a failed save gives its changes back. It also
// holds the source cap, evicting the lowest-ranked sources in batches.

const MINUTE = 60_000
const syn = (src: string, ms: number, dport = 80): string => tcpLine({ src, dport, time: iso(ms) })

function detector(): Detector {
  return detectorOf({ settings: defaultSettings() })
}

function feed(d: Detector, lines: readonly string[]): void {
  for (const l of lines) d.line(l, { year: 2026, reference: T0 }, () => 'test')
}

const ips = (c: StateChanges): string[] => c.sources.map((s) => keyText(s.key))
const has = (d: Detector, ip: string): boolean => [...d.engine.sources.values()].some((s) => keyText(s.key) === ip)

describe('the source cap', () => {
  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('maxSources %d is refused', (max) => {
    expect(() => new Tracker(detector().engine, { maxSources: max })).toThrow(new RangeError(`maxSources must be a whole number of at least 1, not ${max}`))
  })

  test('maxSources 1 keeps the latest source only', () => {
    const d = detector()
    const t = attachTracker(d.engine, { maxSources: 1 })
    feed(d, [syn('10.0.0.1', T0), syn('10.0.0.2', T0 + 1), syn('10.0.0.3', T0 + 2)])
    expect([...d.engine.sources.values()].map((s) => keyText(s.key))).toEqual(['10.0.0.3'])
    expect(t.evicted).toBe(2)
  })

  test('a source picked for eviction that has had packets since is kept; the next ones go', () => {
    const d = detector()
    const t = attachTracker(d.engine, { maxSources: 32 })
    // 32 sources a second apart; the 33rd evicts a batch of two (the oldest), ranking eight.
    feed(d, range(32).map((i) => syn(`10.1.0.${i + 1}`, T0 + i * 1000)))
    feed(d, [syn('10.2.0.1', T0 + 40_000)])
    expect(['10.1.0.1', '10.1.0.2', '10.1.0.3'].map((ip) => has(d, ip))).toEqual([false, false, true])
    // 10.1.0.3 was among the eight ranked; it is active again, so the next batch passes it by.
    feed(d, [syn('10.1.0.3', T0 + 41_000), syn('10.2.0.2', T0 + 42_000), syn('10.2.0.3', T0 + 43_000)])
    expect(['10.1.0.3', '10.1.0.4', '10.1.0.5', '10.1.0.6'].map((ip) => has(d, ip))).toEqual([true, false, false, true])
    expect(t.evicted).toBe(4)
  })

  test('sources logged in the same millisecond are evicted like any others', () => {
    const d = detector()
    const t = attachTracker(d.engine, { maxSources: 32 })
    feed(d, range(100).map((i) => syn(`10.3.0.${i + 1}`, T0)))
    expect(d.engine.sources.size).toBeLessThanOrEqual(32)
    expect(t.evicted).toBe(100 - d.engine.sources.size)
    expect(has(d, '10.3.0.100')).toBe(true)
  })
})

describe('changes since the last save', () => {
  test('each source that had packets is listed once, with the timeline minutes entered', () => {
    const d = detector()
    const t = attachTracker(d.engine)
    expect(t.takeChanges()).toEqual({ sources: [], removed: [], minutes: [] })
    feed(d, [syn('10.0.0.1', T0), syn('10.0.0.2', T0 + 1), syn('10.0.0.1', T0 + MINUTE), syn('10.0.0.1', T0 + MINUTE + 1)])
    const first = t.takeChanges()
    expect(ips(first)).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(first.removed).toEqual([])
    expect(first.minutes).toEqual([T0 / MINUTE, T0 / MINUTE + 1])
    // Nothing new: no source, and the current minute, whose row goes on counting, is listed again.
    expect(t.takeChanges()).toEqual({ sources: [], removed: [], minutes: [T0 / MINUTE + 1] })
    feed(d, [syn('10.0.0.2', T0 + MINUTE + 2)])
    expect(ips(t.takeChanges())).toEqual(['10.0.0.2'])
  })

  test('a source compacted after the last save is listed as changed, once', () => {
    const d = detector()
    const t = attachTracker(d.engine)
    feed(d, [syn('10.0.0.1', T0)])
    t.takeChanges()
    // Two hours later another source moves the log's time on: 10.0.0.1 is compacted.
    feed(d, [syn('10.0.0.2', T0 + 7_200_000)])
    expect(t.expire().compacted).toBe(1)
    expect(ips(t.takeChanges())).toEqual(['10.0.0.2', '10.0.0.1'])
  })

  test('a source compacted in the epoch it changed in is listed once', () => {
    const d = detector()
    const t = attachTracker(d.engine)
    feed(d, [syn('10.0.0.1', T0), syn('10.0.0.2', T0 + 7_200_000)])
    expect(t.expire().compacted).toBe(1)
    expect(ips(t.takeChanges())).toEqual(['10.0.0.1', '10.0.0.2'])
  })

  test('evicted sources are listed as removed', () => {
    const d = detector()
    const t = attachTracker(d.engine, { maxSources: 16 })
    feed(d, range(17).map((i) => syn(`10.0.0.${i + 1}`, T0 + i)))
    expect(t.takeChanges().removed.map(keyText)).toEqual(['10.0.0.1'])
  })

  test('a tracker that records nothing keeps only the cap: no changes, no minutes, packets still counted', () => {
    const d = detector()
    const t = attachTracker(d.engine, { maxSources: 16, recordChanges: false })
    feed(d, range(40).map((i) => syn(`10.0.0.${i + 1}`, T0 + i * MINUTE)))
    expect(t.takeChanges()).toEqual({ sources: [], removed: [], minutes: [] })
    t.returnChanges({ sources: [], removed: [], minutes: [T0 / MINUTE] })
    expect(t.takeChanges().minutes).toEqual([])
    expect(d.engine.totals.packets).toBe(40)
    expect(t.evicted).toBe(40 - d.engine.sources.size)
  })

  test('changes given back after a failed save are written by the next save, evicted sources and duplicates left out', () => {
    const d = detector()
    const t = attachTracker(d.engine, { maxSources: 16 })
    feed(d, range(17).map((i) => syn(`10.0.0.${i + 1}`, i === 0 ? T0 - 5 * MINUTE : T0 + i)))
    const failed = t.takeChanges()
    expect(failed.minutes).toEqual([T0 / MINUTE - 5, T0 / MINUTE])
    expect(ips(failed)).toHaveLength(17)
    expect(failed.removed.map(keyText)).toEqual(['10.0.0.1'])
    // Since then: 10.0.0.17 had a packet again, and a newcomer evicted 10.0.0.2 (the oldest).
    feed(d, [syn('10.0.0.17', T0 + MINUTE), syn('10.0.1.1', T0 + MINUTE + 1)])
    t.returnChanges(failed)
    const next = t.takeChanges()
    expect(ips(next)).toEqual(['10.0.0.17', '10.0.1.1', ...range(14).map((i) => `10.0.0.${i + 3}`)])
    expect(next.removed.map(keyText)).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(next.minutes.sort()).toEqual([T0 / MINUTE - 5, T0 / MINUTE, T0 / MINUTE + 1])
  })
})
