import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { defaultSettings, type Settings } from '../../src/config/settings.js'
import { Detector } from '../../src/detect/detector.js'
import type { DangerEvent } from '../../src/detect/engine.js'
import { buildReport, reportPart } from '../../src/report/build.js'
import type { ReportV1 } from '../../src/report/model.js'
import { CAPTURES } from '../helpers/golden.js'
import { bareDetectionPlan, dlOf, icmpLine, range, tcpLine, udpLine } from '../helpers/lines.js'

// A flood on one port is no scan in psad's model (port range 0), so a brute force against ssh would
// never be reported. Flood scoring gives a window of DANGER_LEVEL3 (150) or more packets to one port
// of one destination the packet band's danger level, with a finding that names the port and the rate.

const FLOOD = readFileSync(path.join(CAPTURES, 'ssh-flood.log'), 'utf8').split('\n').filter((l) => l !== '')
const TIME = { year: 2026, reference: Date.UTC(2026, 11, 4) }

function run(lines: readonly string[], tweak?: (s: Settings) => void, events: DangerEvent[] = []): ReportV1 {
  const settings = defaultSettings()
  tweak?.(settings)
  const d = new Detector(bareDetectionPlan(settings), { onEvent: (e) => events.push(e) })
  lines.forEach((l, i) => d.line(l, TIME, () => `t:${i + 1}`))
  return buildReport({ parts: [reportPart(d, settings)], inputs: [] }, 'test')
}

const noFloodScoring = (s: Settings): void => void (s.detection = { ...s.detection, floodScoring: false })
// Timestamps a second apart from 10:00:00 (150 packets fit in one SCAN_TIMEOUT window).
const at = (i: number): string => `Nov 22 10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`
const synsTo22 = (n: number): string[] => range(n).map((i) => tcpLine({ dport: 22, sport: 30000 + i, time: at(i) }))

describe('floods on one port', () => {
  test('400 real SYNs to tcp/22: DL 3 with a finding naming the port and the rate', () => {
    const events: DangerEvent[] = []
    const r = run(FLOOD, undefined, events)
    expect(r.sources).toHaveLength(1)
    const s = r.sources[0]!
    expect(s).toMatchObject({ ip: '10.77.0.1', dangerLevel: 3, packets: 400 })
    // The window opens at the first packet as logged (rsyslog wrote a few lines out of time order)
    // and runs to the latest.
    const seconds = (Date.parse(s.lastSeen!) - Date.parse(FLOOD[0]!.slice(0, 32))) / 1000
    const perMinute = Math.round((400 * 60) / seconds)
    expect(s.findings).toEqual([{ kind: 'flood', message: `flood: 400 packets to tcp/22 on 10.77.0.2 in ${seconds.toFixed(1)} s (${perMinute} per minute)` }])
    expect(events.map((e) => [e.from, e.to, e.reason])).toEqual([[0, 3, 'flood']])
  })

  test("--no-flood-scoring gives psad's verdict: no danger level, no finding", () => {
    const r = run(FLOOD, noFloodScoring)
    expect(r.sources).toEqual([])
    expect(r.summary).toMatchObject({ packets: 400, sourcesSeen: 1 })
  })

  test('the DANGER_LEVEL bands: 149 packets are no flood, 150 are DL 3, 1,500 DL 4', () => {
    expect(dlOf(run(synsTo22(149)))).toBe(0)
    expect(dlOf(run(synsTo22(150)))).toBe(3)
    const long = range(1500).map((i) => tcpLine({ dport: 22, sport: 1024 + i, time: `Nov 22 1${Math.floor(i / 3600)}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}` }))
    expect(dlOf(run(long))).toBe(4)
    expect(dlOf(run(synsTo22(150), (s) => void (s.detection = { ...s.detection, dangerLevels: [5, 15, 200, 1500, 10000] })))).toBe(0)
  })

  test('a flood is one window: 100 packets, an idle SCAN_TIMEOUT, 100 more are none', () => {
    const lines = [...range(100).map((i) => tcpLine({ dport: 22, time: at(i) })), ...range(100).map((i) => tcpLine({ dport: 22, time: `Nov 22 12:00:${String(i % 60).padStart(2, '0')}` }))]
    expect(dlOf(run(lines))).toBe(0)
    expect(dlOf(run(lines, (s) => void (s.detection = { ...s.detection, persistence: true })))).toBe(3)
    // The rate is over the flood's own window, not since the destination's first packet.
    const again = [...range(10).map((i) => tcpLine({ dport: 22, time: `Nov 22 08:00:0${i}` })), ...synsTo22(160)]
    expect(run(again).sources[0]?.findings.map((f) => f.message)).toEqual(['flood: 160 packets to tcp/22 on 192.0.2.1 in 2.6 min (60 per minute)'])
  })

  test('UDP floods count, and the finding keeps the largest window', () => {
    const udp = range(160).map((i) => udpLine({ dport: 123, sport: 2000 + i, time: at(i) }))
    const r = run(udp)
    expect(r.sources[0]?.dangerLevel).toBe(3)
    expect(r.sources[0]?.findings[0]?.message).toMatch(/^flood: 160 packets to udp\/123 on 192\.0\.2\.1 in 2\.6 min \(60 per minute\)$/)
    const two = run([...synsTo22(150), ...range(200).map((i) => tcpLine({ dst: '192.0.2.9', dport: 25, time: at(150 + i) }))])
    expect(two.sources[0]?.findings.map((f) => f.message)).toEqual(['flood: 200 packets to tcp/25 on 192.0.2.9 in 3.3 min (60 per minute)'])
  })

  test('a window that also reached other ports is a scan, scored by psad\'s model, with no flood finding', () => {
    const lines = [...range(20).map((p) => tcpLine({ dport: 1000 + p, time: at(0) })), ...range(200).map((i) => tcpLine({ dport: 1005, time: at(i) }))]
    const r = run(lines)
    expect(r.sources[0]).toMatchObject({ dangerLevel: 3, findings: [] })
    expect(dlOf(run(lines, noFloodScoring))).toBe(3)
  })

  test('the finding keeps the largest flood when a smaller one follows, and the later of two equal ones', () => {
    const floodTo = (dst: string, dport: number, n: number, from: number): string[] => range(n).map((i) => tcpLine({ dst, dport, time: at(from + i) }))
    const larger = run([...floodTo('192.0.2.9', 25, 200, 0), ...floodTo('192.0.2.1', 22, 150, 200)])
    expect(larger.sources[0]?.findings.map((f) => f.message)).toEqual(['flood: 200 packets to tcp/25 on 192.0.2.9 in 3.3 min (60 per minute)'])
    const equal = run([...floodTo('192.0.2.9', 25, 150, 0), ...floodTo('192.0.2.1', 22, 150, 150)])
    expect(equal.sources[0]?.findings.map((f) => f.message)).toEqual(['flood: 150 packets to tcp/22 on 192.0.2.1 in 2.5 min (60 per minute)'])
  })

  test('port 0 is a port: 150 SYNs to tcp/0 are a flood', () => {
    const r = run(range(150).map((i) => tcpLine({ dport: 0, time: at(i) })))
    expect(r.sources[0]?.findings.map((f) => f.message)).toEqual(['flood: 150 packets to tcp/0 on 192.0.2.1 in 2.5 min (60 per minute)'])
  })

  test('150 ICMP echoes to one host have no port: scored as psad scores them, with no flood finding', () => {
    const r = run(range(150).map((i) => icmpLine({ type: 8, code: 0, seq: i, time: at(i) })))
    expect(r.sources[0]).toMatchObject({ dangerLevel: 3, findings: [] })
  })
})
