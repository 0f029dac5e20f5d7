import { afterEach, describe, expect, test } from 'vitest'
import { InternalError, UsageError } from '../../src/core/errors.js'
import { LineParser } from '../../src/parse/line.js'
import type { Packet } from '../../src/parse/packet.js'
import { DshieldWriter, type DshieldOptions } from '../../src/report/dshield.js'

// Bodies are real kernel output from test/fixtures/captures; the timestamps are varied per test.
const MAC = 'MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00'
const SYN = `DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=48 ID=50190 PROTO=TCP SPT=59079 DPT=1025 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) `
const ACK_PSH = `[12] SID1122 ESTAB IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=17446 DF PROTO=TCP SPT=49606 DPT=8080 SEQ=3748344052 ACK=1209323920 WINDOW=63 RES=0x00 ACK PSH URGP=0 OPT (0101080A20392730D137147A) `
const NULL_SCAN = `[UFW BLOCK] IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=44 ID=2047 PROTO=TCP SPT=48563 DPT=1025 WINDOW=1024 RES=0x00 URGP=0 `
const UDP = `DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=100 TOS=0x00 PREC=0x00 TTL=52 ID=54477 PROTO=UDP SPT=36149 DPT=1050 LEN=80 `
const ECHO = `DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=50897 PROTO=ICMP TYPE=8 CODE=0 ID=53325 SEQ=1 `
const UNREACH = `DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=13 `
const PROTO88 = `DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=20 TOS=0x00 PREC=0x00 TTL=43 ID=30735 PROTO=88 `
const V6 = 'DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:86:dd SRC=fd77:0000:0000:0000:0000:0000:0000:0001 DST=fd77:0000:0000:0000:0000:0000:0000:0002 LEN=64 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=TCP SPT=64634 DPT=1025 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) '

const at = (iso: string, body: string): string => `${iso} fw kernel: ${body}`
const parser = new LineParser({ sidString: 'SID' })
function packet(line: string, year?: number): Packet {
  const p = parser.parse(line, { year, reference: Date.UTC(2026, 10, 22) })
  if (typeof p === 'string') throw new Error(`fixture line rejected (${p}): ${parser.error}`)
  return p
}

function run(lines: readonly string[], options: Partial<DshieldOptions> = {}): { text: string; w: DshieldWriter } {
  let text = ''
  const w = new DshieldWriter({ userId: 0, timeZone: 'UTC', ...options }, (c) => (text += c))
  for (const l of lines) w.packet(packet(l))
  w.end()
  return { text, w }
}

const T = '2026-11-22T08:15:21.630907+00:00'

describe('line layout', () => {
  test('TCP: date, offset, then TAB-separated userid, 1, src, sport, dst, dport, proto, flags', () => {
    expect(run([at(T, SYN)], { userId: '12345' }).text).toBe(
      '2026-11-22 08:15:21 +00:00\t12345\t1\t10.77.0.1\t59079\t10.77.0.2\t1025\tTCP\tSYN\n',
    )
  })

  test('several TCP flags are joined with commas; no flags is NULL', () => {
    const { text } = run([at(T, ACK_PSH), at(T, NULL_SCAN)])
    expect(text.split('\n')[0]!.split('\t').slice(3)).toEqual(['10.77.0.1', '49606', '10.77.0.2', '8080', 'TCP', 'ACK,PSH'])
    expect(text.split('\n')[1]!.split('\t').at(-1)).toBe('NULL')
  })

  test('UDP has no flags column', () => {
    expect(run([at(T, UDP)]).text).toBe('2026-11-22 08:15:21 +00:00\t0\t1\t10.77.0.1\t36149\t10.77.0.2\t1050\tUDP\n')
  })

  test('ICMP: type in the source-port column, code in the destination-port column', () => {
    const { text } = run([at(T, ECHO), at(T, UNREACH)])
    expect(text).toBe(
      '2026-11-22 08:15:21 +00:00\t0\t1\t10.77.0.1\t8\t10.77.0.2\t0\tICMP\n' +
        '2026-11-22 08:15:21 +00:00\t0\t1\t10.77.0.1\t3\t10.77.0.2\t13\tICMP\n',
    )
  })

  test('a protocol without ports: 0 and 0, the protocol number', () => {
    expect(run([at(T, PROTO88)]).text).toBe('2026-11-22 08:15:21 +00:00\t0\t1\t10.77.0.1\t0\t10.77.0.2\t0\t88\n')
  })

  test('the log prefix never reaches the line', () => {
    const { text } = run([at(T, SYN.replace('DROP', "=cmd|' /C calc'!A0\t"))])
    expect(text).not.toContain('cmd')
    expect(text.split('\t')).toHaveLength(9)
  })
})

describe('dates (psad bugs fixed)', () => {
  test('the month is zero-padded', () => {
    expect(run([at('2026-03-05T07:08:09.5+00:00', SYN)]).text).toMatch(/^2026-03-05 07:08:09 \+00:00\t/)
  })

  test("the year is the packet's own, not the year of writing", () => {
    expect(run([at('2019-12-31T23:59:59.999+00:00', SYN)]).text).toMatch(/^2019-12-31 23:59:59 \+00:00\t/)
    // An RFC 3164 line carries no year: the one the parser settled on (here --year 2024) is used.
    let text = ''
    const w = new DshieldWriter({ userId: 0, timeZone: 'UTC' }, (c) => (text += c))
    w.packet(packet(`Feb 29 23:00:01 fw kernel: ${SYN}`, 2024))
    w.end()
    expect(text).toMatch(/^2024-02-29 23:00:01 \+00:00\t/)
  })

  test.each([
    // Europe/Berlin: CET -> CEST at 01:00 UTC on the last Sunday of March, back on the last Sunday of October.
    ['Europe/Berlin', '2026-03-29T00:59:59Z', '2026-03-29 01:59:59 +01:00'],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', '2026-03-29 03:00:00 +02:00'],
    ['Europe/Berlin', '2026-10-25T00:59:59Z', '2026-10-25 02:59:59 +02:00'],
    ['Europe/Berlin', '2026-10-25T01:00:00Z', '2026-10-25 02:00:00 +01:00'],
    // America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
    ['America/New_York', '2026-03-08T06:59:59Z', '2026-03-08 01:59:59 -05:00'],
    ['America/New_York', '2026-03-08T07:00:00Z', '2026-03-08 03:00:00 -04:00'],
    ['America/New_York', '2026-11-01T05:59:59Z', '2026-11-01 01:59:59 -04:00'],
    ['America/New_York', '2026-11-01T06:00:00Z', '2026-11-01 01:00:00 -05:00'],
    // Offsets that are not whole hours (psad printed whole hours only).
    ['Asia/Kolkata', '2026-11-22T08:15:21Z', '2026-11-22 13:45:21 +05:30'],
    ['America/St_Johns', '2026-01-15T12:00:00Z', '2026-01-15 08:30:00 -03:30'],
    ['Asia/Kathmandu', '2026-12-31T18:14:59Z', '2026-12-31 23:59:59 +05:45'],
    ['Asia/Kathmandu', '2026-12-31T18:15:00Z', '2027-01-01 00:00:00 +05:45'],
    ['UTC', '2026-07-01T00:00:00Z', '2026-07-01 00:00:00 +00:00'],
  ])('%s: %s -> %s', (zone, iso, text) => {
    expect(run([at(iso.replace('Z', '+00:00'), SYN)], { timeZone: zone }).text.split('\t')[0]).toBe(text)
  })

  test('a stream crossing a DST change carries both offsets', () => {
    const lines = ['2026-03-29T00:59:59+00:00', '2026-03-29T01:00:01+00:00'].map((t) => at(t, SYN))
    const dates = run(lines, { timeZone: 'Europe/Berlin' }).text.split('\n').filter(Boolean).map((l) => l.split('\t')[0])
    expect(dates).toEqual(['2026-03-29 01:59:59 +01:00', '2026-03-29 03:00:01 +02:00'])
  })

  test('an unknown zone is a usage error', () => {
    expect(() => new DshieldWriter({ userId: 0, timeZone: 'Mars/Olympus' }, () => {})).toThrow(UsageError)
  })
})

describe('the local zone (default) follows TZ', () => {
  const saved = process.env.TZ
  afterEach(() => {
    process.env.TZ = saved
  })

  test.each([
    ['Europe/Berlin', '2026-10-25T00:30:00+00:00', '2026-10-25 02:30:00 +02:00'],
    ['Europe/Berlin', '2026-10-25T01:30:00+00:00', '2026-10-25 02:30:00 +01:00'],
    ['America/Sao_Paulo', '2026-11-22T08:15:21+00:00', '2026-11-22 05:15:21 -03:00'],
  ])('TZ=%s: %s -> %s', (tz, iso, text) => {
    process.env.TZ = tz
    let out = ''
    const w = new DshieldWriter({ userId: 7 }, (c) => (out += c))
    w.packet(packet(at(iso, SYN)))
    w.end()
    expect(out.split('\t')[0]).toBe(text)
  })
})

describe('what cannot be submitted is skipped and counted', () => {
  test('IPv6 packets', () => {
    const { text, w } = run([at(T, V6), at(T, SYN), at(T, V6)])
    expect(text.split('\n').filter(Boolean)).toHaveLength(1)
    expect([w.lines, w.skippedIpv6, w.skippedNoTime]).toEqual([1, 2, 0])
  })

  test('lines without a timestamp (dmesg)', () => {
    const { text, w } = run([`[ 1378.319719] ${SYN}`, at(T, SYN)])
    expect(text).toMatch(/^2026-11-22 08:15:21 \+00:00\t/)
    expect([w.lines, w.skippedIpv6, w.skippedNoTime]).toEqual([1, 0, 1])
  })

  test('no packet after end()', () => {
    const { w } = run([])
    expect(() => w.packet(packet(at(T, SYN)))).toThrow(InternalError)
  })
})

describe('user id', () => {
  test.each(['', 'abc', '12 34', '1\t2', '-1'])('user id %j is rejected', (id) => {
    expect(() => new DshieldWriter({ userId: id }, () => {})).toThrow(UsageError)
  })
})
