import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { ConfigError } from '../../src/core/errors.js'
import { parseSignatures, signatureVariableError, type LoadedSignatures } from '../../src/detect/signatures/grammar.js'
import type { Signature } from '../../src/detect/signatures/types.js'
import { parseNetwork, type Network } from '../../src/parse/address.js'
import { ACK, CWR, ECE, FIN, PSH, SYN, URG } from '../../src/parse/packet.js'

// psad's signature grammar, keyword by keyword: what each value means once parsed, and the exact
// refusal for a bad one (what, which value, file:line and the rule). Matching is in
// signature-match.test.ts.

const VARS = defaultSettings().vars
const FILE = 'g.sig'

function load(text: string, vars: Readonly<Record<string, string>> = VARS, strict = false): LoadedSignatures {
  return parseSignatures(text, FILE, { vars, strict })
}

/** The one rule `alert <header> (msg:"t"; <options> sid:1;)` compiles to. */
function rule(options: string, header = 'tcp any any -> any any', vars = VARS): Signature {
  const { signatures } = load(`alert ${header} (msg:"t"; ${options} sid:1;)`, vars)
  expect(signatures).toHaveLength(1)
  return signatures[0]!
}

/** The message of the ConfigError a rule on line 2 (below a comment) is refused with. */
function refusal(ruleText: string, vars = VARS): string {
  try {
    load(`# a comment\n${ruleText}`, vars)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error(`accepted: ${ruleText}`)
}

const net = (text: string): Network => {
  const n = parseNetwork(text)
  if (n === null) throw new Error(text)
  return n
}

const ANY_PORT = { any: true, negate: false, ranges: [] }
const ANY_ADDR = { any: true, negate: false, nets: [] }
const ports = (negate: boolean, ...r: Array<[number, number]>) => ({ any: false, negate, ranges: r.map(([lo, hi]) => ({ lo, hi })) })

describe('ports', () => {
  test.each([
    ['80', ports(false, [80, 80])],
    ['0', ports(false, [0, 0])],
    ['65535', ports(false, [65535, 65535])],
    ['1024:', ports(false, [1024, 65535])],
    [':1023', ports(false, [0, 1023])],
    ['1:65535', ports(false, [1, 65535])],
    ['<1024', ports(false, [0, 1023])],
    ['<=1023', ports(false, [0, 1023])],
    ['>1023', ports(false, [1024, 65535])],
    ['>=1024', ports(false, [1024, 65535])],
    ['[1433,1434,3306]', ports(false, [1433, 1433], [1434, 1434], [3306, 3306])],
    ['[80,,443,]', ports(false, [80, 80], [443, 443])],
    ['[1:10,>=60000]', ports(false, [1, 10], [60000, 65535])],
    ['!80', ports(true, [80, 80])],
    ['![80,443]', ports(true, [80, 80], [443, 443])],
    ['any', ANY_PORT],
    ['$HTTP_PORTS', ports(false, [80, 80])],
    ['[$HTTP_PORTS,$ORACLE_PORTS]', ports(false, [80, 80], [1521, 1521])],
    ['$SHELLCODE_PORTS', ports(true, [80, 80])],
    ['!$SHELLCODE_PORTS', ports(false, [80, 80])],
    ['!$HTTP_PORTS', ports(true, [80, 80])],
  ])('destination port %s', (text, want) => {
    expect(rule('', `tcp any any -> any ${text}`).dport).toEqual(want)
  })

  test.each([
    ['65536', "bad port range '65536'"],
    ['1:65536', "bad port range '1:65536'"],
    ['90:80', "bad port range '90:80'"],
    ['<0', "bad port range '<0'"],
    ['>65535', "bad port range '>65535'"],
    [':', "bad port ':'"],
    ['1:2x', "bad port '1:2x'"],
    ['a1:2', "bad port 'a1:2'"],
    ['<1024x', "bad port '<1024x'"],
    ['=<1024', "bad port '=<1024'"],
    ['http', "bad port 'http'"],
    ['[80,443', "bad port '[80'"],
    ['80,443]', "bad port '443]'"],
    ['!any', "'!any' can never match"],
    ['[]', "empty port list '[]'"],
    ['[,]', "empty port list '[,]'"],
  ])('destination port %s is refused: %s', (text, message) => {
    const r = `alert tcp any any -> any ${text} (msg:"t"; sid:1;)`
    expect(refusal(r)).toBe(`${FILE}:2: ${message}: ${r}`)
  })

  test('a source port is read like a destination port', () => {
    expect(rule('', 'udp any 53 -> any [1:1023]')).toMatchObject({ sport: ports(false, [53, 53]), dport: ports(false, [1, 1023]) })
  })
})

describe('addresses', () => {
  test.each([
    ['any', ANY_ADDR],
    ['NOT_USED', ANY_ADDR],
    ['$HOME_NET', ANY_ADDR],
    ['[192.0.2.1,$HOME_NET]', ANY_ADDR],
    ['10.0.0.0/8', { any: false, negate: false, nets: [net('10.0.0.0/8')] }],
    ['!10.0.0.0/8', { any: false, negate: true, nets: [net('10.0.0.0/8')] }],
    ['[192.0.2.0/24,2001:db8::/32]', { any: false, negate: false, nets: [net('192.0.2.0/24'), net('2001:db8::/32')] }],
  ])('source address %s', (text, want) => {
    expect(rule('', `ip ${text} any -> any any`).src).toEqual(want)
  })

  test.each([
    ['!any', "'!any' can never match"],
    ['!$HOME_NET', "'!any' can never match"],
    ['![any]', "'![any]' can never match"],
    ['![192.0.2.1,any]', "'![192.0.2.1,any]' can never match"],
    ['300.1.1.1', "bad address '300.1.1.1'"],
    ['[10.0.0.0/8', "bad address '[10.0.0.0/8'"],
    ['10.0.0.0/8]', "bad address '10.0.0.0/8]'"],
    ['$NOPE', 'unknown variable $NOPE'],
  ])('source address %s is refused: %s', (text, message) => {
    const r = `alert ip ${text} any -> any any (msg:"t"; sid:1;)`
    expect(refusal(r)).toBe(`${FILE}:2: ${message}: ${r}`)
  })
})

describe('variables', () => {
  const chain = (n: number): Record<string, string> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`V${i}`, i === n - 1 ? '80' : `$V${i + 1}`]))

  test('a variable may name a variable, eleven deep; the twelfth is taken for a loop', () => {
    expect(rule('', 'tcp any any -> any $V0', chain(11)).dport).toEqual(ports(false, [80, 80]))
    const r = 'alert tcp any any -> any $V0 (msg:"t"; sid:1;)'
    expect(refusal(r, chain(12))).toBe(`${FILE}:2: variable $V11 refers to itself: ${r}`)
  })

  test('a variable that names itself is refused, not a stack overflow', () => {
    const r = 'alert tcp $SELF any -> any any (msg:"t"; sid:1;)'
    expect(refusal(r, { SELF: '$SELF' })).toBe(`${FILE}:2: variable $SELF refers to itself: ${r}`)
  })

  test.each([
    ['surrounding spaces are ignored', { NET: ' !10.0.0.0/8 ' }, '$NET', { any: false, negate: true, nets: [net('10.0.0.0/8')] }],
    ['negating a negated value gives the plain value', { NET: '!10.0.0.0/8' }, '!$NET', { any: false, negate: false, nets: [net('10.0.0.0/8')] }],
  ])('addresses: %s', (_what, vars, text, want) => {
    expect(rule('', `ip ${text} any -> any any`, vars).src).toEqual(want)
  })

  test('ports: negating a negated list with a space after its ! gives the plain list', () => {
    expect(rule('', 'tcp any any -> any !$NOT_DB', { NOT_DB: '! [1433, 1434]' }).dport).toEqual(ports(false, [1433, 1433], [1434, 1434]))
  })

  test.each([
    ['an address', 'ip $V any -> any any'],
    ['a port', 'tcp any any -> any $V'],
  ])("'! any' (a space after the !) in %s is refused like '!any'", (_what, header) => {
    const r = `alert ${header} (msg:"t"; sid:1;)`
    expect(refusal(r, { V: '! any' })).toBe(`${FILE}:2: '!any' can never match: ${r}`)
  })

  test.each([
    ['!$LOW', { LOW: '64' }, { lo: 64, hi: 64, negate: true }],
    ['!$NOT64', { NOT64: '!64' }, { lo: 64, hi: 64, negate: false }],
    ['$RANGE', { RANGE: '1:32' }, { lo: 1, hi: 32, negate: false }],
  ])('numbers: ttl:%s', (text, vars, want) => {
    expect(rule(`ttl:${text};`, 'tcp any any -> any any', vars).ttl).toEqual(want)
  })

  test.each([
    ['HTTP_PORTS', '80', null],
    ['ORACLE_PORTS', '[1521,1522]', null],
    ['SHELLCODE_PORTS', '!$HTTP_PORTS', null],
    ['HTTP_PORTS', '80,http', "bad port 'http'"],
    ['HTTP_PORTS', '70000', "bad port range '70000'"],
    ['HOME_NET', '[10.0.0.0/8, 2001:db8::/32]', null],
    ['EXTERNAL_NET', '!$HOME_NET', null],
    ['HOME_NET', '10.0.0.0/33', "bad address '10.0.0.0/33'"],
    ['HOME_NET', '80', "bad address '80'"],
    ['HOME_NET', '$NOPE', 'unknown variable $NOPE'],
    ['EXTERNAL_NET', '!any', "'!any' can never match"],
  ])('signatureVariableError(%s, %j): %j', (name, value, want) => {
    expect(signatureVariableError(name, value, { ...VARS, HOME_NET: '10.0.0.0/8' })).toBe(want)
  })
})

describe('numeric options', () => {
  // Each numeric option: its name, a protocol it applies to, the rule field it fills, the field's largest value.
  const NUMERIC = [
    ['dsize', 'tcp', 'dsize', 1514],
    ['psad_dsize', 'udp', 'dsize', 1514],
    ['psad_ip_len', 'ip', 'ipLen', 65535],
    ['ttl', 'ip', 'ttl', 255],
    ['id', 'ip', 'ipId', 65535],
    ['seq', 'tcp', 'seq', 4294967295],
    ['ack', 'tcp', 'ack', 4294967295],
    ['window', 'tcp', 'window', 65535],
    ['itype', 'icmp', 'itype', 255],
    ['icode', 'icmp', 'icode', 255],
    ['icmp_id', 'icmp', 'icmpId', 65535],
    ['icmp_seq', 'icmp', 'icmpSeq', 65535],
  ] as const

  test.each(NUMERIC)('%s: an open range ends at the field maximum', (name, proto, field, max) => {
    expect(rule(`${name}:7:;`, `${proto} any any -> any any`)[field]).toEqual({ lo: 7, hi: max, negate: false })
  })

  test.each(NUMERIC)('%s: a value past the field maximum is refused, not kept as a rule that never matches', (name, proto, field, max) => {
    const r = `alert ${proto} any any -> any any (msg:"t"; ${name}:${max + 1}; sid:1;)`
    expect(refusal(r)).toBe(`${FILE}:2: ${name}:${max + 1} is out of range 0-${max}: ${r}`)
    expect(rule(`${name}:${max};`, `${proto} any any -> any any`)[field]).toEqual({ lo: max, hi: max, negate: false })
  })

  test.each([
    ['64', { lo: 64, hi: 64, negate: false }],
    [':64', { lo: 0, hi: 64, negate: false }],
    ['64:', { lo: 64, hi: 255, negate: false }],
    ['10:20', { lo: 10, hi: 20, negate: false }],
    ['10<>20', { lo: 10, hi: 20, negate: false }],
    ['10 <> 20', { lo: 10, hi: 20, negate: false }],
    ['<64', { lo: 0, hi: 63, negate: false }],
    ['< 64', { lo: 0, hi: 63, negate: false }],
    ['<=64', { lo: 0, hi: 64, negate: false }],
    ['>64', { lo: 65, hi: 255, negate: false }],
    ['>=64', { lo: 64, hi: 255, negate: false }],
    ['!64', { lo: 64, hi: 64, negate: true }],
    ['!<64', { lo: 0, hi: 63, negate: true }],
    ['!10:20', { lo: 10, hi: 20, negate: true }],
    ['any', null],
  ])('ttl:%s', (text, want) => {
    expect(rule(`ttl:${text};`).ttl).toEqual(want)
  })

  test.each([
    [':', "bad number or range ':'"],
    ['<>', "bad number or range '<>'"],
    ['64x', "bad number or range '64x'"],
    ['x64', "bad number or range 'x64'"],
    ['1:2x', "bad number or range '1:2x'"],
    ['a1:2', "bad number or range 'a1:2'"],
    ['<64x', "bad number or range '<64x'"],
    ['=<64', "bad number or range '=<64'"],
    ['64!', "bad number or range '64!'"],
    ['20:10', "empty range '20:10'"],
    ['<0', "empty range '<0'"],
    ['>255', "empty range '>255'"],
    ['300', 'ttl:300 is out of range 0-255'],
    ['200:300', 'ttl:200:300 is out of range 0-255'],
    ['<=256', 'ttl:<=256 is out of range 0-255'],
  ])('ttl:%s is refused: %s', (text, message) => {
    const r = `alert tcp any any -> any any (msg:"t"; ttl:${text}; sid:1;)`
    expect(refusal(r)).toBe(`${FILE}:2: ${message}: ${r}`)
  })

  test.each([
    ['dsize', 'ip'], ['psad_dsize', 'ip'], ['seq', 'udp'], ['ack', 'icmp'], ['window', 'udp'],
    ['itype', 'tcp'], ['icode', 'udp'], ['icmp_id', 'ip'], ['icmp_seq', 'tcp'],
  ])('%s on a %s rule is refused', (name, proto) => {
    const r = `alert ${proto} any any -> any any (msg:"t"; ${name}:1; sid:1;)`
    expect(refusal(r)).toBe(`${FILE}:2: option ${name} does not apply to ${proto} rules: ${r}`)
  })
})

describe('flags', () => {
  test.each([
    ['S', SYN, 0, 'exact'],
    ['SA', SYN | ACK, 0, 'exact'],
    ['sa', SYN | ACK, 0, 'exact'],
    ['FPU', FIN | PSH | URG, 0, 'exact'],
    ['12', CWR | ECE, 0, 'exact'],
    ['CE', CWR | ECE, 0, 'exact'],
    ['0', 0, 0, 'exact'],
    ['N', 0, 0, 'exact'],
    ['n', 0, 0, 'exact'],
    ['S+', SYN, 0, 'all'],
    ['+S', SYN, 0, 'all'],
    ['SF*', SYN | FIN, 0, 'any'],
    ['*SF', SYN | FIN, 0, 'any'],
    ['!A', ACK, 0, 'not'],
    ['A!', ACK, 0, 'not'],
    ['S,12', SYN, CWR | ECE, 'exact'],
    ['S,CE', SYN, CWR | ECE, 'exact'],
    ['S,ce', SYN, CWR | ECE, 'exact'],
    ['S, 12', SYN, CWR | ECE, 'exact'],
    ['S ,12', SYN, CWR | ECE, 'exact'],
    ['S+,12', SYN, CWR | ECE, 'all'],
    [',12', 0, CWR | ECE, 'exact'],
  ])('flags:%s', (text, bits, ignore, mode) => {
    expect(rule(`flags:${text};`).flags).toEqual({ bits, ignore, mode })
  })

  test.each([
    ['SZ', "bad TCP flag 'Z' in flags:SZ"],
    ['S+A', "bad TCP flag '+' in flags:S+A"],
    ['S,9', "bad flags mask '9'"],
    ['S,Z1', "bad flags mask 'Z1'"],
  ])('flags:%s is refused: %s', (text, message) => {
    const r = `alert tcp any any -> any any (msg:"t"; flags:${text}; sid:1;)`
    expect(refusal(r)).toBe(`${FILE}:2: ${message}: ${r}`)
  })

  test('flags on a rule that is not tcp is refused', () => {
    const r = 'alert ip any any -> any any (msg:"t"; flags:S; sid:1;)'
    expect(refusal(r)).toBe(`${FILE}:2: option flags applies to tcp rules only: ${r}`)
  })
})

describe('other options', () => {
  test.each([
    ['msg:"quoted"', 'quoted'],
    ['msg:bare words', 'bare words'],
    ['msg: "padded" ', 'padded'],
    ['msg:"Sub" Seven', '"Sub" Seven'],
    ['msg:Sub "Seven"', 'Sub "Seven"'],
    ['msg:"a \\"b\\" c"', 'a "b" c'],
    ['msg:"semi;colon"', 'semi;colon'],
  ])('%s -> msg %j', (option, msg) => {
    expect(load(`alert ip any any -> any any (${option}; sid:1;)`).signatures[0]!.msg).toBe(msg)
  })

  test.each([
    ['msg:""; sid:1;', 'rule has no msg:"…"'],
    ['msg; sid:1;', 'rule has no msg:"…"'],
    ['msg:"t";', 'rule has neither sid: nor psad_id:'],
    ['msg:"t"; sid:12x;', "sid must be a whole number, not '12x'"],
    ['msg:"t"; sid:x12;', "sid must be a whole number, not 'x12'"],
    ['msg:"t"; sid;', "sid must be a whole number, not ''"],
    ['msg:"t"; psad_id:-1;', "psad_id must be a whole number, not '-1'"],
    ['msg:"t"; sid:1; psad_dl:high;', "psad_dl must be a whole number, not 'high'"],
    ['msg:"t"; sid:1; psad_dl:6;', 'psad_dl must be 0-5, not 6'],
    ['msg:"t"; sid:1; ipopts:route;', "unknown IP option 'route'"],
    ['msg:"t"; sid:1; ipopts:Route;', "unknown IP option 'Route'"],
    ['msg:"t; sid:1;', 'unterminated quoted string'],
  ])('(%s) is refused: %s', (options, message) => {
    const r = `alert ip any any -> any any (${options})`
    expect(refusal(r)).toBe(`${FILE}:2: ${message}: ${r}`)
  })

  test('ids and danger level', () => {
    expect(load('alert ip any any -> any any (msg:"t"; sid: 42 ; psad_id:300001; psad_dl:5;)').signatures[0]).toMatchObject({ key: 'sid:42', sid: 42, psadId: 300001, dl: 5 })
    expect(load('alert ip any any -> any any (msg:"t"; psad_id:300001; psad_dl:0;)').signatures[0]).toMatchObject({ key: 'psad_id:300001', sid: null, psadId: 300001, dl: 0 })
    expect(load('alert ip any any -> any any (msg:"t"; sid:7;)').signatures[0]).toMatchObject({ key: 'sid:7', dl: 2 })
  })

  test('option names are case-insensitive and may be padded', () => {
    expect(load('alert tcp any any -> any 80 (MSG:"t"; SID :5; Psad_DL:3; FLAGS:S; SameIP;)').signatures[0]).toMatchObject({ sid: 5, dl: 3, flags: { bits: SYN }, sameip: true })
  })

  test('classtype and references are kept without the spaces around them', () => {
    expect(rule('classtype: misc-activity ; reference: arachnids,485 ; reference:cve,1999-0001;')).toMatchObject({
      classtype: 'misc-activity',
      references: ['arachnids,485', 'cve,1999-0001'],
    })
    expect(rule('')).toMatchObject({ classtype: null, references: [], sameip: false, established: false, ipopt: null })
  })

  test.each([
    ['to_server,established', true],
    ['established', true],
    ['to_server, established', true],
    ['established ,to_server', true],
    ['established,no_stream', true],
    ['to_server', false],
    ['not_established', false],
    ['stateless', false],
  ])('flow:%s -> established %s', (value, want) => {
    expect(rule(`flow:${value};`).established).toBe(want)
  })

  test.each([
    ['eol', 0], ['nop', 1], ['rr', 7], ['ts', 68], ['sec', 130], ['lsrr', 131], ['lsrre', 131],
    ['esec', 133], ['satid', 136], ['ssrr', 137], ['RR', 7], ['any', -2],
  ])('ipopts:%s -> option type %i', (name, type) => {
    expect(rule(`ipopts:${name};`, 'ip any any -> any any').ipopt).toBe(type)
  })

  test('empty options, and a last option without its semicolon, are fine', () => {
    const loaded = load('alert tcp any any -> any 80 (msg:"t";; sid:1; ; rev:2 )\nalert tcp any any -> any 81 (msg:"u"; sid:2)\nalert tcp any any -> any 82 (msg:"v"; sid:3; )')
    expect(loaded.signatures.map((s) => s.key)).toEqual(['sid:1', 'sid:2', 'sid:3'])
    expect(loaded.warnings).toEqual([])
  })

  test('informational options are accepted quietly; an unknown one is ignored with a warning naming file:line', () => {
    const quiet = load('alert tcp any any -> any 80 (msg:"t"; rev:3; gid:1; priority:2; metadata:policy x; psad_derived_sids:1,2; threshold:type limit; detection_filter:track by_src; sid:1;)')
    expect(quiet.warnings).toEqual([])
    const loud = load('\nalert tcp any any -> any 80 (msg:"t"; Frobnicate:7; sid:1;)')
    expect(loud.signatures).toHaveLength(1)
    expect(loud.warnings).toEqual([`${FILE}:2: unknown option 'frobnicate' ignored`])
  })
})

describe('rule header', () => {
  test.each([
    ['log tcp any any -> any 80 (msg:"t"; sid:1;)', "header must be 'alert <proto> <src> <sport> <dir> <dst> <dport>'"],
    ['alert tcp any any -> any (msg:"t"; sid:1;)', "header must be 'alert <proto> <src> <sport> <dir> <dst> <dport>'"],
    ['alert tcp any any -> any 80 any (msg:"t"; sid:1;)', "header must be 'alert <proto> <src> <sport> <dir> <dst> <dport>'"],
    ['alert tcp any any -> any 80', "expected '<header> (<options>)'"],
    ['alert tcp any any -> any 80 (msg:"t"; sid:1;', "expected '<header> (<options>)'"],
    ['alert tcp any any => any 80 (msg:"t"; sid:1;)', "direction must be ->, <- or <>, not '=>'"],
    ['alert sctp any any -> any 80 (msg:"t"; sid:1;)', "protocol must be tcp, udp, icmp or ip, not 'sctp'"],
  ])('%s is refused: %s', (r, message) => {
    expect(refusal(r)).toBe(`${FILE}:2: ${message}: ${r}`)
  })

  test('runs of spaces and tabs between header fields, and before the options, are fine', () => {
    const sig = load('alert  TCP\tany any  ->  any   80   (msg:"t"; sid:1;)').signatures[0]!
    expect(sig).toMatchObject({ proto: 'tcp', dport: ports(false, [80, 80]), bidirectional: false })
  })

  test('<- is -> written backwards: source and destination swap', () => {
    const sig = rule('', 'tcp 10.0.0.0/8 1024: <- 192.0.2.0/24 80')
    expect(sig).toMatchObject({
      src: { any: false, negate: false, nets: [net('192.0.2.0/24')] },
      sport: ports(false, [80, 80]),
      dst: { any: false, negate: false, nets: [net('10.0.0.0/8')] },
      dport: ports(false, [1024, 65535]),
      bidirectional: false,
    })
  })

  test('<> keeps the written order and matches both ways', () => {
    expect(rule('', 'tcp 10.0.0.0/8 any <> any 80')).toMatchObject({ src: { nets: [net('10.0.0.0/8')] }, dport: ports(false, [80, 80]), bidirectional: true })
  })

  test('a rule that does not fit the grammar in the middle of a file names its own line, shortened', () => {
    const long = `alert tcp any any -> any 80 (msg:"${'x'.repeat(120)}"; sid:1; flags:Q;)`
    expect(() => load(`alert tcp any any -> any 1 (msg:"a"; sid:1;)\n\n${long}`)).toThrow(`${FILE}:3: bad TCP flag 'Q' in flags:Q: ${long.slice(0, 100)}…`)
  })
})

describe('warnings for rules that load but cannot work as written', () => {
  test.each([
    ['flags:S; flow:established;', ['flow:established needs ACK but flags: excludes it; the rule can never match']],
    ['flags:S+; flow:established;', []],
    ['flags:SA; flow:established;', []],
    ['flags:*SF; flow:established;', []],
    ['flow:established;', []],
    ['flags:!0;', ['flags:!0 excludes no flag; write the flags to exclude']],
    ['flags:!A;', []],
    ['flags:0;', []],
    ['flags:0+;', []],
  ])('%s', (options, messages) => {
    const loaded = load(`alert tcp any any -> any 80 (msg:"t"; ${options} sid:1;)`)
    expect(loaded.signatures).toHaveLength(1)
    expect(loaded.warnings).toEqual(messages.map((m) => `${FILE}:1: ${m}`))
  })

  test('a payload option skips the rule with a warning, or in strict mode refuses it with a hint', () => {
    const text = '# c\nalert tcp any any -> any 80 (msg:"web"; content:"GET"; nocase; sid:9;)\nalert tcp any any -> any 81 (msg:"ok"; sid:10;)'
    const loose = load(text)
    expect(loose.signatures.map((s) => s.key)).toEqual(['sid:10'])
    expect(loose.warnings).toEqual([`${FILE}:2: option 'content' needs packet payloads, which firewall logs do not carry; rule skipped`])
    let err: unknown
    try {
      load(text, VARS, true)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).message).toBe(`${FILE}:2: option 'content' needs packet payloads, which firewall logs do not carry`)
    expect((err as ConfigError).hint).toBe('remove the rule, or set ENABLE_SNORT_SIG_STRICT N to skip such rules')
  })

  test('a skipped rule still needs msg and an id', () => {
    const r = 'alert tcp any any -> any 80 (content:"GET"; sid:9;)'
    expect(refusal(r)).toBe(`${FILE}:2: rule has no msg:"…": ${r}`)
  })
})

describe('the file', () => {
  test('comments, blank and whitespace-only lines, indentation and CRLF line ends', () => {
    const text = ['   # indented comment', '\t', '  alert tcp any any -> any 80 (msg:"a"; sid:1;)  ', '', 'alert tcp any any -> any 81 (msg:"b"; sid:2;)'].join('\r\n')
    const { signatures } = load(text)
    expect(signatures.map((s) => [s.key, s.line])).toEqual([['sid:1', 3], ['sid:2', 5]])
  })

  test.each([
    ['# sample: a line', ['a line']],
    ['#sample:a line', ['a line']],
    ['#   sample: a line', ['a line']],
    ['  # sample: a line', ['a line']],
    ['# sample:', ['']],
    ['# see #sample: a line', []],
    ['# samples: a line', []],
  ])('%j above a rule gives it samples %j', (comment, samples) => {
    expect(load(`${comment}\nalert tcp any any -> any 80 (msg:"a"; sid:1;)`).signatures[0]!.samples).toEqual(samples)
  })

  test('samples belong to the rule directly below them: a blank or whitespace-only line, or a rule, ends them', () => {
    const text = [
      '# sample: one', 'alert tcp any any -> any 1 (msg:"a"; sid:1;)',
      'alert tcp any any -> any 2 (msg:"b"; sid:2;)',
      '# sample: lost', '   ', 'alert tcp any any -> any 3 (msg:"c"; sid:3;)',
      '# sample: two', '# other comment', '# sample: three', 'alert tcp any any -> any 4 (msg:"d"; sid:4;)',
    ].join('\n')
    expect(load(text).signatures.map((s) => s.samples)).toEqual([['one'], [], [], ['two', 'three']])
  })

  test.each([
    ['sid', 'alert tcp any any -> any 1 (msg:"a"; sid:5;)', 'alert tcp any any -> any 2 (msg:"b"; sid:5; psad_id:300002;)', 'duplicate sid 5 (first used on line 1)'],
    ['psad_id', 'alert tcp any any -> any 1 (msg:"a"; psad_id:300001;)', 'alert tcp any any -> any 2 (msg:"b"; psad_id:300001;)', 'duplicate psad_id 300001 (first used on line 1)'],
    ['psad_id beside a sid', 'alert tcp any any -> any 1 (msg:"a"; sid:1; psad_id:300001;)', 'alert tcp any any -> any 2 (msg:"b"; sid:2; psad_id:300001;)', 'duplicate psad_id 300001 (first used on line 1)'],
  ])('a duplicate %s is refused', (_what, first, second, message) => {
    expect(() => load(`${first}\n${second}`)).toThrow(new ConfigError(`${FILE}:2: ${message}`))
  })

  test('a sid and a psad_id of the same number do not collide', () => {
    expect(load('alert tcp any any -> any 1 (msg:"a"; sid:5;)\nalert tcp any any -> any 2 (msg:"b"; psad_id:5;)').signatures.map((s) => s.key)).toEqual(['sid:5', 'psad_id:5'])
  })
})
