import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { LineParser } from '../../src/parse/line.js'
import { textHash } from '../../src/parse/netfilter.js'
import { ACK, FIN, flagsText, type Packet, PSH, SYN, URG } from '../../src/parse/packet.js'

const parser = new LineParser({ sidString: 'SID' })
const ctx = { year: 2026, reference: Date.UTC(2026, 10, 22, 12) }

function parse(line: string): Packet {
  const r = parser.parse(line, ctx)
  if (typeof r === 'string') throw new Error(`expected a packet, got ${r}: ${parser.error}`)
  return r
}

const BODY = 'IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.7 DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=15270 PROTO=TCP SPT=56247 DPT=1025 WINDOW=3072 RES=0x00 SYN URGP=0 OPT (020405B4) '

describe('syslog heads', () => {
  test.each([
    ['RFC 3164', `Mar 11 20:35:11 fw kernel: DROP ${BODY}`, '2026-03-11T20:35:11.000Z', 'fw'],
    ['RFC 3164, padded day and uptime', `Mar  1 20:35:11 fw kernel: [463490.251762] DROP ${BODY}`, '2026-03-01T20:35:11.000Z', 'fw'],
    ['RFC 3339 high precision (Debian 12 rsyslog)', `2026-11-22T07:15:55.865612+00:00 fw kernel: DROP ${BODY}`, '2026-11-22T07:15:55.865Z', 'fw'],
    ['RFC 3339 with +hhmm zone, no fraction', `2023-03-11T20:35:11+0100 fw kernel: DROP ${BODY}`, '2023-03-11T19:35:11.000Z', 'fw'],
    ['RFC 3339 with Z', `2026-11-22T07:15:55Z fw kernel: DROP ${BODY}`, '2026-11-22T07:15:55.000Z', 'fw'],
    ['ISO without zone is local time', `2026-11-22T07:15:55 fw kernel: DROP ${BODY}`, '2026-11-22T07:15:55.000Z', 'fw'],
    ['RFC 5424', `<4>1 2026-11-22T07:15:55.865612+00:00 fw kernel - - - DROP ${BODY}`, '2026-11-22T07:15:55.865Z', 'fw'],
    ['RFC 5424 with structured data', `<4>1 2026-11-22T07:15:55Z fw kernel - - [meta x="a\\]b"] DROP ${BODY}`, '2026-11-22T07:15:55.000Z', 'fw'],
    ['journalctl short-precise', `Nov 22 07:15:55.865612 fw kernel: DROP ${BODY}`, '2026-11-22T07:15:55.865Z', 'fw'],
    ['journalctl short-iso', `2026-11-22T07:15:55+0000 fw kernel: DROP ${BODY}`, '2026-11-22T07:15:55.000Z', 'fw'],
    ['journalctl short-full', `Sun 2026-11-22 07:15:55 UTC fw kernel: DROP ${BODY}`, '2026-11-22T07:15:55.000Z', 'fw'],
    ['ulogd LOGEMU (no kernel: tag)', `Mar 11 20:35:11 fw DROP ${BODY}`, '2026-03-11T20:35:11.000Z', 'fw'],
    ['grep -H file name in front', `kern.log:Mar 11 20:35:11 fw kernel: DROP ${BODY}`, '2026-03-11T20:35:11.000Z', 'fw'],
  ])('%s', (_name, line, iso, host) => {
    const p = parse(line)
    expect(new Date(p.time).toISOString()).toBe(iso)
    expect(p.host).toBe(host)
    expect(p.prefix).toBe('DROP')
    expect(p.src).toBe('198.51.100.7')
  })
  test('dmesg / short-monotonic lines have no wall-clock time but still parse', () => {
    const p = parse(`[ 1234.567890] DROP ${BODY}`)
    expect(Number.isNaN(p.time)).toBe(true)
    expect(p.prefix).toBe('DROP')
  })
})

describe('log prefixes', () => {
  test.each([
    ['[UFW BLOCK] ', '[UFW BLOCK]'],
    ['Shorewall:net2fw:DROP:', 'Shorewall:net2fw:DROP:'],
    ['nft-drop: ', 'nft-drop:'],
    ['', ''],
  ])('%j', (prefix, expected) => {
    expect(parse(`Mar 11 20:35:11 fw kernel: [ 3445.031964] ${prefix}${BODY}`).prefix).toBe(expected)
  })
  test('fwsnort prefix carries the SID, rule number and ESTAB', () => {
    const p = parse(`Mar 11 20:35:11 fw kernel: [12] SID2003 ESTAB ${BODY}`)
    expect([p.fwsnortSid, p.fwsnortRule, p.estab, p.prefix]).toEqual([2003, 12, true, '[12] SID2003 ESTAB'])
  })
  test('the prefix belongs to the last kernel: message on a corrupted line', () => {
    expect(parse(`Mar 11 20:35:11 fw kernel: garbage kernel: DROP ${BODY}`).prefix).toBe('DROP')
  })
  test('over-long prefixes are cut to 128 characters', () => {
    expect(parse(`Mar 11 20:35:11 fw kernel: ${'A'.repeat(300)} ${BODY}`).prefix.length).toBe(128)
  })
})

describe('netfilter body', () => {
  test('TCP with options, SEQ/ACK, DF, MAC', () => {
    const p = parse('Nov 22 07:15:55 fw kernel: DROP IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TOS=0x10 PREC=0x00 TTL=64 ID=4242 DF PROTO=TCP SPT=5555 DPT=22 SEQ=123456789 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B40402080A0001E2400000000001030307) UID=0 GID=0 MARK=0x1 ')
    expect(p).toMatchObject({ proto: 6, sport: 5555, dport: 22, seq: 123456789, ack: 0, window: 64240, flags: SYN, df: true, ttl: 64, tos: 16, ipId: 4242, len: 60, chain: 'INPUT' })
    expect(p.tcpOpts).toBe('020405B40402080A0001E2400000000001030307')
    expect(p.mac).toBe('00:11:22:33:44:55:66:77:88:99:aa:bb:08:00')
  })
  test.each([
    ['FIN', FIN], ['URG PSH FIN', URG | PSH | FIN], ['ACK FIN', ACK | FIN], ['', 0], ['CWR ECE SYN', 0xc2],
  ])('flags %j', (flags, bits) => {
    const p = parse(`Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1024 RES=0x00 ${flags}${flags === '' ? '' : ' '}URGP=0 `)
    expect(p.flags).toBe(bits)
    expect(flagsText(p.flags)).toBe(flags === '' ? 'NULL' : flags)
  })
  test('IP options are kept apart from TCP options', () => {
    const p = parse('Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 OPT (07270400000000000000000000000000000000000000000000000000000000000000000000000000) PROTO=TCP SPT=1 DPT=2 WINDOW=1024 RES=0x00 SYN URGP=0 ')
    expect(p.ipOpts.startsWith('0727')).toBe(true)
    expect(p.tcpOpts).toBeNull()
  })
  test('UDP and UDPLITE (IPv4 UDPLITE is a parse error in psad)', () => {
    for (const [name, proto] of [['UDP', 17], ['UDPLITE', 136]] as const) {
      const p = parse(`Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=29 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=${name} SPT=53 DPT=1234 LEN=9 `)
      expect([p.proto, p.sport, p.dport, p.len, p.udpLen]).toEqual([proto, 53, 1234, 29, 9])
    }
  })
  test('ICMP echo reads ID and SEQ from their own fields (psad shifts them)', () => {
    const p = parse('Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=18443 PROTO=ICMP TYPE=0 CODE=0 ID=456 SEQ=0 ')
    expect([p.ipId, p.icmpType, p.icmpCode, p.icmpId, p.icmpSeq]).toEqual([18443, 0, 0, 456, 0])
  })
  test('ICMP errors: the embedded packet is skipped', () => {
    const p = parse('Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.0.0.2 DST=10.0.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=UDP SPT=53 DPT=4444 LEN=8 ] ')
    expect([p.proto, p.icmpType, p.icmpCode, p.sport, p.dport, p.src]).toEqual([1, 3, 3, -1, -1, '10.0.0.1'])
  })
  test('numeric protocols, including ones the kernel would name in another family', () => {
    expect(parse('Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=224.0.0.1 LEN=36 TOS=0x00 PREC=0xC0 TTL=1 ID=0 PROTO=2').proto).toBe(2)
    expect(parse('Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=20 TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=58 ').proto).toBe(58)
  })
  test('IPv6 full form is canonicalised, compressed form accepted, extension headers counted', () => {
    const full = parse('Dec 20 20:10:40 fw kernel: DROP IN=eth0 OUT= SRC=2012:1234:1234:0000:0000:0000:0000:0001 DST=2001:0DB8:0000:0000:0000:0000:0000:0002 LEN=132 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) OPT ( ) OPT ( ) OPT ( ) OPT ( ) OPT ( ) OPT ( ) OPT ( ) PROTO=TCP SPT=45496 DPT=0 WINDOW=8192 RES=0x00 SYN URGP=0 ')
    expect([full.ipv6, full.src, full.dst, full.ttl, full.extHeaders, full.emptyExtHeaders]).toEqual([true, '2012:1234:1234::1', '2001:db8::2', 64, 8, 8])
    const short = parse('Dec 20 20:10:40 fw kernel: DROP IN=eth0 OUT= SRC=2001:db8::2 DST=::ffff:192.0.2.1 LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=135 CODE=0 ')
    expect([short.src, short.dst, short.proto, short.icmpType]).toEqual(['2001:db8::2', '::ffff:192.0.2.1', 58, 135])
  })
  test('bridged (PHYSIN/PHYSOUT) and forwarded packets', () => {
    const p = parse('Nov 22 07:15:55 fw kernel: IN=br0 OUT=br0 PHYSIN=eth1 PHYSOUT=eth2 SRC=10.0.0.1 DST=10.0.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=8 ')
    expect([p.chain, p.physIn, p.physOut, p.inIf, p.outIf]).toEqual(['FORWARD', 'eth1', 'eth2', 'br0', 'br0'])
    expect(parse('Nov 22 07:15:55 fw kernel: IN= OUT=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=8 ').chain).toBe('OUTPUT')
  })
  test('legacy ipchains "Packet log:" lines', () => {
    const p = parse('Apr 17 00:32:31 malice kernel: Packet log: input REJECT eth0 PROTO=6 192.168.25.3:2351 172.16.50.3:111 L=60 S=0x00 I=45086 F=0x4000 T=45 SYN (#8)')
    expect(p).toMatchObject({ chain: 'INPUT', inIf: 'eth0', proto: 6, src: '192.168.25.3', sport: 2351, dst: '172.16.50.3', dport: 111, len: 60, ipId: 45086, ttl: 45, df: true, flags: SYN, prefix: 'REJECT' })
    const icmp = parse('Jun 16 08:00:38 gw kernel: Packet log: forward DENY eth1 PROTO=1 10.1.1.1:8 10.2.2.2:0 L=84 S=0x00 I=13413 F=0x0000 T=112 (#16)')
    expect([icmp.chain, icmp.icmpType, icmp.icmpCode, icmp.sport]).toEqual(['FORWARD', 8, 0, -1])
  })
})

describe('every line gets exactly one verdict', () => {
  test.each([
    ['Nov 22 07:00:01 fw CRON[123]: (root) CMD (true)', 'not-firewall'],
    ['', 'not-firewall'],
    ['Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 BOGUS URGP=0', 'malformed'],
    ['Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.999 DST=10.0.0.2 LEN=40 PROTO=UDP SPT=1 DPT=2 LEN=8', 'malformed'],
    ['Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 PROTO=TCP SPT=1 DPT=99999 WINDOW=1 RES=0x00 SYN URGP=0', 'malformed'],
    ['Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 PROTO=TCP SPT=x DPT=2 WINDOW=1 RES=0x00 SYN URGP=0', 'malformed'],
    ['Nov 22 07:15:55 fw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TTL=1 OPT (0A0B', 'malformed'],
    ['Nov 22 07:15:55 fw kernel: IN=br0 OUT= MAC=ff:ff:ff:ff:ff:ff:00:11:22:33:44:55:08:06 ARP HTYPE=1 PTYPE=0x0800 OPCODE=1', 'non-ip'],
  ])('%j -> %s', (line, verdict) => {
    expect(parser.parse(line, ctx)).toBe(verdict)
  })
  test('a hostile line never throws', () => {
    const junk = ['IN= OUT=', 'IN=a OUT= SRC= DST= PROTO=', 'IN=a OUT=b [[[[', `IN=a OUT= ${'OPT ( '.repeat(1000)}`, 'IN=\u0000 OUT=\u202e SRC=1.2.3.4 DST=1.2.3.4 PROTO=ICMP TYPE=999 CODE=-1']
    for (const line of junk) expect(() => parser.parse(line, ctx)).not.toThrow()
  })
})

describe('routing lines to the parts of a parallel run', () => {
  // A part of a run gets the lines whose route names its share: every packet the parser accepts
  // must have the route of the source it was given, or one source would be split between parts.
  const routeOfPacket = (p: Packet): number => (p.srcNum >= 0 ? p.srcNum : textHash(p.src))

  test('every accepted line of every capture routes by the source the parser reads', () => {
    const dir = path.join(import.meta.dirname, '..', 'fixtures', 'captures')
    let accepted = 0
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        const b = Buffer.from(line)
        const route = parser.route(b, 0, b.length)
        const r = parser.parse(line, ctx)
        if (typeof r === 'string') continue
        accepted++
        expect(route, `${file}: ${line}`).toBe(routeOfPacket(r))
      }
    }
    expect(accepted).toBeGreaterThan(1000)
  })
  test.each([
    ['IPv6 in another notation routes with its canonical form', `Nov 22 10:00:00 fw kernel: IN=eth0 OUT= SRC=2001:0DB8:0000:0000:0000:0000:0000:0001 DST=2001:db8::2 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=UDP SPT=1 DPT=2 LEN=20 `],
    ['the source of an ICMP error, not of the packet it quotes', `Nov 22 10:00:00 fw kernel: IN=eth0 OUT= SRC=192.0.2.9 DST=192.0.2.1 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.1 DST=192.0.2.9 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=UDP SPT=1 DPT=2 LEN=8 ] `],
    ['a MAC value read at its fixed width', `Nov 22 10:00:00 fw kernel: IN=eth0 OUT= MAC=00:11:22:33:44:55 SRC=6.6.6.6 :88:99:aa:b SRC=192.0.2.7 DST=192.0.2.1 LEN=20 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=47 `],
    ['ipchains', 'Nov 22 10:00:00 fw kernel: Packet log: input DENY eth0 PROTO=6 192.0.2.44:1024 192.0.2.1:23 L=60 S=0x00 I=1 F=0x4000 T=64 SYN (#1)'],
  ])('%s', (_name, line) => {
    const b = Buffer.from(line)
    const p = parse(line)
    expect(parser.route(b, 0, b.length)).toBe(routeOfPacket(p))
  })
  test('a line with two SRC= (outside brackets) is refused: a part would route it by the first', () => {
    expect(parser.parse(`Nov 22 10:00:00 fw kernel: IN=eth0 OUT= SRC=192.0.2.7 DST=192.0.2.1 SRC=6.6.6.6 LEN=20 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=47 `, ctx)).toBe('malformed')
    expect(parser.error).toBe('more than one SRC=')
  })
  test('a netfilter body inside the syslog header is refused', () => {
    expect(parser.parse(`Nov 22 10:00:00 IN=x OUT=y SRC=6.6.6.6 kernel: IN=eth0 OUT= SRC=192.0.2.7 DST=192.0.2.1 LEN=20 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=47 `, ctx)).toBe('malformed')
  })
  test('lines without a source route to -1', () => {
    for (const line of ['Nov 22 10:00:00 fw sshd[1]: Accepted publickey for root', '', 'IN=eth0 OUT= SRC=bogus DST=192.0.2.1']) {
      const b = Buffer.from(line)
      expect(parser.route(b, 0, b.length)).toBe(-1)
    }
  })
})
