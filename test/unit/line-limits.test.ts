import { describe, expect, test } from 'vitest'
import { parseLine, type ParsedLine } from '../helpers/lines.js'

// Values are checked against what the kernel can print (nf_log_syslog's formats: `TTL=%u` of a u8,
// `WINDOW=%u` of a u16, `FLOWLBL=%u` of 20 bits, `MARK=0x%x` of a u32 …): anything else comes from a
// forged or corrupted line and makes it malformed, with a reason, instead of a packet with an
// impossible field. So do lines cut short: a line that stops inside a field must not read as a
// packet with a shorter value.

const ctx = { year: 2026, reference: Date.UTC(2026, 10, 22, 12) }
const HEAD = 'Nov 22 07:15:55 fw kernel: DROP '
const TCP = 'IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.7 DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=15270 PROTO=TCP SPT=56247 DPT=1025 SEQ=1 ACK=0 WINDOW=3072 RES=0x00 SYN URGP=0 UID=0 GID=0 MARK=0x1 '
const TCP6 = 'IN=eth0 OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 '
const UDP = 'IN=eth0 OUT= SRC=198.51.100.7 DST=192.0.2.1 LEN=29 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=53 DPT=1002 LEN=9 '
const ECHO = 'IN=eth0 OUT= SRC=198.51.100.7 DST=192.0.2.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 '

const run = (line: string): ParsedLine => parseLine(line, ctx)

/** The body with the first `KEY=value` replaced by `KEY=<value>`. */
function withField(body: string, key: string, value: string): string {
  const re = new RegExp(`(^| )${key}=[^ ]*`)
  expect(re.test(body), `${key}= in ${body}`).toBe(true)
  return body.replace(re, `$1${key}=${value}`)
}

describe('numbers the kernel cannot print are malformed', () => {
  test.each([
    // key, body, largest value printed, first value too large, what the message says
    ['TTL', TCP, '255', '256', 'bad TTL= value'],
    ['LEN', TCP, '65535', '65536', 'bad LEN= value'],
    ['TOS', TCP, '0xFF', '0x100', 'bad TOS= value'],
    ['PREC', TCP, '0xFF', '0x100', 'bad PREC= value'],
    ['ID', TCP, '65535', '65536', 'bad ID= value'],
    ['SEQ', TCP, '4294967295', '4294967296', 'bad SEQ= value'],
    ['ACK', TCP, '4294967295', '4294967296', 'bad ACK= value'],
    ['WINDOW', TCP, '65535', '65536', 'bad WINDOW= value'],
    ['RES', TCP, '0xff', '0x100', 'bad RES= value'],
    ['URGP', TCP, '65535', '65536', 'bad URGP= value'],
    ['UID', TCP, '4294967295', '4294967296', 'bad UID= value'],
    ['GID', TCP, '4294967295', '4294967296', 'bad GID= value'],
    ['MARK', TCP, '0xFFFFFFFF', '0x100000000', 'bad MARK= value'],
    ['SPT', TCP, '65535', '65536', 'SPT= or DPT= past 65535'],
    ['DPT', TCP, '65535', '65536', 'SPT= or DPT= past 65535'],
    ['HOPLIMIT', TCP6, '255', '256', 'bad HOPLIMIT= value'],
    ['TC', TCP6, '255', '256', 'bad TC= value'],
    ['FLOWLBL', TCP6, '1048575', '1048576', 'bad FLOWLBL= value'],
    // IPv6's LEN= is the payload length plus the 40-byte header.
    ['LEN', TCP6, '65575', '65576', 'bad LEN= value'],
    ['TYPE', ECHO.replace('TYPE=8', 'TYPE=3').replace(' ID=7 SEQ=1', ''), '255', '256', 'ICMP line without valid TYPE=/CODE='],
    ['CODE', ECHO, '255', '256', 'ICMP line without valid TYPE=/CODE='],
  ])('%s= (case %#)', (key, body, max, over, message) => {
    expect(run(HEAD + withField(body, key, max)).verdict).toBe('packet')
    const bad = run(HEAD + withField(body, key, over))
    expect(bad.verdict).toBe('malformed')
    expect(bad.error).toContain(message)
  })

  test.each([
    ['UDP LEN', UDP, / LEN=9 /, ' LEN=65536 ', 'bad LEN= value'],
    ['echo ID', ECHO, / ID=7 /, ' ID=65536 ', 'bad ID= value'],
    ['echo SEQ', ECHO, / SEQ=1 /, ' SEQ=65536 ', 'bad SEQ= value'],
    ['fragment offset', UDP, / ID=1 /, ' ID=1 FRAG:8192 ', 'bad fragment offset'],
    ['an interface name longer than IFNAMSIZ', TCP, /IN=eth0/, `IN=${'e'.repeat(16)}`, 'bad IN= value'],
  ])('%s', (_name, body, re, replacement, message) => {
    const bad = run(HEAD + body.replace(re, replacement))
    expect(bad.verdict).toBe('malformed')
    expect(bad.error).toContain(message)
  })

  test.each(['-1', '+1', '1e3', '0x10', '', '12345678901', '৩'])('TTL=%j is not a number', (value) => {
    expect(run(HEAD + withField(TCP, 'TTL', value)).error).toContain('bad TTL= value')
  })

  test('the kernel\'s own limits are packets, not errors', () => {
    const p = run(HEAD + UDP.replace(' ID=1 ', ' ID=1 FRAG:8191 ').replace('IN=eth0', `IN=${'e'.repeat(15)}`)).packet
    expect(p).not.toBeNull()
    expect(p!.fragment).toBe(true)
    expect(p!.inIf).toBe('e'.repeat(15))
  })
})

describe('timestamps no clock shows are malformed', () => {
  test.each([
    ['2026-02-31T10:00:00Z', 'no such date'],
    ['2026-02-29T10:00:00Z', 'no such date'],
    ['2026-13-01T10:00:00Z', 'no such date'],
    ['2026-00-10T10:00:00Z', 'no such date'],
    ['2026-11-22T25:00:00Z', 'no such time of day'],
    ['2026-11-22T10:60:00Z', 'no such time of day'],
    ['2026-11-22T10:00:61Z', 'no such time of day'],
    ['2026-11-22T10:00:00+99:99', 'no such zone offset'],
    ['2026-11-22T10:00:00+24:00', 'no such zone offset'],
    ['2026-11-22T10:00:00+0160', 'no such zone offset'],
    ['2026-11-22T10:00:00+', 'no such zone offset'],
    ['2026-11-22T1:00:00Z', 'no time of day after the date'],
    ['2026-11-22T10:00:00.5x', 'timestamp not followed by a space'],
    ['Mar 11 25:35:11', 'no such time of day'],
    ['Feb 30 10:00:00', 'no such date'],
    ['Apr 31 10:00:00', 'no such date'],
    ['Mar 32 10:00:00', 'no such date'],
    ['<4>1 2026-02-31T10:00:00Z', 'no such date'],
    ['kern.log:2026-02-31T10:00:00Z', 'no such date'],
  ])('%s', (stamp, message) => {
    const r = run(`${stamp} fw kernel: DROP ${UDP}`)
    expect(r.verdict).toBe('malformed')
    expect(r.error).toContain(message)
  })

  test.each([
    ['2024-02-29T10:00:00Z', '2024-02-29T10:00:00.000Z'],
    ['2026-11-22T10:00:60Z', '2026-11-22T10:01:00.000Z'],
    ['2026-11-22T10:00:00-12:00', '2026-11-22T22:00:00.000Z'],
    ['Feb 29 10:00:00', '2024-02-29T10:00:00.000Z'],
  ])('%s is a time', (stamp, iso) => {
    expect(new Date(run(`${stamp} fw kernel: DROP ${UDP}`).packet!.time).toISOString()).toBe(iso)
  })

  test('a line that is not a firewall line stays not-firewall, whatever its date', () => {
    expect(run('2026-02-31T10:00:00Z fw sshd[1]: Accepted publickey for root').verdict).toBe('not-firewall')
  })
})

describe('a line cut short is malformed, not a packet with a shorter field', () => {
  test('UDP cut inside DPT= (DPT=1002 → DPT=1): the kernel prints LEN= with the ports', () => {
    const cut = UDP.slice(0, UDP.indexOf('DPT=1002') + 'DPT=1'.length)
    expect(run(HEAD + cut)).toMatchObject({ verdict: 'malformed', error: 'UDP line without LEN= after its ports' })
  })

  test.each([
    ['inside DPT=', 'DPT=10'],
    ['before WINDOW=', 'DPT=1025 '],
    ['inside the flags', 'RES=0x00 SY'],
    ['before URGP=', 'RES=0x00 SYN '],
    ['inside URGP=', 'SYN URGP='],
  ])('TCP cut %s', (_where, until) => {
    const body = TCP.replace(' SEQ=1 ACK=0', '')
    const cut = body.slice(0, body.indexOf(until) + until.length)
    expect(run(HEAD + cut).verdict).toBe('malformed')
  })

  test('TCP with SEQ= and no ACK=: the kernel prints them together', () => {
    expect(run(HEAD + TCP.replace(' ACK=0', '')).error).toContain('SEQ= but not ACK=')
  })

  test('ICMP echo without its ID= and SEQ= was cut', () => {
    expect(run(HEAD + ECHO.replace(' ID=7 SEQ=1', '')).error).toBe('ICMP echo line without ID= and SEQ=')
    expect(run(HEAD + ECHO.replace(' SEQ=1', '')).error).toBe('ICMP echo line without ID= and SEQ=')
    // ICMPv6 echo request (128) too; an INCOMPLETE header prints neither.
    const v6 = TCP6.replace(/PROTO=TCP.*$/, 'PROTO=ICMPv6 TYPE=128 CODE=0 ')
    expect(run(HEAD + v6).error).toBe('ICMP echo line without ID= and SEQ=')
    expect(run(HEAD + ECHO.replace(' ID=7 SEQ=1', ' INCOMPLETE [4 bytes]')).verdict).toBe('packet')
  })

  test('an ICMP error cut inside its quoted packet', () => {
    const line = `${HEAD}IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.0.0.2 DST=10.0.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=UDP SPT=53 DPT=4444 LEN=8 `
    expect(run(line)).toMatchObject({ verdict: 'malformed', error: 'unterminated [ … ]' })
    expect(run(`${line}] `).verdict).toBe('packet')
  })

  test.each([
    ['after the MAC', 'IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 '],
    ['after OUT=', 'IN= OUT=eth0 '],
    ['inside SRC=', 'IN=eth0 OUT= SRC=198.5'],
  ])('cut before SRC= (%s) is malformed, not non-ip', (_where, body) => {
    expect(run(HEAD + body).verdict).toBe('malformed')
  })

  test.each([
    ['ARP', 'IN=br0 OUT= MAC=ff:ff:ff:ff:ff:ff:00:11:22:33:44:55:08:06 ARP HTYPE=1 PTYPE=0x0800 OPCODE=1'],
    ['another ethertype in MAC=', 'IN=br0 OUT= MAC=ff:ff:ff:ff:ff:ff:00:11:22:33:44:55:88:cc '],
    ['another ethertype in MACPROTO=', 'IN=br0 OUT= MACSRC=00:11:22:33:44:55 MACDST=ff:ff:ff:ff:ff:ff MACPROTO=88cc '],
    ['an IP header the kernel could not read', 'IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 TRUNCATED'],
  ])('a line that says it carries no IP header is non-ip: %s', (_name, body) => {
    expect(run(HEAD + body).verdict).toBe('non-ip')
  })

  test('a fragment after the first carries no ports and is still a packet', () => {
    const p = run(`${HEAD}IN=eth0 OUT= SRC=198.51.100.7 DST=192.0.2.1 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=1 FRAG:185 PROTO=UDP `).packet
    expect(p).toMatchObject({ proto: 17, sport: -1, dport: -1, fragment: true })
  })
})
