import { describe, expect, test } from 'vitest'
import { LineParser } from '../../src/parse/line.js'
import { textHash } from '../../src/parse/netfilter.js'
import type { Packet } from '../../src/parse/packet.js'
import { analyzeLines } from '../helpers/lines.js'

// One line is one packet of one address family, and one address is one source: a line mixing an
// IPv4 and an IPv6 address is malformed (it could be counted under either), and an IPv6 address
// logged with a zone is the same source as without it.

const ctx = { year: 2026, reference: Date.UTC(2026, 10, 22, 12) }
const HEAD = 'Nov 22 10:00:00 fw kernel: DROP '
const V6 = (src: string, dst = '2001:db8::2'): string => `${HEAD}IN=eth0 OUT= SRC=${src} DST=${dst} LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0 `
const V4 = (src: string, dst = '192.0.2.1'): string => `${HEAD}IN=eth0 OUT= SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0 `

function parse(line: string): { packet: Packet | null; error: string; route: number } {
  const parser = new LineParser({ sidString: 'SID' })
  const b = Buffer.from(line)
  const route = parser.route(b, 0, b.length)
  const r = parser.parse(line, ctx)
  return typeof r === 'string' ? { packet: null, error: `${r}: ${parser.error}`, route } : { packet: r, error: '', route }
}

describe('one line, one address family', () => {
  test.each([
    ['IPv4 SRC, IPv6 DST', V4('203.0.113.5', '2001:db8::2')],
    ['IPv6 SRC, IPv4 DST', V6('2001:db8::5', '192.0.2.1')],
    ['IPv4-mapped IPv6 SRC, IPv4 DST', V4('::ffff:203.0.113.5')],
  ])('%s is malformed', (_name, line) => {
    expect(parse(line).error).toBe('malformed: SRC= and DST= of different address families')
  })

  test('header fields of the other family are malformed', () => {
    expect(parse(V4('203.0.113.5').replace('TTL=50', 'HOPLIMIT=50')).error).toContain('IPv6 header fields (TC=, HOPLIMIT=, FLOWLBL=) in an IPv4 line')
    expect(parse(V6('2001:db8::5').replace('HOPLIMIT=64', 'TTL=64')).error).toContain('IPv4 header fields (TOS=, TTL=, ID=) in an IPv6 line')
  })
})

describe('an IPv6 zone is a detail of the packet, not part of the source', () => {
  test('fe80::3%eth0 and fe80::3 are one source, with the zone kept on the packet', () => {
    const zoned = parse(V6('fe80::3%eth0', 'fe80::1%eth0'))
    const plain = parse(V6('fe80::3', 'fe80::1'))
    expect(zoned.packet).toMatchObject({ src: 'fe80::3', srcZone: 'eth0', dst: 'fe80::1', dstZone: 'eth0' })
    expect(plain.packet).toMatchObject({ src: 'fe80::3', srcZone: '', dstZone: '' })
    // A part of a threaded run gets both lines (the route is the source's).
    expect(zoned.route).toBe(plain.route)
    expect(zoned.route).toBe(textHash('fe80::3'))
  })

  test('the kernel\'s full form with a zone too', () => {
    expect(parse(V6('fe80:0000:0000:0000:0000:0000:0000:0003%2')).packet).toMatchObject({ src: 'fe80::3', srcZone: '2' })
  })

  test('a report counts them as one source', () => {
    const report = analyzeLines([V6('fe80::3%eth0'), V6('fe80::3'), V6('fe80::3%eth1')])
    expect(report.summary.packets).toBe(3)
    expect(report.summary.sourcesSeen).toBe(1)
  })

  test.each([
    ['an empty zone', 'fe80::3%'],
    ['a zone with a slash', 'fe80::3%a/b'],
    ['a zone longer than an interface name', `fe80::3%${'e'.repeat(16)}`],
    ['two zones', 'fe80::3%eth0%eth1'],
    ['an IPv4 address with a zone', '203.0.113.5%eth0'],
  ])('%s is a bad address', (_name, src) => {
    expect(parse(V6(src)).error).toContain('bad SRC address')
  })
})
