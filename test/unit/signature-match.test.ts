import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { parseSignatures } from '../../src/detect/signatures/grammar.js'
import { compileSignature, payloadSize, runProgram } from '../../src/detect/signatures/match.js'
import { SignatureIndex } from '../../src/detect/signatures/signature-index.js'
import type { Signature } from '../../src/detect/signatures/types.js'
import { LineParser } from '../../src/parse/line.js'
import { emptyPacket, type Packet, PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_UDPLITE, SYN, ACK } from '../../src/parse/packet.js'
import { icmpLine, tcpLine, udpLine } from '../helpers/lines.js'

// Matching, criterion by criterion and at each boundary, through the index as the engine uses it;
// and the index against a plain scan of every rule.

const VARS = defaultSettings().vars
const parser = new LineParser({ sidString: 'SID' })

function pkt(line: string): Packet {
  const p = parser.parse(line, { year: 2026, reference: Date.UTC(2026, 10, 22) })
  if (typeof p === 'string') throw new Error(`${p}: ${parser.error}: ${line}`)
  return p
}

function sigs(rules: string): Signature[] {
  return parseSignatures(rules, 'm.sig', { vars: VARS, strict: false }).signatures
}

/** The keys of the rules the index finds for each line, in the order found. */
function hits(rules: string | SignatureIndex, line: string): string[] {
  const index = typeof rules === 'string' ? new SignatureIndex(sigs(rules)) : rules
  const out: Signature[] = []
  index.match(pkt(line), out)
  return out.map((s) => s.key)
}

/** True when the one rule `alert <header> (msg:"t"; <options> sid:1;)` matches the line. */
function matches(options: string, line: string, header = 'tcp any any -> any any'): boolean {
  return hits(`alert ${header} (msg:"t"; ${options} sid:1;)`, line).length === 1
}

// A real SYN from the signature-probes capture, for IP option and sequence-number cases.
const SYN_LINE = 'Nov 22 08:36:37 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.10 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=6810 OPT (018307040A4D000A) PROTO=TCP SPT=12090 DPT=80 SEQ=3080293312 ACK=0 WINDOW=1480 RES=0x00 SYN URGP=0 '
const withIpOpts = (hex: string | null): string => SYN_LINE.replace(' OPT (018307040A4D000A)', hex === null ? '' : ` OPT (${hex})`)

describe('numeric criteria at their boundaries', () => {
  test.each([
    ['ttl:64;', [[63, false], [64, true], [65, false]]],
    ['ttl:!64;', [[63, true], [64, false], [65, true]]],
    ['ttl:<64;', [[0, true], [63, true], [64, false]]],
    ['ttl:<=64;', [[64, true], [65, false]]],
    ['ttl:>64;', [[64, false], [65, true], [255, true]]],
    ['ttl:>=64;', [[63, false], [64, true]]],
    ['ttl:60:70;', [[59, false], [60, true], [70, true], [71, false]]],
    ['ttl:!60:70;', [[59, true], [60, false], [70, false], [71, true]]],
    ['ttl:any;', [[0, true], [255, true]]],
  ] as const)('%s by TTL', (options, cases) => {
    for (const [ttl, want] of cases) expect(matches(options, tcpLine({ dport: 80, ttl })), `TTL=${ttl}`).toBe(want)
  })

  test.each([
    ['window:1024;', 1024, true], ['window:1024;', 1025, false], ['window:!1024;', 1024, false], ['window:!1024;', 0, true],
  ] as const)('%s and WINDOW=%i -> %s', (options, window, want) => {
    expect(matches(options, tcpLine({ dport: 80, window }))).toBe(want)
  })

  test.each([
    ['psad_ip_len:404;', 403, false], ['psad_ip_len:404;', 404, true], ['psad_ip_len:404;', 405, false], ['psad_ip_len:>400;', 401, true],
  ] as const)('%s and LEN=%i -> %s', (options, len, want) => {
    expect(matches(options, udpLine({ dport: 1434, len }), 'udp any any -> any any')).toBe(want)
  })

  test('id, seq and ack are read from their own fields', () => {
    const line = SYN_LINE.replace('SEQ=3080293312 ACK=0', 'SEQ=100 ACK=200')
    expect(matches('id:6810;', line)).toBe(true)
    expect(matches('id:6811;', line)).toBe(false)
    expect(matches('seq:100;', line)).toBe(true)
    expect(matches('seq:200;', line)).toBe(false)
    expect(matches('ack:200;', line)).toBe(true)
    expect(matches('ack:100;', line)).toBe(false)
  })

  test('a field the line does not carry confirms no test about it, negated or not', () => {
    const noSeq = tcpLine({ dport: 80 })
    expect(noSeq).not.toContain('SEQ=')
    for (const options of ['seq:0;', 'seq:!0;', 'ack:!0;', 'seq:any;']) expect(matches(options, noSeq), options).toBe(options === 'seq:any;')
  })

  test('itype and icode', () => {
    const unreachable = (code: number): string => icmpLine({ type: 3, code })
    expect(matches('itype:3; icode:1;', unreachable(1), 'icmp any any -> any any')).toBe(true)
    expect(matches('itype:3; icode:1;', unreachable(3), 'icmp any any -> any any')).toBe(false)
    expect(matches('itype:3; icode:>1;', unreachable(2), 'icmp any any -> any any')).toBe(true)
    expect(matches('itype:3; icode:!3;', unreachable(3), 'icmp any any -> any any')).toBe(false)
    expect(matches('itype:!8;', icmpLine({ type: 0, code: 0 }), 'icmp any any -> any any')).toBe(true)
    expect(matches('itype:!8;', icmpLine({ type: 8, code: 0 }), 'icmp any any -> any any')).toBe(false)
    expect(matches('itype:>16;', icmpLine({ type: 17, code: 0 }), 'icmp any any -> any any')).toBe(true)
    expect(matches('itype:>16;', icmpLine({ type: 16, code: 0 }), 'icmp any any -> any any')).toBe(false)
    expect(matches('', icmpLine({ type: 13, code: 0 }), 'icmp any any -> any any')).toBe(true)
  })
})

describe('payload size (dsize)', () => {
  test.each([
    ['a SYN with 4 bytes of logged TCP options', tcpLine({ dport: 80, len: 48 }), 4],
    ['a SYN with logged options and no payload', tcpLine({ dport: 80, len: 44 }), 0],
    ['an ACK without logged options: a bare 20-byte TCP header', tcpLine({ dport: 80, len: 60, flags: 'ACK', opts: null }), 20],
    ['a UDP datagram: its own length less 8', udpLine({ dport: 53, len: 40 }), 12],
    ['an echo request: IP length less 28', icmpLine({ type: 8, code: 0, len: 92 }), 64],
    ['a SYN with 4 bytes of IPv4 options (and psad\'s 44 bytes of TCP options)', withIpOpts('01010101').replace('LEN=48', 'LEN=112'), 24],
  ])('%s', (_what, line, size) => {
    const proto = line.includes('PROTO=UDP') ? 'udp' : line.includes('PROTO=ICMP') ? 'icmp' : 'tcp'
    expect(matches(`dsize:${size};`, line, `${proto} any any -> any any`)).toBe(true)
    expect(matches(`dsize:!${size};`, line, `${proto} any any -> any any`)).toBe(false)
  })

  function packet(fields: Partial<Record<keyof Packet, unknown>>): Packet {
    const p = emptyPacket()
    Object.assign(p, { srcNum: 1, dstNum: 2, ...fields })
    return p
  }

  test.each([
    ['no IP length logged', { proto: PROTO_TCP, flags: SYN }, 0],
    ['TCP, options logged', { proto: PROTO_TCP, len: 60, flags: SYN, tcpOpts: '020405B40402080A' }, 12],
    ['TCP, an empty options group logged', { proto: PROTO_TCP, len: 60, flags: SYN, tcpOpts: '' }, 20],
    ['TCP SYN, options not logged (psad assumes 44 bytes of them)', { proto: PROTO_TCP, len: 100, flags: SYN }, 16],
    ['TCP ACK, options not logged', { proto: PROTO_TCP, len: 100, flags: ACK }, 60],
    ['TCP, flags not logged (ipchains)', { proto: PROTO_TCP, len: 100 }, 60],
    ['TCP, shorter than the headers', { proto: PROTO_TCP, len: 40, flags: SYN }, 0],
    ['TCP over IPv6', { proto: PROTO_TCP, len: 100, flags: ACK, ipv6: true, srcNum: -1, dstNum: -1 }, 40],
    ['TCP behind IPv4 options logged with spaces', { proto: PROTO_TCP, len: 100, flags: ACK, ipOpts: '07 07 04 00 00 00 00 00' }, 52],
    ['UDP, its length logged', { proto: PROTO_UDP, len: 100, udpLen: 30 }, 22],
    ['UDP, its length not logged', { proto: PROTO_UDP, len: 100 }, 72],
    ['UDP-Lite, its length logged', { proto: PROTO_UDPLITE, len: 100, udpLen: 30 }, 22],
    ['ICMP', { proto: PROTO_ICMP, len: 100 }, 72],
    ['another protocol (GRE)', { proto: 47, len: 100 }, 80],
  ] as const)('payloadSize: %s', (_what, fields, size) => {
    expect(payloadSize(packet(fields))).toBe(size)
  })
})

describe('TCP flags', () => {
  test.each([
    ['S', [['SYN', true], ['ACK SYN', false], ['', false]]],
    ['S+', [['SYN', true], ['ACK SYN', true], ['ACK', false]]],
    ['*SF', [['SYN', true], ['FIN', true], ['SYN FIN', true], ['ACK', false], ['', false]]],
    ['!A', [['SYN', true], ['ACK', false], ['ACK SYN', false], ['', true]]],
    ['0', [['', true], ['FIN', false]]],
    ['S,12', [['SYN', true], ['CWR ECE SYN', true], ['ECE SYN', true], ['ACK SYN', false]]],
    ['SA,12', [['ACK SYN', true], ['CWR ACK SYN', true], ['SYN', false]]],
  ] as const)('flags:%s on a rule filed by port', (flags, cases) => {
    for (const [logged, want] of cases) {
      expect(matches(`flags:${flags};`, tcpLine({ dport: 80, flags: logged }), 'tcp any any -> any 80'), `flags ${logged || '(none)'}`).toBe(want)
    }
  })

  test('flow:established needs ACK', () => {
    expect(matches('flow:established;', tcpLine({ dport: 80, flags: 'ACK' }))).toBe(true)
    expect(matches('flow:established;', tcpLine({ dport: 80, flags: 'ACK PSH' }))).toBe(true)
    expect(matches('flow:established;', tcpLine({ dport: 80, flags: 'SYN' }))).toBe(false)
    expect(matches('flow:to_server;', tcpLine({ dport: 80, flags: 'SYN' }))).toBe(true)
  })

  test('an ipchains line, which logs no flags but SYN, matches no flag or flow test', () => {
    const noFlags = 'Nov 22 10:00:00 fw kernel: Packet log: input DENY eth0 PROTO=6 203.0.113.5:1024 192.0.2.1:80 L=60 S=0x00 I=1 F=0x4000 T=64 (#1)'
    expect(pkt(noFlags).flags).toBe(-1)
    for (const options of ['flags:S+;', 'flags:*SA;', 'flags:!S;', 'flags:0;', 'flow:established;']) expect(matches(options, noFlags), options).toBe(false)
    expect(matches('', noFlags, 'tcp any any -> any 80')).toBe(true)
  })
})

describe('header: addresses, ports, direction', () => {
  test('a negated port set does not match a packet without ports (a later fragment)', () => {
    const fragment = 'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.0.2.1 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=7 FRAG:185 PROTO=TCP '
    expect(pkt(fragment)).toMatchObject({ proto: PROTO_TCP, sport: -1, dport: -1 })
    expect(matches('', fragment, 'tcp any any -> any !80')).toBe(false)
    expect(matches('', fragment, 'tcp any !80 -> any any')).toBe(false)
    expect(matches('', fragment, 'tcp any any -> any any')).toBe(true)
  })

  test.each([
    ['tcp', tcpLine({ dport: 80 }), tcpLine({ dport: 81 })],
    ['udp', udpLine({ dport: 80 }), udpLine({ dport: 81 })],
  ])('a %s rule checks a negated port set', (proto, at80, at81) => {
    expect(matches('', at80, `${proto} any any -> any !80`)).toBe(false)
    expect(matches('', at81, `${proto} any any -> any !80`)).toBe(true)
    expect(matches('', at80, `${proto} 203.0.113.0/24 !80 -> any any`)).toBe(true)
    expect(matches('', at80, `${proto} 203.0.113.0/24 any -> any !80`)).toBe(false)
  })

  test('icmp and ip rules ignore the ports written in their header', () => {
    expect(matches('', icmpLine({ type: 8, code: 0 }), 'icmp 203.0.113.0/24 80 -> any 80')).toBe(true)
    expect(matches('', udpLine({ dport: 53 }), 'ip 203.0.113.0/24 80 -> any 80')).toBe(true)
    expect(matches('', udpLine({ dport: 53, src: '198.51.100.1' }), 'ip 203.0.113.0/24 80 -> any 80')).toBe(false)
  })

  test('addresses: networks, negation, both families', () => {
    expect(matches('', tcpLine({ dport: 80 }), 'tcp !203.0.113.0/24 any -> any any')).toBe(false)
    expect(matches('', tcpLine({ dport: 80, src: '198.51.100.1' }), 'tcp !203.0.113.0/24 any -> any any')).toBe(true)
    expect(matches('', tcpLine({ dport: 80 }), 'tcp any any -> 192.0.2.1 any')).toBe(true)
    expect(matches('', tcpLine({ dport: 80 }), 'tcp any any -> 192.0.2.2 any')).toBe(false)
    const v6 = 'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=2001:db8::5 DST=2001:db8:1::1 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=40000 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0 '
    expect(matches('', v6, 'tcp 2001:db8::/48 any -> any 80')).toBe(true)
    expect(matches('', v6, 'tcp 10.0.0.0/8 any -> any 80')).toBe(false)
    expect(matches('', v6, 'tcp !2001:db8::/48 any -> any 80')).toBe(false)
  })

  test('IPv4-only criteria (id, ipopts) never match an IPv6 packet', () => {
    const v6 = 'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=2001:db8::5 DST=2001:db8:1::1 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=40000 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0 '
    expect(matches('', v6, 'tcp any any -> any 80')).toBe(true)
    for (const options of ['id:0:;', 'id:!5;', 'ipopts:any;', 'ipopts:rr;']) expect(matches(options, v6, 'tcp any any -> any 80'), options).toBe(false)
  })

  test('-> matches one direction, <> both, <- the other', () => {
    const out = tcpLine({ src: '10.0.0.1', sport: 1234, dst: '192.0.2.1', dport: 80 })
    const back = tcpLine({ src: '192.0.2.1', sport: 80, dst: '10.0.0.1', dport: 1234 })
    expect([matches('', out, 'tcp 10.0.0.0/8 any -> any 80'), matches('', back, 'tcp 10.0.0.0/8 any -> any 80')]).toEqual([true, false])
    expect([matches('', out, 'tcp 10.0.0.0/8 any <> any 80'), matches('', back, 'tcp 10.0.0.0/8 any <> any 80')]).toEqual([true, true])
    expect([matches('', out, 'tcp 10.0.0.0/8 any <- any 80'), matches('', back, 'tcp 10.0.0.0/8 any <- any 80')]).toEqual([false, true])
  })

  test('sameip: source equals destination, not on the loopback interface', () => {
    const land = tcpLine({ src: '192.0.2.1', dst: '192.0.2.1', sport: 139, dport: 139 })
    expect(matches('sameip;', land)).toBe(true)
    expect(matches('sameip;', land.replace('IN=eth0', 'IN=lo'))).toBe(false)
    expect(matches('sameip;', tcpLine({ src: '192.0.2.2', dst: '192.0.2.1', dport: 139 }))).toBe(false)
    const v6 = (src: string): string => `Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=${src} DST=2001:db8::1 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=139 DPT=139 WINDOW=1024 RES=0x00 SYN URGP=0 `
    expect(matches('sameip;', v6('2001:db8::1'))).toBe(true)
    expect(matches('sameip;', v6('2001:db8::2'))).toBe(false)
  })
})

describe('IPv4 options (ipopts)', () => {
  const NOP = '01'
  const LSRR = '8307040A4D000A' // loose source route, 7 bytes
  const RR = '07070400000000' // record route, 7 bytes
  test.each([
    ['the capture: NOP, LSRR', NOP + LSRR, ['lsrr', 'nop', 'any'], ['rr', 'ssrr', 'eol']],
    ['an option after a multi-byte option', LSRR + RR + '00', ['lsrr', 'rr', 'eol'], ['ssrr', 'nop', 'ts']],
    ['an end-of-list as the last byte', RR + '00', ['rr', 'eol'], ['lsrr']],
    ['an option of type and length only (2 bytes)', NOP + '8602' + RR + '00', ['rr', 'eol'], ['ts']],
    ['bytes after the end-of-list are padding, not options', '00' + '02' + RR, ['eol'], ['rr']],
    ['a length below 2 ends the reading after that option', '8900' + RR, ['ssrr'], ['rr', 'eol']],
    ['bytes logged with spaces between them', '01 07 07 04 00 00 00 00', ['rr', 'nop'], ['eol']],
  ])('%s', (_what, hex, present, absent) => {
    const line = withIpOpts(hex)
    for (const name of present) expect(matches(`ipopts:${name};`, line, 'tcp any any -> any 80'), `ipopts:${name}`).toBe(true)
    for (const name of absent) expect(matches(`ipopts:${name};`, line, 'tcp any any -> any 80'), `ipopts:${name}`).toBe(false)
  })

  test('ipopts:any needs some option, on tcp and on ip rules', () => {
    for (const header of ['tcp any any -> any 80', 'ip any any -> any any']) {
      expect(matches('ipopts:any;', withIpOpts(null), header), header).toBe(false)
      expect(matches('ipopts:any;', withIpOpts('94040000'), header), header).toBe(true)
      expect(matches('ipopts:lsrr;', withIpOpts(null), header), header).toBe(false)
    }
  })
})

describe('the index', () => {
  const RULES = [
    'alert tcp any any -> any 80 (msg:"a"; sid:1;)',
    'alert tcp any any -> any [80,443] (msg:"b"; flags:S; sid:2;)',
    'alert tcp any any -> any 1:5000 (msg:"c"; sid:3;)',
    'alert tcp any any -> any 1:10000 (msg:"d"; sid:4;)',
    'alert tcp any any -> any !80 (msg:"e"; sid:5;)',
    'alert tcp any any -> any any (msg:"f"; flags:S; sid:6;)',
    'alert tcp any any -> any any (msg:"g"; flags:F,12; sid:7;)',
    'alert tcp any any -> any any (msg:"h"; flags:0; sid:8;)',
    'alert tcp any any -> any any (msg:"i"; flags:A; flow:established; sid:9;)',
    'alert tcp any any -> any any (msg:"j"; flags:S+; sid:10;)',
    'alert tcp any any <> any 139 (msg:"k"; sid:11;)',
    'alert tcp any any <> any 0:5 (msg:"l"; sid:12;)',
    'alert tcp any 53 -> any any (msg:"m"; sid:13;)',
    'alert tcp 203.0.113.0/24 any -> any 1:65535 (msg:"n"; sid:14;)',
    'alert udp any any -> any 53 (msg:"o"; sid:15;)',
    'alert udp any any <> any 53 (msg:"p"; psad_id:300001;)',
    'alert udp any any -> any !53 (msg:"q"; sid:16;)',
    'alert udp any any -> any any (msg:"r"; dsize:0; sid:17;)',
    'alert icmp any any -> any any (msg:"s"; itype:8; sid:18;)',
    'alert icmp any any -> any any (msg:"t"; itype:!8; sid:19;)',
    'alert icmp any any -> any any (msg:"u"; itype:3:5; sid:20;)',
    'alert icmp any any -> any any (msg:"v"; itype:>16; sid:21;)',
    'alert icmp any any -> any any (msg:"w"; sid:22;)',
    'alert icmp any any -> any any (msg:"x"; itype:3; icode:1; sid:23;)',
    'alert ip any any -> any any (msg:"y"; ttl:<2; sid:24;)',
    'alert ip any any -> any any (msg:"z"; ipopts:any; sid:25;)',
    'alert ip any any -> any any (msg:"aa"; ipopts:lsrr; sid:26;)',
    'alert ip 203.0.113.0/24 any -> any any (msg:"bb"; sameip; sid:27;)',
    'alert tcp any any -> any 80 (msg:"cc"; ipopts:any; sid:28;)',
  ].join('\n')
  const LINES = [
    tcpLine({ dport: 80 }), tcpLine({ dport: 443 }), tcpLine({ dport: 443, flags: 'ACK SYN' }), tcpLine({ dport: 4999 }),
    tcpLine({ dport: 8000, flags: 'FIN' }), tcpLine({ dport: 8000, flags: 'CWR ECE FIN' }), tcpLine({ dport: 22, flags: '' }),
    tcpLine({ dport: 22, flags: 'ACK' }), tcpLine({ dport: 22, flags: 'ACK SYN' }), tcpLine({ sport: 139, dport: 40000, flags: 'ACK' }),
    tcpLine({ sport: 139, dport: 139 }), tcpLine({ sport: 3, dport: 4 }), tcpLine({ sport: 53, dport: 1024 }), tcpLine({ dport: 65535, src: '198.51.100.1' }),
    udpLine({ dport: 53 }), udpLine({ sport: 53, dport: 40000 }), udpLine({ dport: 54, len: 28 }), udpLine({ dport: 54, len: 29 }),
    icmpLine({ type: 8, code: 0 }), icmpLine({ type: 0, code: 0 }), icmpLine({ type: 4, code: 0 }), icmpLine({ type: 3, code: 1 }),
    icmpLine({ type: 17, code: 0 }), icmpLine({ type: 16, code: 0 }), withIpOpts('018307040A4D000A'), withIpOpts('94040000'),
    tcpLine({ src: '203.0.113.9', dst: '203.0.113.9', dport: 139 }), udpLine({ dport: 9 }).replace('TTL=50', 'TTL=1'),
    'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.0.2.1 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=7 FRAG:185 PROTO=TCP ',
    'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.0.2.1 LEN=20 TOS=0x00 PREC=0x00 TTL=1 ID=8 PROTO=47 ',
  ]
  const signatures = sigs(RULES)
  const PROTO = { tcp: PROTO_TCP, udp: PROTO_UDP, icmp: PROTO_ICMP } as const

  /** What a plain scan of every rule finds: the rules for the packet's protocol (ip: all) that match. */
  function scan(p: Packet): string[] {
    return signatures.filter((s) => (s.proto === 'ip' || PROTO[s.proto] === p.proto) && runProgram(compileSignature(s), p)).map((s) => s.key)
  }

  test('finds exactly what a scan of every rule finds, each rule once', () => {
    const index = new SignatureIndex(signatures)
    const found = new Set<string>()
    for (const line of LINES) {
      const got = hits(index, line)
      expect(got.length, line).toBe(new Set(got).size)
      expect([...got].sort(), line).toEqual(scan(pkt(line)).sort())
      for (const k of got) found.add(k)
    }
    // The lines exercise every rule, so a rule the index loses would show.
    expect([...found].sort()).toEqual(signatures.map((s) => s.key).sort())
  })

  test('match appends to what is already in the list and returns how many it added', () => {
    const index = new SignatureIndex(signatures)
    const out: Signature[] = [signatures[0]!, signatures[1]!]
    const n = index.match(pkt(tcpLine({ sport: 139, dport: 139 })), out)
    expect(n).toBe(out.length - 2)
    expect(n).toBeGreaterThan(1)
    expect(out.slice(0, 2)).toEqual([signatures[0], signatures[1]])
  })

  test('a <> rule matched by both its ports is reported once', () => {
    expect(hits('alert tcp any any <> any 139 (msg:"nb"; sid:1;)', tcpLine({ sport: 139, dport: 139 }))).toEqual(['sid:1'])
  })

  test('byKey finds a rule by sid or psad_id key', () => {
    const index = new SignatureIndex(signatures)
    expect(index.size).toBe(signatures.length)
    expect(index.byKey('sid:18')?.msg).toBe('s')
    expect(index.byKey('psad_id:300001')?.msg).toBe('p')
    expect(index.byKey('sid:999')).toBeUndefined()
  })
})
