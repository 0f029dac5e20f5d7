import { beforeAll, describe, expect, test } from 'vitest'
import { CorruptStateError, num, obj } from '../../src/detect/codec/check.js'
import { decodeCounters, decodeRun, encodeCounters, encodeRun, restorePort, timelineRow } from '../../src/detect/codec/run.js'
import { OS_NUMBERS } from '../../src/detect/codec/os.js'
import { decodeSource, encodeSource, keyFromText, PAIR_NUMBERS, SOURCE_NUMBERS } from '../../src/detect/codec/source.js'
import type { Detector } from '../../src/detect/detector.js'
import { RECENT_NUMBERS } from '../../src/detect/recent-packets.js'
import type { SourceState } from '../../src/detect/state.js'
import { detectorOf, type DetectorParts } from '../helpers/detector.js'
import { feed, packetStream, prng, streamParts } from '../helpers/packet-stream.js'
import { restoreSnapshot, snapshot } from '../helpers/snapshot.js'

// A saved state is read back from a file that a crash, a full disk or another program may have
// damaged, or that someone wrote on purpose. Each damage must be refused with CorruptStateError and
// a message that says which record and which part of it; nothing else may escape the decoder.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any

let parts: DetectorParts
let a: Detector
beforeAll(async () => {
  parts = await streamParts()
  a = detectorOf(parts)
  feed(a, packetStream({ seed: 1, lines: 2500 }))
})

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x))

/** Runs fn and returns the message of the CorruptStateError it throws (fails on anything else). */
function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(CorruptStateError)
    return (e as Error).message
  }
  throw new Error('the damaged record was accepted')
}

describe('the message of a refusal names the record and the part', () => {
  test('it reads "corrupt saved state: <where>: <what>"', () => {
    expect(refusal(() => num('7', 'totals', 'now'))).toBe('corrupt saved state: totals: now is not a number')
  })

  test.each([
    ['null', null],
    ['a list', [1, 2]],
    ['a string', 'x'],
    ['a number', 3],
  ])('a record that must be an object is refused when it is %s', (_, v) => {
    expect(refusal(() => obj(v, 'totals', 'the record'))).toBe('corrupt saved state: totals: the record is not an object')
  })
})

describe('the run record (engine clock and totals)', () => {
  const T = 'corrupt saved state: totals: '
  const cases: [string, (r: Json) => void, string][] = [
    ['now is text', (r) => (r.now = '5'), 'now is not a number'],
    ['now is missing', (r) => delete r.now, 'now is not a number'],
    ['base is text', (r) => (r.base = 'x'), 'base is not a number'],
    ['ordinal is true', (r) => (r.ordinal = true), 'ordinal is not a number'],
    ['packets is null', (r) => (r.packets = null), 'packets is not a number'],
    ['packets is -1', (r) => (r.packets = -1), 'packets -1 is not a count'],
    ['packets is 2.5', (r) => (r.packets = 2.5), 'packets 2.5 is not a count'],
    ['packets is past 2^53', (r) => (r.packets = 2 ** 53), `packets ${2 ** 53} is not a count`],
    ['firstSeen is text', (r) => (r.firstSeen = 'x'), 'firstSeen is not a number'],
    ['lastSeen is a list', (r) => (r.lastSeen = []), 'lastSeen is not a number'],
    ['hosts is text', (r) => (r.hosts = 'x'), 'hosts is not a list'],
    ['a host entry is short', (r) => (r.hosts = [['fw', 1]]), 'hosts is not a list of 3+ items'],
    ['a host name is a number', (r) => (r.hosts = [[1, 1, 0]]), 'hosts is not a string'],
    ['a host count is text', (r) => (r.hosts = [['fw', 'x', 0]]), 'hosts is not a number'],
    ['a host ordinal is text', (r) => (r.hosts = [['fw', 1, 'x']]), 'hosts is not a number'],
    ['a host count is -1', (r) => (r.hosts = [['fw', -1, 0]]), 'hosts -1 is not a count'],
    ['prefixes is an object', (r) => (r.prefixes = {}), 'prefixes is not a list'],
    ['a prefix is a number', (r) => (r.prefixes = [[1, 1, 0]]), 'prefixes is not a string'],
    ['protocols is text', (r) => (r.protocols = 'x'), 'protocols is not a list'],
    ['a protocol entry is text', (r) => (r.protocols = ['x']), 'protocols is not a list'],
    ['a protocol number is text', (r) => (r.protocols = [['6', 1]]), 'protocols is not a number'],
    ['a protocol count is missing', (r) => (r.protocols = [[6]]), 'protocols is not a number'],
    ['a protocol count is -1', (r) => (r.protocols = [[6, -1]]), 'protocols -1 is not a count'],
    ['a protocol entry is empty', (r) => (r.protocols = [[]]), 'protocol undefined out of range'],
    ['protocol 256', (r) => (r.protocols = [[256, 1]]), 'protocol 256 out of range'],
    ['protocol -1', (r) => (r.protocols = [[-1, 1]]), 'protocol -1 out of range'],
    ['protocol 6.5', (r) => (r.protocols = [[6.5, 1]]), 'protocol 6.5 out of range'],
    ['tcpOptionsSeen is 1', (r) => (r.tcpOptionsSeen = 1), 'tcpOptionsSeen is not true or false'],
    ['tcpOptionsUndecodable is text', (r) => (r.tcpOptionsUndecodable = '0'), 'tcpOptionsUndecodable is not a number'],
    ['tcpOptionsUndecodable is -2', (r) => (r.tcpOptionsUndecodable = -2), 'tcpOptionsUndecodable -2 is not a count'],
    ['outbound is a list', (r) => (r.outbound = []), 'outbound is not an object'],
    ['outbound is null', (r) => (r.outbound = null), 'outbound is not an object'],
    ['outbound packets is text', (r) => (r.outbound.packets = 'x'), 'outbound packets is not a number'],
    ['outbound packets is 0.5', (r) => (r.outbound.packets = 0.5), 'outbound packets 0.5 is not a count'],
    ['outbound sources is text', (r) => (r.outbound.sources = 'x'), 'outbound sources is not a list'],
    ['outbound destinations is text', (r) => (r.outbound.destinations = 'x'), 'outbound destinations is not a list'],
  ]
  test.each(cases)('%s', (_, damage, what) => {
    const r = clone(encodeRun(a.engine))
    damage(r)
    expect(refusal(() => decodeRun(r, detectorOf(parts).engine))).toBe(T + what)
  })

  test.each([['a list', []], ['null', null], ['text', 'run']])('a run record that is %s is refused', (_, v) => {
    expect(refusal(() => decodeRun(v, detectorOf(parts).engine))).toBe(`${T}the record is not an object`)
  })

  test('protocols 0 and 255, the ends of the range, are taken', () => {
    const r = clone(encodeRun(a.engine))
    r.protocols = [[0, 3], [255, 4]]
    const e = detectorOf(parts).engine
    decodeRun(r, e)
    expect([e.totals.protocols[0], e.totals.protocols[255]]).toEqual([3, 4])
  })
})

describe('the line counters record', () => {
  const C = 'corrupt saved state: counters: '
  const R = 'corrupt saved state: counters recent: '
  const cases: [string, (r: Json) => void, string][] = [
    ['linesRead is text', (r) => (r.linesRead = '1'), `${C}linesRead is not a number`],
    ['linesRead is -1', (r) => (r.linesRead = -1), `${C}linesRead -1 is not a count`],
    ['skipped is an object', (r) => (r.skipped = {}), `${C}skipped is not a list`],
    ['a skipped entry is short', (r) => (r.skipped = [['audit']]), `${C}skipped is not a list of 2+ items`],
    ['a skip reason is a number', (r) => (r.skipped = [[1, 1]]), `${C}skip reason is not a string`],
    ['a skip count is text', (r) => (r.skipped = [['audit', 'x']]), `${C}skipped is not a number`],
    ['a skip count is 1.5', (r) => (r.skipped = [['audit', 1.5]]), `${C}skipped 1.5 is not a count`],
    ['malformed is text', (r) => (r.malformed = 'x'), `${C}malformed is not a list`],
    ['a malformed sample is short', (r) => (r.malformed = [['f:1', 'bad']]), `${C}malformed is not a list of 3+ items`],
    ['a malformed place is a number', (r) => (r.malformed = [[1, 'bad', 1]]), `${C}where is not a string`],
    ['a malformed error is null', (r) => (r.malformed = [['f:1', null, 1]]), `${C}error is not a string`],
    ['a malformed ordinal is text', (r) => (r.malformed = [['f:1', 'bad', '1']]), `${C}ordinal is not a number`],
    ['recent is text', (r) => (r.recent = 'x'), `${C}recent is not a list`],
    ['a recent packet is short', (r) => r.recent[0].pop(), `${R}a packet is not a list of ${11 + RECENT_NUMBERS.length}+ items`],
    ['a recent time is text', (r) => (r.recent[0][0] = 'x'), `${R}time is not a number`],
    ['a recent host is a number', (r) => (r.recent[0][1] = 1), `${R}host is not a string`],
    ['a recent prefix is a number', (r) => (r.recent[0][2] = 1), `${R}prefix is not a string`],
    ['a recent ipv6 flag is 0', (r) => (r.recent[0][3] = 0), `${R}ipv6 is not true or false`],
    ['a recent srcNum is text', (r) => (r.recent[0][4] = 'x'), `${R}srcNum is not a number`],
    ['a recent dstNum is text', (r) => (r.recent[0][5] = 'x'), `${R}dstNum is not a number`],
    ['a recent src is a number', (r) => (r.recent[0][6] = 1), `${R}src is not a string`],
    ['a recent dst is a number', (r) => (r.recent[0][7] = 1), `${R}dst is not a string`],
    ...RECENT_NUMBERS.map((f, i): [string, (r: Json) => void, string] => [`a recent ${f} is text`, (r) => (r.recent[0][8 + i] = 'x'), `${R}${f} is not a number`]),
    ['a recent inIf is a number', (r) => (r.recent[0][8 + RECENT_NUMBERS.length] = 1), `${R}inIf is not a string`],
    ['a recent outIf is a number', (r) => (r.recent[0][9 + RECENT_NUMBERS.length] = 1), `${R}outIf is not a string`],
    ['a recent scored flag is text', (r) => (r.recent[0][10 + RECENT_NUMBERS.length] = 'yes'), `${R}scored is not true or false`],
  ]
  test.each(cases)('%s', (_, damage, message) => {
    const r = clone(encodeCounters(a))
    expect(r.recent.length).toBeGreaterThan(0)
    damage(r)
    expect(refusal(() => decodeCounters(r, detectorOf(parts)))).toBe(message)
  })

  test('a counters record that is not an object is refused', () => {
    expect(refusal(() => decodeCounters([], detectorOf(parts)))).toBe(`${C}the record is not an object`)
  })
})

describe('port counters and timeline rows', () => {
  const fresh = (): Detector['engine']['totals']['ports'] => detectorOf(parts).engine.totals.ports
  test.each([
    ['protocol 7 has no port counters', 7, 80, 'no counter for protocol 7 port 80'],
    ['a protocol given as text', '6', 80, 'no counter for protocol 6 port 80'],
    ['port 65536', 6, 65536, 'no counter for protocol 6 port 65536'],
    ['port -1', 17, -1, 'no counter for protocol 17 port -1'],
    ['port 80.5', 136, 80.5, 'no counter for protocol 136 port 80.5'],
    ['a port given as text', 6, '80', 'port is not a number'],
  ])('%s is refused', (_, proto, port, what) => {
    expect(refusal(() => restorePort(fresh(), proto, port, 1))).toBe(`corrupt saved state: ports: ${what}`)
  })

  test('a packet count given as text is refused', () => {
    expect(refusal(() => restorePort(fresh(), 6, 80, '1'))).toBe('corrupt saved state: ports: packets is not a number')
  })

  test.each([[-1], [0.5]])('a packet count of %s is refused (a counter array would wrap it)', (n) => {
    expect(refusal(() => restorePort(fresh(), 6, 80, n))).toBe(`corrupt saved state: ports: packets ${n} is not a count`)
  })

  test('ports 0 and 65535 of each protocol are restored into their own table', () => {
    const p = fresh()
    restorePort(p, 6, 0, 1)
    restorePort(p, 17, 65535, 2)
    restorePort(p, 136, 7, 3)
    expect([p.tcp[0], p.udp[65535], p.udplite[7], p.tcp[7], p.udp[0]]).toEqual([1, 2, 3, 0, 0])
  })

  test.each([
    ['not a list', 'x', 'the row is not a list'],
    ['five counts', [1, 2, 3, 4, 5], 'the row does not have 6 counts'],
    ['seven counts', [1, 2, 3, 4, 5, 6, 7], 'the row does not have 6 counts'],
    ['a count given as text', [1, 2, 3, 4, 5, '6'], 'the row is not a number'],
  ])('a timeline row that is %s is refused, naming its minute', (_, row, what) => {
    expect(refusal(() => timelineRow(row, 29_000_123))).toBe(`corrupt saved state: timeline minute 29000123: ${what}`)
  })

  test('a row of six counts comes back as it was', () => {
    expect(timelineRow([0, 1, 2, 3, 4, 5], 1)).toEqual([0, 1, 2, 3, 4, 5])
  })
})

describe('a source record', () => {
  // The source with the most packets among those with destinations, an OS state and rare state.
  let src: SourceState
  beforeAll(() => {
    let best: SourceState | null = null
    a.engine.sources.forEach((s) => {
      if (typeof s.key === 'number' && s.rare !== null && s.os !== null && s.pairs.length > 0 && (best === null || s.packets > best.packets)) best = s
    })
    src = best!
  })
  const AT = SOURCE_NUMBERS.length
  const where = (): string => `corrupt saved state: source ${keyFromTextInverse(src)}`
  const keyFromTextInverse = (s: SourceState): string => {
    const n = (s.key as number) >>> 0
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
  }
  const rare = (r: Json): Json => r[AT + 3]
  const os = (r: Json): Json => r[AT + 2]
  const validHit = ['gone:1', 2, 5, 6, 'a signature no longer shipped', 'tcp', 3]

  const cases: [string, (r: Json) => void, string][] = [
    ['dl is text', (r) => (r[0] = '5'), ': dl is not a number'],
    ['hostPackets is missing', (r) => (r[SOURCE_NUMBERS.indexOf('hostPackets')] = null), ': hostPackets is not a number'],
    ['the prefix is a number', (r) => (r[AT] = 7), ': prefix is not a string'],
    ['pairs is text', (r) => (r[AT + 1] = 'pairs'), ': pairs is not a list'],
    ['the host is a number', (r) => (r[AT + 4] = 7), ': host is not a string'],
    ['a destination is short', (r) => r[AT + 1][0].pop(), `: a destination is not a list of ${PAIR_NUMBERS.length + 3}+ items`],
    ['a destination address is true', (r) => (r[AT + 1][0][0] = true), ': a destination address is neither IPv4 nor IPv6'],
    ['a destination address is null', (r) => (r[AT + 1][0][0] = null), ': a destination address is neither IPv4 nor IPv6'],
    ['a destination tcpHi is text', (r) => (r[AT + 1][0][1 + PAIR_NUMBERS.indexOf('tcpHi')] = 'x'), ' destination: tcpHi is not a number'],
    ['otherProtos holds text', (r) => (r[AT + 1][0][PAIR_NUMBERS.length + 1] = ['x']), ': otherProtos is not a number'],
    ['wOtherProtos is text', (r) => (r[AT + 1][0][PAIR_NUMBERS.length + 2] = 'x'), ': wOtherProtos is not a list'],
    ['the OS state is short', (r) => os(r).pop(), `: os is not a list of ${OS_NUMBERS.length + 4}+ items`],
    ['the OS syns is text', (r) => (os(r)[0] = 'x'), ' os: syns is not a number'],
    ['the OS maxHops is text', (r) => (os(r)[OS_NUMBERS.length - 1] = 'x'), ' os: maxHops is not a number'],
    ['idSmallIncr is 1', (r) => (os(r)[OS_NUMBERS.length] = 1), ': os idSmallIncr is not true or false'],
    ['moreLens is text', (r) => (os(r)[OS_NUMBERS.length + 1] = 'x'), ': os moreLens is not a list'],
    ['moreWindows holds text', (r) => (os(r)[OS_NUMBERS.length + 2] = ['x']), ': os moreWindows is not a number'],
    ['the OS verdicts are an object', (r) => (os(r)[OS_NUMBERS.length + 3] = {}), ': os verdicts is not a list'],
    ['an OS verdict is short', (r) => (os(r)[OS_NUMBERS.length + 3] = [['p0f.fp:1', []]]), ': an os verdict is not a list of 3+ items'],
    ['an OS verdict count is text', (r) => (os(r)[OS_NUMBERS.length + 3] = [['p0f.fp:1', [], 'x']]), ': os verdict count is not a number'],
    ['an OS verdict count is -1', (r) => (os(r)[OS_NUMBERS.length + 3] = [['p0f.fp:1', [], -1]]), ': os verdict count -1 is not a count'],
    ['alsoMatched is text', (r) => (os(r)[OS_NUMBERS.length + 3] = [['p0f.fp:1', 'x', 1]]), ': os alsoMatched is not a list'],
    ['alsoMatched holds a number', (r) => (os(r)[OS_NUMBERS.length + 3] = [['p0f.fp:1', [1], 1]]), ': os alsoMatched is not a string'],
    ['an OS verdict place is a number', (r) => (os(r)[OS_NUMBERS.length + 3] = [[1, [], 1]]), ': os verdict entry is not a string'],
    ['rare is a list', (r) => (r[AT + 3] = []), ': rare is not an object'],
    ['rare is text', (r) => (r[AT + 3] = 'x'), ': rare is not an object'],
    ['mirai is text', (r) => (rare(r).mirai = 'x'), ': mirai is not a number'],
    ['untrackedPackets is missing', (r) => delete rare(r).untrackedPackets, ': untrackedPackets is not a number'],
    ['protocolScan is 1', (r) => (rare(r).protocolScan = 1), ': protocolScan or sweep is not true or false'],
    ['sweep is missing', (r) => delete rare(r).sweep, ': protocolScan or sweep is not true or false'],
    ['untrackedDestinations is malformed', (r) => (rare(r).untrackedDestinations = ['bogus']), ': untrackedDestinations is malformed'],
    ['the flood is short', (r) => (rare(r).flood = [1, 22, 1, 50, 0]), ': flood is not a list of 6+ items'],
    ['the flood destination is true', (r) => (rare(r).flood = [true, 22, 1, 50, 0, 9]), ': the flood destination is neither IPv4 nor IPv6'],
    ['the flood port is text', (r) => (rare(r).flood = [1, '22', 1, 50, 0, 9]), ': flood is not a number'],
    ['tcpFlags is text', (r) => (rare(r).tcpFlags = 'x'), ': tcpFlags is not a list'],
    ['a tcpFlags entry is short', (r) => (rare(r).tcpFlags = [[2, 1]]), ': tcpFlags is not a list of 3+ items'],
    ['a tcpFlags key is text', (r) => (rare(r).tcpFlags = [['SYN', 1, 0]]), ': tcpFlags has a bad key'],
    ['a tcpFlags count is text', (r) => (rare(r).tcpFlags = [[2, 'x', 0]]), ': tcpFlags is not a number'],
    ['a tcpFlags ordinal is text', (r) => (rare(r).tcpFlags = [[2, 1, 'x']]), ': tcpFlags is not a number'],
    ['a tcpFlags count is -3', (r) => (rare(r).tcpFlags = [[2, -3, 0]]), ': tcpFlags -3 is not a count'],
    ['a prefixes key is a number', (r) => (rare(r).prefixes = [[1, 1, 0]]), ': prefixes has a bad key'],
    ['prefixes is text', (r) => (rare(r).prefixes = 'x'), ': prefixes is not a list'],
    ['a hosts key is a number', (r) => (rare(r).hosts = [[1, 1, 0]]), ': hosts has a bad key'],
    ['hosts is text', (r) => (rare(r).hosts = 'x'), ': hosts is not a list'],
    ['signatures is text', (r) => (rare(r).signatures = 'x'), ': signatures is not a list'],
    ['a signature hit is short', (r) => (rare(r).signatures = [validHit.slice(0, 6)]), ': a signature hit is not a list of 7+ items'],
    ['a signature key is a number', (r) => (rare(r).signatures = [[1, ...validHit.slice(1)]]), ': signature key is not a string'],
    ['a signature protocol is sctp', (r) => (rare(r).signatures = [[...validHit.slice(0, 5), 'sctp', 3]]), ': signature gone:1 has no protocol'],
    ['a signature protocol is missing', (r) => (rare(r).signatures = [[...validHit.slice(0, 5), null, 3]]), ': signature gone:1 has no protocol'],
    ['a signature sid is text', (r) => (rare(r).signatures = [['gone:1', 2, '5', ...validHit.slice(3)]]), ': sid is not a number'],
    ['a signature psad_id is text', (r) => (rare(r).signatures = [['gone:1', 2, 5, '6', ...validHit.slice(4)]]), ': psad_id is not a number'],
    ['a signature msg is a number', (r) => (rare(r).signatures = [[...validHit.slice(0, 4), 9, 'tcp', 3]]), ': signature msg is not a string'],
    ['a signature dl is text', (r) => (rare(r).signatures = [[...validHit.slice(0, 6), '3']]), ': signature dl is not a number'],
    ['a signature count is text', (r) => (rare(r).signatures = [['gone:1', '2', ...validHit.slice(2)]]), ': signature count is not a number'],
    ['a signature count is -2', (r) => (rare(r).signatures = [['gone:1', -2, ...validHit.slice(2)]]), ': signature count -2 is not a count'],
    ['invalidIcmp is text', (r) => (rare(r).invalidIcmp = 'x'), ': invalidIcmp is not a list'],
    ['an invalidIcmp entry is short', (r) => (rare(r).invalidIcmp = [[1, false, 44, 0, 'bad-type']]), ': invalidIcmp is not a list of 6+ items'],
    ['an invalidIcmp v6 flag is 0', (r) => (rare(r).invalidIcmp = [[1, 0, 44, 0, 'bad-type', 1]]), ': an invalidIcmp entry is malformed'],
    ['an invalidIcmp kind is unknown', (r) => (rare(r).invalidIcmp = [[1, false, 44, 0, 'bad-len', 1]]), ': an invalidIcmp entry is malformed'],
    ['an invalidIcmp key is text', (r) => (rare(r).invalidIcmp = [['1', false, 44, 0, 'bad-type', 1]]), ': invalidIcmp is not a number'],
    ['an invalidIcmp count is -1', (r) => (rare(r).invalidIcmp = [[1, false, 44, 0, 'bad-type', -1]]), ': invalidIcmp count -1 is not a count'],
    ['an invalidIcmp type is text', (r) => (rare(r).invalidIcmp = [[1, false, '44', 0, 'bad-type', 1]]), ': type is not a number'],
    ['an invalidIcmp code is text', (r) => (rare(r).invalidIcmp = [[1, false, 44, '0', 'bad-code', 1]]), ': code is not a number'],
    ['an invalidIcmp count is text', (r) => (rare(r).invalidIcmp = [[1, true, 44, 0, 'bad-code', '1']]), ': invalidIcmp count is not a number'],
    ['autoDl is text', (r) => (rare(r).autoDl = 'x'), ': autoDl is not a list'],
    ['an autoDl entry is short', (r) => (rare(r).autoDl = [['auto_dl:1']]), ': autoDl is not a list of 2+ items'],
    ['an autoDl place is a number', (r) => (rare(r).autoDl = [[1, '10.0.0.0/8']]), ': autoDl entry is not a string'],
    ['an autoDl network is a number', (r) => (rare(r).autoDl = [['auto_dl:1', 10]]), ': autoDl network is not a string'],
    ['reputation is null', (r) => (rare(r).reputation = null), ': reputation is not a list'],
    ['a reputation entry is short', (r) => (rare(r).reputation = [['feed', 3]]), ': reputation is not a list of 3+ items'],
    ['a reputation feed is a number', (r) => (rare(r).reputation = [[1, 3, '198.51.100.0/24']]), ': feed is not a string'],
    ['a reputation dl is text', (r) => (rare(r).reputation = [['feed', '3', '198.51.100.0/24']]), ': feed dl is not a number'],
    ['a reputation network is a number', (r) => (rare(r).reputation = [['feed', 3, 1]]), ': feed network is not a string'],
    ['pastDestinations is empty', (r) => (rare(r).pastDestinations = []), ': pastDestinations is not a list of 1+ items'],
    ['pastDestinations is text', (r) => (rare(r).pastDestinations = 'x'), ': pastDestinations is not a list of 1+ items'],
    ['a past destination is true', (r) => (rare(r).pastDestinations = [5, true]), ': a past destination is neither IPv4 nor IPv6'],
  ]
  test.each(cases)('%s', (_, damage, what) => {
    const r = clone(encodeSource(src, a.engine))
    expect(rare(r)).not.toBeNull()
    expect(os(r)).not.toBeNull()
    damage(r)
    expect(refusal(() => decodeSource(src.key, r, detectorOf(parts).engine))).toBe(where() + what)
  })

  test.each([
    ['an object', { a: 1 }],
    ['null', null],
    ['one item short', Array.from({ length: SOURCE_NUMBERS.length + 4 }, () => 0)],
  ])('a record that is %s is refused', (_, rec) => {
    expect(refusal(() => decodeSource(src.key, rec, a.engine))).toBe(`${where()}: the record is not a list of ${SOURCE_NUMBERS.length + 5}+ items`)
  })

  test('an IPv6 source is named by its address', () => {
    expect(refusal(() => decodeSource('2001:db8::5', 'x', a.engine))).toBe(
      `corrupt saved state: source 2001:db8::5: the record is not a list of ${SOURCE_NUMBERS.length + 5}+ items`,
    )
  })

  test('a rare part given as null means the source has none', () => {
    const r = clone(encodeSource(src, a.engine))
    r[AT + 3] = null
    expect(decodeSource(src.key, r, a.engine).rare).toBeNull()
  })
})

describe('the name a source is saved under', () => {
  test.each([
    ['0.0.0.0', 0],
    ['0.0.0.1', 1],
    ['127.0.0.1', 0x7f000001],
    ['203.0.113.5', 0xcb007105 | 0],
    ['255.255.255.255', -1],
    ['2001:db8::5', '2001:db8::5'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ])('%s gives its key', (text, key) => {
    expect(keyFromText(text)).toBe(key)
  })

  test.each(['not-an-address', '256.1.1.1', '1.2.3', '', ' 1.2.3.4', 'evil:name', '2001:DB8::5', '2001:0db8:0000:0000:0000:0000:0000:0005', '::1\u001b[31m'])(
    '%j is refused',
    (text) => {
      expect(refusal(() => keyFromText(text))).toBe(`corrupt saved state: source ${JSON.stringify(text)}: not an IPv4 or IPv6 address`)
    },
  )
})

describe('hostile state never escapes as anything but CorruptStateError', () => {
  // Random damage to a whole valid snapshot: values of the wrong kind, lists cut short, keys removed.
  const HOSTILE: unknown[] = [null, true, false, 0, -1, 1.5, 65536, 1e300, -1e300, '', 'x', '__proto__', [], [[]], [null], {}, { length: 3 }, ['exact', '!!', '']]

  function paths(v: unknown, at: (string | number)[], out: (string | number)[][]): void {
    out.push(at)
    if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out))
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out)
  }

  test('2000 random damages to a snapshot are each restored or refused with CorruptStateError', () => {
    const small = detectorOf(parts)
    feed(small, packetStream({ seed: 5, lines: 400 }))
    const base = clone(snapshot(small))
    // Keep the big port and recent lists from swamping the choice of what to damage.
    const all: (string | number)[][] = []
    paths(base, [], all)
    const r = prng(99)
    const escaped: string[] = []
    for (let i = 0; i < 2000; i++) {
      const copy: Json = clone(base)
      const path = all[Math.floor(r() * all.length)]!
      if (path.length === 0) continue
      let parent = copy
      for (const k of path.slice(0, -1)) parent = parent[k]
      const last = path[path.length - 1]!
      const how = r()
      if (how < 0.15) {
        if (Array.isArray(parent)) parent.length = Math.min(parent.length, Number(last))
        else delete parent[last]
      } else parent[last] = clone(HOSTILE[Math.floor(r() * HOSTILE.length)])
      try {
        restoreSnapshot(detectorOf(parts), copy)
      } catch (e) {
        if (!(e instanceof CorruptStateError)) escaped.push(`${path.join('.')}: ${String(e)}`)
      }
    }
    expect(escaped).toEqual([])
  })
})
