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

describe('the count across growth, the limit and a save', () => {
  const b64 = (words: number[]): string => Buffer.from(new Uint32Array(words).buffer).toString('base64')
  const words = (text: string): number[] => [...new Uint32Array(new Uint8Array(Buffer.from(text, 'base64')).buffer)]

  test('IPv6 destinations that come back after the set has grown many times are counted once', () => {
    // Every 32-bit word of the address varies, so each takes part in where the key is filed.
    const hex = (n: number): string => (n & 0xffff).toString(16)
    const spread = (i: number): string => `2001:${hex(i & 0xff)}:${hex(i >>> 8)}:${hex(i * 3)}:${hex(i * 7)}:${hex(i)}:1:${hex(i * 11)}`
    const c = new DestinationCount()
    for (let i = 0; i < 5000; i++) c.add(spread(i))
    for (let i = 4999; i >= 0; i--) c.add(spread(i))
    expect(c.count).toBe(5000)
    const back = DestinationCount.restore(c.save())!
    for (let i = 0; i < 5000; i++) back.add(spread(i))
    expect(back.count).toBe(5000)
  })

  test('the zero addresses 0.0.0.0 and :: are destinations like any other, also across a save', () => {
    const c = new DestinationCount()
    for (const k of [0, '::', 0, '::', 5, '2001:db8::1']) c.add(k)
    expect(c.count).toBe(4)
    const back = DestinationCount.restore(JSON.parse(JSON.stringify(c.save())))!
    expect(back.count).toBe(4)
    for (const k of [0, '::']) back.add(k)
    expect(back.count).toBe(4)
  })

  test('the saved form lists the keys in ascending order, whatever order they came in', () => {
    const keys4 = Array.from({ length: 3000 }, (_, i) => v4(i))
    const keys6 = Array.from({ length: 3000 }, (_, i) => v6(i * 7919))
    const forward = new DestinationCount()
    const backward = new DestinationCount()
    keys4.forEach((k, i) => {
      forward.add(k)
      forward.add(keys6[i]!)
    })
    for (let i = keys4.length - 1; i >= 0; i--) {
      backward.add(keys6[i]!)
      backward.add(keys4[i]!)
    }
    const saved = forward.save()
    expect(backward.save()).toEqual(saved)
    expect(saved[0]).toBe('exact')
    const w4 = words(saved[1])
    expect(w4).toEqual(keys4.map((k) => k >>> 0).sort((a, b) => a - b))
    const w6 = words(saved[2]!)
    const rows = Array.from({ length: w6.length / 4 }, (_, i) => w6.slice(i * 4, i * 4 + 4))
    const text = (r: number[]): string => r.map((w) => w.toString(16).padStart(8, '0')).join('')
    expect(rows.map(text)).toEqual(rows.map(text).sort())
    expect(new Set(rows.map(text)).size).toBe(3000)
  })

  test('the zero address can be the one that goes past the limit', () => {
    const c = new DestinationCount()
    for (let i = 0; i < EXACT_LIMIT; i++) c.add(v4(i))
    expect(c.estimated).toBe(false)
    c.add(0)
    expect(c.estimated).toBe(true)
  })

  test('IPv6 destinations go past the limit too, and every address counted so far is in the estimate', () => {
    const c = new DestinationCount()
    const v4s = EXACT_LIMIT - 100_000
    for (let i = 0; i < v4s; i++) c.add(v4(i))
    for (let i = 0; i < 100_000; i++) c.add(v6(i))
    expect(c.estimated).toBe(false)
    c.add(v6(100_000))
    expect(c.estimated).toBe(true)
    expect(Math.abs(c.count - (EXACT_LIMIT + 1)) / EXACT_LIMIT).toBeLessThan(0.03)
    // Past the limit, new IPv6 destinations still raise the estimate.
    for (let i = 100_001; i < 200_000; i++) c.add(v6(i))
    expect(Math.abs(c.count - (v4s + 200_000)) / (v4s + 200_000)).toBeLessThan(0.03)
  })

  test('an estimate is never below the exact limit (a restored, empty sketch)', () => {
    const empty = DestinationCount.restore(['sketch', Buffer.alloc(1 << 14).toString('base64')])!
    expect([empty.estimated, empty.count]).toEqual([true, EXACT_LIMIT + 1])
  })

  test.each<[string, unknown]>([
    ['not a list', 'exact'],
    ['an object', {}],
    ['null', null],
    ['a number in the list', ['exact', 5, '']],
    ['an unknown kind', ['fuzzy', '', '']],
    ['an exact form with a fourth part', ['exact', '', '', '']],
    ['an exact form with two parts', ['exact', Buffer.alloc(1 << 14).toString('base64')]],
    ['a sketch form with a third part', ['sketch', Buffer.alloc(1 << 14).toString('base64'), '']],
    ['a sketch register past 19', ['sketch', Buffer.alloc(1 << 14, 20).toString('base64')]],
    ['IPv6 words not a multiple of four', ['exact', '', b64([1])]],
    ['more keys than the limit', ['exact', b64(Array.from({ length: EXACT_LIMIT }, (_, i) => i + 1)), b64([0, 0, 0, 1])]],
  ])('restore refuses %s', (_what, saved) => {
    expect(DestinationCount.restore(saved)).toBeNull()
  })

  test('restore takes a sketch with registers up to 19, and exactly as many keys as the limit', () => {
    expect(DestinationCount.restore(['sketch', Buffer.alloc(1 << 14, 19).toString('base64')])?.estimated).toBe(true)
    const full = DestinationCount.restore(['exact', b64(Array.from({ length: EXACT_LIMIT }, (_, i) => i + 1)), ''])!
    expect([full.estimated, full.count]).toEqual([false, EXACT_LIMIT])
  })

  test('a saved count of 70,000 IPv4 and 5,000 IPv6 destinations comes back whole', () => {
    const c = new DestinationCount()
    for (let i = 0; i < 70_000; i++) c.add(v4(i))
    for (let i = 0; i < 5000; i++) c.add(v6(i))
    const back = DestinationCount.restore(JSON.parse(JSON.stringify(c.save())))!
    expect([back.estimated, back.count]).toEqual([false, 75_000])
  })
})
