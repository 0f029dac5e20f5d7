import { describe, expect, test } from 'vitest'
import { parseIpchains } from '../../src/parse/ipchains.js'
import { emptyPacket, SYN, type Packet } from '../../src/parse/packet.js'

// Linux 2.2's ipchains messages (after `Packet log: `): what each field gives, and why a message is
// refused.

const SEED = 'input DENY eth0 PROTO=6 192.168.25.3:2351 172.16.50.3:111 L=60 S=0x00 I=45086 F=0x4000 T=45 SYN (#8)'

function fill(message: string, start = 0): Packet | string {
  const pkt = emptyPacket()
  const error = parseIpchains(message, start, pkt)
  return error ?? pkt
}

function pick(p: Packet | string): Record<string, unknown> | string {
  if (typeof p === 'string') return p
  return {
    chain: p.chain, inIf: p.inIf, outIf: p.outIf, prefix: p.prefix, proto: p.proto, src: p.src, dst: p.dst, srcNum: p.srcNum, dstNum: p.dstNum,
    sport: p.sport, dport: p.dport, icmpType: p.icmpType, icmpCode: p.icmpCode, flags: p.flags, len: p.len, tos: p.tos, ipId: p.ipId,
    df: p.df, fragment: p.fragment, ttl: p.ttl,
  }
}

describe('ipchains messages', () => {
  test('every field of a TCP SYN', () => {
    expect(pick(fill(SEED))).toEqual({
      chain: 'INPUT', inIf: 'eth0', outIf: '', prefix: 'DENY', proto: 6, src: '192.168.25.3', dst: '172.16.50.3',
      srcNum: 0xc0a81903, dstNum: 0xac103203, sport: 2351, dport: 111, icmpType: -1, icmpCode: -1, flags: SYN, len: 60, tos: 0,
      ipId: 45086, df: true, fragment: false, ttl: 45,
    })
  })

  test('from an offset into the line, with runs of spaces', () => {
    expect(pick(fill(`Packet log:   ${SEED.replaceAll(' ', '  ')}`, 11))).toEqual(pick(fill(SEED)))
  })

  test.each([
    ['output', { chain: 'OUTPUT', inIf: '', outIf: 'eth0' }],
    ['forward', { chain: 'FORWARD', inIf: 'eth0', outIf: '' }],
    ['unknown', { chain: 'INPUT', inIf: 'eth0', outIf: '' }],
  ])('the %s chain and its interface', (chain, want) => {
    expect(pick(fill(SEED.replace('input', chain)))).toMatchObject(want)
  })

  test('TCP without SYN: flags unknown (ipchains logged no other flag)', () => {
    expect(pick(fill(SEED.replace(' SYN', '')))).toMatchObject({ flags: -1, sport: 2351 })
  })

  test('UDP: ports, and no flags even next to a SYN word', () => {
    expect(pick(fill(SEED.replace('PROTO=6', 'PROTO=17')))).toMatchObject({ proto: 17, sport: 2351, dport: 111, flags: -1, icmpType: -1 })
  })

  test('ICMP: type and code in the port slots', () => {
    expect(pick(fill('input DENY eth0 PROTO=1 192.0.2.9:8 192.0.2.1:0 L=84'))).toMatchObject({ proto: 1, icmpType: 8, icmpCode: 0, sport: -1, dport: -1, flags: -1 })
  })

  test('another protocol: no ports, no ICMP type', () => {
    expect(pick(fill('input DENY eth0 PROTO=47 192.0.2.9:65535 192.0.2.1:65535'))).toMatchObject({ proto: 47, sport: -1, dport: -1, icmpType: -1, icmpCode: -1, flags: -1 })
  })

  test.each([
    ['F=0x2000', { df: false, fragment: true }],
    ['F=0x0010', { df: false, fragment: true }],
    ['F=0x6000', { df: true, fragment: true }],
    ['F=0x0000', { df: false, fragment: false }],
    ['F=zz', { df: false, fragment: false }],
    ['', { df: false, fragment: false }],
  ])('fragment field %j', (frag, want) => {
    expect(pick(fill(SEED.replace('F=0x4000', frag)))).toMatchObject(want)
  })

  test('fields left out or unreadable are absent', () => {
    expect(pick(fill('input DENY eth0 PROTO=6 192.0.2.9:1 192.0.2.1:2'))).toMatchObject({ len: -1, tos: -1, ipId: -1, ttl: -1, df: false, fragment: false })
    expect(pick(fill('input DENY eth0 PROTO=6 192.0.2.9:1 192.0.2.1:2 L=x S=0x10 I=y T=z'))).toMatchObject({ len: -1, tos: 16, ipId: -1, ttl: -1 })
  })

  test.each([
    ['input DENY eth0', 'short ipchains line'],
    ['input DENY', 'short ipchains line'],
    ['', 'short ipchains line'],
    ['input DENY eth0 6 192.0.2.9:1 192.0.2.1:2', 'ipchains line without PROTO='],
    ['input DENY eth0 PROTO=256 192.0.2.9:1 192.0.2.1:2', "bad ipchains protocol '256'"],
    ['input DENY eth0 PROTO=-1 192.0.2.9:1 192.0.2.1:2', "bad ipchains protocol '-1'"],
    ['input DENY eth0 PROTO=6.5 192.0.2.9:1 192.0.2.1:2', "bad ipchains protocol '6.5'"],
    ['input DENY eth0 PROTO=123456789012345 192.0.2.9:1 192.0.2.1:2', "bad ipchains protocol '1234567890'"],
    ['input DENY eth0 PROTO=6 192.0.2.9 192.0.2.1:2', 'bad ipchains address:port'],
    ['input DENY eth0 PROTO=6 192.0.2.9:1 192.0.2.1', 'bad ipchains address:port'],
    ['input DENY eth0 PROTO=6 192.0.2.9:1', 'bad ipchains address:port'],
    ['input DENY eth0 PROTO=6 192.0.2.9:65536 192.0.2.1:2', 'bad ipchains address:port'],
    ['input DENY eth0 PROTO=6 192.0.2.9:1 192.0.2.1:123456', 'bad ipchains address:port'],
    ['input DENY eth0 PROTO=6 192.0.2.9:x1 192.0.2.1:2', 'bad ipchains address:port'],
    ['input DENY eth0 PROTO=6 192.0.2.9:1x 192.0.2.1:2', 'bad ipchains address:port'],
    ['input DENY eth0 PROTO=6 192.0.2.999:1 192.0.2.1:2', 'bad ipchains address:port'],
    ['input DENY eth0 PROTO=6 192.0.2.9:1 ::1:2', 'bad ipchains address:port'],
  ])('%j is refused: %s', (message, why) => {
    expect(fill(message)).toBe(why)
  })

  test.each([
    ['PROTO=0', 0],
    ['PROTO=255', 255],
  ])('%s is a protocol', (tok, proto) => {
    expect(pick(fill(`input DENY eth0 ${tok} 0.0.0.0:0 192.0.2.1:65535`))).toMatchObject({ proto, src: '0.0.0.0', srcNum: 0 })
  })
})
