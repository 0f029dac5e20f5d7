import { describe, expect, test } from 'vitest'
import { analyzeLines, dlOf, icmpLine, protoLine, range, tcpLine, udpLine } from '../helpers/lines.js'
import type { Settings } from '../../src/config/settings.js'

// The boundaries of psad's danger-level model (docs/psad-model.md §2), as psad 2.4.6 computes them.
describe('danger-level boundaries (docs/psad-model.md §2)', () => {
  test('20 SYNs to one port on one host: no DL (port range 0)', () => {
    expect(dlOf(analyzeLines(range(20).map(() => tcpLine({ dport: 22 }))))).toBe(0)
  })
  test('30 UDP packets to one port: no DL', () => {
    expect(dlOf(analyzeLines(range(30).map(() => udpLine({ dport: 53 }))))).toBe(0)
  })
  test('4 SYNs to 4 ports: no DL (fewer than DANGER_LEVEL1)', () => {
    expect(dlOf(analyzeLines(range(4, 2000).map((p) => tcpLine({ dport: p }))))).toBe(0)
  })
  test.each([
    [5, 1], [14, 1], [15, 2], [149, 2], [150, 3], [1499, 3], [1500, 4],
  ])('%i ports -> DL %i', (ports, dl) => {
    expect(dlOf(analyzeLines(range(ports, 2000).map((p) => tcpLine({ dport: p }))))).toBe(dl)
  })
  test('10000 packets -> DL 5', () => {
    const lines = range(10000).map((i) => tcpLine({ dport: 1000 + (i % 2000) }))
    expect(dlOf(analyzeLines(lines))).toBe(5)
  })
  test.each([
    [9, 0], [10, 1], [19, 1], [20, 2], [49, 2], [50, 3], [99, 3], [100, 4], [499, 4], [500, 5],
  ])('1 SYN to the same port on %i hosts -> DL %i', (hosts, dl) => {
    const lines = range(hosts).map((h) => tcpLine({ dport: 1083, dst: `10.${(h >> 8) & 255}.${h & 255}.1` }))
    expect(dlOf(analyzeLines(lines))).toBe(dl)
  })
  test('4 IP protocols to one host: no DL; 5 protocols: DL 1 and IP-PROTOCOL', () => {
    expect(dlOf(analyzeLines([47, 50, 51, 132].map((p) => protoLine({ proto: p }))))).toBe(0)
    const r = analyzeLines([47, 50, 51, 132, 89].map((p) => protoLine({ proto: p })))
    expect(dlOf(r)).toBe(1)
    expect(r.sources[0]!.scanTypes).toContain('IP-PROTOCOL')
    expect(r.sources[0]!.nmapOptions).toContain('-sO')
  })
  test('ICMP echo with an invalid code x5 -> DL 2 with an invalid-icmp finding', () => {
    const r = analyzeLines(range(5).map(() => icmpLine({ type: 8, code: 2 })))
    expect(dlOf(r)).toBe(2)
    expect(r.sources[0]!.findings.map((f) => f.kind)).toEqual(['invalid-icmp'])
  })
  test('a sweep reaching the gate re-scores earlier single-port floods like psad does at batch end', () => {
    // 200 packets to one port of host A (no scan on its own), then 1 SYN to 9 more hosts: D = 10.
    const flood = range(200).map(() => tcpLine({ dport: 80, dst: '10.0.0.1' }))
    const sweep = range(9).map((h) => tcpLine({ dport: 80, dst: `10.0.1.${h + 1}` }))
    const psad = (s: Settings): void => void (s.detection = { ...s.detection, floodScoring: false })
    expect(dlOf(analyzeLines(flood, psad))).toBe(0)
    expect(dlOf(analyzeLines([...flood, ...sweep], psad))).toBe(3)
    // portsleuth's flood scoring (docs/psad-model.md §8) gives the flood its own DL 3.
    expect(dlOf(analyzeLines(flood))).toBe(3)
  })
  test('thresholds are configurable', () => {
    const lines = range(5, 2000).map((p) => tcpLine({ dport: p }))
    expect(dlOf(analyzeLines(lines, (s) => {
      s.detection = { ...s.detection, dangerLevels: [5, 5, 5, 5, 5] }
    }))).toBe(5)
    expect(dlOf(analyzeLines(lines, (s) => {
      s.detection = { ...s.detection, dangerLevels: [6, 15, 150, 1500, 10000] }
    }))).toBe(0)
  })
  test('MIN_DANGER_LEVEL hides lower sources from sources[] but not from the counters', () => {
    const r = analyzeLines(range(5, 2000).map((p) => tcpLine({ dport: p })), (s) => {
      s.detection = { ...s.detection, minDangerLevel: 2 }
    })
    expect(r.sources).toEqual([])
    expect(r.summary.dangerLevels['1']).toBe(1)
  })
})

describe('time windows (SCAN_TIMEOUT on event time)', () => {
  const slow = (gapMin: number): string[] =>
    range(6).map((i) => {
      const t = new Date(Date.UTC(2026, 10, 22, 0, i * gapMin))
      const stamp = t.toISOString().replace('Z', '+00:00')
      return tcpLine({ dport: 2000 + i, time: stamp })
    })
  test('packets further apart than SCAN_TIMEOUT never add up', () => {
    expect(dlOf(analyzeLines(slow(61)))).toBe(0)
    expect(dlOf(analyzeLines(slow(59)))).toBe(1)
  })
  test('ENABLE_PERSISTENCE keeps the window open forever', () => {
    expect(dlOf(analyzeLines(slow(61), (s) => {
      s.detection = { ...s.detection, persistence: true }
    }))).toBe(1)
  })
  test('the window is measured from the last packet, not the first (an ongoing scan never resets)', () => {
    const lines = range(30).map((i) => {
      const stamp = new Date(Date.UTC(2026, 10, 22, 0, i * 10)).toISOString().replace('Z', '+00:00')
      return tcpLine({ dport: 2000 + i, time: stamp })
    })
    expect(dlOf(analyzeLines(lines))).toBe(2)
  })
})

describe('bounded state per source', () => {
  test('destinations beyond the first 4,096 are counted exactly, not itemised, and reported as a finding', () => {
    const lines = range(4100).map((h) => tcpLine({ dport: 1083, dst: `10.${(h >> 8) & 255}.${h & 255}.1` }))
    // The last four destinations again: packets, but no new destinations.
    lines.push(...range(4).map((h) => tcpLine({ dport: 1083, dst: `10.16.${h}.1` })))
    const s = analyzeLines(lines).sources[0]!
    expect(s.packets).toBe(4104)
    expect(s.destinations).toHaveLength(4096)
    expect(s.destinationsTotal).toBe(4100)
    expect(s.destinationsEstimated).toBe(false)
    expect(s.dangerLevel).toBe(5)
    expect(s.findings).toContainEqual({ kind: 'untracked-destinations', message: '8 packets to 4 more destinations beyond the first 4096 were counted but not itemised' })
  })
})
