import { describe, expect, test } from 'vitest'
import { UsageError } from '../../src/core/errors.js'
import { parseFields, validFields } from '../../src/detect/fields.js'
import type { Packet } from '../../src/parse/packet.js'
import { packetOf } from '../helpers/lines.js'

// --fields (psad's --analysis-fields) criterion by criterion: every field reads its own value, each
// kind of criterion matches what it says, and a criterion that cannot match is refused with the
// reason (exit 2).

const packet = packetOf

const TCP = packet(
  'Nov 22 10:00:00 fw1 kernel: DROP-IN IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=203.0.113.5 DST=192.0.2.1 ' +
    'LEN=60 TOS=0x10 PREC=0x00 TTL=50 ID=4321 DF OPT (07040000) PROTO=TCP SPT=40000 DPT=22 SEQ=11 ACK=12 WINDOW=1024 RES=0x00 ACK SYN URGP=0 OPT (020405B4) ',
)
const ICMP = packet('Nov 22 10:00:00 fw2 kernel: FWD IN=eth1 OUT=eth2 SRC=2001:db8::5 DST=2001:db8::1 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=7 SEQ=9 ')
const UDP = packet('Nov 22 10:00:00 fw3 kernel: OUT IN= OUT=eth3 SRC=192.0.2.1 DST=198.51.100.7 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=53 DPT=5353 LEN=20 ')

const keeps = (spec: string, p: Packet): boolean => parseFields(spec).every((c) => c.test(p))

describe('--fields: each field reads its own value', () => {
  test.each<[string, string, Packet]>([
    ['SRC', '203.0.113.5', TCP],
    ['DST', '192.0.2.1', TCP],
    ['SP', '40000', TCP],
    ['DP', '22', TCP],
    ['PROTO', 'tcp', TCP],
    ['IP_LEN', '60', TCP],
    ['TOS', '16', TCP],
    ['TTL', '50', TCP],
    ['IP_ID', '4321', TCP],
    ['WIN', '1024', TCP],
    ['FLAGS', 'ACK SYN', TCP],
    ['TCP_SEQ', '11', TCP],
    ['TCP_ACK', '12', TCP],
    ['INTF', 'eth0', TCP],
    ['IN', 'eth0', TCP],
    ['OUT', '', TCP],
    ['CHAIN', 'INPUT', TCP],
    ['LOG_PREFIX', 'DROP-IN', TCP],
    ['SYSLOG_HOST', 'fw1', TCP],
    ['MAC', '00:11:22:33:44:55:66:77:88:99:aa:bb:08:00', TCP],
    ['IP_OPTS', '07040000', TCP],
    ['TCP_OPTS', '020405B4', TCP],
    ['ITYPE', '128', ICMP],
    ['ICODE', '0', ICMP],
    ['ICMP_ID', '7', ICMP],
    ['ICMP_SEQ', '9', ICMP],
    ['INTF', 'eth3', UDP],
    ['UDP_LEN', '20', UDP],
  ])("%s:'%s'", (field, value, p) => {
    expect(keeps(`${field}:'${value}'`, p)).toBe(true)
    expect(keeps(`${field}:'${value}x'`, p)).toBe(false)
    // Every other packet differs in this field.
    for (const other of [TCP, ICMP, UDP].filter((q) => q !== p)) expect(keeps(`${field}:'${value}'`, other), field).toBe(false)
  })

  test('TCP options are empty text on a line without them', () => {
    expect([keeps("TCP_OPTS:''", UDP), keeps("TCP_OPTS:''", ICMP), keeps("TCP_OPTS:''", TCP)]).toEqual([true, true, false])
  })

  test.each([
    ['spt', 'sp'], ['dpt', 'dp'], ['len', 'ip_len'], ['id', 'ip_id'], ['window', 'win'], ['type', 'itype'], ['code', 'icode'],
    ['seq', 'tcp_seq'], ['ack', 'tcp_ack'], ['prefix', 'log_prefix'], ['host', 'syslog_host'], ['hop_limit', 'ttl'], ['tc', 'tos'],
  ])('psad\'s alias %s is %s', (alias, field) => {
    expect(parseFields(`${alias.toUpperCase()}:1`)[0]!.field).toBe(field)
  })

  test('the field list for help and errors: upper case, sorted, each name once', () => {
    const names = validFields()
    expect(names).toEqual([...names].sort())
    expect(new Set(names).size).toBe(names.length)
    expect(names).toEqual(expect.arrayContaining(['SRC', 'DPT', 'SPT', 'LOG_PREFIX', 'HOP_LIMIT', 'TCP_OPTS']))
    expect(names.every((n) => n === n.toUpperCase())).toBe(true)
  })
})

describe('--fields: kinds of criteria', () => {
  test.each<[string, 'TCP' | 'ICMP' | 'UDP', boolean]>([
    ['DP:22', 'TCP', true],
    ['DP: 22 ', 'TCP', true],
    ['DP:23', 'TCP', false],
    ['DP:>21', 'TCP', true],
    ['DP:>22', 'TCP', false],
    ['DP:<23', 'TCP', true],
    ['DP:< 23', 'TCP', true],
    ['DP:<22', 'TCP', false],
    ['DP:not 22', 'TCP', false],
    ['DP:NOT 23', 'TCP', true],
    // A field the line lacks (-1) is neither above nor below anything.
    ['SP:<100', 'ICMP', false],
    ['SP:>0', 'ICMP', false],
    ['SP:not >0', 'ICMP', true],
    ['PROTO:6', 'TCP', true],
    ['PROTO:17', 'TCP', false],
    ['PROTO:tcp', 'TCP', true],
    ['PROTO:icmp6', 'ICMP', true],
    ['FLAGS:/SYN/', 'TCP', true],
    ['FLAGS:/^SYN$/', 'TCP', false],
    ['LOG_PREFIX:/^DROP/', 'TCP', true],
    ['LOG_PREFIX:DROP-IN', 'TCP', true],
    ['LOG_PREFIX:DROP', 'TCP', false],
    ['SRC:203.0.113.0/24', 'TCP', true],
    ['SRC:203.0.114.0/24', 'TCP', false],
    ['SRC:2001:db8::/32', 'ICMP', true],
    ['SRC:2001:db8::/32', 'TCP', false],
    ['SRC:203.0.113.0/24', 'ICMP', false],
    ['DST:192.0.2.1', 'TCP', true],
    ['DST:192.0.2.1', 'UDP', false],
    ['DST:2001:db8::1', 'ICMP', true],
    ['DST:2001:db8::5', 'ICMP', false],
    ['SRC:192.0.2.1, DPT:5353', 'UDP', true],
    ['SRC:192.0.2.1, DPT:53', 'UDP', false],
    ['src:192.0.2.1,dpt:5353', 'UDP', true],
    ['LOG_PREFIX:/a,b/, DP:22', 'TCP', false],
  ])('%s on the %s line: %s', (spec, which, kept) => {
    expect(keeps(spec, { TCP, ICMP, UDP }[which])).toBe(kept)
  })

  test.each([
    ['BOGUS:44', "--fields: unknown field 'BOGUS'"],
    [':44', "--fields: expected FIELD:criterion, got ':44'"],
    ['44', "--fields: expected FIELD:criterion, got '44'"],
    ['DPT:  ', '--fields: no criterion for DPT'],
    ['DPT:/(/', '--fields: invalid regular expression /(/ for DP'],
    ['SRC:not-an-ip', "--fields: 'not-an-ip' is not an address or network for SRC"],
    ['DST:10.0.0.0/33', "--fields: '10.0.0.0/33' is not an address or network for DST"],
    ['DPT:>abc', "--fields: DPT:>abc can never match: 'abc' is not a whole number"],
    ['DPT:>-1', "--fields: DPT:>-1 can never match: '-1' is not a whole number"],
    ['SRC:>5', '--fields: SRC:>5 can never match: SRC is not a number'],
    ['DPT:ssh', "--fields: DPT:ssh can never match: DPT is a number and 'ssh' is not"],
    ['DPT:not ssh', "--fields: DPT:ssh can never match: DPT is a number and 'ssh' is not"],
    ['DPT:22 SRC:203.0.113.5', "--fields: DPT:22 SRC:203.0.113.5 can never match: it holds a second criterion 'SRC:'"],
    ['PREFIX:DROP spt :1', "--fields: PREFIX:DROP spt :1 can never match: it holds a second criterion 'spt:'"],
  ])('%j: %s', (spec, message) => {
    let error: unknown
    try {
      parseFields(spec)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toBe(message)
  })

  test('a word that is no field name followed by a colon is part of the criterion', () => {
    expect(keeps("LOG_PREFIX:'a note: x'", TCP)).toBe(false)
    expect(parseFields("LOG_PREFIX:'a note: x'")).toHaveLength(1)
    expect(parseFields('LOG_PREFIX:/x note: y/')).toHaveLength(1)
  })
})
