import { describe, expect, test } from 'vitest'
import { LineParser } from '../../src/parse/line.js'
import { textHash } from '../../src/parse/netfilter.js'
import type { Packet } from '../../src/parse/packet.js'
import { parseLine, type ParsedLine } from '../helpers/lines.js'

// What the parser makes of lines at the edges of the LOG format: each reason a malformed line is
// given (the report's malformed samples show it to the user), each word or field that changes a
// packet, and the source every accepted line is routed by. Cases found by StrykerJS survivors in
// src/parse/netfilter.ts and src/parse/line.ts.

const ctx = { year: 2026, reference: Date.UTC(2026, 10, 22, 12) }
const HEAD = 'Nov 22 07:15:55 fw kernel: DROP '
const IP4 = 'IN=eth0 OUT= SRC=198.51.100.7 DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=1'
const TCP = `${IP4} PROTO=TCP SPT=56247 DPT=1025 WINDOW=3072 RES=0x00 SYN URGP=0 `
const UDP = `${IP4} PROTO=UDP SPT=53 DPT=1002 LEN=9 `
const ICMP = `${IP4} PROTO=ICMP `
const IP6 = 'IN=eth0 OUT= SRC=2001:db8::1 DST=2001:db8::2 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0'

const run = (line: string): ParsedLine => parseLine(line, ctx)

function packet(line: string): Packet {
  const r = run(line)
  if (r.packet === null) throw new Error(`${r.verdict} (${r.error}): ${line}`)
  // The route of every accepted line is its source's (a parallel run deals lines out by it).
  expect(r.route, line).toBe(r.packet.srcNum >= 0 ? r.packet.srcNum : textHash(r.packet.src))
  return r.packet
}

describe('the reason a malformed line is given', () => {
  test.each([
    ['no DST=', `${TCP.replace(' DST=192.0.2.1', '')}`, 'missing SRC= or DST='],
    ['a line cut before SRC=', 'IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00', 'line ends before SRC='],
    ['no PROTO=', IP4, 'missing PROTO='],
    ['no interface', TCP.replace('IN=eth0', 'IN='), 'neither IN= nor OUT= names an interface'],
    ['IPv4 and IPv6 addresses', TCP.replace('DST=192.0.2.1', 'DST=2001:db8::2'), 'SRC= and DST= of different address families'],
    ['a SRC= after PROTO=', TCP.replace('SPT=', 'SRC=203.0.113.1 SPT='), 'more than one SRC='],
    ['a protocol with no name or number', `${IP4} PROTO=FOO `, "unknown protocol 'FOO'"],
    ['a protocol number above 255', `${IP4} PROTO=256 `, "unknown protocol '256'"],
    ['a word between WINDOW= and URGP= that is no flag', TCP.replace('SYN', 'SYN FOO'), "unknown TCP flag 'FOO'"],
    ['a TCP line whose DPT= is no number', TCP.replace('DPT=1025', 'DPT=x'), 'TCP line without valid SPT=/DPT='],
    ['a UDP line without SPT=', UDP.replace('SPT=53 ', ''), 'UDP line without valid SPT=/DPT='],
    ['a UDP line without DPT=', UDP.replace('DPT=1002 ', ''), 'UDP line without valid SPT=/DPT='],
    ['a UDP line without its LEN=', UDP.replace(' LEN=9', ''), 'UDP line without LEN= after its ports'],
    ['an ICMP line without TYPE=', `${ICMP}CODE=0 `, 'ICMP line without valid TYPE=/CODE='],
    ['an ICMP line whose CODE= is no number', `${ICMP}TYPE=3 CODE=x `, 'ICMP line without valid TYPE=/CODE='],
    ['an echo request without SEQ=', `${ICMP}TYPE=8 CODE=0 ID=7 `, 'ICMP echo line without ID= and SEQ='],
    ['an echo reply without ID=', `${ICMP}TYPE=0 CODE=0 SEQ=1 `, 'ICMP echo line without ID= and SEQ='],
    ['an ICMPv6 echo request without ID=', `${IP6} PROTO=ICMPv6 TYPE=128 CODE=0 SEQ=1 `, 'ICMP echo line without ID= and SEQ='],
    ['an ICMPv6 echo reply without ID=', `${IP6} PROTO=ICMPv6 TYPE=129 CODE=0 SEQ=1 `, 'ICMP echo line without ID= and SEQ='],
    ['an IPv4 MTU= above 65535', `${ICMP}TYPE=3 CODE=4 MTU=65536 `, 'bad MTU= value'],
    ['a PARAMETER= above 255', `${ICMP}TYPE=12 CODE=0 PARAMETER=256 `, 'bad PARAMETER= value'],
    ['a redirect to no IPv4 gateway', `${ICMP}TYPE=5 CODE=1 GATEWAY=2001:db8::9 `, "bad GATEWAY= value '2001:db8::9' (expected an IPv4 address)"],
    ['an ICMPv6 line with a GATEWAY= (the kernel prints none)', `${IP6} PROTO=ICMPv6 TYPE=137 CODE=0 GATEWAY=2001:db8::9 `, 'bad GATEWAY= value'],
    ['FRAG: with no offset', UDP.replace(' PROTO=', ' FRAG: PROTO='), "bad fragment offset (expected FRAG:0-8191) 'FRAG:'"],
    ['OPT without its parenthesis', TCP.replace('URGP=0 ', 'URGP=0 OPT 0204'), 'unterminated OPT ( … )'],
    ['OPT at the end of the line', TCP.replace('URGP=0 ', 'URGP=0 OPT '), 'unterminated OPT ( … )'],
    ['OPT without its closing parenthesis', TCP.replace('URGP=0 ', 'URGP=0 OPT (0204'), 'unterminated OPT ( … )'],
    ['OPT with a byte that is not hexadecimal', TCP.replace('URGP=0 ', 'URGP=0 OPT (02G4) '), 'OPT ( … ) is not hexadecimal'],
    ['an ICMP error quoting a packet it does not close', `${ICMP}TYPE=3 CODE=3 [SRC=192.0.2.1 DST=198.51.100.7 `, 'unterminated [ … ]'],
    ['a sequence number of more than ten digits', TCP.replace('WINDOW=', 'SEQ=00000000001 ACK=0 WINDOW='), 'bad SEQ= value'],
    ['a hex value without digits', TCP.replace('TOS=0x00', 'TOS=0x'), "bad TOS= value '0x'"],
    ['a hex value of more than eight digits', TCP.replace('URGP=0 ', 'URGP=0 MARK=0x000000001 '), 'bad MARK= value'],
    ['a hex value with a byte that is no hex digit', TCP.replace('TOS=0x00', 'TOS=0x0g'), 'bad TOS= value'],
    ['a zone of more than 15 bytes', IP6.replace('SRC=2001:db8::1', `SRC=fe80::1%${'e'.repeat(16)}`) + ' PROTO=47 ', 'bad SRC address'],
    ['an empty zone', IP6.replace('DST=2001:db8::2', 'DST=fe80::2%') + ' PROTO=47 ', 'bad DST address'],
    ['a zone with a slash', IP6.replace('SRC=2001:db8::1', 'SRC=fe80::1%eth/0') + ' PROTO=47 ', 'bad SRC address'],
    ['a zone with a colon', IP6.replace('SRC=2001:db8::1', 'SRC=fe80::1%eth:0') + ' PROTO=47 ', 'bad SRC address'],
    ['a zone with a second %', IP6.replace('SRC=2001:db8::1', 'SRC=fe80::1%eth%0') + ' PROTO=47 ', 'bad SRC address'],
    ['a zone with a control byte', IP6.replace('SRC=2001:db8::1', 'SRC=fe80::1%eth\x010') + ' PROTO=47 ', 'bad SRC address'],
    ['a zone with DEL', IP6.replace('SRC=2001:db8::1', 'SRC=fe80::1%eth\x7f0') + ' PROTO=47 ', 'bad SRC address'],
  ])('%s', (_name, body, reason) => {
    const r = run(HEAD + body)
    expect(r.verdict).toBe('malformed')
    expect(r.error).toContain(reason)
  })

  test('netfilter fields inside the syslog header (a forged host) are refused, not read from there', () => {
    const r = run(`<4>1 2026-11-22T07:15:55Z IN=eth0 OUT= - - - ${TCP}`)
    expect([r.verdict, r.error]).toEqual(['malformed', 'netfilter fields inside the syslog header'])
  })
  test('ipchains fields inside the syslog header are refused', () => {
    const r = run('Nov 22 10:00:00 Packet log: kernel: input DENY eth0 PROTO=6 192.0.2.44:1024 192.0.2.1:23 L=60 S=0x00 I=1 F=0x4000 T=64 SYN (#1)')
    expect([r.verdict, r.error]).toEqual(['malformed', 'ipchains fields inside the syslog header'])
  })
  test("a bad timestamp before a firewall body is the line's reason", () => {
    const r = run(`Nov 31 07:15:55 fw kernel: DROP ${TCP}`)
    expect(r.verdict).toBe('malformed')
    expect(r.error).toContain('no such date')
  })
})

describe('lines the kernel prints that are packets', () => {
  test('PROTO=0 (IPv6 hop-by-hop number inside IPv4) is protocol 0 with no transport fields', () => {
    expect(packet(HEAD + `${IP4} PROTO=0 `).proto).toBe(0)
  })
  test('a numeric PROTO=6 has no ports to check (nmap -sO)', () => {
    expect(packet(HEAD + `${IP4} PROTO=6 `)).toMatchObject({ proto: 6, sport: -1, dport: -1 })
  })
  test('port 0 and UDP LEN=0 are values, not missing fields', () => {
    expect(packet(HEAD + UDP.replace('SPT=53', 'SPT=0').replace('LEN=9', 'LEN=0'))).toMatchObject({ sport: 0, udpLen: 0 })
  })
  test('MF marks a fragment; DF does not', () => {
    expect(packet(HEAD + TCP.replace(' PROTO=', ' MF PROTO=')).fragment).toBe(true)
    expect(packet(HEAD + TCP.replace(' PROTO=', ' DF PROTO='))).toMatchObject({ df: true, fragment: false })
  })
  test('a later fragment has no ports (FRAG:n with n > 0), the first one must have them', () => {
    expect(packet(HEAD + `${IP4} FRAG:100 PROTO=TCP `)).toMatchObject({ fragment: true, dport: -1 })
    expect(packet(HEAD + `${IP4} FRAG:100 PROTO=ICMP `)).toMatchObject({ fragment: true, icmpType: -1 })
    const first = run(HEAD + `${IP4} MF FRAG:0 PROTO=TCP `)
    expect([first.verdict, first.error]).toEqual(['malformed', 'TCP line without valid SPT=/DPT='])
  })
  test('an ICMP header cut short (INCOMPLETE) has no type to check', () => {
    expect(packet(HEAD + `${ICMP}INCOMPLETE [2 bytes] `)).toMatchObject({ proto: 1, icmpType: -1 })
    expect(packet(HEAD + `${ICMP}TYPE=8 CODE=0 INCOMPLETE [4 bytes] `)).toMatchObject({ icmpType: 8, icmpId: -1 })
  })
  test('ICMPv6 MTU= is 32 bits, ICMP MTU= 16', () => {
    expect(packet(HEAD + `${IP6} PROTO=ICMPv6 TYPE=2 CODE=0 MTU=70000 `).icmpType).toBe(2)
    expect(packet(HEAD + `${ICMP}TYPE=3 CODE=4 MTU=65535 `).icmpCode).toBe(4)
  })
  test('a redirect names its IPv4 gateway', () => {
    expect(packet(HEAD + `${ICMP}TYPE=5 CODE=1 GATEWAY=192.0.2.9 [SRC=192.0.2.1 DST=198.51.100.7 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=UDP SPT=1 DPT=2 LEN=8 ] `).icmpType).toBe(5)
  })
  test('hex values with and without 0x, in either case, up to eight digits', () => {
    expect(packet(HEAD + TCP.replace('TOS=0x00', 'TOS=10')).tos).toBe(16)
    expect(packet(HEAD + TCP.replace('TOS=0x00', 'TOS=0X1f')).tos).toBe(31)
    expect(packet(HEAD + TCP.replace('URGP=0 ', 'URGP=0 MARK=0xffffffff ')).proto).toBe(6)
  })
  test('MACSRC=, MACDST= and MACPROTO= of an IP packet', () => {
    const p = packet(HEAD + TCP.replace(' SRC=', ' MACSRC=00:11:22:33:44:55 MACDST=66:77:88:99:aa:bb MACPROTO=0800 SRC='))
    expect([p.macSrc, p.macDst]).toEqual(['00:11:22:33:44:55', '66:77:88:99:aa:bb'])
    expect(packet(HEAD + `${IP6} MACPROTO=86dd PROTO=47 `).proto).toBe(47)
  })
  test('a MAC= header of a type other than IPv4 or IPv6, or a MACPROTO= of one, is a line of no IP packet', () => {
    const arp = 'IN=br0 OUT= MAC=ff:ff:ff:ff:ff:ff:00:11:22:33:44:55:08:06 '
    expect(run(HEAD + arp).verdict).toBe('non-ip')
    expect(run(HEAD + 'IN=br0 OUT= MACSRC=00:11:22:33:44:55 MACDST=ff:ff:ff:ff:ff:ff MACPROTO=0806 ').verdict).toBe('non-ip')
    expect(run(HEAD + 'IN=br0 OUT= MACSRC=00:11:22:33:44:55 MACDST=ff:ff:ff:ff:ff:ff MACPROTO=08000 ').verdict).toBe('non-ip')
    expect(run(HEAD + 'IN=br0 OUT= MAC=ff:ff:ff:ff:ff:ff:00:11:22:33:44:55:86:dd ').error).toBe('line ends before SRC=')
    expect(run(HEAD + 'IN=br0 OUT= MAC=ff:ff:ff:ff:ff:ff ').error).toBe('line ends before SRC=')
  })
  test('ARP and TRUNCATED words say the line carries no IP header', () => {
    expect(run(HEAD + 'IN=br0 OUT= ARP ').verdict).toBe('non-ip')
    expect(run(HEAD + 'IN=br0 OUT= TRUNCATED ').verdict).toBe('non-ip')
  })
  test('a zone is kept apart from the address', () => {
    const p = packet(HEAD + IP6.replace('SRC=2001:db8::1', 'SRC=fe80::1%eth0').replace('DST=2001:db8::2', 'DST=fe80::2%e') + ' PROTO=47 ')
    expect([p.src, p.srcZone, p.dst, p.dstZone]).toEqual(['fe80::1', 'eth0', 'fe80::2', 'e'])
    expect(packet(HEAD + IP6.replace('SRC=2001:db8::1', `SRC=fe80::1%${'e'.repeat(15)}`) + ' PROTO=47 ').srcZone).toBe('e'.repeat(15))
  })
  test('IPv6 extension headers are counted, the empty ones apart', () => {
    const p = packet(HEAD + `${IP6} OPT ( ) OPT (00 01) PROTO=47 `)
    expect([p.extHeaders, p.emptyExtHeaders]).toEqual([2, 1])
  })
  test('TCP options are read after PROTO=TCP, IPv4 options before it, and nothing from UDP', () => {
    const tcp = packet(HEAD + TCP.replace(' PROTO=', ' OPT (94040000) PROTO=').replace('URGP=0 ', 'URGP=0 OPT (020405B4) '))
    expect([tcp.ipOpts, tcp.tcpOpts]).toEqual(['94040000', '020405B4'])
    expect(packet(HEAD + `${UDP}OPT (0102) `).tcpOpts).toBeNull()
  })
  test('a mark= in a kernel line is some other key, stepped over', () => {
    expect(packet(HEAD + TCP.replace('URGP=0 ', 'URGP=0 mark=x ')).dport).toBe(1025)
    expect(packet(HEAD + TCP.replace('URGP=0 ', 'URGP=0 INVALID=x ')).dport).toBe(1025)
    expect(packet(HEAD + TCP.replace(' PROTO=', ' FRAG=x PROTO=')).fragment).toBe(false)
  })
  test('every field before PROTO= counts only once the line is read from its start', () => {
    // The body starts at the IN= whose value is followed by OUT=, wherever the scan lands on it.
    for (const prefix of ['', 'I ', 'IN ', 'NIN=x ', 'IIN=x ', 'IN=x IN=y ', 'IN=xOUT= ', 'OUT= IN= ', 'IN=x IN=y IN=z ']) {
      const p = packet(`${HEAD}${prefix}${TCP}`)
      expect([p.inIf, p.prefix], prefix).toEqual(['eth0', `DROP ${prefix}`.trim()])
    }
  })
  test('a body cut right after OUT= is one, cut short; one cut inside OUT= is none', () => {
    expect(run(`${HEAD}IN=eth0 OUT=`).error).toBe('line ends before SRC=')
    expect(run(`${HEAD}IN=eth0 OUT`).verdict).toBe('not-firewall')
  })
})

describe('the prefix of a line', () => {
  test('the spaces around it go, and it is cut at 128 bytes', () => {
    expect(packet(`Nov 22 07:15:55 fw kernel:    DROP   ${TCP}`).prefix).toBe('DROP')
    expect(packet(`Nov 22 07:15:55 fw kernel: ${'p'.repeat(128)} ${TCP}`).prefix).toBe('p'.repeat(128))
    expect(packet(`Nov 22 07:15:55 fw kernel: ${'p'.repeat(129)} ${TCP}`).prefix).toBe('p'.repeat(128))
    expect(packet(`Nov 22 07:15:55 fw kernel: ${TCP}`).prefix).toBe('')
  })
  test('two messages glued by a corrupted ring buffer: the prefix is the last one\'s', () => {
    expect(packet(`Nov 22 07:15:55 fw kernel: OLD kernel: [ 12.5] NEW ${TCP}`).prefix).toBe('NEW')
    expect(packet(`Nov 22 07:15:55 fw kernel: kernel: ${TCP}`).prefix).toBe('')
  })
  test('fwsnort: the SID alone, then the rule number and ESTAB when present, line after line', () => {
    const parser = new LineParser({ sidString: 'SID' })
    const one = (prefix: string): Packet => {
      const r = parser.parse(`Nov 22 07:15:55 fw kernel: ${prefix} ${TCP}`, ctx)
      if (typeof r === 'string') throw new Error(r)
      return r
    }
    expect(one('SID2003')).toMatchObject({ fwsnortSid: 2003, fwsnortRule: -1, estab: false })
    expect(one('[7] SID2004 ESTAB')).toMatchObject({ fwsnortSid: 2004, fwsnortRule: 7, estab: true })
    expect(one('DROP')).toMatchObject({ fwsnortSid: -1, prefix: 'DROP' })
    expect(one('SIDx')).toMatchObject({ fwsnortSid: -1, prefix: 'SIDx' })
  })
  test('a SID word with regular-expression characters is matched as text', () => {
    const parser = new LineParser({ sidString: 'S.D' })
    const r = parser.parse(`Nov 22 07:15:55 fw kernel: SID5 ${TCP}`, ctx)
    expect(typeof r === 'string' ? r : r.fwsnortSid).toBe(-1)
    const s = parser.parse(`Nov 22 07:15:55 fw kernel: S.D5 ${TCP}`, ctx)
    expect(typeof s === 'string' ? s : s.fwsnortSid).toBe(5)
  })
})

describe('Proxmox VE lines', () => {
  const MAC = 'MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00'
  const line = (chain: string, prefix: string): string =>
    `0 6 ${chain} 04/Dec/2026:15:05:56 +0100 ${prefix}IN=vmbr0 ${MAC} SRC=198.51.100.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 SYN `

  test('each line gets its own chain and prefix, also when only one of them changes', () => {
    const parser = new LineParser({ sidString: 'SID' })
    const prefixes = [['A', 'policy DROP: '], ['A', 'ACCEPT: '], ['B', 'ACCEPT: '], ['B', ''], ['B', '']].map(([chain, prefix]) => {
      const r = parser.parse(line(chain!, prefix!), ctx)
      return typeof r === 'string' ? r : r.prefix
    })
    expect(prefixes).toEqual(['A policy DROP:', 'A ACCEPT:', 'B ACCEPT:', 'B', 'B'])
  })
  test('its mark= is a decimal number; INVALID= says what is missing', () => {
    expect(run(line('A', '') + 'mark=3').verdict).toBe('packet')
    expect(run(line('A', '') + 'mark=x').error).toContain('bad mark= value')
    expect(run(line('A', '').replace(' SRC=', ' INVALID=LEN SRC=')).verdict).toBe('non-ip')
    expect(packet(line('A', '').replace('SPT=51234 DPT=22 WINDOW=64240 SYN ', 'INVALID=LEN '))).toMatchObject({ proto: 6, dport: -1 })
    expect(packet(line('A', '').replace(' DF ', ' FRAG=100 DF ').replace('SPT=51234 DPT=22 WINDOW=64240 SYN ', ''))).toMatchObject({ fragment: true, dport: -1 })
    expect(run(line('A', '').replace(' DF ', ' FRAG=8192 DF ')).error).toContain('bad FRAG= value')
  })
  test('UDP LEN= with a mark glued to it, and the lengths it cannot be', () => {
    const udp = line('A', '').replace('PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 SYN ', 'PROTO=UDP SPT=1 DPT=2 LEN=')
    expect(packet(`${udp}52mark=3`).udpLen).toBe(52)
    expect(packet(`${udp}65535`).udpLen).toBe(65535)
    expect(packet(`${udp}0 `).udpLen).toBe(0)
    for (const bad of ['65536', '', 'x', '52x', '1234567']) expect(run(udp + bad).error, bad).toContain('bad LEN= value')
  })
  test('IPv6: LEN= is the payload, ID= belongs to a fragment header', () => {
    const v6 = `0 6 A 04/Dec/2026:15:05:56 +0100 IN=vmbr0 SRC=2001:db8::1 DST=2001:db8::2 LEN=20 TC=0 HOPLIMIT=64 FLOWLBL=0 ID=7 PROTO=UDP SPT=1 DPT=2 LEN=12 `
    expect(packet(v6).len).toBe(60)
    expect(run(v6.replace('LEN=20', 'LEN=65536')).error).toContain('bad LEN= value')
    expect(packet(v6.replace('PROTO=UDP SPT=1 DPT=2 LEN=12 ', 'PROTO=ICMPv6 TYPE=4 CODE=0 PARAMETER=HEADER ')).icmpType).toBe(4)
    expect(packet(v6.replace('PROTO=UDP SPT=1 DPT=2 LEN=12 ', 'PROTO=ICMPv6 TYPE=137 CODE=0 GATEWAY=2001:db8::9 ')).icmpType).toBe(137)
  })
})

describe('routing', () => {
  test('brackets and options before SRC= are stepped over, as the parser does', () => {
    packet(HEAD + TCP.replace(' SRC=', ' [SRC=203.0.113.9] OPT (0102) SRC='))
  })
  test('lines that name no source route nowhere', () => {
    expect(run(HEAD + 'IN=eth0 OUT= [SRC=203.0.113.9 ').route).toBe(-1)
    expect(run(HEAD + 'IN=eth0 OUT= OPT (0102 ').route).toBe(-1)
    expect(run(HEAD + 'IN=eth0 OUT= PROTO=TCP ').route).toBe(-1)
    expect(run('Nov 22 07:15:55 fw sshd: accepted').route).toBe(-1)
    expect(run('Nov 22 10:00:00 fw kernel: Packet log: input DENY eth0 PROTO=6 bogus').route).toBe(-1)
  })
  test('ipchains and Proxmox VE lines route by their source', () => {
    packet('Nov 22 10:00:00 fw kernel: Packet log: input DENY eth0 PROTO=6 192.0.2.44:1024 192.0.2.1:23 L=60 S=0x00 I=1 F=0x4000 T=64 SYN (#1)')
    packet(`0 6 A 04/Dec/2026:15:05:56 +0100 DROP: IN=vmbr0 SRC=198.51.100.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=47 `)
    expect(run('0 5 - 04/Dec/2026:15:05:56 +0100 starting pvefw logger').route).toBe(-1)
  })
})
