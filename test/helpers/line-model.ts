import fc from 'fast-check'
import { canonicalIPv6 } from '../../src/parse/address.js'
import { ACK, CWR, ECE, FIN, PSH, RST, SYN, URG } from '../../src/parse/packet.js'

// A model of valid firewall log lines for property tests: what a packet is (addresses, header
// fields, protocol fields, options), how its line is written (head format, prefix, address
// notation), and the line rendered from both, laid out as the kernel's nf_log_syslog (or Proxmox
// VE's pvefw-logger) prints it. The parser must read back exactly the model's fields.

export interface Model {
  head: Head
  prefix: string
  v6: boolean
  src: string
  dst: string
  /** Write IPv6 in the kernel's full 8×4 form (else compressed). */
  full: boolean
  inIf: string
  outIf: string
  mac: boolean
  len: number
  tos: number
  ttl: number
  id: number
  df: boolean
  flowLabel: number
  ipOpts: string | null
  proto: Proto
  uidGid: number | null
  mark: number | null
  /** The expected time in ms (NaN for heads without one). */
  time: number
}

export type Head =
  | { kind: 'bsd' | 'iso' | 'rfc5424' | 'full' | 'grep' | 'dmesg' | 'ctime' | 'pve'; at: Date; lang: 'en' | 'de' | 'fr' | 'zh' | 'ja' }

export type Proto =
  | { kind: 'tcp'; sport: number; dport: number; seqAck: [number, number] | null; window: number; flags: number; urgp: number; opts: string | null }
  | { kind: 'udp'; lite: boolean; sport: number; dport: number; udpLen: number }
  | { kind: 'icmp'; type: number; code: number; id: number; seq: number }
  | { kind: 'other'; number: number }

const MONTHS: Record<string, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  de: ['Jan', 'Feb', 'Mär', 'Apr', 'Mai', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Dez'],
  fr: ['janv.', 'févr.', 'mars', 'avril', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
  zh: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
  ja: [' 1月', ' 2月', ' 3月', ' 4月', ' 5月', ' 6月', ' 7月', ' 8月', ' 9月', '10月', '11月', '12月'],
}
const DAYS: Record<string, string[]> = {
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  de: ['So', 'Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa'],
  fr: ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'],
  zh: ['日', '一', '二', '三', '四', '五', '六'],
  ja: ['日', '月', '火', '水', '木', '金', '土'],
}

const p2 = (n: number): string => String(n).padStart(2, '0')
const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0')

// The kernel's flag order.
const FLAGS: [number, string][] = [[CWR, 'CWR'], [ECE, 'ECE'], [URG, 'URG'], [ACK, 'ACK'], [PSH, 'PSH'], [RST, 'RST'], [SYN, 'SYN'], [FIN, 'FIN']]

const u16 = fc.integer({ min: 0, max: 0xffff })
const u8 = fc.integer({ min: 0, max: 255 })
const hexBytes = (max: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: 1, maxLength: max }).map((a) => [...a].map(hex2).join(''))

const proto: fc.Arbitrary<Proto> = fc.oneof(
  fc.record({
    kind: fc.constant('tcp' as const), sport: u16, dport: u16, seqAck: fc.option(fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })), { nil: null }),
    window: u16, flags: fc.nat({ max: 255 }), urgp: u16, opts: fc.option(hexBytes(40), { nil: null }),
  }),
  fc.record({ kind: fc.constant('udp' as const), lite: fc.boolean(), sport: u16, dport: u16, udpLen: u16 }),
  fc.record({ kind: fc.constant('icmp' as const), type: u8, code: u8, id: u16, seq: u16 }),
  fc.record({ kind: fc.constant('other' as const), number: fc.constantFrom(0, 2, 4, 41, 47, 50, 51, 89, 103, 112, 132, 253, 255) }),
)

// Whole seconds (RFC 3164 has no fraction) in 2026, the year the tests force.
const when = fc.integer({ min: Date.UTC(2026, 0, 1) / 1000, max: Date.UTC(2026, 11, 31, 23, 59, 59) / 1000 }).map((s) => new Date(s * 1000))
const head: fc.Arbitrary<Head> = fc.record({
  kind: fc.constantFrom('bsd', 'iso', 'rfc5424', 'full', 'grep', 'dmesg', 'ctime', 'pve'),
  at: when,
  lang: fc.constantFrom('en', 'en', 'de', 'fr', 'zh', 'ja'),
})

const v4 = fc.ipV4()
const v6 = fc.ipV6().map((a) => canonicalIPv6(a)).filter((a) => a !== '' && !a.includes('.'))

/** Valid packets and their heads. */
export const models: fc.Arbitrary<Model> = fc
  .record({
    head, prefix: fc.constantFrom('', 'DROP ', '[UFW BLOCK] ', 'Shorewall:net2fw:DROP:', 'FINAL_REJECT: ', '[11] SID2003 '),
    v6: fc.boolean(), v4pair: fc.tuple(v4, v4), v6pair: fc.tuple(v6, v6), full: fc.boolean(),
    chain: fc.constantFrom('INPUT', 'OUTPUT', 'FORWARD'), mac: fc.boolean(),
    len: u16, tos: u8, ttl: u8, id: u16, df: fc.boolean(), flowLabel: fc.nat({ max: 0xfffff }),
    ipOpts: fc.option(hexBytes(40), { nil: null }), proto, uidGid: fc.option(fc.nat({ max: 0xffffffff }), { nil: null }),
    mark: fc.option(fc.integer({ min: 1, max: 0xffffffff }), { nil: null }),
  })
  .map((r) => {
    const [src, dst] = r.v6 ? r.v6pair : r.v4pair
    const pve = r.head.kind === 'pve'
    let p = r.proto
    // pvefw-logger prints only what it decodes, and never the kernel's extras.
    if (pve && p.kind === 'udp') p = { ...p, lite: false }
    if (pve && p.kind === 'tcp') p = { ...p, flags: p.flags & ~(CWR | ECE), opts: null }
    const timed = r.head.kind !== 'dmesg'
    return {
      head: r.head, prefix: pve ? 'policy DROP: ' : r.prefix, v6: r.v6, src, dst, full: r.full && !pve,
      inIf: r.chain === 'OUTPUT' ? '' : 'eth0', outIf: r.chain === 'INPUT' ? '' : 'eth1', mac: r.mac && r.chain !== 'OUTPUT',
      len: r.v6 ? Math.max(40, r.len) : r.len, tos: r.tos, ttl: r.ttl, id: r.id, df: r.df, flowLabel: r.flowLabel,
      ipOpts: pve || r.v6 ? null : r.ipOpts, proto: p, uidGid: pve ? null : r.uidGid, mark: r.mark,
      time: timed ? r.head.at.getTime() : Number.NaN,
    }
  })

function headText(h: Head): string {
  const d = h.at
  const [mo, day, hh, mi, ss, y] = [d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCFullYear()]
  const clock = `${p2(hh)}:${p2(mi)}:${p2(ss)}`
  const isoDate = `${y}-${p2(mo + 1)}-${p2(day)}`
  switch (h.kind) {
    case 'bsd':
      return `${MONTHS[h.lang]![mo]} ${h.lang === 'en' ? String(day).padStart(2, ' ') : p2(day)} ${clock} fw kernel: `
    case 'iso':
      return `${isoDate}T${clock}.000000+00:00 fw kernel: `
    case 'rfc5424':
      return `<4>1 ${isoDate}T${clock}Z fw kernel - - - `
    case 'full':
      return `${DAYS[h.lang]![d.getUTCDay()]} ${isoDate} ${clock} UTC fw kernel: `
    case 'grep':
      return `kern.log:${MONTHS.en![mo]} ${String(day).padStart(2, ' ')} ${clock} fw kernel: `
    case 'dmesg':
      return '[ 1234.567890] '
    case 'ctime':
      return `[${DAYS[h.lang]![d.getUTCDay()]} ${MONTHS[h.lang]![mo]} ${String(day).padStart(2, ' ')} ${clock} ${y}] `
    case 'pve':
      return `0 6 PVEFW-HOST-IN ${p2(day)}/${MONTHS.en![mo]}/${y}:${clock} +0000 `
  }
}

function fullIPv6(a: string): string {
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined]
  const left = head === '' ? [] : head!.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return groups.map((g) => g.padStart(4, '0')).join(':')
}

/** The line the kernel (or pvefw-logger, for a `pve` head) prints for a model. */
export function render(m: Model): string {
  const pve = m.head.kind === 'pve'
  const addr = (a: string): string => (m.v6 && m.full ? fullIPv6(a) : a)
  let s = headText(m.head) + m.prefix
  if (pve) {
    if (m.inIf !== '') s += `IN=${m.inIf} `
    if (m.outIf !== '') s += `OUT=${m.outIf} `
  } else s += `IN=${m.inIf} OUT=${m.outIf} `
  if (m.mac) s += 'MAC=00:16:3e:00:01:00:00:16:3e:00:09:00:08:00 '
  s += `SRC=${addr(m.src)} DST=${addr(m.dst)} `
  if (m.v6) s += pve ? `LEN=${m.len - 40} TC=${m.tos} FLOWLBL=${m.flowLabel} HOPLIMIT=${m.ttl} ` : `LEN=${m.len} TC=${m.tos} HOPLIMIT=${m.ttl} FLOWLBL=${m.flowLabel} `
  else {
    s += `LEN=${m.len} TOS=0x${hex2(m.tos)} PREC=0x${hex2(m.tos & 0xe0)} TTL=${m.ttl} ID=${m.id} `
    if (m.df) s += 'DF '
    if (m.ipOpts !== null) s += `OPT (${m.ipOpts}) `
  }
  const p = m.proto
  switch (p.kind) {
    case 'tcp': {
      s += `PROTO=TCP SPT=${p.sport} DPT=${p.dport} `
      if (p.seqAck !== null || pve) s += `SEQ=${p.seqAck?.[0] ?? 0} ACK=${p.seqAck?.[1] ?? 0} `
      s += `WINDOW=${p.window} `
      if (!pve) s += 'RES=0x00 '
      for (const [bit, name] of FLAGS) if (p.flags & bit) s += `${name} `
      if (!pve || p.flags & URG) s += `URGP=${p.urgp} `
      if (p.opts !== null) s += `OPT (${p.opts}) `
      break
    }
    case 'udp':
      s += `PROTO=${p.lite ? 'UDPLITE' : 'UDP'} SPT=${p.sport} DPT=${p.dport} LEN=${p.udpLen}${pve ? '' : ' '}`
      break
    case 'icmp': {
      const echo = m.v6 ? p.type === 128 || p.type === 129 : p.type === 0 || p.type === 8
      s += `PROTO=${m.v6 ? (pve ? 'ICMPV6' : 'ICMPv6') : 'ICMP'} TYPE=${p.type} CODE=${p.code} `
      if (echo) s += `ID=${p.id} SEQ=${p.seq} `
      break
    }
    case 'other':
      s += `PROTO=${p.number} `
  }
  if (m.uidGid !== null) s += `UID=${m.uidGid} GID=${m.uidGid} `
  if (m.mark !== null) s += pve ? `mark=${m.mark} ` : `MARK=0x${m.mark.toString(16)} `
  return s
}

/** The packet fields the parser must read from a model's line. */
export function expected(m: Model): Record<string, unknown> {
  const p = m.proto
  const pve = m.head.kind === 'pve'
  const prefix = m.prefix.trim()
  const echo = p.kind === 'icmp' && (m.v6 ? p.type === 128 || p.type === 129 : p.type === 0 || p.type === 8)
  return {
    ipv6: m.v6, src: m.src, dst: m.dst, inIf: m.inIf, outIf: m.outIf,
    chain: m.inIf === '' ? 'OUTPUT' : m.outIf === '' ? 'INPUT' : 'FORWARD',
    len: m.len, tos: m.tos, ttl: m.ttl, ipId: m.v6 ? -1 : m.id, df: !m.v6 && m.df, flowLabel: m.v6 ? m.flowLabel : -1,
    ipOpts: m.ipOpts ?? '',
    proto: { tcp: 6, udp: p.kind === 'udp' && p.lite ? 136 : 17, icmp: m.v6 ? 58 : 1, other: p.kind === 'other' ? p.number : -1 }[p.kind],
    sport: p.kind === 'tcp' || p.kind === 'udp' ? p.sport : -1,
    dport: p.kind === 'tcp' || p.kind === 'udp' ? p.dport : -1,
    window: p.kind === 'tcp' ? p.window : -1,
    flags: p.kind === 'tcp' ? p.flags : -1,
    seq: p.kind === 'tcp' ? (p.seqAck?.[0] ?? (pve ? 0 : -1)) : -1,
    ack: p.kind === 'tcp' ? (p.seqAck?.[1] ?? (pve ? 0 : -1)) : -1,
    tcpOpts: p.kind === 'tcp' ? p.opts : null,
    udpLen: p.kind === 'udp' ? p.udpLen : -1,
    icmpType: p.kind === 'icmp' ? p.type : -1,
    icmpCode: p.kind === 'icmp' ? p.code : -1,
    icmpId: echo && p.kind === 'icmp' ? p.id : -1,
    icmpSeq: echo && p.kind === 'icmp' ? p.seq : -1,
    prefix: pve ? `PVEFW-HOST-IN ${prefix}` : prefix,
  }
}
