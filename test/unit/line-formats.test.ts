import { describe, expect, test } from 'vitest'
import { textHash } from '../../src/parse/netfilter.js'
import { ACK, type Packet, SYN, URG } from '../../src/parse/packet.js'
import { analyzeLines, parseLine, type ParsedLine, udpLine } from '../helpers/lines.js'

// The heads the kernel's messages reach a log with besides syslog's: dmesg (uptime, printk caller
// ids), dmesg -T and journalctl with the month and weekday names of LC_TIME, and Proxmox VE's
// pve-firewall.log with its own body. Each is recognised per line; a line that looks like one but
// does not parse is malformed with its reason. (The tests run with TZ=UTC.)

const ctx = { year: 2026, reference: Date.UTC(2026, 11, 10, 12) }
const BODY = 'IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00 SRC=10.77.0.1 DST=10.77.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=49 ID=4452 PROTO=TCP SPT=51012 DPT=1012 WINDOW=1024 RES=0x00 SYN URGP=0 '

const parse = (line: string): ParsedLine => parseLine(line, ctx)

function packet(line: string): Packet {
  const r = parse(line)
  if (r.packet === null) throw new Error(`${r.verdict} ${r.error}: ${line}`)
  // Every accepted line routes by the source it names, whatever its head.
  expect(r.route).toBe(r.packet.srcNum >= 0 ? r.packet.srcNum : textHash(r.packet.src))
  return r.packet
}

const iso = (p: Packet): string | null => (Number.isNaN(p.time) ? null : new Date(p.time).toISOString())

describe('dmesg: the message follows the uptime', () => {
  test.each([
    ['a one-word prefix ending in a colon (firewalld)', `[ 1234.567890] FINAL_REJECT: ${BODY}`, 'FINAL_REJECT:'],
    ['two words', `[ 1234.567890] DROP INVALID ${BODY}`, 'DROP INVALID'],
    ['no prefix', `[ 1234.567890] ${BODY}`, ''],
    ['a caller id after the uptime (console, /proc/kmsg)', `[  123.456789][    C1] DROP ${BODY}`, 'DROP'],
    ['a caller id after the uptime (dmesg)', `[  123.456789] [  T1234] DROP ${BODY}`, 'DROP'],
    ['a caller id alone (printk.time=0)', `[T123456] DROP ${BODY}`, 'DROP'],
    ['a kernel: tag (prefix is what follows the last kernel:)', `[ 1234.567890] kernel: DROP ${BODY}`, 'DROP'],
  ])('%s', (_name, line, prefix) => {
    const p = packet(line)
    expect([p.prefix, p.host, iso(p)]).toEqual([prefix, '', null])
  })

  test('journalctl short-monotonic: a host and a tag after the uptime', () => {
    const p = packet(`[ 1234.567890] fw kernel: FINAL_REJECT: ${BODY}`)
    expect([p.prefix, p.host]).toEqual(['FINAL_REJECT:', 'fw'])
  })

  test('a caller id in a syslog line is not part of the prefix', () => {
    expect(packet(`Dec  4 15:05:56 fw kernel: [  123.456789][ T1234] DROP ${BODY}`).prefix).toBe('DROP')
    expect(packet(`Dec  4 15:05:56 fw kernel: [ T1234] DROP ${BODY}`).prefix).toBe('DROP')
  })

  test('a bracket that only looks like a caller id stays in the prefix', () => {
    expect(packet(`[ 1234.567890] [UFW BLOCK] ${BODY}`).prefix).toBe('[UFW BLOCK]')
    expect(packet(`[ 1234.567890] [T12a] ${BODY}`).prefix).toBe('[T12a]')
  })
})

describe('dmesg -T and journalctl: names of the month and weekday in LC_TIME', () => {
  // `date` and `dmesg -T` print these for Friday, 4 December 2026 (and 1 January 2027) in each locale.
  test.each([
    ['C', '[Fri Dec  4 15:05:56 2026]'],
    ['de_DE', '[Fr Dez  4 15:05:56 2026]'],
    ['fr_FR', '[ven. déc.  4 15:05:56 2026]'],
    ['es_ES', '[vie dic  4 15:05:56 2026]'],
    ['it_IT', '[ven dic  4 15:05:56 2026]'],
    ['pt_BR', '[sex dez  4 15:05:56 2026]'],
    ['nl_NL', '[vr dec  4 15:05:56 2026]'],
    ['zh_CN', '[五 12月  4 15:05:56 2026]'],
    ['ja_JP', '[金 12月  4 15:05:56 2026]'],
  ])('dmesg -T in %s', (_locale, stamp) => {
    const p = packet(`${stamp} DROP ${BODY}`)
    expect([iso(p), p.prefix, p.host]).toEqual(['2026-12-04T15:05:56.000Z', 'DROP', ''])
  })

  test.each([
    ['C', '[Fri Jan  1 00:00:01 2027]'],
    ['ja_JP (months 1-9 padded with a space)', '[金  1月  1 00:00:01 2027]'],
    ['fr_FR', '[ven. janv.  1 00:00:01 2027]'],
  ])('dmesg -T in %s, a one-digit day', (_locale, stamp) => {
    expect(iso(packet(`${stamp} FINAL_REJECT: ${BODY}`))).toBe('2027-01-01T00:00:01.000Z')
  })

  test('dmesg -T with a caller id', () => {
    expect(packet(`[Fri Dec  4 15:05:56 2026] [  T1234] DROP ${BODY}`).prefix).toBe('DROP')
  })

  test.each([
    ['C', 'Dec 04 15:05:56'],
    ['de_DE', 'Dez 04 15:05:56'],
    ['de_DE, März', 'Mär 04 15:05:56'],
    ['fr_FR', 'déc. 04 15:05:56'],
    ['fr_FR, short-precise', 'déc. 04 15:05:56.250000'],
    ['es_ES', 'dic 04 15:05:56'],
    ['nl_NL', 'dec 04 15:05:56'],
    ['zh_CN', '12月 04 15:05:56'],
    ['ja_JP', '12月 04 15:05:56'],
    ['ja_JP, padded month', ' 3月 04 15:05:56'],
  ])('journalctl -o short in %s', (name, stamp) => {
    const p = packet(`${stamp} fw kernel: DROP ${BODY}`)
    expect([p.host, p.prefix]).toEqual(['fw', 'DROP'])
    expect(iso(p)!.slice(5, 19)).toBe(`${name.includes('März') || name.includes('padded') ? '03' : '12'}-04T15:05:56`)
  })

  test('journalctl -o short-full with a weekday of LC_TIME', () => {
    expect(iso(packet(`Fr 2026-12-04 15:05:56 UTC fw kernel: DROP ${BODY}`))).toBe('2026-12-04T15:05:56.000Z')
    expect(iso(packet(`ven. 2026-12-04 15:05:56 UTC fw kernel: DROP ${BODY}`))).toBe('2026-12-04T15:05:56.000Z')
  })

  test.each([
    ['a weekday not the date\'s', '[Thu Dec  4 15:05:56 2026]', 'weekday not that of the date'],
    ['a weekday of another locale, not the date\'s', '[Do Dez  4 15:05:56 2026]', 'weekday not that of the date'],
    ['no such date', '[Mon Feb 30 15:05:56 2026]', 'no such date'],
    ['no such time', '[Fri Dec  4 25:05:56 2026]', 'no such time of day'],
    ['no year', '[Fri Dec  4 15:05:56]', 'not `[weekday month day hh:mm:ss year]`'],
    ['no day', '[Fri Dec 15:05:56 2026]', 'no day of the month'],
  ])('a dmesg -T stamp with %s is malformed', (_name, stamp, reason) => {
    const r = parse(`${stamp} DROP ${BODY}`)
    expect(r.verdict).toBe('malformed')
    expect(r.error).toContain(reason)
  })

  test('a localised date no clock shows is malformed', () => {
    expect(parse(`Dez 32 15:05:56 fw kernel: DROP ${BODY}`).error).toContain('no such date')
    expect(parse(`2月 30 15:05:56 fw kernel: DROP ${BODY}`).error).toContain('no such date')
  })
})

describe('Proxmox VE pve-firewall.log', () => {
  // pvefw-logger: `<vmid> <level> <chain> %d/%b/%Y:%H:%M:%S %z <prefix>` then its own body: IN=,
  // OUT=, PHYSIN=, PHYSOUT= only when there is one, TCP without RES=, URGP= only with URG, UDP's
  // LEN= without a space after it, IPv6 LEN= without the 40-byte header, `mark=n` at the end.
  const MAC = 'MAC=bc:24:11:6c:2e:01:00:0d:b9:5f:19:f0:08:00'
  const host = `0 6 PVEFW-HOST-IN 04/Dec/2026:15:05:56 +0100 policy DROP: IN=vmbr0 PHYSIN=enp1s0 ${MAC} SRC=198.51.100.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=22 SEQ=3735928559 ACK=0 WINDOW=64240 SYN `

  test('the host firewall: no OUT=, TCP without RES= and URGP=', () => {
    const p = packet(host)
    expect(p).toMatchObject({ chain: 'INPUT', inIf: 'vmbr0', outIf: '', physIn: 'enp1s0', src: '198.51.100.7', dport: 22, flags: SYN, seq: 3735928559, df: true, window: 64240, host: '' })
    expect(p.prefix).toBe('PVEFW-HOST-IN policy DROP:')
    expect(iso(p)).toBe('2026-12-04T14:05:56.000Z')
  })

  test('a VM\'s bridge: IN= and OUT= both, UDP ending without a space, a glued mark', () => {
    const vm = `101 4 tap101i0-IN 04/Dec/2026:15:05:57 +0100 ACCEPT: IN=fwbr101i0 OUT=fwbr101i0 PHYSIN=fwln101o0 PHYSOUT=tap101i0 ${MAC} SRC=203.0.113.9 DST=192.0.2.101 LEN=76 TOS=0x00 PREC=0x00 TTL=57 ID=0 DF PROTO=UDP SPT=123 DPT=123 LEN=56`
    expect(packet(vm)).toMatchObject({ chain: 'FORWARD', proto: 17, sport: 123, dport: 123, udpLen: 56, prefix: 'tap101i0-IN ACCEPT:' })
    expect(packet(`${vm}mark=7 `).udpLen).toBe(56)
  })

  test('output: OUT= alone; no chain (`-`): the rule\'s prefix alone', () => {
    const p = packet(`0 6 - 04/Dec/2026:15:05:58 +0100 DROP: OUT=vmbr0 SRC=192.0.2.10 DST=203.0.113.9 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 mark=3 `)
    expect(p).toMatchObject({ chain: 'OUTPUT', outIf: 'vmbr0', proto: 1, icmpType: 8, icmpId: 7, icmpSeq: 1, prefix: 'DROP:' })
  })

  test('URGP= comes with URG, and only then', () => {
    const urg = host.replace('SYN ', 'URG ACK URGP=5 ')
    expect(packet(urg).flags).toBe(URG | ACK)
    expect(parse(host.replace('SYN ', 'URG ACK ')).error).toBe('TCP line without WINDOW= … URGP=')
  })

  test('IPv6: compressed addresses, LEN= of the payload, PROTO=ICMPV6', () => {
    const base = '102 6 tap102i0-IN 04/Dec/2026:15:06:00 +0100 policy REJECT: IN=fwbr102i0 OUT=fwbr102i0 PHYSIN=fwln102o0 PHYSOUT=tap102i0 SRC=2001:db8::7 DST=2001:db8::102 LEN='
    expect(packet(`${base}20 TC=0 FLOWLBL=0 HOPLIMIT=58 PROTO=TCP SPT=40000 DPT=443 SEQ=1 ACK=0 WINDOW=1024 SYN `)).toMatchObject({ ipv6: true, len: 60, ttl: 58, flags: SYN })
    expect(packet(`${base}64 TC=0 FLOWLBL=0 HOPLIMIT=64 PROTO=ICMPV6 TYPE=128 CODE=0 ID=1 SEQ=2 `)).toMatchObject({ proto: 58, icmpType: 128, len: 104 })
    expect(packet(`${base}48 TC=0 FLOWLBL=0 HOPLIMIT=64 FRAG=0 ID=-12345 MF PROTO=UDP SPT=1 DPT=2 LEN=48`)).toMatchObject({ fragment: true, udpLen: 48 })
  })

  test('ARP is non-ip; its status lines are not firewall lines', () => {
    expect(parse(`0 6 PVEFW-HOST-IN 04/Dec/2026:15:06:01 +0100 policy DROP: IN=vmbr0 ${MAC.replace('08:00', '08:06')} SRC=192.0.2.1 DST=192.0.2.10 PROTO=ARP REQUEST `).verdict).toBe('non-ip')
    expect(parse('0 5 - 04/Dec/2026:15:00:00 +0100 starting pvefw logger').verdict).toBe('not-firewall')
  })

  test.each([
    ['no such date', host.replace('04/Dec', '31/Nov'), 'no such date'],
    ['no such zone', host.replace('+0100', '+9999'), 'no such zone offset'],
    ['not its time format', host.replace('04/Dec/2026:15:05:56', '2026-12-04T15:05:56'), 'not `dd/Mon/yyyy:hh:mm:ss +hhmm`'],
    ['a chain name too long', host.replace('PVEFW-HOST-IN', 'C'.repeat(29)), 'chain name'],
  ])('a Proxmox VE head with %s is malformed', (_name, line, reason) => {
    const r = parse(line)
    expect(r.verdict).toBe('malformed')
    expect(r.error).toContain(reason)
  })

  test('what pvefw-logger alone may omit is still required of kernel lines', () => {
    const kernel = `Dec  4 15:05:56 fw kernel: DROP ${BODY}`
    expect(parse(kernel.replace(' URGP=0', '')).error).toBe('TCP line without WINDOW= … URGP=')
    expect(parse(kernel.replace(' OUT=', '')).verdict).toBe('not-firewall')
  })
})

describe('an undated line does not blank or shift the report\'s time range', () => {
  test.each([['first', 0], ['in the middle', 1], ['last', 2]])('dmesg line %s', (_where, at) => {
    const dated = [udpLine({ dport: 1, time: 'Nov 22 10:00:00' }), udpLine({ dport: 2, time: 'Nov 22 10:05:00' })]
    const lines = [...dated]
    lines.splice(at, 0, `[ 1234.567890] DROP ${BODY}`)
    const s = analyzeLines(lines).summary
    expect([s.packets, s.firstSeen, s.lastSeen]).toEqual([3, '2026-11-22T10:00:00.000Z', '2026-11-22T10:05:00.000Z'])
  })
})
