import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { parseSnortRuleDl } from '../../src/config/snort-rule-dl.js'
import { loadSnortRules, parseClassifications, parseSnortRules, type SnortRuleInfo } from '../../src/config/snort-rules.js'
import { ConfigError } from '../../src/core/errors.js'
import { tempDir } from '../helpers/cli.js'

const { dir, cleanup } = tempDir()
afterAll(cleanup)

describe('snort_rule_dl', () => {
  test("'<sid> <dl>' lines, '#' comments, optional ';', 0 = drop", () => {
    const t = parseSnortRuleDl(['### header', '#2284   3;', '2284   3;', '1000001 0', '  100206\t5 ; # comment', ''].join('\n'), 'snort_rule_dl')
    expect(t.size).toBe(3)
    expect(t.get(2284)).toEqual({ dl: 3, entry: 'snort_rule_dl:3' })
    expect(t.get(1000001)?.dl).toBe(0)
    expect(t.get(100206)?.dl).toBe(5)
    expect(t.get(1)).toBeUndefined()
  })
  test('a repeated SID keeps the first, with a warning', () => {
    const t = parseSnortRuleDl('2284 3;\n2284 5;', 'f')
    expect(t.get(2284)?.dl).toBe(3)
    expect(t.warnings).toEqual(['f:2: SID 2284 is already set at f:1; the first wins'])
  })
  test.each([
    ['2284', "f:1: expected '<sid> <danger level 0-5>' but found '2284'"],
    ['2284 6;', "f:1: invalid danger level '6' in snort_rule_dl: expected 0-5"],
    ['# x\nSID2284 3;', "f:2: invalid SID 'SID2284' in snort_rule_dl: expected a positive whole number"],
    ['0 3', "f:1: invalid SID '0'"],
    ['2284 3 4', "f:1: expected '<sid> <danger level 0-5>' but found '2284 3 4'"],
  ])('%j -> ConfigError naming file:line', (text, message) => {
    expect(() => parseSnortRuleDl(text, 'f')).toThrow(ConfigError)
    expect(() => parseSnortRuleDl(text, 'f')).toThrow(message)
  })
})

// Rules written for these tests in Snort 2 syntax (not copied from any rule set).
const RULES = [
  '# a comment',
  'var HOME_NET any',
  'alert tcp $EXTERNAL_NET any -> $HOME_NET 8443 (msg:"TEST-WEB \\"quoted\\" admin\\; probe"; flow:to_server,established; content:"GET /admin|20|"; nocase; content:!"Host|3a| ok"; reference:cve,2099-0001; reference:url,example.org/adv; classtype:web-application-attack; sid:9000001; rev:3;)',
  '# alert tcp any any -> any 23 (msg:"TEST disabled"; sid:9000002;)',
  'alert udp any any -> any 53 (msg:"TEST multi-line"; \\',
  '    content:"|00 01|"; priority:1; \\',
  '    metadata:policy balanced-ips drop; sid:9000003; gid:1)',
  'alert icmp any any -> any any (msg:"TEST no sid"; classtype:misc-activity;)',
  'alert ip any any -> any any (msg:"TEST unterminated; sid:9000004;)',
  'alert tcp any any -> any 80 (msg:"TEST duplicate"; sid:9000001;)',
]

describe('Snort rules (fwsnort SIDs)', () => {
  test('metadata of a rule: msg unescaped, content kept as written, references, classtype priority', () => {
    const rules = new Map<number, SnortRuleInfo>()
    const warnings: string[] = []
    parseSnortRules(RULES.join('\n'), 'local.rules', rules, {
      classes: parseClassifications('config classification: web-application-attack,Web Application Attack,1\nconfig classification: misc-activity,Misc activity,3'),
      refs: new Map([['cve', 'http://cve.example/?id=']]),
      warn: (m) => warnings.push(m),
    })
    expect([...rules.keys()]).toEqual([9000001, 9000003])
    expect(rules.get(9000001)).toEqual({
      sid: 9000001, gid: 1, rev: 3, msg: 'TEST-WEB "quoted" admin; probe', classtype: 'web-application-attack', priority: 1,
      contents: ['GET /admin|20|', '!Host|3a| ok'],
      references: [{ system: 'cve', id: '2099-0001', url: 'http://cve.example/?id=2099-0001' }, { system: 'url', id: 'example.org/adv', url: null }],
      metadata: null, action: 'alert', proto: 'tcp', entry: 'local.rules:3',
    })
    expect(rules.get(9000003)).toMatchObject({ msg: 'TEST multi-line', contents: ['|00 01|'], priority: 1, metadata: 'policy balanced-ips drop', entry: 'local.rules:5', proto: 'udp' })
    expect(warnings).toEqual([
      'local.rules:8: Snort rule skipped: no sid',
      'local.rules:9: Snort rule skipped: unterminated quoted string in the options',
      'local.rules:10: SID 9000001 is already defined at local.rules:3; the first is kept',
    ])
  })
  test('loadSnortRules reads *.rules of a directory with its classification.config and reference.config', async () => {
    const d = path.join(dir, 'snort_rules')
    mkdirSync(d)
    writeFileSync(path.join(d, 'local.rules'), RULES.join('\n'))
    writeFileSync(path.join(d, 'extra.rules'), 'alert tcp any any -> any 25 (msg:"TEST smtp"; classtype:misc-activity; reference:bugtraq,1; sid:9000010;)\n')
    writeFileSync(path.join(d, 'notes.txt'), 'alert tcp any any -> any 1 (msg:"not a rules file"; sid:9000099;)\n')
    writeFileSync(path.join(d, 'classification.config'), 'config classification: misc-activity,Misc activity,3\n')
    writeFileSync(path.join(d, 'reference.config'), 'config reference: bugtraq http://bugs.example/bid/\n')
    const warnings: string[] = []
    const rules = await loadSnortRules(d, { warnings })
    expect([...rules.keys()].sort()).toEqual([9000001, 9000003, 9000010])
    expect(rules.get(9000010)).toMatchObject({ priority: 3, references: [{ system: 'bugtraq', id: '1', url: 'http://bugs.example/bid/1' }] })
    expect(warnings.length).toBe(3)
    expect([...(await loadSnortRules(d, { only: 'extra' })).keys()]).toEqual([9000010])
  })
  test('a missing directory is a ConfigError', async () => {
    await expect(loadSnortRules(path.join(dir, 'nope'))).rejects.toThrow(/cannot read Snort rules directory .*nope: ENOENT/)
  })
})
