import { UsageError } from '../core/errors.js'
import { containsAddress, parseNetwork, type Network } from '../parse/address.js'
import { flagsText, type Packet } from '../parse/packet.js'
import { protoName } from '../parse/protocols.js'

// psad's --analysis-fields language: `SRC:1.2.3.4, DST:10.0.0.0/8, LEN:44`. A criterion is a number,
// `>n`, `<n`, an address or network, `/regex/`, or `'string'`, optionally preceded by `not`. All
// criteria must hold for a packet to be kept.

type Getter = (p: Packet) => string | number

const FIELDS: Record<string, Getter> = {
  src: (p) => p.src,
  dst: (p) => p.dst,
  sp: (p) => p.sport,
  dp: (p) => p.dport,
  proto: (p) => protoName(p.proto),
  ip_len: (p) => p.len,
  tos: (p) => p.tos,
  ttl: (p) => p.ttl,
  ip_id: (p) => p.ipId,
  win: (p) => p.window,
  flags: (p) => flagsText(p.flags),
  itype: (p) => p.icmpType,
  icode: (p) => p.icmpCode,
  icmp_id: (p) => p.icmpId,
  icmp_seq: (p) => p.icmpSeq,
  tcp_seq: (p) => p.seq,
  tcp_ack: (p) => p.ack,
  udp_len: (p) => p.udpLen,
  intf: (p) => (p.inIf !== '' ? p.inIf : p.outIf),
  in: (p) => p.inIf,
  out: (p) => p.outIf,
  chain: (p) => p.chain,
  log_prefix: (p) => p.prefix,
  syslog_host: (p) => p.host,
  mac: (p) => p.mac,
  ip_opts: (p) => p.ipOpts,
  tcp_opts: (p) => p.tcpOpts ?? '',
}

// psad's upper-case aliases (the --analysis-fields vocabulary) and a few of ours.
const ALIASES: Record<string, string> = {
  spt: 'sp', dpt: 'dp', len: 'ip_len', id: 'ip_id', window: 'win', type: 'itype', code: 'icode', seq: 'tcp_seq',
  ack: 'tcp_ack', prefix: 'log_prefix', host: 'syslog_host', hop_limit: 'ttl', tc: 'tos',
}

const ADDRESS_FIELDS = new Set(['src', 'dst'])

// Fields whose value is a number: the only ones `>n`, `<n` and bare numbers can match.
const NUMERIC_FIELDS = new Set(['sp', 'dp', 'ip_len', 'tos', 'ttl', 'ip_id', 'win', 'itype', 'icode', 'icmp_id', 'icmp_seq', 'tcp_seq', 'tcp_ack', 'udp_len'])

const numericNames = (): string => [...NUMERIC_FIELDS].map((f) => f.toUpperCase()).join(', ')

// A criterion that can never match is a mistake, not an empty report: say so (exit 2).
function neverMatches(shown: string, criterion: string, why: string, hint?: string): never {
  throw new UsageError(`--fields: ${shown}:${criterion} can never match: ${why}`, hint)
}

// `DPT:22 SRC:10.0.0.1` (a comma forgotten) reads as one criterion for DPT: name the second one.
function gluedField(criterion: string): string | null {
  for (const m of criterion.matchAll(/\s([A-Za-z_]+)\s*:/g)) {
    const name = m[1]!.toLowerCase()
    if (FIELDS[ALIASES[name] ?? name] !== undefined) return m[1]!
  }
  return null
}

/** The field names `--fields` accepts, for error messages and help. */
export function validFields(): string[] {
  return [...new Set([...Object.keys(FIELDS), ...Object.keys(ALIASES)].map((f) => f.toUpperCase()))].sort()
}

/** One compiled `FIELD:criterion`. */
export interface FieldCriterion {
  field: string
  text: string
  test: (p: Packet) => boolean
}

function compile(field: string, criterion: string, shown: string): (p: Packet) => boolean {
  const get = FIELDS[field]!
  // A numeric field a packet lacks (ports of ICMP, SEQ of UDP) is held as -1; as text it is empty.
  const text = (p: Packet): string => {
    const v = get(p)
    return typeof v === 'number' && v < 0 ? '' : String(v)
  }
  let c = criterion.trim()
  let negate = false
  const not = /^not\s+/i.exec(c)
  if (not !== null) {
    negate = true
    c = c.slice(not[0].length).trim()
  }
  let test: (p: Packet) => boolean
  let m: RegExpExecArray | null
  const quotedOrRegex = /^\/.*\/$/.test(c) || /^'.*'$/.test(c)
  const glued = quotedOrRegex ? null : gluedField(c)
  if (glued !== null) neverMatches(shown, c, `it holds a second criterion '${glued}:'`, 'separate criteria with commas: "SRC:10.0.0.0/8, DPT:22"')
  if ((m = /^\/(.*)\/$/.exec(c))) {
    let re: RegExp
    try {
      re = new RegExp(m[1]!)
    } catch {
      throw new UsageError(`--fields: invalid regular expression ${c} for ${field.toUpperCase()}`)
    }
    test = (p) => re.test(text(p))
  } else if ((m = /^'(.*)'$/.exec(c))) {
    const want = m[1]!
    test = (p) => text(p) === want
  } else if ((m = /^([<>])\s*(.*)$/.exec(c))) {
    if (!NUMERIC_FIELDS.has(field)) neverMatches(shown, c, `${shown} is not a number`, `'>' and '<' compare numeric fields: ${numericNames()}`)
    if (!/^\d+$/.test(m[2]!)) neverMatches(shown, c, `'${m[2]}' is not a whole number`)
    const n = Number(m[2])
    const gt = m[1] === '>'
    test = (p) => {
      const v = get(p)
      return typeof v === 'number' && v >= 0 && (gt ? v > n : v < n)
    }
  } else if (/^\d+$/.test(c) && field === 'proto') {
    // PROTO:6 means protocol number 6, whichever name it is reported under (tcp).
    const n = Number(c)
    test = (p) => p.proto === n
  } else if (/^\d+$/.test(c)) {
    const n = Number(c)
    test = (p) => get(p) === n || String(get(p)) === c
  } else if (NUMERIC_FIELDS.has(field)) {
    neverMatches(shown, c, `${shown} is a number and '${c}' is not`, "for text use 'quotes' or /regex/")
  } else if (ADDRESS_FIELDS.has(field)) {
    const net: Network | null = parseNetwork(c)
    if (net === null) throw new UsageError(`--fields: '${c}' is not an address or network for ${field.toUpperCase()}`)
    test = field === 'src' ? (p) => containsAddress(net, p.ipv6 ? p.src : '', p.srcNum) : (p) => containsAddress(net, p.ipv6 ? p.dst : '', p.dstNum)
  } else {
    test = (p) => String(get(p)) === c
  }
  return negate ? (p) => !test(p) : test
}

/** Parses a `--fields` value; throws UsageError (exit 2) naming an unknown field and listing valid ones. */
export function parseFields(spec: string): FieldCriterion[] {
  const parts = spec.split(/,\s*(?=[A-Za-z_]+\s*:)/).map((s) => s.trim()).filter((s) => s !== '')
  return parts.map((part) => {
    const colon = part.indexOf(':')
    if (colon <= 0) throw new UsageError(`--fields: expected FIELD:criterion, got '${part}'`, `valid fields are: ${validFields().join(', ')}`)
    const name = part.slice(0, colon).trim().toLowerCase()
    const field = ALIASES[name] ?? name
    if (FIELDS[field] === undefined) {
      throw new UsageError(`--fields: unknown field '${part.slice(0, colon).trim()}'`, `valid fields are: ${validFields().join(', ')}`)
    }
    const text = part.slice(colon + 1)
    if (text.trim() === '') throw new UsageError(`--fields: no criterion for ${name.toUpperCase()}`)
    return { field, text: text.trim(), test: compile(field, text, part.slice(0, colon).trim().toUpperCase()) }
  })
}
