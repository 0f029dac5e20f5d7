import { at, ConfigError } from '../../core/errors.js'
import { parseNetwork, type Network } from '../../parse/address.js'
import { ACK, CWR, ECE, FIN, PSH, RST, SYN, URG } from '../../parse/packet.js'
import type { AddrSpec, FlagTest, NumRange, PortSpec, SigProto, Signature } from './types.js'
import { excerpt } from '../../core/excerpt.js'

// psad's signature grammar, a header-only subset of Snort 2:
//   alert <proto> <src> <sport> <dir> <dst> <dport> (<name>:<value>; <name>; ...)
// Everything psad accepts is accepted here. Where psad is broken we follow Snort: address negation,
// port lists, `<>` matching both directions, `flags:0` = no flags, flag modifiers (+ * !) and masks.

/** Options that need packet payloads, which a firewall log does not have. */
export const UNSUPPORTED_OPTIONS: ReadonlySet<string> = new Set([
  'content', 'uricontent', 'content-list', 'pcre', 'regex', 'offset', 'distance', 'within', 'depth', 'nocase',
  'rawbytes', 'isdataat', 'byte_test', 'byte_jump', 'flowbits', 'fragbits', 'rpc', 'replace', 'resp', 'ip_proto',
  'http_uri', 'http_header', 'http_method', 'http_client_body', 'fast_pattern', 'byte_extract', 'asn1', 'tag',
])

// Options that only describe a rule; accepted without effect on matching.
const INFORMATIONAL = new Set(['rev', 'gid', 'priority', 'metadata', 'psad_derived_sids', 'threshold', 'detection_filter'])

const IP_OPTIONS: Record<string, number> = {
  eol: 0, nop: 1, rr: 7, ts: 68, sec: 130, lsrr: 131, lsrre: 131, esec: 133, satid: 136, ssrr: 137,
}

const FLAG_LETTERS: Record<string, number> = {
  F: FIN, S: SYN, R: RST, P: PSH, A: ACK, U: URG, C: CWR, E: ECE, '1': CWR, '2': ECE,
}

export interface LoadedSignatures {
  signatures: Signature[]
  /** Problems that did not stop loading (rules skipped or options ignored), each naming file:line. */
  warnings: string[]
}

export interface GrammarOptions {
  /** Variables for `$NAME` in addresses, ports and numbers (HOME_NET, HTTP_PORTS, …). */
  vars: Readonly<Record<string, string>>
  /** psad's ENABLE_SNORT_SIG_STRICT: refuse rules with unsupported options instead of skipping them. */
  strict: boolean
}

class RuleError extends Error {}

function resolveVar(text: string, vars: Readonly<Record<string, string>>, depth = 0): string {
  const t = text.trim()
  const neg = t.startsWith('!$')
  const name = neg ? t.slice(2) : t.startsWith('$') ? t.slice(1) : null
  if (name === null) return t
  const value = vars[name]
  if (value === undefined) throw new RuleError(`unknown variable $${name}`)
  if (depth > 10) throw new RuleError(`variable $${name} refers to itself`)
  const inner = resolveVar(value, vars, depth + 1)
  if (!neg) return inner
  if (inner.startsWith('!')) return inner.slice(1)
  return `!${inner}`
}

function splitList(text: string): string[] {
  const t = text.trim()
  const body = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t
  return body.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

function parseAddr(text: string, vars: GrammarOptions['vars']): AddrSpec {
  let t = resolveVar(text, vars)
  let negate = false
  if (t.startsWith('!')) {
    negate = true
    t = t.slice(1).trim()
  }
  if (t === 'any' || t === 'NOT_USED') {
    if (negate) throw new RuleError("'!any' can never match")
    return { any: true, negate: false, nets: [] }
  }
  const nets: Network[] = []
  for (const item of splitList(t)) {
    const resolved = resolveVar(item, vars)
    if (resolved === 'any') {
      if (negate) throw new RuleError(`'${text.trim()}' can never match`)
      return { any: true, negate: false, nets: [] }
    }
    for (const sub of splitList(resolved)) {
      const net = parseNetwork(sub)
      if (net === null) throw new RuleError(`bad address '${sub}'`)
      nets.push(net)
    }
  }
  return { any: false, negate, nets }
}

/**
 * Returns why a signature variable's value (HOME_NET, HTTP_PORTS, …) cannot be used in a rule, or null
 * when it can: names ending in _PORTS hold ports, the others addresses; `$NAME`s resolve against `vars`.
 */
export function signatureVariableError(name: string, value: string, vars: GrammarOptions['vars']): string | null {
  try {
    if (name.endsWith('_PORTS')) parsePorts(value, vars)
    else parseAddr(value, vars)
    return null
  } catch (err) {
    if (err instanceof RuleError) return err.message
    throw err
  }
}

function portRange(text: string): { lo: number; hi: number } {
  const t = text.trim()
  let m: RegExpExecArray | null
  const check = (lo: number, hi: number): { lo: number; hi: number } => {
    if (lo > 65535 || hi > 65535 || lo > hi) throw new RuleError(`bad port range '${text}'`)
    return { lo, hi }
  }
  if ((m = /^(\d+)$/.exec(t))) return check(Number(m[1]), Number(m[1]))
  if ((m = /^(\d*):(\d*)$/.exec(t)) && (m[1] !== '' || m[2] !== '')) {
    return check(m[1] === '' ? 0 : Number(m[1]), m[2] === '' ? 65535 : Number(m[2]))
  }
  if ((m = /^(<=|>=|<|>)(\d+)$/.exec(t))) {
    const n = Number(m[2])
    if (m[1] === '<') return check(0, n - 1)
    if (m[1] === '<=') return check(0, n)
    if (m[1] === '>') return check(n + 1, 65535)
    return check(n, 65535)
  }
  throw new RuleError(`bad port '${text}'`)
}

function parsePorts(text: string, vars: GrammarOptions['vars']): PortSpec {
  let t = resolveVar(text, vars)
  let negate = false
  if (t.startsWith('!')) {
    negate = true
    t = t.slice(1).trim()
  }
  if (t === 'any') {
    if (negate) throw new RuleError("'!any' can never match")
    return { any: true, negate: false, ranges: [] }
  }
  const ranges = splitList(t).flatMap((item) => splitList(resolveVar(item, vars)).map(portRange))
  if (ranges.length === 0) throw new RuleError(`empty port list '${text}'`)
  return { any: false, negate, ranges }
}

/** Parses the value of numeric option `name` (`N`, `N:M`, `<N`, `>=N`, `!N`, `$VAR`, `any`) against the field's maximum. */
function parseRange(name: string, text: string, max: number, vars: GrammarOptions['vars']): NumRange | null {
  let t = resolveVar(text, vars).replace(/\s+/g, '')
  if (t === 'any') return null
  let negate = false
  if (t.startsWith('!')) {
    negate = true
    t = t.slice(1)
  }
  let m: RegExpExecArray | null
  let lo: number
  let hi: number
  if ((m = /^(\d+)$/.exec(t))) lo = hi = Number(m[1])
  else if ((m = /^(\d*)(?::|<>)(\d*)$/.exec(t)) && (m[1] !== '' || m[2] !== '')) {
    lo = m[1] === '' ? 0 : Number(m[1])
    hi = m[2] === '' ? max : Number(m[2])
  } else if ((m = /^(<=|>=|<|>)(\d+)$/.exec(t))) {
    const n = Number(m[2])
    ;[lo, hi] = m[1] === '<' ? [0, n - 1] : m[1] === '<=' ? [0, n] : m[1] === '>' ? [n + 1, max] : [n, max]
  } else throw new RuleError(`bad number or range '${text}'`)
  if (lo > hi) throw new RuleError(`empty range '${text}'`)
  if (hi > max) throw new RuleError(`${name}:${text} is out of range 0-${max}`)
  return { lo, hi, negate }
}

function parseFlags(text: string): FlagTest {
  let t = text.trim()
  let ignore = 0
  const comma = t.indexOf(',')
  if (comma >= 0) {
    for (const ch of t.slice(comma + 1).trim()) {
      const bit = FLAG_LETTERS[ch.toUpperCase()]
      if (bit === undefined) throw new RuleError(`bad flags mask '${t.slice(comma + 1)}'`)
      ignore |= bit
    }
    t = t.slice(0, comma).trim()
  }
  let mode: FlagTest['mode'] = 'exact'
  const modifier = /^[+*!]|[+*!]$/.exec(t)
  if (modifier !== null) {
    mode = modifier[0] === '+' ? 'all' : modifier[0] === '*' ? 'any' : 'not'
    t = t.replace(/^[+*!]|[+*!]$/, '')
  }
  let bits = 0
  if (t !== '0' && t.toUpperCase() !== 'N') {
    for (const ch of t) {
      const bit = FLAG_LETTERS[ch.toUpperCase()]
      if (bit === undefined) throw new RuleError(`bad TCP flag '${ch}' in flags:${text}`)
      bits |= bit
    }
  }
  return { bits, ignore, mode }
}

/** Splits `a:b; msg:"x; y"; c` at semicolons outside double quotes. */
function splitOptions(text: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '\\' && quoted && i + 1 < text.length) {
      cur += text[++i]
      continue
    }
    if (ch === '"') quoted = !quoted
    if (ch === ';' && !quoted) {
      if (cur.trim() !== '') out.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  if (quoted) throw new RuleError('unterminated quoted string')
  if (cur.trim() !== '') out.push(cur.trim())
  return out
}

function unquote(text: string): string {
  const t = text.trim()
  return t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1) : t
}

function intOption(name: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new RuleError(`${name} must be a whole number, not '${value}'`)
  return Number(value.trim())
}

const NUMERIC: Record<string, [keyof Signature, number, SigProto[] | null]> = {
  psad_dsize: ['dsize', 1514, ['tcp', 'udp', 'icmp']],
  dsize: ['dsize', 1514, ['tcp', 'udp', 'icmp']],
  psad_ip_len: ['ipLen', 65535, null],
  ttl: ['ttl', 255, null],
  id: ['ipId', 65535, null],
  seq: ['seq', 4294967295, ['tcp']],
  ack: ['ack', 4294967295, ['tcp']],
  window: ['window', 65535, ['tcp']],
  itype: ['itype', 255, ['icmp']],
  icode: ['icode', 255, ['icmp']],
  icmp_id: ['icmpId', 65535, ['icmp']],
  icmp_seq: ['icmpSeq', 65535, ['icmp']],
}

function parseRule(text: string, file: string, line: number, opts: GrammarOptions, samples: string[], warn: (m: string) => void): Signature | null {
  const open = text.indexOf(' (')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) throw new RuleError("expected '<header> (<options>)'")
  const head = text.slice(0, open).trim().split(/\s+/)
  if (head.length !== 7 || head[0] !== 'alert') {
    throw new RuleError("header must be 'alert <proto> <src> <sport> <dir> <dst> <dport>'")
  }
  const proto = head[1]!.toLowerCase()
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp' && proto !== 'ip') {
    throw new RuleError(`protocol must be tcp, udp, icmp or ip, not '${head[1]}'`)
  }
  const dir = head[4]
  if (dir !== '->' && dir !== '<-' && dir !== '<>') throw new RuleError(`direction must be ->, <- or <>, not '${dir}'`)
  let src = parseAddr(head[2]!, opts.vars)
  let sport = parsePorts(head[3]!, opts.vars)
  let dst = parseAddr(head[5]!, opts.vars)
  let dport = parsePorts(head[6]!, opts.vars)
  if (dir === '<-') [src, sport, dst, dport] = [dst, dport, src, sport]
  const sig: Signature = {
    key: '', sid: null, psadId: null, msg: '', proto, src, sport, dst, dport, bidirectional: dir === '<>', dl: 2,
    classtype: null, references: [], flags: null, established: false, dsize: null, ipLen: null, ttl: null,
    ipId: null, seq: null, ack: null, window: null, itype: null, icode: null, icmpId: null, icmpSeq: null,
    ipopt: null, sameip: false, samples, file, line,
  }
  const references: string[] = []
  let unsupported: string | null = null
  for (const option of splitOptions(text.slice(open + 2, close))) {
    const colon = option.indexOf(':')
    const name = (colon < 0 ? option : option.slice(0, colon)).trim().toLowerCase()
    const value = colon < 0 ? '' : option.slice(colon + 1).trim()
    if (UNSUPPORTED_OPTIONS.has(name)) {
      unsupported ??= name
      continue
    }
    const numeric = NUMERIC[name]
    if (numeric !== undefined) {
      const [field, max, protos] = numeric
      if (protos !== null && !protos.includes(proto)) throw new RuleError(`option ${name} does not apply to ${proto} rules`)
      ;(sig as unknown as Record<string, unknown>)[field] = parseRange(name, value, max, opts.vars)
      continue
    }
    switch (name) {
      case 'msg':
        sig.msg = unquote(value)
        break
      case 'sid':
        sig.sid = intOption(name, value)
        break
      case 'psad_id':
        sig.psadId = intOption(name, value)
        break
      case 'psad_dl': {
        const dl = intOption(name, value)
        if (dl > 5) throw new RuleError(`psad_dl must be 0-5, not ${dl}`)
        sig.dl = dl
        break
      }
      case 'classtype':
        sig.classtype = value
        break
      case 'reference':
        references.push(value)
        break
      case 'flags':
        if (proto !== 'tcp') throw new RuleError('option flags applies to tcp rules only')
        sig.flags = parseFlags(value)
        break
      case 'flow':
        if (/(^|,)\s*established\s*(,|$)/.test(value)) sig.established = true
        break
      case 'ipopts': {
        const v = value.toLowerCase()
        if (v === 'any') sig.ipopt = -2
        else if (IP_OPTIONS[v] !== undefined) sig.ipopt = IP_OPTIONS[v]
        else throw new RuleError(`unknown IP option '${value}'`)
        break
      }
      case 'sameip':
        sig.sameip = true
        break
      default:
        if (!INFORMATIONAL.has(name)) warn(at(file, line, `unknown option '${name}' ignored`))
    }
  }
  sig.references = references
  if (sig.msg === '') throw new RuleError('rule has no msg:"…"')
  if (sig.sid === null && sig.psadId === null) throw new RuleError('rule has neither sid: nor psad_id:')
  if (unsupported !== null) {
    const message = at(file, line, `option '${unsupported}' needs packet payloads, which firewall logs do not carry`)
    if (opts.strict) throw new ConfigError(message, 'remove the rule, or set ENABLE_SNORT_SIG_STRICT N to skip such rules')
    warn(`${message}; rule skipped`)
    return null
  }
  sig.key = sig.sid !== null ? `sid:${sig.sid}` : `psad_id:${sig.psadId}`
  if (sig.flags !== null && sig.established && sig.flags.mode === 'exact' && !(sig.flags.bits & ACK)) {
    warn(at(file, line, 'flow:established needs ACK but flags: excludes it; the rule can never match'))
  }
  if (sig.flags !== null && sig.flags.mode === 'not' && sig.flags.bits === 0) {
    warn(at(file, line, "flags:!0 excludes no flag; write the flags to exclude"))
  }
  return sig
}

/**
 * Parses a psad signature file. Throws ConfigError naming file:line for a syntax error, a duplicate
 * id, or (in strict mode) an unsupported option; returns non-fatal problems as warnings.
 */
export function parseSignatures(text: string, file: string, opts: GrammarOptions): LoadedSignatures {
  const signatures: Signature[] = []
  const warnings: string[] = []
  const seen = new Map<string, number>()
  let samples: string[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === '') {
      samples = []
      continue
    }
    if (raw.startsWith('#')) {
      const m = /^#\s*sample:\s?(.*)$/.exec(raw)
      if (m !== null) samples.push(m[1]!)
      continue
    }
    let sig: Signature | null
    try {
      sig = parseRule(raw, file, i + 1, opts, samples, (m) => warnings.push(m))
    } catch (err) {
      if (err instanceof RuleError) throw new ConfigError(at(file, i + 1, `${err.message}: ${excerpt(raw, 100)}`))
      throw err
    }
    samples = []
    if (sig === null) continue
    for (const id of [sig.sid === null ? null : `sid:${sig.sid}`, sig.psadId === null ? null : `psad_id:${sig.psadId}`]) {
      if (id === null) continue
      const prev = seen.get(id)
      if (prev !== undefined) throw new ConfigError(at(file, i + 1, `duplicate ${id.replace(':', ' ')} (first used on line ${prev})`))
      seen.set(id, i + 1)
    }
    signatures.push(sig)
  }
  return { signatures, warnings }
}
