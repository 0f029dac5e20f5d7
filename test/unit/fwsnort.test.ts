import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { parseSnortRuleDl } from '../../src/config/snort-rule-dl.js'
import type { SnortRuleInfo } from '../../src/config/snort-rules.js'
import { Detector } from '../../src/detect/detector.js'
import { NO_LISTS } from '../../src/detect/engine.js'
import { fwsnortSignature } from '../../src/detect/signatures/fwsnort.js'
import { standInSignature } from '../../src/detect/signatures/stand-in.js'
import { buildReport, reportPart } from '../../src/report/build.js'
import type { ReportV1 } from '../../src/report/model.js'
import { bareDetectionPlan, icmpLine, tcpLine, udpLine } from '../helpers/lines.js'

// Signature records that the index never made: an fwsnort hit (the firewall matched a Snort rule and
// logged `SID<n>` in the prefix) and the stand-in that saved state keeps for a rule since removed.
// Both report what they were given and claim no header or option criteria of their own.

function info(sid: number, more: Partial<SnortRuleInfo> = {}): SnortRuleInfo {
  return {
    sid, gid: 1, rev: 1, msg: `TEST rule ${sid}`, classtype: 'misc-activity', priority: 3, contents: [], references: [],
    metadata: null, action: 'alert', proto: 'tcp', entry: `local.rules:${sid % 100}`, ...more,
  }
}

const NO_CRITERIA = {
  src: { any: true, negate: false, nets: [] }, sport: { any: true, negate: false, ranges: [] },
  dst: { any: true, negate: false, nets: [] }, dport: { any: true, negate: false, ranges: [] },
  bidirectional: false, flags: null, established: false, dsize: null, ipLen: null, ttl: null, ipId: null, seq: null, ack: null,
  window: null, itype: null, icode: null, icmpId: null, icmpSeq: null, ipopt: null, sameip: false, samples: [],
}

describe('fwsnort signatures', () => {
  test('carry the Snort rule\'s sid, message, class and references, the danger level given, and no criteria', () => {
    const rule = info(9100001, { references: [{ system: 'cve', id: '2099-0001', url: 'http://cve.example/?id=2099-0001' }, { system: 'url', id: 'example.org/adv', url: null }] })
    expect(fwsnortSignature(rule, 3)).toEqual({
      key: 'fwsnort:9100001', sid: 9100001, psadId: null, msg: 'TEST rule 9100001', proto: 'tcp', dl: 3, classtype: 'misc-activity',
      references: ['cve,2099-0001', 'url,example.org/adv'], file: 'local.rules:1', line: 0, ...NO_CRITERIA,
    })
  })

  test.each([
    [9100101, 'tcp', 'tcp'], [9100102, 'udp', 'udp'], [9100103, 'icmp', 'icmp'], [9100104, 'ip', 'ip'], [9100105, 'sctp', 'ip'], [9100106, '', 'ip'],
  ])('SID %i: a Snort rule for %j is reported as %s', (sid, proto, want) => {
    expect(fwsnortSignature(info(sid, { proto }), 2).proto).toBe(want)
  })

  test('one record per SID and danger level', () => {
    const a = fwsnortSignature(info(9100201), 2)
    const b = fwsnortSignature(info(9100202), 2)
    const a4 = fwsnortSignature(info(9100201), 4)
    expect([a.key, a.msg, a.dl]).toEqual(['fwsnort:9100201', 'TEST rule 9100201', 2])
    expect([b.key, b.msg, b.dl]).toEqual(['fwsnort:9100202', 'TEST rule 9100202', 2])
    expect([a4.key, a4.dl]).toEqual(['fwsnort:9100201', 4])
    expect(fwsnortSignature(info(9100201), 2)).toEqual(a)
  })

  test('a packet logged by an fwsnort rule is reported with the rule, its protocol and its snort_rule_dl level', () => {
    const rules = new Map([
      [9100301, info(9100301, { proto: 'tcp', msg: 'TEST tcp probe' })],
      [9100302, info(9100302, { proto: 'udp', msg: 'TEST udp probe' })],
      [9100303, info(9100303, { proto: 'ip', msg: 'TEST any ip' })],
    ])
    const settings = defaultSettings()
    const detector = new Detector(bareDetectionPlan(settings, { lists: { ...NO_LISTS, snortRules: rules, snortRuleDl: parseSnortRuleDl('9100302 4', 'snort_rule_dl') } }))
    const lines = [
      tcpLine({ dport: 80, prefix: 'SID9100301 ' }),
      tcpLine({ dport: 81, prefix: 'SID9100301 ' }),
      udpLine({ dport: 53 }).replace('DROP ', 'SID9100302 '),
      icmpLine({ type: 8, code: 0 }).replace('DROP ', 'SID9100303 '),
    ]
    lines.forEach((l, i) => detector.line(l, { year: 2026, reference: Date.UTC(2026, 10, 22) }, () => `t:${i + 1}`))
    const report: ReportV1 = buildReport({ parts: [reportPart(detector, settings)], inputs: [] }, 'test')
    expect(report.sources.find((s) => s.ip === '203.0.113.5')?.signatures).toEqual([
      { sid: 9100301, psadId: null, msg: 'TEST tcp probe', protocol: 'tcp', count: 2, dangerLevel: 2 },
      { sid: 9100302, psadId: null, msg: 'TEST udp probe', protocol: 'udp', count: 1, dangerLevel: 4 },
      { sid: 9100303, psadId: null, msg: 'TEST any ip', protocol: 'ip', count: 1, dangerLevel: 2 },
    ])
  })
})

describe('stand-in signatures', () => {
  test('report the saved identity from "(saved state)" and claim no criteria', () => {
    expect(standInSignature({ key: 'sid:621', sid: 621, psadId: null, msg: 'SCAN FIN', proto: 'tcp', dl: 2 })).toEqual({
      key: 'sid:621', sid: 621, psadId: null, msg: 'SCAN FIN', proto: 'tcp', dl: 2, classtype: null, references: [],
      file: '(saved state)', line: 0, ...NO_CRITERIA,
    })
    expect(standInSignature({ key: 'psad_id:300001', sid: null, psadId: 300001, msg: 'MS-SQL', proto: 'udp', dl: 3 })).toMatchObject({
      key: 'psad_id:300001', sid: null, psadId: 300001, msg: 'MS-SQL', proto: 'udp', dl: 3,
    })
  })
})
