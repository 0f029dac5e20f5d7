import { describe, expect, test } from 'vitest'
import { InternalError, UsageError } from '../../src/core/errors.js'
import { LineParser } from '../../src/parse/line.js'
import type { Packet } from '../../src/parse/packet.js'
import { DEFAULT_PACKET_FIELDS, PACKET_FIELDS, PacketCsv, parsePacketFields } from '../../src/report/packet-csv.js'

// Lines are real kernel output from test/fixtures/captures (see its README), some with a hostile prefix.
const TS = '2026-11-22T08:15:21.630907+00:00 fw kernel: '
const MAC = 'MAC=02:77:00:00:00:02:02:77:00:00:00:01:08:00'
const SYN = `${TS}DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=48 ID=50190 PROTO=TCP SPT=59079 DPT=1025 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) `
const ACK_SEQ = `2026-11-22T08:15:41.527028+00:00 fw kernel: DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=59 ID=23444 PROTO=TCP SPT=42907 DPT=1025 SEQ=0 ACK=602273079 WINDOW=1024 RES=0x00 ACK URGP=0 `
const UDP = `2026-11-22T08:15:46.438921+00:00 fw kernel: DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=100 TOS=0x00 PREC=0x00 TTL=52 ID=54477 PROTO=UDP SPT=36149 DPT=1050 LEN=80 `
const ECHO = `2026-11-22T08:16:13.712640+00:00 fw kernel: DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=50897 PROTO=ICMP TYPE=8 CODE=0 ID=53325 SEQ=1 `
const PROTO88 = `2026-11-22T08:15:49.783105+00:00 fw kernel: DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=20 TOS=0x00 PREC=0x00 TTL=43 ID=30735 PROTO=88 `
const V6 = '2026-11-22T08:15:57.799316+00:00 fw kernel: DROP IN=eth0 OUT= MAC=02:77:00:00:00:02:02:77:00:00:00:01:86:dd SRC=fd77:0000:0000:0000:0000:0000:0000:0001 DST=fd77:0000:0000:0000:0000:0000:0000:0002 LEN=64 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=TCP SPT=64634 DPT=1025 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) '
const FWSNORT = `2026-11-22T08:16:18.407142+00:00 fw kernel: [12] SID1122 ESTAB IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=17446 DF PROTO=TCP SPT=49606 DPT=8080 SEQ=3748344052 ACK=1209323920 WINDOW=63 RES=0x00 ACK PSH URGP=0 OPT (0101080A20392730D137147A) `
const DMESG = `[ 1378.319719] DROP IN=eth0 OUT= ${MAC} SRC=10.77.0.1 DST=10.77.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=49 ID=16808 PROTO=TCP SPT=51926 DPT=1016 WINDOW=1024 RES=0x00 SYN URGP=0 `
const withPrefix = (prefix: string): string => SYN.replace('DROP IN=', `${prefix} IN=`)

const parser = new LineParser({ sidString: 'SID' })
function packet(line: string): Packet {
  const p = parser.parse(line, { year: 2026, reference: Date.UTC(2026, 10, 22) })
  if (typeof p === 'string') throw new Error(`fixture line rejected (${p}): ${parser.error}`)
  return p
}

function csv(fields: readonly string[], lines: readonly string[], header = true): string {
  let out = ''
  const w = new PacketCsv(fields, (chunk) => (out += chunk), { header })
  for (const l of lines) w.packet(packet(l))
  w.end()
  return out
}

describe('default fields (psad --CSV)', () => {
  test('psad default field list, header row, one record per packet', () => {
    expect(DEFAULT_PACKET_FIELDS).toEqual(['timestamp', 'src', 'dst', 'sp', 'dp', 'proto', 'flags', 'ip_len', 'intf', 'chain', 'log_prefix'])
    expect(csv(DEFAULT_PACKET_FIELDS, [SYN, UDP, ECHO, PROTO88])).toBe(
      'timestamp,src,dst,sp,dp,proto,flags,ip_len,intf,chain,log_prefix\n' +
        '2026-11-22T08:15:21.630Z,10.77.0.1,10.77.0.2,59079,1025,tcp,SYN,44,eth0,INPUT,DROP\n' +
        '2026-11-22T08:15:46.438Z,10.77.0.1,10.77.0.2,36149,1050,udp,,100,eth0,INPUT,DROP\n' +
        // absent values are empty cells, not psad's -1
        '2026-11-22T08:16:13.712Z,10.77.0.1,10.77.0.2,,,icmp,,28,eth0,INPUT,DROP\n' +
        '2026-11-22T08:15:49.783Z,10.77.0.1,10.77.0.2,,,eigrp,,20,eth0,INPUT,DROP\n',
    )
  })

  test('a line without a wall-clock time has an empty timestamp', () => {
    expect(csv(['timestamp', 'src', 'dp'], [DMESG], false)).toBe(',10.77.0.1,1016\n')
  })

  test('IPv6: canonical addresses, IPv4-only fields empty, tc/hop_limit filled', () => {
    const fields = ['src', 'dst', 'ttl', 'tos', 'ip_id', 'frag_bit', 'tc', 'hop_limit', 'flags', 'src_mac', 'dst_mac']
    expect(csv(fields, [V6, SYN], false)).toBe(
      'fd77::1,fd77::2,,,,,0,255,SYN,02:77:00:00:00:01,02:77:00:00:00:02\n' +
        '10.77.0.1,10.77.0.2,48,0,50190,0,,,SYN,02:77:00:00:00:01,02:77:00:00:00:02\n',
    )
  })
})

describe('every psad record field', () => {
  test('the vocabulary', () => {
    for (const f of [
      'timestamp', 'src', 'dst', 'sp', 'dp', 'proto', 'flags', 'ip_len', 'intf', 'chain', 'log_prefix', 'ttl', 'tos',
      'ip_id', 'win', 'itype', 'icode', 'icmp_id', 'icmp_seq', 'udp_len', 'tcp_seq', 'tcp_ack', 'src_mac', 'dst_mac',
      'frag_bit', 'tc', 'hop_limit', 'ip_opts', 'tcp_opts', 'syslog_host', 'fwsnort_sid', 'fwsnort_rnum',
    ]) expect(PACKET_FIELDS).toContain(f)
  })

  test('TCP with sequence numbers, DF, options and an fwsnort prefix', () => {
    const fields = ['flags', 'win', 'tcp_seq', 'tcp_ack', 'tcp_opts', 'frag_bit', 'log_prefix', 'fwsnort_sid', 'fwsnort_rnum', 'syslog_host', 'udp_len']
    expect(csv(fields, [FWSNORT, ACK_SEQ], false)).toBe(
      'ACK PSH,63,3748344052,1209323920,0101080A20392730D137147A,1,[12] SID1122 ESTAB,1122,12,fw,\n' +
        'ACK,1024,0,602273079,,0,DROP,,,fw,\n',
    )
  })

  test('ICMP type, code, id and seq; UDP length', () => {
    expect(csv(['itype', 'icode', 'icmp_id', 'icmp_seq', 'udp_len', 'sp'], [ECHO, UDP], false)).toBe('8,0,53325,1,,\n,,,,80,36149\n')
  })

  test('psad upper-case aliases', () => {
    const { fields } = parsePacketFields('SRC DST SPT DPT PROTO TOS WIN TYPE CODE TTL ID SEQ LEN IN OUT')
    expect(fields).toEqual(['src', 'dst', 'sp', 'dp', 'proto', 'tos', 'win', 'itype', 'icode', 'ttl', 'ip_id', 'tcp_seq', 'ip_len', 'in', 'out'])
  })
})

describe('hostile log prefixes', () => {
  test('a formula in the prefix is neutralised', () => {
    const out = csv(['src', 'log_prefix'], [withPrefix("=cmd|' /C calc'!A0")], false)
    expect(out).toBe("10.77.0.1,'=cmd|' /C calc'!A0\n")
  })

  test.each([
    ['+1+cmd', "'+1+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
  ])('prefix %s -> %s', (prefix, cell) => {
    expect(csv(['log_prefix'], [withPrefix(prefix)], false)).toBe(`${cell}\n`)
  })

  test('commas and quotes are quoted per RFC 4180; escape characters made visible', () => {
    expect(csv(['log_prefix', 'dp'], [withPrefix('BLOCK "a",b')], false)).toBe('"BLOCK ""a"",b",1025\n')
    expect(csv(['log_prefix'], [withPrefix('X\u001b[2JY')], false)).toBe('X\\x1b[2JY\n')
  })
})

describe('streaming', () => {
  test('writes in bounded chunks as it goes, the rest on end()', () => {
    const chunks: string[] = []
    const w = new PacketCsv(DEFAULT_PACKET_FIELDS, (c) => chunks.push(c))
    const p = packet(SYN)
    for (let i = 0; i < 3000; i++) w.packet(p)
    const before = chunks.length
    expect(before).toBeGreaterThan(0)
    for (const c of chunks) expect(c.length).toBeLessThan(70 * 1024)
    w.end()
    expect(chunks.length).toBe(before + 1)
    const text = chunks.join('')
    expect(text.split('\n')).toHaveLength(3002)
    expect(w.rows).toBe(3000)
    expect(() => w.packet(p)).toThrow(InternalError)
  })

  test('flush() writes what is queued (for watch)', () => {
    const chunks: string[] = []
    const w = new PacketCsv(['dp'], (c) => chunks.push(c), { header: false })
    w.packet(packet(SYN))
    expect(chunks).toEqual([])
    w.flush()
    expect(chunks).toEqual(['1025\n'])
    w.end()
    expect(chunks).toEqual(['1025\n'])
  })
})

describe('parsePacketFields', () => {
  test('undefined means the psad default', () => {
    expect(parsePacketFields(undefined)).toEqual({ fields: [...DEFAULT_PACKET_FIELDS], criteria: [] })
  })

  test('spaces or commas separate fields', () => {
    expect(parsePacketFields(' src,dst  dp ').fields).toEqual(['src', 'dst', 'dp'])
  })

  test('unknown field: UsageError listing the valid names', () => {
    expect(() => parsePacketFields('src bogus')).toThrow(UsageError)
    try {
      parsePacketFields('src bogus')
    } catch (err) {
      expect((err as UsageError).message).toBe("--csv-fields: unknown field 'bogus'")
      expect((err as UsageError).hint).toContain('valid fields are: timestamp src dst sp dp proto flags')
    }
    expect(() => new PacketCsv(['nope'], () => {})).toThrow(UsageError)
    expect(() => parsePacketFields('  ')).toThrow(UsageError)
  })

  test('field:criterion items are columns and filters (psad --CSV-fields)', () => {
    const spec = parsePacketFields('src dst dp:1025 sp:not 59079')
    expect(spec.fields).toEqual(['src', 'dst', 'dp', 'sp'])
    expect(spec.criteria).toHaveLength(2)
    const keep = (line: string): boolean => spec.criteria.every((c) => c.test(packet(line)))
    expect(keep(SYN)).toBe(false) // sp is 59079
    expect(keep(ACK_SEQ)).toBe(true)
    expect(keep(UDP)).toBe(false)
    const v6 = parsePacketFields('src:fd77::/16 dp')
    expect(v6.criteria[0]!.test(packet(V6))).toBe(true)
    expect(v6.criteria[0]!.test(packet(SYN))).toBe(false)
  })

  test('bad criteria are usage errors naming --csv-fields', () => {
    expect(() => parsePacketFields('timestamp:5')).toThrow(/--csv-fields: 'timestamp' takes no criterion/)
    expect(() => parsePacketFields('src:not-an-address')).toThrow(/^--csv-fields: /)
  })
})
