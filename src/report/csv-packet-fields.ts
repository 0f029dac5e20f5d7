import { UsageError } from '../core/errors.js'
import { parseFields, type FieldCriterion } from '../detect/fields.js'
import { flagsText, PROTO_TCP, type Packet } from '../parse/packet.js'
import { protoName } from '../parse/protocols.js'
import { num, type Cell } from './csv-cells.js'

// The `--csv-fields` vocabulary: psad's packet-record names (docs/psad-model.md §1), each a getter on
// Packet. A value the line does not carry is an empty cell, not psad's -1 (which a spreadsheet would
// happily sum). IPv4-only fields (ttl, tos, ip_id, frag_bit) are empty for IPv6 packets and the
// IPv6-only ones (tc, hop_limit) empty for IPv4, as in psad's record. The prefix is printed as
// logged; psad stripped its non-word characters, CSV quoting makes that unnecessary.

type Getter = (p: Packet) => Cell

const v4 = (get: (p: Packet) => number): Getter => (p) => (p.ipv6 ? '' : num(get(p)))
const v6 = (get: (p: Packet) => number): Getter => (p) => (p.ipv6 ? num(get(p)) : '')

// MAC= is destination(6) : source(6) : ethertype(2) on Ethernet; other link layers leave both empty.
const MAC = /^((?:[0-9A-Fa-f]{2}:){6})((?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2})(?::|$)/
const macPart = (part: 1 | 2): Getter => (p) => {
  if (p.mac === '') return part === 1 ? p.macDst : p.macSrc
  const m = MAC.exec(p.mac)
  if (m === null) return ''
  return part === 1 ? m[1]!.slice(0, -1) : m[2]!
}

const GETTERS: Record<string, Getter> = {
  timestamp: (p) => (Number.isFinite(p.time) ? new Date(p.time).toISOString() : ''),
  src: (p) => p.src,
  dst: (p) => p.dst,
  sp: (p) => num(p.sport),
  dp: (p) => num(p.dport),
  proto: (p) => (p.proto >= 0 ? protoName(p.proto) : ''),
  flags: (p) => (p.proto === PROTO_TCP && p.flags >= 0 ? flagsText(p.flags) : ''),
  ip_len: (p) => num(p.len),
  intf: (p) => (p.inIf !== '' ? p.inIf : p.outIf),
  in: (p) => p.inIf,
  out: (p) => p.outIf,
  chain: (p) => p.chain,
  log_prefix: (p) => p.prefix,
  ttl: v4((p) => p.ttl),
  tos: v4((p) => p.tos),
  ip_id: v4((p) => p.ipId),
  frag_bit: (p) => (p.ipv6 ? '' : p.df ? 1 : 0),
  tc: v6((p) => p.tos),
  hop_limit: v6((p) => p.ttl),
  flow_label: v6((p) => p.flowLabel),
  ip_opts: (p) => p.ipOpts,
  win: (p) => num(p.window),
  tcp_seq: (p) => num(p.seq),
  tcp_ack: (p) => num(p.ack),
  tcp_opts: (p) => p.tcpOpts ?? '',
  udp_len: (p) => num(p.udpLen),
  itype: (p) => num(p.icmpType),
  icode: (p) => num(p.icmpCode),
  icmp_id: (p) => num(p.icmpId),
  icmp_seq: (p) => num(p.icmpSeq),
  src_mac: macPart(2),
  dst_mac: macPart(1),
  mac: (p) => p.mac,
  syslog_host: (p) => p.host,
  fwsnort_sid: (p) => num(p.fwsnortSid),
  fwsnort_rnum: (p) => num(p.fwsnortRule),
}

// psad's upper-case aliases (`SRC DST SPT DPT PROTO TOS WIN TYPE CODE TTL ID SEQ LEN IN OUT`) and the
// same extras `--fields` accepts. IN and OUT are the two interfaces here, not psad's single intf.
const ALIASES: Record<string, string> = {
  spt: 'sp', dpt: 'dp', len: 'ip_len', id: 'ip_id', window: 'win', type: 'itype', code: 'icode', seq: 'tcp_seq',
  ack: 'tcp_ack', prefix: 'log_prefix', host: 'syslog_host', time: 'timestamp', hoplimit: 'hop_limit',
}

// Fields `--fields` can filter on (its own names); the rest take no criterion.
const FILTERABLE = new Set([
  'src', 'dst', 'sp', 'dp', 'proto', 'ip_len', 'tos', 'ttl', 'ip_id', 'win', 'flags', 'itype', 'icode', 'icmp_id',
  'icmp_seq', 'tcp_seq', 'tcp_ack', 'udp_len', 'intf', 'in', 'out', 'chain', 'log_prefix', 'syslog_host', 'mac',
  'ip_opts', 'tcp_opts', 'tc', 'hop_limit',
])

/** psad's default `--CSV-fields`. */
export const DEFAULT_PACKET_FIELDS: readonly string[] = ['timestamp', 'src', 'dst', 'sp', 'dp', 'proto', 'flags', 'ip_len', 'intf', 'chain', 'log_prefix']

/** Every field name `--csv-fields` accepts (canonical, lower case; aliases are also accepted). */
export const PACKET_FIELDS: readonly string[] = Object.keys(GETTERS)

function hint(): string {
  return `valid fields are: ${PACKET_FIELDS.join(' ')} (aliases: ${Object.keys(ALIASES).join(' ')})`
}

/** Returns the canonical name of a field or alias (any case); throws UsageError listing valid names. */
export function packetField(name: string): string {
  const lower = name.trim().toLowerCase()
  const field = ALIASES[lower] ?? lower
  if (GETTERS[field] === undefined) throw new UsageError(`--csv-fields: unknown field '${name}'`, hint())
  return field
}

/** Returns the getter of a canonical field name (from packetField). */
export function packetGetter(field: string): Getter {
  return GETTERS[packetField(field)]!
}

/** A parsed `--csv-fields` value: the columns, and the criteria of `field:criterion` items. */
export interface PacketFieldSpec {
  fields: string[]
  criteria: FieldCriterion[]
}

/**
 * Parses a `--csv-fields` value (`"src dst dp"`, `"src, dst, dp:22, sp:not 53"`; undefined = psad's
 * default). A `field:criterion` item is also a filter, in the `--fields` language; throws UsageError
 * for an unknown field, an empty list, or a criterion on a field that cannot take one.
 */
export function parsePacketFields(spec: string | undefined): PacketFieldSpec {
  if (spec === undefined) return { fields: [...DEFAULT_PACKET_FIELDS], criteria: [] }
  const tokens = spec.split(/[\s,]+/).filter((t) => t !== '')
  const fields: string[] = []
  const criteria: FieldCriterion[] = []
  for (let i = 0; i < tokens.length; i++) {
    let token = tokens[i]!
    // `dp:not 22` arrives as two tokens.
    if (/:not$/i.test(token) && i + 1 < tokens.length) token += ` ${tokens[++i]}`
    const colon = token.indexOf(':')
    const field = packetField(colon < 0 ? token : token.slice(0, colon))
    fields.push(field)
    if (colon < 0) continue
    const criterion = token.slice(colon + 1)
    if (!FILTERABLE.has(field)) throw new UsageError(`--csv-fields: '${field}' takes no criterion (got '${token}')`)
    try {
      criteria.push(...parseFields(`${field}:${criterion}`))
    } catch (err) {
      if (!(err instanceof UsageError)) throw err
      throw new UsageError(err.message.replace(/^--fields:/, '--csv-fields:'), err.hint)
    }
  }
  if (fields.length === 0) throw new UsageError('--csv-fields: no fields given', hint())
  return { fields, criteria }
}
