import { at, ConfigError } from '../core/errors.js'
import { AutoDl, PORTED, type AutoDlCriterion, type AutoDlEntry } from '../detect/auto-dl.js'
import { parseNetwork } from '../parse/address.js'
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, PROTO_UDPLITE } from '../parse/packet.js'
import { readConfigText } from './read-text.js'
import { excerpt } from '../core/excerpt.js'

// Reading psad's auto_dl file: `<address> <dl 0-5> [<criteria>];` per line, '#' comments.
// DL 0 means "ignore every packet from this source"; 1-5 raise the source's danger level.
//
// Where we differ from psad, on purpose:
// - Overlapping entries resolve deterministically. psad walks its entries in hash order, so a /24 at
//   DL 0 and a /32 at DL 5 give a different answer from run to run. Here the most specific network
//   whose criteria match the packet wins; for one network, an entry with criteria beats one without,
//   then the earlier line wins. So `10.0.0.0/8 0;` + `10.1.2.3 5;` ignores 10/8 except 10.1.2.3.
// - Criteria are read only from the text before the ';'. psad searches the whole line for `tcp`,
//   `udp` and `icmp`, so a comment after the ';' that mentions "tcp" restricts the entry.
// - Host names are an error, not resolved: portsleuth analyses logs offline, and a DNS answer at load
//   time would make the same log and the same auto_dl give different results on different machines
//   and days (psad resolves once at start and skips names it cannot resolve). Use the address.

const PROTOS: Record<string, number> = { tcp: PROTO_TCP, udp: PROTO_UDP, udplite: PROTO_UDPLITE, icmp: PROTO_ICMP, icmp6: PROTO_ICMPV6 }
const CRITERIA_HELP = "'tcp', 'udp', 'udplite', 'icmp', 'icmp6', 'tcp/PORT' or 'udp/LOW-HIGH', comma-separated"

function fail(file: string, line: number, msg: string, hint?: string): never {
  throw new ConfigError(at(file, line, msg), hint)
}

function parseCriteria(text: string, file: string, line: number): AutoDlCriterion[] | null {
  if (text === '') return null
  return text.split(',').map((raw) => {
    const item = raw.trim().toLowerCase()
    const m = /^([a-z0-9]+)(?:\/(\d{1,5})(?:-(\d{1,5}))?)?$/.exec(item)
    const proto = m === null ? undefined : PROTOS[m[1]!]
    if (m === null || proto === undefined) fail(file, line, `invalid criterion '${excerpt(raw.trim())}' in auto_dl entry: expected ${CRITERIA_HELP}`)
    if (m[2] === undefined) return { proto, lo: 0, hi: 65535 }
    if (!PORTED.has(proto)) fail(file, line, `invalid criterion '${excerpt(raw.trim())}' in auto_dl entry: ${m[1]} has no ports`)
    const lo = Number(m[2])
    const hi = m[3] === undefined ? lo : Number(m[3])
    if (lo > 65535 || hi > 65535 || hi < lo) fail(file, line, `invalid port range '${excerpt(raw.trim())}' in auto_dl entry: expected ports 0-65535 with low <= high`)
    return { proto, lo, hi }
  })
}

function parseEntry(raw: string, file: string, line: number, warnings: string[]): AutoDlEntry | null {
  const hash = raw.indexOf('#')
  const text = (hash < 0 ? raw : raw.slice(0, hash)).trim()
  if (text === '') return null
  const semi = text.indexOf(';')
  if (semi < 0) fail(file, line, `missing ';' at the end of auto_dl entry '${excerpt(text)}'`, "auto_dl lines are '<address> <danger level 0-5> [tcp|udp|icmp[/ports]];'")
  const after = text.slice(semi + 1).trim()
  if (after !== '') warnings.push(at(file, line, `text after ';' ignored: '${excerpt(after, 40)}'`))
  const body = text.slice(0, semi).trim()
  const m = /^(\S+)(?:\s+(\S+))?(?:\s+(.*))?$/.exec(body)
  if (m === null || m[2] === undefined) fail(file, line, `expected '<address> <danger level 0-5> [criteria];' but found '${excerpt(text)}'`)
  const [, addr, dlText, rest] = m as unknown as [string, string, string, string | undefined]
  const net = parseNetwork(addr)
  if (net === null) {
    if (/^[a-z0-9.-]+$/i.test(addr) && /[a-z]/i.test(addr)) {
      fail(file, line, `'${excerpt(addr)}' is a host name: expected an IPv4/IPv6 address or network`, 'portsleuth does not resolve names in auto_dl (results must not depend on DNS at load time); write the address')
    }
    fail(file, line, `invalid address '${excerpt(addr)}' in auto_dl entry: expected an IPv4/IPv6 address or network (1.2.3.4, 10.0.0.0/8, 10.0.0.0/255.0.0.0, 2001:db8::/32)`)
  }
  if (!/^\d+$/.test(dlText) || Number(dlText) > 5) fail(file, line, `invalid danger level '${excerpt(dlText, 20)}' in auto_dl entry: expected 0-5`)
  const given = addr.split('/')[0]!
  if (addr.includes('/') && parseNetwork(given)?.text !== net.text.split('/')[0]) {
    warnings.push(at(file, line, `'${excerpt(addr)}' has host bits set; used as ${net.text}`))
  }
  const dl = Number(dlText)
  const criteria = parseCriteria((rest ?? '').trim(), file, line)
  return { net, dl, criteria, file, line, match: Object.freeze({ dl, entry: `${file}:${line}`, network: net.text }) }
}

/** Parses auto_dl text. Throws ConfigError naming file:line, the offending text and what was expected. */
export function parseAutoDl(text: string, file: string): AutoDl {
  const entries: AutoDlEntry[] = []
  const warnings: string[] = []
  const seen = new Map<string, number>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const e = parseEntry(lines[i]!, file, i + 1, warnings)
    if (e === null) continue
    const key = `${e.net.text} ${e.criteria === null ? '' : e.criteria.map((c) => `${c.proto}/${c.lo}-${c.hi}`).join(',')}`
    const first = seen.get(key)
    if (first !== undefined) warnings.push(at(file, i + 1, `${e.net.text} repeats line ${first} with the same criteria; line ${first} wins`))
    else seen.set(key, i + 1)
    entries.push(e)
  }
  return new AutoDl(entries, warnings)
}

// An entry: an address, a danger level, optional criteria, ';' (see read-text.ts: quoting files).
const AUTO_DL_SHAPE = { test: /^\S+\s+\S+[^;]*;/, kind: 'an auto_dl entry', expected: "'<address> <danger level 0-5> [criteria];'" }

/** Reads and parses an auto_dl file; throws ConfigError when it cannot be read or has an error. */
export async function loadAutoDl(file: string): Promise<AutoDl> {
  return parseAutoDl(await readConfigText(file, 'auto_dl file', { shape: AUTO_DL_SHAPE }), file)
}
