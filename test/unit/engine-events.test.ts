import { describe, expect, test } from 'vitest'
import { parseAutoDl } from '../../src/config/auto-dl.js'
import { defaultSettings } from '../../src/config/settings.js'
import { parseReputationList, Reputation } from '../../src/config/reputation.js'
import { parseSnortRuleDl } from '../../src/config/snort-rule-dl.js'
import { parseSnortRules, type SnortRuleInfo } from '../../src/config/snort-rules.js'
import { parseSignatures } from '../../src/detect/signatures/grammar.js'
import { SignatureIndex } from '../../src/detect/signatures/signature-index.js'
import { fed, iso, rows, T0, v6Line } from '../helpers/engine-feed.js'
import { icmpLine, range, tcpLine } from '../helpers/lines.js'

// The engine reports a danger-level rise as one event: which source, from which level to which, at
// the log's latest time, and why (scan, sweep, flood, signature, invalid-icmp, auto-dl, reputation).
// Watch's alert desk acts on these events, so each level change must come exactly once, with its reason.

const S = '203.0.113.5'
const syn = (dport: number, ms: number, dst = '192.0.2.1', src = S): string => tcpLine({ src, dst, dport, time: iso(ms) })

describe('scan and sweep events', () => {
  test('a port scan raises its source once per level, at the packet that crossed each DANGER_LEVEL', () => {
    // 20 SYNs to ports 1-20, one a second: DANGER_LEVEL1 is 5 packets, DANGER_LEVEL2 15.
    const d = fed(range(20).map((i) => syn(i + 1, T0 + i * 1000)))
    expect(d.events).toEqual([
      { ip: S, from: 0, to: 1, time: T0 + 4000, reason: 'scan' },
      { ip: S, from: 1, to: 2, time: T0 + 14_000, reason: 'scan' },
    ])
  })

  test('a sweep of DL1_UNIQUE_HOSTS destinations raises its source when the tenth destination is reached, as a sweep', () => {
    const lines = range(12).map((i) => syn(22, T0 + i, `192.0.2.${i + 1}`))
    const d = fed(lines)
    expect(d.events).toEqual([{ ip: S, from: 0, to: 1, time: T0 + 9, reason: 'sweep' }])
  })

  test('with sweeps off (DL1_UNIQUE_HOSTS 0) a scan across many destinations is a scan', () => {
    const lines = range(12).flatMap((i) => range(5).map((p) => syn(p + 1, T0 + i * 10 + p, `192.0.2.${i + 1}`)))
    const d = fed(lines, { detection: { uniqueHosts: [0, 0, 0, 0, 0] } })
    expect(rows(d.events)).toEqual([[S, 0, 1, 'scan']])
  })

  test('a flood that is part of a sweep already scored at its level is reported as the sweep', () => {
    // Ten destinations on tcp/22 (a sweep, DL 1), then 149 more SYNs to the first: 150 packets to one
    // port, the flood band's DL 3, which the sweep's pair level (max of packet and host bands) also gives.
    const sweep = range(10).map((i) => syn(22, T0 + i, `192.0.2.${i + 1}`))
    const flood = range(149).map((i) => syn(22, T0 + 100 + i))
    const d = fed([...sweep, ...flood])
    expect(rows(d.events)).toEqual([[S, 0, 1, 'sweep'], [S, 1, 2, 'sweep'], [S, 2, 3, 'sweep']])
    expect(d.source(S)?.findings.map((f) => f.kind)).toEqual(['port-sweep', 'flood'])
  })

  test("an event carries the log's latest time, also when an older line of another host's clock raised it", () => {
    const other = tcpLine({ src: '198.51.100.1', dport: 80, time: iso(T0 + 3_600_000) })
    const d = fed([other, ...range(5).map((i) => syn(i + 1, T0 + i))])
    expect(d.events).toEqual([{ ip: S, from: 0, to: 1, time: T0 + 3_600_000, reason: 'scan' }])
  })
})

describe('events from lists, signatures and ICMP validity', () => {
  test('a source on two reputation lists gets the higher danger level at its first packet, once', () => {
    const low = parseReputationList('203.0.113.0/24\n', { name: 'low', dl: 2, file: 'low.txt', origin: 'test' })
    const high = parseReputationList('203.0.113.5\n', { name: 'high', dl: 4, file: 'high.txt', origin: 'test' })
    const d = fed([syn(80, T0), syn(81, T0 + 1)], { lists: { reputation: Reputation.fromLists([low, high]) } })
    expect(d.events).toEqual([{ ip: S, from: 0, to: 4, time: T0, reason: 'reputation' }])
    expect(d.source(S)?.dangerLevel).toBe(4)
  })

  test('an IPv4 network on a list never matches an IPv6 source (a bogon list holds 0.0.0.0/8)', () => {
    const bogons = parseReputationList('0.0.0.0/8\n0.0.0.0/0\n', { name: 'bogons', dl: 3, file: 'bogons.txt', origin: 'test' })
    const v6 = v6Line({ time: iso(T0), body: 'PROTO=TCP SPT=40000 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0 ' })
    const d = fed([v6], { lists: { reputation: Reputation.fromLists([bogons]), autoDl: parseAutoDl('0.0.0.0/0 4;\n', 'auto_dl') } })
    expect(d.source('2001:db8::5')).toMatchObject({ version: 6, packets: 1, dangerLevel: 0, findings: [] })
    expect(d.events).toEqual([])
  })

  test('an auto_dl entry raises its source at its first packet, as auto-dl', () => {
    const d = fed([syn(80, T0), syn(81, T0 + 1)], { lists: { autoDl: parseAutoDl('203.0.113.0/24 3;\n', 'auto_dl') } })
    expect(d.events).toEqual([{ ip: S, from: 0, to: 3, time: T0, reason: 'auto-dl' }])
  })

  test('a signature match raises its source to the signature danger level, as signature', () => {
    const { signatures } = parseSignatures('alert tcp any any -> any 27374 (msg:"BACKDOOR SubSeven"; flags:S; sid:103; psad_dl:3;)', 'sigs', { vars: defaultSettings().vars, strict: false })
    const d = fed([syn(27374, T0), syn(27374, T0 + 1)], { signatures: new SignatureIndex(signatures) })
    expect(d.events).toEqual([{ ip: S, from: 0, to: 3, time: T0, reason: 'signature' }])
    expect(d.source(S)?.signatures.map((s) => [s.sid, s.count])).toEqual([[103, 2]])
  })

  test('an invalid ICMP type raises its source to DL 2 once, as invalid-icmp', () => {
    const d = fed([icmpLine({ type: 44, code: 0, time: iso(T0) }), icmpLine({ type: 45, code: 0, time: iso(T0 + 1) })])
    expect(d.events).toEqual([{ ip: S, from: 0, to: 2, time: T0, reason: 'invalid-icmp' }])
  })

  describe('fwsnort lines (the firewall matched a Snort rule)', () => {
    const snortRules = new Map<number, SnortRuleInfo>()
    parseSnortRules('alert tcp any any -> any 8443 (msg:"TEST fwsnort rule"; classtype:web-application-attack; sid:9000001; rev:1;)', 'test.rules', snortRules, { classes: new Map(), refs: new Map(), warn: () => {} })
    const line = tcpLine({ dport: 8443, prefix: '[12] SID9000001 ', time: iso(T0) })

    test.each([
      ['without snort_rule_dl: DL 2', null, 2],
      ['with a snort_rule_dl that does not list the SID: DL 2', parseSnortRuleDl('9000002 5;\n', 'snort_rule_dl'), 2],
      ['with a snort_rule_dl that lists the SID: its level', parseSnortRuleDl('9000001 4;\n', 'snort_rule_dl'), 4],
    ])('%s', (_, snortRuleDl, dl) => {
      const d = fed([line], { lists: { snortRules, snortRuleDl } })
      expect(rows(d.events)).toEqual([[S, 0, dl, 'signature']])
      expect(d.source(S)?.signatures.map((s) => [s.sid, s.msg, s.dangerLevel])).toEqual([[9000001, 'TEST fwsnort rule', dl]])
    })
  })
})
