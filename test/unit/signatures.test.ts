import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { ConfigError } from '../../src/core/errors.js'
import { parseSignatures } from '../../src/detect/signatures/grammar.js'
import { SignatureIndex } from '../../src/detect/signatures/signature-index.js'
import { LineParser } from '../../src/parse/line.js'
import type { Packet } from '../../src/parse/packet.js'
import { icmpLine, tcpLine, udpLine } from '../helpers/lines.js'

const vars = defaultSettings().vars
const parser = new LineParser({ sidString: 'SID' })
const pkt = (line: string): Packet => {
  const r = parser.parse(line, { year: 2026, reference: Date.UTC(2026, 10, 22) })
  if (typeof r === 'string') throw new Error(`${r}: ${parser.error}`)
  return r
}

function matcher(rules: string, v: Record<string, string> = vars) {
  const { signatures, warnings } = parseSignatures(rules, 'sigs', { vars: v, strict: false })
  const index = new SignatureIndex(signatures)
  return {
    warnings,
    keys: (line: string): string[] => {
      const out: ReturnType<typeof parseSignatures>['signatures'] = []
      index.match(pkt(line), out)
      return out.map((s) => s.key).sort()
    },
  }
}

describe('signature grammar', () => {
  test('header, options, ids, msg with an escaped quote and a semicolon', () => {
    const { signatures } = parseSignatures('alert tcp any any -> any 27374 (msg:"BACKDOOR \\"Sub;Seven\\""; flags:S; reference:arachnids,485; classtype:misc-activity; sid:103; psad_dl:3; rev:1;)', 'f', { vars, strict: false })
    expect(signatures[0]).toMatchObject({ key: 'sid:103', sid: 103, msg: 'BACKDOOR "Sub;Seven"', dl: 3, proto: 'tcp', classtype: 'misc-activity', references: ['arachnids,485'] })
  })
  test.each([
    ['alert tcp any any -> any 80 (msg:"x";)', 'neither sid: nor psad_id:'],
    ['alert tcp any any -> any 80 (sid:1;)', 'no msg'],
    ['alert smtp any any -> any 80 (msg:"x"; sid:1;)', "protocol must be tcp, udp, icmp or ip, not 'smtp'"],
    ['alert tcp any any => any 80 (msg:"x"; sid:1;)', 'direction must be'],
    ['alert tcp any any -> any 99999 (msg:"x"; sid:1;)', 'bad port'],
    ['alert tcp any any -> 300.1.1.1 any (msg:"x"; sid:1;)', "bad address '300.1.1.1'"],
    ['alert tcp $NOPE any -> any any (msg:"x"; sid:1;)', 'unknown variable $NOPE'],
    ['alert udp any any -> any any (msg:"x"; flags:S; sid:1;)', 'flags applies to tcp rules only'],
    ['alert tcp any any -> any any (msg:"x"; flags:SZ; sid:1;)', "bad TCP flag 'Z'"],
    ['alert tcp any any -> any any (msg:"x"; dsize:>abc; sid:1;)', 'bad number or range'],
    ['alert tcp any any -> any any (msg:"x; sid:1;)', 'unterminated quoted string'],
  ])('%s -> error with file:line', (rule, message) => {
    expect(() => parseSignatures(`# c\n${rule}`, 'my.sigs', { vars, strict: false })).toThrow(new RegExp(`^my\\.sigs:2: .*${message.replace(/[$()[\]'*+?.\\]/g, '\\$&')}`))
  })
  test('duplicate ids are refused', () => {
    expect(() => parseSignatures('alert tcp any any -> any 1 (msg:"a"; sid:5;)\nalert tcp any any -> any 2 (msg:"b"; sid:5;)', 'f', { vars, strict: false })).toThrow('f:2: duplicate sid 5 (first used on line 1)')
  })
  test('payload options: skipped with a warning, or refused in strict mode', () => {
    const rule = 'alert tcp any any -> any 80 (msg:"web"; content:"GET"; sid:9;)'
    const loose = parseSignatures(rule, 'f', { vars, strict: false })
    expect(loose.signatures).toEqual([])
    expect(loose.warnings[0]).toMatch(/^f:1: option 'content' needs packet payloads.*rule skipped$/)
    expect(() => parseSignatures(rule, 'f', { vars, strict: true })).toThrow(ConfigError)
  })
  test('a rule that can never match is a load-time warning', () => {
    expect(matcher('alert tcp any any -> any any (msg:"x"; flags:S; flow:established; sid:1;)').warnings[0]).toMatch(/can never match/)
  })
  test('# sample: comments attach to the next rule', () => {
    const { signatures } = parseSignatures('# sample: line one\n# sample: line two\nalert tcp any any -> any 1 (msg:"a"; sid:5;)\n\nalert tcp any any -> any 2 (msg:"b"; sid:6;)', 'f', { vars, strict: false })
    expect(signatures.map((s) => s.samples)).toEqual([['line one', 'line two'], []])
  })
})

describe('signature matching', () => {
  test('flags are exact by default; 0 means no flags (psad never matched flags:0)', () => {
    const m = matcher('alert tcp any any -> any any (msg:"FIN"; flags:F; sid:1;)\nalert tcp any any -> any any (msg:"NULL"; flags:0; sid:2;)\nalert tcp any any -> any any (msg:"XMAS"; flags:FPU; sid:3;)')
    expect(m.keys(tcpLine({ dport: 80, flags: 'FIN' }))).toEqual(['sid:1'])
    expect(m.keys(tcpLine({ dport: 80, flags: '' }))).toEqual(['sid:2'])
    expect(m.keys(tcpLine({ dport: 80, flags: 'URG PSH FIN' }))).toEqual(['sid:3'])
    expect(m.keys(tcpLine({ dport: 80, flags: 'ACK FIN' }))).toEqual([])
  })
  test('flag modifiers and masks follow Snort', () => {
    const m = matcher('alert tcp any any -> any any (msg:"a"; flags:S+; sid:1;)\nalert tcp any any -> any any (msg:"b"; flags:S,12; sid:2;)\nalert tcp any any -> any any (msg:"c"; flags:!A; sid:3;)')
    expect(m.keys(tcpLine({ dport: 80, flags: 'CWR ECE SYN' }))).toEqual(['sid:1', 'sid:2', 'sid:3'])
    expect(m.keys(tcpLine({ dport: 80, flags: 'ACK SYN' }))).toEqual(['sid:1'])
  })
  test('ports: ranges, lists, negation, variables', () => {
    const m = matcher([
      'alert tcp any any -> any 12345:12346 (msg:"netbus"; sid:1;)',
      'alert tcp any any -> any [1433,1434,3306] (msg:"db"; sid:2;)',
      'alert tcp any !80 -> any 21554 (msg:"gf"; sid:3;)',
      'alert tcp any any -> any $HTTP_PORTS (msg:"web"; sid:4;)',
      'alert tcp any any -> any >=60000 (msg:"high"; sid:5;)',
    ].join('\n'))
    expect(m.keys(tcpLine({ dport: 12346 }))).toEqual(['sid:1'])
    expect(m.keys(tcpLine({ dport: 3306 }))).toEqual(['sid:2'])
    expect(m.keys(tcpLine({ dport: 21554, sport: 80 }))).toEqual([])
    expect(m.keys(tcpLine({ dport: 21554, sport: 81 }))).toEqual(['sid:3'])
    expect(m.keys(tcpLine({ dport: 80 }))).toEqual(['sid:4'])
    expect(m.keys(tcpLine({ dport: 61000 }))).toEqual(['sid:5'])
  })
  test('<> matches both directions (psad only matched the written one)', () => {
    const m = matcher('alert tcp any any <> any 0 (msg:"port 0"; sid:524;)')
    expect(m.keys(tcpLine({ dport: 0 }))).toEqual(['sid:524'])
    expect(m.keys(tcpLine({ sport: 0, dport: 4444 }))).toEqual(['sid:524'])
  })
  test('addresses: networks, lists, negation, $HOME_NET', () => {
    const m = matcher('alert ip 3.3.3.0/24 any -> any any (msg:"a"; sid:1;)\nalert ip any any -> !$HOME_NET any (msg:"b"; sid:2;)', { ...vars, HOME_NET: '[192.0.2.0/24, 2001:db8::/32]' })
    expect(m.keys(tcpLine({ src: '3.3.3.9', dport: 1 }))).toEqual(['sid:1'])
    expect(m.keys(tcpLine({ dst: '198.51.100.1', dport: 1 }))).toEqual(['sid:2'])
  })
  test('ICMP id and seq come from the echo fields (psad read them from the wrong tokens)', () => {
    const m = matcher('alert icmp any any -> any any (msg:"TFN"; itype:0; icmp_id:456; icmp_seq:0; sid:228;)')
    expect(m.keys(icmpLine({ type: 0, code: 0, id: 456, seq: 0 }))).toEqual(['sid:228'])
    expect(m.keys(icmpLine({ type: 0, code: 0, id: 457, seq: 0 }))).toEqual([])
  })
  test('psad_dsize estimates and IP length', () => {
    const m = matcher('alert udp any any -> any 62201 (msg:"spa"; psad_dsize:>130; sid:1;)\nalert udp any any -> any 1434 (msg:"slammer"; psad_ip_len:404; sid:2;)')
    expect(m.keys(udpLine({ dport: 62201, len: 189 }))).toEqual(['sid:1'])
    expect(m.keys(udpLine({ dport: 62201, len: 150 }))).toEqual([])
    expect(m.keys(udpLine({ dport: 1434, len: 404 }))).toEqual(['sid:2'])
  })
  test('the index only offers candidates for the packet protocol and port, yet misses nothing', () => {
    const rules = Array.from({ length: 300 }, (_, i) => `alert tcp any any -> any ${1000 + i} (msg:"p${i}"; sid:${i + 1};)`).join('\n')
    const m = matcher(`${rules}\nalert tcp any any -> any any (msg:"any"; flags:S; sid:999;)`)
    expect(m.keys(tcpLine({ dport: 1150 }))).toEqual(['sid:151', 'sid:999'])
  })
})
