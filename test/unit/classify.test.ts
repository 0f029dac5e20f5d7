import { describe, expect, test } from 'vitest'
import { analyzeLines, dlOf, icmpLine, range, tcpLine, udpLine } from '../helpers/lines.js'

const SCANNER = '203.0.113.5'

function scan(flags: string, n = 20, extra: Partial<Parameters<typeof tcpLine>[0]> = {}): string[] {
  return range(n, 1000).map((p) => tcpLine({ dport: p, flags, sport: 45000, opts: null, len: 40, ...extra }))
}

describe('scan types and nmap options', () => {
  test.each([
    ['SYN', 'SYN', '-sS'],
    ['FIN', 'FIN', '-sF'],
    ['URG PSH FIN', 'XMAS', '-sX'],
    ['', 'NULL', '-sN'],
    ['ACK', 'ACK', '-sA'],
    ['ACK FIN', 'MAIMON', '-sM'],
    ['URG PSH SYN FIN', 'OS-PROBE', '-O'],
  ])('%j -> %s %s', (flags, type, option) => {
    const s = analyzeLines(scan(flags)).sources[0]!
    expect(s.scanTypes).toEqual([type])
    expect(s.nmapOptions).toEqual([option])
    expect(s.dangerLevel).toBe(2)
  })
  test('SYN FIN has no nmap option', () => {
    expect(analyzeLines(scan('SYN FIN')).sources[0]!.nmapOptions).toEqual([])
  })
  test('raw SYNs (MSS only) are -sS, operating-system SYNs (full options) are -sT', () => {
    const raw = analyzeLines(scan('SYN', 20, { opts: '020405B4', len: 44 })).sources[0]!
    expect(raw.nmapOptions).toEqual(['-sS'])
    const stack = analyzeLines(scan('SYN', 20, { opts: '020405B40402080A0001E2400000000001030307', len: 60, window: 64240 })).sources[0]!
    expect(stack.nmapOptions).toEqual(['-sT'])
  })
  test('UDP scans and sweeps', () => {
    expect(analyzeLines(range(20, 1000).map((p) => udpLine({ dport: p }))).sources[0]!.scanTypes).toEqual(['UDP'])
    const sweep = analyzeLines(range(12).map((h) => tcpLine({ dport: 1083, dst: `10.0.0.${h + 1}` }))).sources[0]!
    expect(sweep.scanTypes).toEqual(['SYN', 'SWEEP'])
    expect(sweep.findings.find((f) => f.kind === 'port-sweep')?.message).toMatch(/tcp\/1083 on 12 hosts/)
  })
})

describe('ACK/RST: real scans versus stateful-firewall leftovers', () => {
  // Late packets of connections the firewall forgot: from a service port to an ephemeral port.
  const leftovers = [
    ...range(6).map((i) => tcpLine({ src: '198.51.100.20', sport: 443, dport: 40000 + i * 977, flags: 'ACK FIN', opts: null })),
    ...range(6).map((i) => tcpLine({ src: '198.51.100.20', sport: 443, dport: 51000 + i * 13, flags: 'ACK PSH', opts: null })),
    ...range(4).map((i) => tcpLine({ src: '198.51.100.20', sport: 443, dport: 38000 + i, flags: 'RST', opts: null })),
    ...range(4).map((i) => tcpLine({ src: '198.51.100.21', sport: 22, dport: 60000 + i, flags: 'ACK', opts: null })),
  ]
  test('leftovers are dropped and counted, no source is reported', () => {
    const r = analyzeLines(leftovers)
    expect(r.sources).toEqual([])
    expect(r.summary.skipped['conntrack-leftover']).toBe(20)
  })
  test('a real nmap -sA scan from a high port is detected', () => {
    expect(dlOf(analyzeLines(scan('ACK', 151)))).toBe(3)
  })
  test('a real nmap -sM scan is detected', () => {
    expect(analyzeLines(scan('ACK FIN', 20)).sources[0]!.scanTypes).toEqual(['MAIMON'])
  })
  test('both in one log: the scan is found and the leftovers stay quiet', () => {
    const r = analyzeLines([...leftovers, ...scan('ACK', 20)])
    expect(r.sources.map((s) => s.ip)).toEqual([SCANNER])
  })
  test('IGNORE_CONNTRACK_BUG_PKTS Y behaves like psad: every ACK/RST packet is dropped', () => {
    const r = analyzeLines([...leftovers, ...scan('ACK', 20)], (s) => {
      s.detection = { ...s.detection, conntrack: 'ignore' }
    })
    expect(r.sources).toEqual([])
    expect(r.summary.skipped.conntrack).toBe(40)
  })
  test('IGNORE_CONNTRACK_BUG_PKTS N scores everything, leftovers included', () => {
    const r = analyzeLines(leftovers, (s) => {
      s.detection = { ...s.detection, conntrack: 'keep' }
    })
    expect(r.sources.map((s) => s.ip)).toContain('198.51.100.20')
  })
})

describe('heuristics', () => {
  test('Topera: IPv6 TCP behind 7+ empty extension headers', () => {
    const v6 = (ext: number, dport: number): string =>
      `Dec 20 20:10:40 fw kernel: DROP IN=eth0 OUT= SRC=2012:1234:1234:0000:0000:0000:0000:0001 DST=2012:1234:1234:0000:0000:0000:0000:0002 LEN=132 TC=0 HOPLIMIT=64 FLOWLBL=0 ${'OPT ( ) '.repeat(ext)}PROTO=TCP SPT=45496 DPT=${dport} WINDOW=8192 RES=0x00 SYN URGP=0 `
    const topera = analyzeLines(range(6).map((i) => v6(9, 1000 + i))).sources[0]!
    expect(topera.findings.find((f) => f.kind === 'topera')?.message).toBe('Topera IPv6 scan: 6 TCP packets behind 7+ empty extension headers')
    expect(analyzeLines(range(6).map((i) => v6(6, 1000 + i))).sources[0]!.findings.map((f) => f.kind)).not.toContain('topera')
  })
  test('Mirai: 10 SYNs to 23 then one to 2323', () => {
    const lines = [...range(10).map(() => tcpLine({ dport: 23 })), tcpLine({ dport: 2323 })]
    expect(analyzeLines(lines).sources[0]!.findings.map((f) => f.kind)).toContain('mirai')
    expect(analyzeLines(lines.slice(1)).sources[0]!.findings.map((f) => f.kind)).not.toContain('mirai')
  })
  test('Masscan: SYNs without options once another line logs options', () => {
    const withOpts = tcpLine({ src: '192.0.2.200', dport: 80 })
    const bare = range(7, 2000).map((p) => tcpLine({ dport: p, opts: null, len: 40 }))
    expect(analyzeLines([withOpts, ...bare]).sources.find((s) => s.ip === SCANNER)!.findings.map((f) => f.kind)).toContain('masscan')
    expect(analyzeLines(bare).sources[0]!.findings.map((f) => f.kind)).not.toContain('masscan')
  })
  test('invalid ICMP codes and types are findings with DL 2; ICMPv6 143 and 137 are valid', () => {
    const r = analyzeLines([icmpLine({ type: 8, code: 2 }), icmpLine({ src: '192.0.2.9', type: 44, code: 0 })])
    expect(r.sources.map((s) => [s.ip, s.dangerLevel, s.findings[0]?.message])).toEqual([
      ['192.0.2.9', 2, 'invalid ICMP type 44 (1 packet)'],
      [SCANNER, 2, 'invalid ICMP code 2 for type 8 (Echo Request) (1 packet)'],
    ])
    const v6 = (type: number, code: number): string => `Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=fe80:0000:0000:0000:0000:0000:0000:0001 DST=ff02:0000:0000:0000:0000:0000:0000:0016 LEN=76 TC=0 HOPLIMIT=1 FLOWLBL=0 PROTO=ICMPv6 TYPE=${type} CODE=${code} `
    expect(analyzeLines([v6(143, 0), v6(137, 0), v6(135, 0)]).sources).toEqual([])
    expect(analyzeLines([v6(135, 22)]).sources[0]!.findings[0]!.message).toBe('invalid ICMPv6 code 22 for type 135 (Neighbor Solicitation) (1 packet)')
  })
})
