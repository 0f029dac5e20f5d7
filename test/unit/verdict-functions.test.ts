import { describe, expect, test } from 'vitest'
import { defaultSettings, type FilterSettings } from '../../src/config/settings.js'
import { hasAckOrRst, isConntrackLeftover, synStyle, tcpScanType } from '../../src/detect/classifier.js'
import { PacketFilter } from '../../src/detect/filters.js'
import { parseNetwork } from '../../src/parse/address.js'
import { ACK, CWR, ECE, emptyPacket, FIN, type MutablePacket, PROTO_ICMP, PROTO_TCP, PROTO_UDP, PSH, RST, SYN, URG } from '../../src/parse/packet.js'

// The classifier's and the filter's answers packet by packet, for the edges the whole-log tests
// (classify.test.ts, filters.test.ts) do not reach: zero-length options, port 0 and 1024, the ends
// of the ephemeral range, one-sided time windows, fwsnort packets.

function packet(fields: Partial<Omit<MutablePacket, 'tcpOptsBytes'>>): MutablePacket {
  const p = emptyPacket()
  p.proto = PROTO_TCP
  p.src = '203.0.113.5'
  p.srcNum = 0xcb007105
  p.dst = '192.0.2.1'
  p.dstNum = 0xc0000201
  Object.assign(p, fields)
  return p
}

describe('tcpScanType', () => {
  test('ECN bits do not change the type; unknown flags and plain traffic have none', () => {
    expect(tcpScanType(CWR | ECE | SYN)).toBe('SYN')
    expect(tcpScanType(URG | ACK | PSH | RST | SYN | FIN)).toBe('XMAS')
    expect(tcpScanType(CWR | ECE)).toBe('NULL')
    expect(tcpScanType(ACK | PSH)).toBeNull()
    expect(tcpScanType(-1)).toBeNull()
  })
})

describe('synStyle', () => {
  test('logged TCP options decide: none at all is raw, a full option set is an operating system', () => {
    expect(synStyle(packet({ tcpOpts: '', len: 60 }))).toBe('raw')
    expect(synStyle(packet({ tcpOpts: '020405B4', len: 60 }))).toBe('raw')
    expect(synStyle(packet({ tcpOpts: '020405B40402080A', len: 44 }))).toBe('stack')
  })
  test('without options, an IPv4 length tells the TCP header unless IP options hide it', () => {
    expect(synStyle(packet({ tcpOpts: null, len: 44 }))).toBe('raw')
    expect(synStyle(packet({ tcpOpts: null, len: 60 }))).toBe('stack')
    expect(synStyle(packet({ tcpOpts: null, len: 44, ipOpts: '94040000' }))).toBeNull()
    expect(synStyle(packet({ tcpOpts: null, len: 0 }))).toBeNull()
    expect(synStyle(packet({ tcpOpts: null, len: -1 }))).toBeNull()
  })
  test('without options, an IPv6 length counts the 40-byte header, unless extension headers hide it', () => {
    expect(synStyle(packet({ ipv6: true, tcpOpts: null, len: 64 }))).toBe('raw')
    expect(synStyle(packet({ ipv6: true, tcpOpts: null, len: 80 }))).toBe('stack')
    expect(synStyle(packet({ ipv6: true, tcpOpts: null, len: 64, extHeaders: 1 }))).toBeNull()
    expect(synStyle(packet({ ipv6: true, tcpOpts: null, len: 0 }))).toBeNull()
  })
})

describe('isConntrackLeftover', () => {
  const d = defaultSettings().detection
  const late = (fields: Partial<MutablePacket>): boolean => isConntrackLeftover(packet({ flags: ACK, sport: 443, dport: 40000, ...fields }), d)
  test('a late ACK or RST from a service port to an ephemeral port is a leftover', () => {
    expect(late({})).toBe(true)
    expect(late({ flags: RST })).toBe(true)
    expect(late({ sport: 0 })).toBe(true)
    expect(late({ sport: 8080 })).toBe(true)
  })
  test('the ephemeral range and the service ports are inclusive at both ends', () => {
    expect(late({ dport: 1024 })).toBe(true)
    expect(late({ dport: 65535 })).toBe(true)
    expect(late({ dport: 1023 })).toBe(false)
    expect(late({ sport: 1024 })).toBe(false)
    expect(late({ dport: 8080 })).toBe(false)
    const narrow = { ...d, ephemeralLo: 32768, ephemeralHi: 60999 }
    expect(isConntrackLeftover(packet({ flags: ACK, sport: 443, dport: 32768 }), narrow)).toBe(true)
    expect(isConntrackLeftover(packet({ flags: ACK, sport: 443, dport: 32767 }), narrow)).toBe(false)
    expect(isConntrackLeftover(packet({ flags: ACK, sport: 443, dport: 60999 }), narrow)).toBe(true)
    expect(isConntrackLeftover(packet({ flags: ACK, sport: 443, dport: 61000 }), narrow)).toBe(false)
  })
  test('never for packets without ACK or RST, with unknown flags or ports, or other protocols', () => {
    expect(late({ flags: SYN })).toBe(false)
    expect(late({ flags: -1 })).toBe(false)
    expect(late({ sport: -1 })).toBe(false)
    expect(late({ proto: PROTO_UDP, flags: -1, sport: 53 })).toBe(false)
    expect(late({ proto: PROTO_UDP })).toBe(false)
  })
})

describe('hasAckOrRst', () => {
  test('TCP packets whose known flags hold ACK or RST', () => {
    expect(hasAckOrRst(packet({ flags: ACK | PSH }))).toBe(true)
    expect(hasAckOrRst(packet({ flags: RST }))).toBe(true)
    expect(hasAckOrRst(packet({ flags: SYN }))).toBe(false)
    expect(hasAckOrRst(packet({ flags: -1 }))).toBe(false)
    expect(hasAckOrRst(packet({ proto: PROTO_UDP, flags: ACK }))).toBe(false)
  })
})

describe('PacketFilter.check', () => {
  const DROP_LINE = 'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.5'
  const REJECT_LINE = 'Nov 22 10:00:00 fw kernel: REJECT IN=eth0 OUT= SRC=203.0.113.5'
  function filter(f: Partial<FilterSettings>, knownSid?: (sid: number) => boolean): PacketFilter {
    const s = defaultSettings()
    return new PacketFilter({ ...s.filters, ...f }, s.detection, [], knownSid)
  }
  const syn = (fields: Partial<MutablePacket> = {}): MutablePacket => packet({ flags: SYN, sport: 40000, dport: 22, inIf: 'eth0', time: Date.UTC(2026, 10, 22, 10), ...fields })

  test('FW_SEARCH_ALL N without FW_MSG_SEARCH looks for DROP; several patterns: any one keeps the line', () => {
    const none = filter({ fwSearchAll: false, fwMsgSearch: [] })
    expect(none.check(syn(), DROP_LINE)).toBeNull()
    expect(none.check(syn(), REJECT_LINE)).toBe('fw-msg-search')
    const two = filter({ fwSearchAll: false, fwMsgSearch: ['DROP', 'REJECT'] })
    expect(two.check(syn(), REJECT_LINE)).toBeNull()
    expect(two.check(syn(), 'kernel: ACCEPT')).toBe('fw-msg-search')
  })
  test('fwsnort packets of known rules pass FW_MSG_SEARCH and the conntrack tests; unknown SIDs do not', () => {
    const known = (sid: number): boolean => sid === 0 || sid === 100
    const f = filter({ fwSearchAll: false, fwMsgSearch: ['nothere'] }, known)
    expect(f.check(syn({ fwsnortSid: 100 }), REJECT_LINE)).toBeNull()
    expect(f.check(syn({ fwsnortSid: 0 }), REJECT_LINE)).toBeNull()
    expect(f.check(syn({ fwsnortSid: 200 }), REJECT_LINE)).toBe('fw-msg-search')
    expect(f.check(syn(), REJECT_LINE)).toBe('fw-msg-search')
    expect(filter({ fwSearchAll: false, fwMsgSearch: ['nothere'] }).check(syn({ fwsnortSid: 100 }), REJECT_LINE)).toBe('fw-msg-search')
    const leftover = { flags: ACK, sport: 443, dport: 40000 }
    expect(filter({}, known).check(syn({ ...leftover, fwsnortSid: 100 }), '')).toBeNull()
    expect(filter({}, known).check(syn(leftover), '')).toBe('conntrack-leftover')
  })
  test('IGNORE_LOG_PREFIXES applies to logged prefixes only', () => {
    const f = filter({ ignoreLogPrefixes: /X*/ })
    expect(f.check(syn({ prefix: '' }), '')).toBeNull()
    expect(f.check(syn({ prefix: 'DROP' }), '')).toBe('ignored-prefix')
  })
  test('IGNORE_INTERFACES takes the output interface of packets the host sends', () => {
    const f = filter({ ignoreInterfaces: ['eth1'] })
    expect(f.check(syn({ inIf: '', outIf: 'eth1' }), '')).toBe('ignored-interface')
    expect(f.check(syn({ inIf: 'eth0', outIf: 'eth1' }), '')).toBeNull()
    expect(f.check(syn({ inIf: 'eth1' }), '')).toBe('ignored-interface')
  })
  test('IGNORE_PORTS: inclusive ranges, any protocol or one, port 0 included, no ports no match', () => {
    const any = filter({ ignorePorts: [{ proto: -1, lo: 0, hi: 10 }] })
    expect(any.check(syn({ dport: 0 }), '')).toBe('ignored-port')
    expect(any.check(syn({ dport: 10 }), '')).toBe('ignored-port')
    expect(any.check(syn({ dport: 11 }), '')).toBeNull()
    expect(any.check(syn({ proto: PROTO_UDP, flags: -1, dport: 5 }), '')).toBe('ignored-port')
    expect(any.check(syn({ proto: PROTO_ICMP, flags: -1, sport: -1, dport: -1 }), '')).toBeNull()
    const udp = filter({ ignorePorts: [{ proto: PROTO_UDP, lo: 100, hi: 200 }] })
    expect(udp.check(syn({ proto: PROTO_UDP, flags: -1, dport: 100 }), '')).toBe('ignored-port')
    expect(udp.check(syn({ proto: PROTO_UDP, flags: -1, dport: 99 }), '')).toBeNull()
    expect(udp.check(syn({ proto: PROTO_UDP, flags: -1, dport: 201 }), '')).toBeNull()
    expect(udp.check(syn({ dport: 150 }), '')).toBeNull()
  })
  test('--restrict-ip: source or destination in any one of the networks', () => {
    const f = filter({ restrictIp: [parseNetwork('10.0.0.0/8')!, parseNetwork('203.0.113.0/24')!, parseNetwork('2001:db8::/32')!] })
    expect(f.check(syn(), '')).toBeNull()
    expect(f.check(syn({ src: '198.51.100.1', srcNum: 0xc6336401, dst: '10.1.2.3', dstNum: 0x0a010203 }), '')).toBeNull()
    expect(f.check(syn({ src: '198.51.100.1', srcNum: 0xc6336401 }), '')).toBe('restrict-ip')
    const v6 = { ipv6: true, srcNum: -1, dstNum: -1 }
    expect(f.check(syn({ ...v6, src: '2001:db8::5', dst: '2001:470::1' }), '')).toBeNull()
    expect(f.check(syn({ ...v6, src: '2001:470::5', dst: '2001:db8::1' }), '')).toBeNull()
    expect(f.check(syn({ ...v6, src: '2001:470::5', dst: '2001:470::1' }), '')).toBe('restrict-ip')
  })
  test('--since alone, --until alone: the window is [since, until)', () => {
    const at = (h: number): MutablePacket => syn({ time: Date.UTC(2026, 10, 22, h) })
    const since = filter({ since: Date.UTC(2026, 10, 22, 10) })
    expect(since.check(at(9), '')).toBe('time-range')
    expect(since.check(at(10), '')).toBeNull()
    expect(since.check(at(23), '')).toBeNull()
    expect(since.check(syn({ time: Number.NaN }), '')).toBe('time-range')
    const until = filter({ until: Date.UTC(2026, 10, 22, 10) })
    expect(until.check(at(9), '')).toBeNull()
    expect(until.check(at(10), '')).toBe('time-range')
    expect(until.check(syn({ time: Number.NaN }), '')).toBe('time-range')
    expect(filter({}).check(syn({ time: Number.NaN }), '')).toBeNull()
  })
})
