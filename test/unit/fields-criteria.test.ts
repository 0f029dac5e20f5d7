import { describe, expect, test } from 'vitest'
import { parseFields, validFields } from '../../src/detect/fields.js'
import type { Packet } from '../../src/parse/packet.js'
import { packetOf } from '../helpers/lines.js'

// --fields as a user meets it: the criteria a spec splits into, what each one keeps, and, for a spec
// that cannot work, the message and the hint that are printed with exit 2.

const packet = packetOf

const TCP = packet(
  'Nov 22 10:00:00 fw1 kernel: DROP-IN IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=203.0.113.5 DST=192.0.2.1 ' +
    'LEN=60 TOS=0x10 PREC=0x00 TTL=50 ID=4321 DF PROTO=TCP SPT=40000 DPT=22 SEQ=11 ACK=12 WINDOW=1024 RES=0x00 ACK SYN URGP=0 ',
)
// A host and a prefix that are all digits, and no ICMP fields.
const DIGITS = packet('Nov 22 10:00:00 42 kernel: 7 IN=eth0 OUT= SRC=203.0.113.9 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=53 DPT=5353 LEN=20 ')
const ICMP = packet('Nov 22 10:00:00 fw2 kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=192.0.2.1 LEN=28 TOS=0x00 PREC=0x00 TTL=50 ID=5 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=9 ')
const PREFIXED = (prefix: string): Packet => packet(`Nov 22 10:00:00 fw1 kernel: ${prefix} IN=eth0 OUT= SRC=203.0.113.5 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=53 DPT=5353 LEN=20 `)

const keeps = (spec: string, p: Packet): boolean => parseFields(spec).every((c) => c.test(p))

/** The error parseFields throws for `spec`, as the command layer prints it. */
function refusal(spec: string): { name: string; message: string; hint: string | undefined; exit: number } {
  try {
    parseFields(spec)
  } catch (e) {
    const u = e as { name: string; message: string; hint?: string; exit: number }
    return { name: u.name, message: u.message, hint: u.hint, exit: u.exit }
  }
  throw new Error(`${spec} was accepted`)
}

const ALL_FIELDS =
  'ACK, CHAIN, CODE, DP, DPT, DST, FLAGS, HOP_LIMIT, HOST, ICMP_ID, ICMP_SEQ, ICODE, ID, IN, INTF, IP_ID, IP_LEN, IP_OPTS, ITYPE, LEN, ' +
  'LOG_PREFIX, MAC, OUT, PREFIX, PROTO, SEQ, SP, SPT, SRC, SYSLOG_HOST, TC, TCP_ACK, TCP_OPTS, TCP_SEQ, TOS, TTL, TYPE, UDP_LEN, WIN, WINDOW'

describe('--fields: splitting a spec into criteria', () => {
  test('each criterion names its field (aliases resolved, any case) and its text, trimmed', () => {
    expect(parseFields(' dpt : 22 , Src:10.0.0.0/8,TTL:  >5 ').map((c) => [c.field, c.text])).toEqual([['dp', '22'], ['src', '10.0.0.0/8'], ['ttl', '>5']])
  })

  test('an empty spec, or an empty piece before a comma, adds no criterion', () => {
    expect(parseFields('')).toEqual([])
    expect(parseFields('   ')).toEqual([])
    expect(parseFields(', DPT:22').map((c) => [c.field, c.text])).toEqual([['dp', '22']])
  })

  test('the field names accepted are psad\'s and their aliases, upper case and sorted', () => {
    expect(validFields().join(', ')).toBe(ALL_FIELDS)
  })
})

describe('--fields: what a criterion keeps', () => {
  test.each<[string, Packet, boolean]>([
    // A bare number matches a text field spelled with those digits.
    ['SYSLOG_HOST:42', DIGITS, true],
    ['SYSLOG_HOST:4', DIGITS, false],
    ['LOG_PREFIX:7', DIGITS, true],
    ['LOG_PREFIX:7', TCP, false],
    // A regex reads a number as its decimal text.
    ['DP:/^2+$/', TCP, true],
    ['DP:/^2$/', TCP, false],
    ['DP:>100', TCP, false],
    ['DP:<100', TCP, true],
    ['DP:>5000', DIGITS, true],
    // A numeric field the packet lacks (ICMP has no ports, UDP no SEQ) is empty text, not "-1".
    ['SP:/1/', ICMP, false],
    ['DP:/^-/', ICMP, false],
    ["SP:'-1'", ICMP, false],
    ['SP:/^$/', ICMP, true],
    ["DP:''", ICMP, true],
    ["DP:''", TCP, false],
    ['TCP_SEQ:/1/', DIGITS, false],
    ['SP:not /1/', ICMP, true],
    // `not` is a word of its own at the start of the criterion.
    ['LOG_PREFIX:notable', PREFIXED('notable'), true],
    ['LOG_PREFIX:cannot x', PREFIXED('cannot x'), true],
    ['LOG_PREFIX:cannot x', TCP, false],
    ['LOG_PREFIX:not  notable', PREFIXED('notable'), false],
    ["LOG_PREFIX:not 'DROP-IN'", TCP, false],
    ['LOG_PREFIX:not /^DROP/', ICMP, false],
    ['SRC:not 203.0.113.0/24', ICMP, false],
    ['SRC:not 198.51.100.0/24', ICMP, true],
    // A slash or a quote inside the text does not make it a regex or a quoted string.
    ['LOG_PREFIX:D/R/', TCP, false],
    ['LOG_PREFIX:/R/x', TCP, false],
    ["LOG_PREFIX:x'DROP-IN'", TCP, false],
    ["LOG_PREFIX:'DROP-IN'x", TCP, false],
    ['LOG_PREFIX:/R/', TCP, true],
    // A field name and colon inside quotes or a regex is text, not a second criterion.
    ["LOG_PREFIX:'x SRC: 1'", PREFIXED('x SRC: 1'), true],
    ['LOG_PREFIX:/^x SRC: /', PREFIXED('x SRC: 1'), true],
    // A word that is no field name, followed by a colon, is part of the text.
    ['LOG_PREFIX:a note: x', PREFIXED('a note: x'), true],
    ['LOG_PREFIX:a>b', PREFIXED('a>b'), true],
    // A number is compared as a number: leading zeros do not matter, and 0 is below 1.
    ['DP:022', TCP, true],
    ['ICODE:<1', ICMP, true],
    ['ICODE:>0', ICMP, false],
    ['ITYPE:8', ICMP, true],
    ['ITYPE:<9, ICODE:0, ICMP_SEQ:>8', ICMP, true],
  ])('%s (case %#)', (spec, p, kept) => {
    expect(keeps(spec, p)).toBe(kept)
  })

  test('the text of a criterion is what was written after the colon, trimmed', () => {
    expect(parseFields("LOG_PREFIX: 'x SRC: 1' ")[0]!.text).toBe("'x SRC: 1'")
  })
})

describe('--fields: a criterion that cannot work is refused with exit 2, a message and a hint', () => {
  const fieldsHint = `valid fields are: ${ALL_FIELDS}`
  test.each<[string, string, string | undefined]>([
    ['bogus:44', "--fields: unknown field 'bogus'", fieldsHint],
    ['  Bogus  :44', "--fields: unknown field 'Bogus'", fieldsHint],
    ['44', "--fields: expected FIELD:criterion, got '44'", fieldsHint],
    [':44, DPT:22', "--fields: expected FIELD:criterion, got ':44'", fieldsHint],
    ['spt:', '--fields: no criterion for SPT', undefined],
    ['spt:/[/', '--fields: invalid regular expression /[/ for SP', undefined],
    ['dst:300.1.2.3', "--fields: '300.1.2.3' is not an address or network for DST", undefined],
    ['src:not fw1', "--fields: 'fw1' is not an address or network for SRC", undefined],
    ['dpt:22 src:10.0.0.1', "--fields: DPT:22 src:10.0.0.1 can never match: it holds a second criterion 'src:'", 'separate criteria with commas: "SRC:10.0.0.0/8, DPT:22"'],
    ['DPT:22 SRC :10.0.0.1', "--fields: DPT:22 SRC :10.0.0.1 can never match: it holds a second criterion 'SRC:'", 'separate criteria with commas: "SRC:10.0.0.0/8, DPT:22"'],
    ['DPT:22  LOG_PREFIX:x', "--fields: DPT:22  LOG_PREFIX:x can never match: it holds a second criterion 'LOG_PREFIX:'", 'separate criteria with commas: "SRC:10.0.0.0/8, DPT:22"'],
    ['LOG_PREFIX:/x/ SRC:1', "--fields: LOG_PREFIX:/x/ SRC:1 can never match: it holds a second criterion 'SRC:'", 'separate criteria with commas: "SRC:10.0.0.0/8, DPT:22"'],
    ["LOG_PREFIX:'x' SRC:1", "--fields: LOG_PREFIX:'x' SRC:1 can never match: it holds a second criterion 'SRC:'", 'separate criteria with commas: "SRC:10.0.0.0/8, DPT:22"'],
    ["LOG_PREFIX:x SRC:'y'", "--fields: LOG_PREFIX:x SRC:'y' can never match: it holds a second criterion 'SRC:'", 'separate criteria with commas: "SRC:10.0.0.0/8, DPT:22"'],
    ['LOG_PREFIX:x SRC:/y/', "--fields: LOG_PREFIX:x SRC:/y/ can never match: it holds a second criterion 'SRC:'", 'separate criteria with commas: "SRC:10.0.0.0/8, DPT:22"'],
    ['flags:>1', '--fields: FLAGS:>1 can never match: FLAGS is not a number', "'>' and '<' compare numeric fields: SP, DP, IP_LEN, TOS, TTL, IP_ID, WIN, ITYPE, ICODE, ICMP_ID, ICMP_SEQ, TCP_SEQ, TCP_ACK, UDP_LEN"],
    ['proto:<7', '--fields: PROTO:<7 can never match: PROTO is not a number', "'>' and '<' compare numeric fields: SP, DP, IP_LEN, TOS, TTL, IP_ID, WIN, ITYPE, ICODE, ICMP_ID, ICMP_SEQ, TCP_SEQ, TCP_ACK, UDP_LEN"],
    ['ttl:>', "--fields: TTL:> can never match: '' is not a whole number", undefined],
    ['ttl:< 6x', "--fields: TTL:< 6x can never match: '6x' is not a whole number", undefined],
    ['ttl:>1.5', "--fields: TTL:>1.5 can never match: '1.5' is not a whole number", undefined],
    ['window:big', "--fields: WINDOW:big can never match: WINDOW is a number and 'big' is not", "for text use 'quotes' or /regex/"],
    ['dpt :x', "--fields: DPT:x can never match: DPT is a number and 'x' is not", "for text use 'quotes' or /regex/"],
    ['DP:1<5', "--fields: DP:1<5 can never match: DP is a number and '1<5' is not", "for text use 'quotes' or /regex/"],
    ['DP:>5\n6', "--fields: DP:>5\n6 can never match: DP is a number and '>5\n6' is not", "for text use 'quotes' or /regex/"],
    ['dp: not', "--fields: DP:not can never match: DP is a number and 'not' is not", "for text use 'quotes' or /regex/"],
  ])('%j', (spec, message, hint) => {
    expect(refusal(spec)).toEqual({ name: 'UsageError', message, hint, exit: 2 })
  })
})
