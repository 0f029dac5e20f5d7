import { describe, expect, test } from 'vitest'
import { RecentPackets } from '../../src/detect/recent-packets.js'
import { emptyPacket, PROTO_ICMP, PROTO_TCP, PROTO_UDP, SYN, type Packet } from '../../src/parse/packet.js'

// A packet that passes two LOG rules is logged twice (ufw's `[UFW AUDIT]` then its verdict): the
// second line is a copy, counted once. A copy has another prefix, every header field equal, the
// same host and interfaces, and a time within a second; the table remembers the last 1024 packets.

const T0 = Date.UTC(2026, 10, 22, 6)
const AUDIT = '[UFW AUDIT] '
const BLOCK = '[UFW BLOCK] '

function tcp(o: Partial<Packet> = {}): Packet {
  const p = emptyPacket()
  Object.assign(p, {
    time: T0,
    host: 'fw',
    prefix: AUDIT,
    inIf: 'eth0',
    outIf: '',
    srcNum: 0xcb007105,
    dstNum: 0xc0000201,
    proto: PROTO_TCP,
    sport: 40000,
    dport: 22,
    ipId: 4321,
    seq: 123456789,
    len: 44,
    ttl: 50,
    flags: SYN,
  })
  return Object.assign(p, o)
}

function icmp(o: Partial<Packet> = {}): Packet {
  return tcp({ proto: PROTO_ICMP, sport: -1, dport: -1, seq: -1, flags: -1, icmpType: 8, icmpCode: 0, icmpId: 77, icmpSeq: 3, ...o })
}

function v6(o: Partial<Packet> = {}): Packet {
  return tcp({ ipv6: true, srcNum: -1, dstNum: -1, ipId: -1, src: '2001:db8:1::5', dst: '2001:db8::1', ...o })
}

/** Whether `second` is taken for a copy of `first` (the first line not scored, the second scored). */
function copyOf(first: Packet, second: Packet, scored: [boolean, boolean] = [true, true]): boolean {
  const recent = new RecentPackets()
  expect(recent.isCopy(first, scored[0])).toBe(false)
  return recent.isCopy(second, scored[1])
}

describe('a second line of one packet', () => {
  test('with another prefix it is a copy; with the same prefix it is another packet', () => {
    expect(copyOf(tcp(), tcp({ prefix: BLOCK }))).toBe(true)
    expect(copyOf(tcp(), tcp())).toBe(false)
  })

  test.each<[string, Partial<Packet>]>([
    ['TTL', { ttl: 51 }],
    ['IP ID', { ipId: 4322 }],
    ['protocol', { proto: PROTO_UDP }],
    ['source port', { sport: 40001 }],
    ['destination port', { dport: 23 }],
    ['TCP SEQ', { seq: 123456790 }],
    ['length', { len: 60 }],
    ['TCP flags', { flags: SYN | 16 }],
    ['input interface', { inIf: 'eth1' }],
    ['output interface', { outIf: 'eth1' }],
    ['syslog host', { host: 'fw2' }],
    ['source address', { srcNum: 0xcb007106 }],
    ['destination address', { dstNum: 0xc0000202 }],
  ])('another %s makes it another packet', (_field, change) => {
    expect(copyOf(tcp(), tcp({ prefix: BLOCK, ...change }))).toBe(false)
  })

  test.each<[string, Partial<Packet>]>([
    ['ICMP type', { icmpType: 0 }],
    ['ICMP code', { icmpCode: 1 }],
    ['ICMP id', { icmpId: 78 }],
    ['ICMP sequence', { icmpSeq: 4 }],
  ])('another %s makes it another ICMP packet', (_field, change) => {
    expect(copyOf(icmp(), icmp({ prefix: BLOCK }))).toBe(true)
    expect(copyOf(icmp(), icmp({ prefix: BLOCK, ...change }))).toBe(false)
  })

  test('IPv6: equal addresses make a copy; addresses that differ anywhere, even far from their end, do not', () => {
    expect(copyOf(v6(), v6({ prefix: BLOCK }))).toBe(true)
    // The table's hash reads only the last characters of IPv6 text: the addresses must still be compared whole.
    expect(copyOf(v6(), v6({ prefix: BLOCK, src: '2002:db8:1::5' }))).toBe(false)
    expect(copyOf(v6(), v6({ prefix: BLOCK, dst: '2002:db8::1' }))).toBe(false)
  })

  test.each([
    [0, true],
    [999, true],
    [1000, true],
    [-1000, true],
    [1001, false],
    [-1001, false],
  ])('%i ms after the first: copy %s (within a second either way)', (delta, want) => {
    expect(copyOf(tcp(), tcp({ prefix: BLOCK, time: T0 + delta }))).toBe(want)
  })

  test.each([
    [Number.NaN, Number.NaN, true],
    [T0, Number.NaN, false],
    [Number.NaN, T0, false],
  ])('timestamps %s then %s: copy %s (two lines without a time match, one with and one without do not)', (a, b, want) => {
    expect(copyOf(tcp({ time: a }), tcp({ prefix: BLOCK, time: b }))).toBe(want)
  })
})

describe('which line counts', () => {
  test.each([
    [true, true, true],
    [true, false, true],
    [false, false, true],
    [false, true, false],
  ])('first scored %s, second scored %s: the second is a copy %s', (a, b, want) => {
    expect(copyOf(tcp(), tcp({ prefix: BLOCK }), [a, b])).toBe(want)
  })

  test('once a scored line took over from an audit line, further lines of the packet are copies', () => {
    const recent = new RecentPackets()
    expect(recent.isCopy(tcp({ prefix: AUDIT }), false)).toBe(false)
    expect(recent.isCopy(tcp({ prefix: BLOCK }), true)).toBe(false)
    expect(recent.isCopy(tcp({ prefix: '[UFW LIMIT BLOCK] ' }), true)).toBe(true)
    expect(recent.isCopy(tcp({ prefix: AUDIT }), false)).toBe(true)
  })
})

describe('the last 1024 packets', () => {
  // Other packets in between: another source port each, all in the same second.
  const others = (recent: RecentPackets, n: number): void => {
    for (let i = 0; i < n; i++) expect(recent.isCopy(tcp({ sport: 1000 + i }), true)).toBe(false)
  }

  test.each([
    [1023, true],
    [1024, false],
  ])('with %i other packets in between, the copy is found: %s', (n, want) => {
    const recent = new RecentPackets()
    recent.isCopy(tcp(), true)
    others(recent, n)
    expect(recent.isCopy(tcp({ prefix: BLOCK }), true)).toBe(want)
  })

  test('saved oldest first and restored, the table finds the same copies', () => {
    const recent = new RecentPackets()
    others(recent, 1030)
    const saved = recent.entries()
    expect(saved).toHaveLength(1024)
    expect([saved[0]!.sport, saved.at(-1)!.sport]).toEqual([1006, 2029])
    const back = new RecentPackets()
    back.restore(JSON.parse(JSON.stringify(saved)) as typeof saved)
    expect(back.entries()).toEqual(saved)
    expect(back.isCopy(tcp({ sport: 2029, prefix: BLOCK }), true)).toBe(true)
    expect(back.isCopy(tcp({ sport: 1006, prefix: BLOCK }), true)).toBe(true)
    expect(back.isCopy(tcp({ sport: 1005, prefix: BLOCK }), true)).toBe(false)
  })

  test('a restore keeps only the newest 1024 of a longer list', () => {
    const recent = new RecentPackets()
    others(recent, 1024)
    const list = [...recent.entries()]
    const more = new RecentPackets()
    others(more, 1030)
    const back = new RecentPackets()
    back.restore([...list, ...more.entries().slice(-10)])
    expect(back.entries()).toHaveLength(1024)
    expect(back.entries()[0]!.sport).toBe(1010)
  })
})
