import { describe, expect, test } from 'vitest'
import { compilePlan } from '../../src/config/plan.js'
import { MAX_LABELS } from '../../src/detect/engine.js'
import { fed, iso, T0, v6Line } from '../helpers/engine-feed.js'
import { icmpLine, range, tcpLine, udpLine } from '../helpers/lines.js'

// What one accepted packet leaves behind: run-wide counters (labels, ports, options seen) and the
// per-source state a report shows (times, port ranges per protocol, scan types, findings), and the
// scan windows whose open count decides when a source is a sweep.

const S = '203.0.113.5'
const DAY = 86_400_000
const syn = (dport: number, ms: number, dst = '192.0.2.1'): string => tcpLine({ dport, dst, time: iso(ms) })
const udplite = (dport: number, ms: number): string => udpLine({ dport, time: iso(ms) }).replace('PROTO=UDP ', 'PROTO=UDPLITE ')
const echo = (ms: number, dst = '192.0.2.1'): string => icmpLine({ type: 8, code: 0, dst, time: iso(ms) })

describe('run-wide counters', () => {
  test.each([
    ['hosts', (i: number) => tcpLine({ dport: 80, time: iso(T0 + i) }).replace(' fw kernel:', ` fw${i} kernel:`)],
    ['logPrefixes', (i: number) => tcpLine({ dport: 80, time: iso(T0 + i), prefix: `DROP-${i} ` })],
  ] as const)('past %s labels of the run, one more label is counted as other', (key, line) => {
    const summary = fed(range(MAX_LABELS + 2).map(line)).report().summary
    const labels = summary[key]
    expect(Object.keys(labels)).toHaveLength(MAX_LABELS + 1)
    expect(labels['other']).toBe(2)
  })

  test.each([
    ['hosts', (label: string, i: number) => tcpLine({ dport: 80, time: iso(T0 + i) }).replace(' fw kernel:', ` ${label} kernel:`)],
    ['logPrefixes', (label: string, i: number) => tcpLine({ dport: 80, time: iso(T0 + i), prefix: `${label} ` })],
  ] as const)('a %s label spelled "other" shares the overflow count and takes no place among the 1,000 kept', (key, line) => {
    const labels = fed([line('other', 0), ...range(MAX_LABELS + 1).map((i) => line(`fw${i}`, i + 1))]).report().summary[key]
    expect(Object.keys(labels)).toHaveLength(MAX_LABELS + 1)
    expect(labels['other']).toBe(2)
    expect(labels[`fw${MAX_LABELS - 1}`]).toBe(1)
  })

  test('past 1,000 outbound sources and destinations, the rest are counted as other', () => {
    const out = (i: number): string =>
      `${iso(T0 + i)} fw kernel: DROP IN= OUT=eth0 SRC=10.0.${i >> 8}.${i & 255} DST=198.51.${i >> 8}.${i & 255} LEN=44 TOS=0x00 PREC=0x00 TTL=64 ID=${i} PROTO=TCP SPT=40000 DPT=443 WINDOW=1024 RES=0x00 SYN URGP=0 `
    const outbound = fed(range(MAX_LABELS + 1).map(out)).report().summary.outbound
    expect(outbound.packets).toBe(MAX_LABELS + 1)
    expect(outbound.sources['other']).toBe(1)
    expect(outbound.destinations['other']).toBe(1)
  })

  test('a line without a log prefix adds no prefix label, to the run or to its source', () => {
    const d = fed([tcpLine({ dport: 80, prefix: '', time: iso(T0) })], { tweak: (s) => void (s.filters = { ...s.filters, fwSearchAll: true }) })
    expect(d.report().summary.logPrefixes).toEqual({})
    expect(d.source(S)?.packets).toBe(1)
    expect(d.source(S)?.logPrefixes).toEqual({})
  })

  test('destination ports are counted per protocol: TCP, UDP and UDP-Lite apart', () => {
    const d = fed([syn(53, T0), udpLine({ dport: 53, time: iso(T0) }), udplite(53, T0), udplite(53, T0 + 1), echo(T0)])
    expect(d.report().topPorts).toEqual([
      { protocol: 'udplite', port: 53, packets: 2 },
      { protocol: 'tcp', port: 53, packets: 1 },
      { protocol: 'udp', port: 53, packets: 1 },
    ])
  })

  test('a logged but empty TCP option list counts as logged options (the Masscan finding needs some)', () => {
    const bare = tcpLine({ src: '198.51.100.9', dport: 80, opts: null, time: iso(T0) })
    const empty = tcpLine({ dport: 80, opts: '', time: iso(T0) })
    const d = fed([bare, empty])
    expect(d.source('198.51.100.9')?.findings.map((f) => f.kind)).toEqual(['masscan'])
    expect(d.source(S)?.findings).toEqual([])
  })

  test('SYNs whose logged options cannot be decoded are counted (they cannot be fingerprinted)', async () => {
    const plan = await compilePlan({ config: { configFile: null, psadDir: null, overrides: {} }, since: null, until: null, criteria: [], year: undefined, maxLineLength: 16384, now: T0 })
    const d = fed([tcpLine({ dport: 80, opts: '0204', time: iso(T0) }), tcpLine({ dport: 81, time: iso(T0 + 1) }), tcpLine({ dport: 82, time: iso(T0 + 2) })], { os: plan.os })
    expect(d.detector.engine.totals.tcpOptionsUndecodable).toBe(1)
  })
})

describe('per-source labels', () => {
  test('a source keeps its first log prefix and 32 more by name, and counts the rest as other', () => {
    const d = fed(range(36).map((i) => tcpLine({ dport: 80, time: iso(T0 + i), prefix: `DROP-${i} ` })))
    const prefixes = d.source(S)?.logPrefixes ?? {}
    expect(Object.keys(prefixes)).toHaveLength(34)
    expect(prefixes).toMatchObject({ 'DROP-0': 1, 'DROP-32': 1, other: 3 })
    expect(prefixes['DROP-33']).toBeUndefined()
  })
})

describe('per-source times and port ranges', () => {
  test.each([
    ['30 days after its first packet', [T0, T0 + 30 * DAY], T0, T0 + 30 * DAY],
    ['30 days before the first line of the run', [T0, T0 - 30 * DAY], T0 - 30 * DAY, T0],
  ])('a source seen again %s keeps exact first and last times', (_, times, first, last) => {
    const d = fed(times.map((t, i) => syn(80 + i, t)))
    expect(d.source(S)).toMatchObject({ firstSeen: new Date(first).toISOString(), lastSeen: new Date(last).toISOString() })
    expect(d.source(S)?.destinations[0]).toMatchObject({ firstSeen: new Date(first).toISOString(), lastSeen: new Date(last).toISOString() })
  })

  test('each protocol keeps its own destination port range', () => {
    const d = fed([udplite(500, T0), udplite(400, T0 + 1), udplite(600, T0 + 2), udpLine({ dport: 53, time: iso(T0 + 3) }), syn(22, T0 + 4), echo(T0 + 5)])
    expect(d.source(S)?.destinations).toEqual([
      { ip: '192.0.2.1', packets: 6, tcpPorts: '22', udpPorts: '53', udplitePorts: '400-600', protocols: 4, firstSeen: new Date(T0).toISOString(), lastSeen: new Date(T0 + 5).toISOString() },
    ])
  })

  test('UDP-Lite ports starting at port 0 make the range 0-5', () => {
    expect(fed([udplite(0, T0), udplite(5, T0 + 1)]).source(S)?.destinations[0]?.udplitePorts).toBe('0-5')
  })

  test.each([
    ['four SYNs to one port and an ICMP echo: no port range, no scan', [syn(80, T0), syn(80, T0 + 1), syn(80, T0 + 2), syn(80, T0 + 3), echo(T0 + 4)], 0],
    ['a SYN to port 0 and four to port 5: range 5, a scan', [syn(0, T0), syn(5, T0 + 1), syn(5, T0 + 2), syn(5, T0 + 3), syn(5, T0 + 4)], 1],
  ])('the scan window\'s port range: %s', (_, lines, dl) => {
    expect(fed(lines).source(S)?.dangerLevel).toBe(dl)
  })

  test('a window that timed out starts with no port range: five echoes later are scored on their count', () => {
    // PORT_RANGE_SCAN_THRESHOLD 3: a pair without ports has range N (its packets), so 5 echoes scan.
    const lines = [syn(80, T0), ...range(5).map((i) => echo(T0 + 2 * 3_600_000 + i))]
    expect(fed(lines, { detection: { portRangeScanThreshold: 3 } }).source(S)?.dangerLevel).toBe(1)
  })
})

describe('scan types and heuristics of a source', () => {
  test('UDP-Lite packets count as UDP for the UDP scan type', () => {
    expect(fed(range(5).map((i) => udplite(i + 1, T0 + i))).source(S)?.scanTypes).toEqual(['UDP'])
  })

  test.each([
    ['UDP packets', [udpLine({ dport: 53, time: iso(T0) })]],
    ['a TCP fragment without a TCP header', [`${iso(T0)} fw kernel: DROP IN=eth0 OUT= SRC=${S} DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=7 FRAG:10 PROTO=TCP `]],
  ])('%s add no TCP flag set', (_, lines) => {
    const src = fed(lines).source(S)
    expect(src?.packets).toBe(1)
    expect(src?.tcpFlags).toEqual({})
  })

  test('SYNs whose TCP header size is unknown (IP options, no TCP options) are neither raw (-sS) nor connect (-sT) SYNs', () => {
    const lines = range(5).map((i) => tcpLine({ dport: i + 1, opts: null, len: 48, time: iso(T0 + i) }).replace(' PROTO=TCP', ' OPT (01010101) PROTO=TCP'))
    expect(fed(lines).source(S)).toMatchObject({ scanTypes: ['SYN'], nmapOptions: [] })
  })

  test('seven empty IPv6 extension headers before TCP are a Topera scan', () => {
    const line = v6Line({ time: iso(T0), ext: 'OPT ( ) '.repeat(7), body: 'PROTO=TCP SPT=40000 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0 ' })
    expect(fed([line]).source('2001:db8::5')?.findings.map((f) => f.message)).toEqual(['Topera IPv6 scan: 1 TCP packets behind 7+ empty extension headers'])
  })

  test('SYNs to other ports are no Mirai scan; ten SYNs to tcp/23 then one to tcp/2323 are', () => {
    expect(fed([syn(80, T0), syn(2323, T0 + 1)]).source(S)?.findings).toEqual([])
    const mirai = fed([...range(10).map((i) => syn(23, T0 + i)), syn(2323, T0 + 10)])
    expect(mirai.source(S)?.findings.map((f) => f.kind)).toEqual(['mirai'])
  })

  test('a source keeps at most 32 kinds of invalid ICMP, counting every packet', () => {
    const types = range(40, 100)
    const d = fed(types.map((type, i) => icmpLine({ type, code: 0, time: iso(T0 + i) })))
    const invalid = d.source(S)?.findings.filter((f) => f.kind === 'invalid-icmp') ?? []
    expect(invalid).toHaveLength(32)
    expect(invalid[0]?.message).toBe('invalid ICMP type 100 (1 packet)')
  })

  test.each([
    ['ICMP type checks off: an invalid IPv4 type is no finding', icmpLine({ type: 44, code: 0, time: iso(T0) }), S, { icmp: false }, []],
    ['ICMPv6 type checks off: an invalid ICMPv6 type is no finding', v6Line({ time: iso(T0), body: 'PROTO=ICMPv6 TYPE=50 CODE=0 ' }), '2001:db8::5', { icmp6: false }, []],
    ['a valid ICMPv6 echo request is no finding', v6Line({ time: iso(T0), body: 'PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1 ' }), '2001:db8::5', {}, []],
    ['an invalid ICMPv6 type is', v6Line({ time: iso(T0), body: 'PROTO=ICMPv6 TYPE=50 CODE=0 ' }), '2001:db8::5', {}, ['invalid ICMPv6 type 50 (1 packet)']],
  ])('%s', (_, line, ip, detection, messages) => {
    expect(fed([line], { detection }).source(ip)?.findings.map((f) => f.message)).toEqual(messages)
  })

  test('a sweep is a port sweep only where a pair\'s port range equals PORT_RANGE_SWEEP_THRESHOLD', () => {
    const sweep = (ports: number[]): string[] => range(10).flatMap((i) => ports.map((p, k) => syn(p, T0 + 10 * i + k, `192.0.2.${i + 1}`)))
    const threshold1 = { detection: { portRangeSweepThreshold: 1 } }
    expect(fed(sweep([80, 82]), threshold1).source(S)).toMatchObject({ dangerLevel: 1, scanTypes: ['SYN'], findings: [] })
    expect(fed(sweep([80, 81]), threshold1).source(S)?.findings.map((f) => f.message)).toEqual(['port sweep: tcp/80-81 on 10 hosts (10 destinations in all)'])
  })

  test('an ICMP sweep has no ports, so it is no port sweep even when the threshold equals its packet count', () => {
    const lines = range(10).map((i) => echo(T0 + i, `192.0.2.${i + 1}`))
    expect(fed(lines, { detection: { portRangeSweepThreshold: 1 } }).source(S)).toMatchObject({ dangerLevel: 1, scanTypes: [] })
  })
})

describe('open scan windows count towards a sweep', () => {
  // After `history`, single SYNs to new destinations at `at`: a sweep opens when DL1_UNIQUE_HOSTS (10)
  // windows are open, so the probes it takes tell how many of the history's windows are still open.
  function probesToSweep(history: readonly string[], at: number): number {
    const d = fed(history)
    for (let i = 1; i <= 12; i++) {
      d.feed([syn(22, at + i, `198.18.0.${i}`)])
      if (d.events.some((e) => e.reason === 'sweep')) return i
    }
    return Number.NaN
  }
  const H = 3_600_000
  const M = 60_000

  test.each([
    ['nothing before', [], 0, 10],
    ['one destination a minute ago', [syn(80, T0)], T0 + M, 9],
    ['two destinations, the second idle past SCAN_TIMEOUT when the first was closed', [syn(80, T0), syn(80, T0 + 2 * H, '192.0.2.2')], T0 + 4 * H, 10],
    ['a destination that came back after its window closed', [syn(80, T0), syn(81, T0 + 2 * H)], T0 + 2 * H, 9],
    [
      'four destinations of which the oldest two went idle at different times',
      [syn(80, T0), syn(80, T0 + 40 * M, '192.0.2.2'), syn(80, T0 + 50 * M, '192.0.2.3'), syn(80, T0 + 65 * M, '192.0.2.4')],
      T0 + 105 * M,
      8,
    ],
  ])('%s', (_, history, at, probes) => {
    expect(probesToSweep(history, at === 0 ? T0 : at)).toBe(probes)
  })
})
