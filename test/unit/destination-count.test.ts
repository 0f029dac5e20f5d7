import { describe, expect, test } from 'vitest'
import { DestinationCount, EXACT_LIMIT } from '../../src/detect/destination-count.js'
import { defaultSettings } from '../../src/config/settings.js'
import { restoreSnapshot, snapshot } from '../helpers/snapshot.js'
import { Detector } from '../../src/detect/detector.js'
import { sourceReport } from '../../src/report/build.js'
import { bareDetectionPlan, tcpLine } from '../helpers/lines.js'

// `destinationsTotal` is the number of distinct destination addresses, exact up to more than a
// million per source beyond the itemised ones, then an estimate that says it is one.

// Distinct IPv4 keys spread over the space (the engine's keys are signed 32-bit numbers).
const v4 = (i: number): number => (Math.imul(i + 1, 2654435761) | 0)
const v6 = (i: number): string => `2001:0db8:${(i >>> 16).toString(16).padStart(4, '0')}:${(i & 0xffff).toString(16).padStart(4, '0')}:0000:0000:0000:0001`

describe('distinct destinations beyond the itemised ones', () => {
  test('exact up to 1,048,576 (IPv4 and IPv6 together, each counted once however often it comes back)', () => {
    const c = new DestinationCount()
    for (let i = 0; i < 1_000_000; i++) c.add(v4(i))
    for (let i = 0; i < 1_000_000; i += 7) c.add(v4(i))
    for (let i = 0; i < EXACT_LIMIT - 1_000_000 - 1; i++) c.add(v6(i))
    c.add(0)
    c.add(0)
    expect(c.count).toBe(EXACT_LIMIT)
    expect(c.estimated).toBe(false)
  })

  test('past that, an estimate within 3%, and the count says so', () => {
    const c = new DestinationCount()
    for (let i = 0; i < 3_000_000; i++) c.add(v4(i))
    for (let i = 0; i < 3_000_000; i += 3) c.add(v4(i))
    expect(c.estimated).toBe(true)
    expect(Math.abs(c.count - 3_000_000) / 3_000_000).toBeLessThan(0.03)
  })

  test('saved and restored: exact sets and the sketch', () => {
    const exact = new DestinationCount()
    for (let i = 0; i < 5000; i++) exact.add(i % 2 === 0 ? v4(i) : v6(i))
    exact.add(0)
    const back = DestinationCount.restore(JSON.parse(JSON.stringify(exact.save())))!
    expect(back.count).toBe(5001)
    back.add(v4(0))
    back.add(v6(1))
    expect(back.count).toBe(5001)
    const big = new DestinationCount()
    for (let i = 0; i < EXACT_LIMIT + 10; i++) big.add(v4(i))
    const again = DestinationCount.restore(JSON.parse(JSON.stringify(big.save())))!
    expect([again.estimated, again.count]).toEqual([true, big.count])
    expect(DestinationCount.restore(['sketch', 'AAAA'])).toBeNull()
    expect(DestinationCount.restore(['exact', 'AAA', ''])).toBeNull()
  })

  test('a source past maxDestinations reports them, through the engine and across a save', () => {
    const settings = defaultSettings()
    settings.detection = { ...settings.detection, maxDestinations: 16 }
    const d = new Detector(bareDetectionPlan(settings))
    const time = { year: 2026, reference: Date.UTC(2026, 10, 22) }
    const dst = (h: number): string => (h % 3 === 0 ? `2001:db8::${h.toString(16)}` : `10.0.${h >> 8}.${h & 255}`)
    const line = (h: number): string => {
      const l = tcpLine({ dport: 22, dst: dst(h) })
      return h % 3 === 0 ? l.replace('SRC=203.0.113.5', 'SRC=2001:db8::5').replace(/LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=\d+/, 'LEN=64 TC=0 HOPLIMIT=50 FLOWLBL=0') : l
    }
    for (let h = 0; h < 3000; h++) d.line(line(h), time, () => 't')
    for (let h = 0; h < 3000; h += 5) d.line(line(h), time, () => 't')
    const b = new Detector(bareDetectionPlan(settings))
    restoreSnapshot(b, JSON.parse(JSON.stringify(snapshot(d))))
    for (const det of [d, b]) {
      expect(sourceReport(det, settings, '203.0.113.5')).toMatchObject({ destinationsTotal: 2000, destinationsEstimated: false })
      expect(sourceReport(det, settings, '2001:db8::5')).toMatchObject({ destinationsTotal: 1000, destinationsEstimated: false })
      expect(sourceReport(det, settings, '2001:db8::5')!.destinations).toHaveLength(16)
    }
  })
})
