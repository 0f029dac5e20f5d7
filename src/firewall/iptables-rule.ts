import { InputError } from '../core/errors.js'
import { moduleConds, type ModuleOption } from './iptables-match.js'
import type { Action, Cond, Family, LogTarget, Rule } from './ruleset.js'

// One iptables rule's arguments (after `-A CHAIN`) into conditions and an action. iptables-save
// prints the generic matches (-p -s -d -i -o -f), then each `-m module` with its options, then the
// target (`-j`/`-g`) with its options, so everything before `-j`/`-g` is the match part.

// Targets that decide nothing about the packet: it goes on to the next rule.
export const NON_TERMINAL = new Set([
  'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'TCPMSS', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'HL', 'SET', 'AUDIT', 'TRACE',
  'CHECKSUM', 'SECMARK', 'CONNSECMARK', 'TEE', 'IDLETIMER', 'LED', 'RATEEST', 'HMARK', 'TCPOPTSTRIP', 'ECN', 'ULOG',
])
// Targets that end the packet's walk through the table in ways we do not follow.
export const STOP = new Set(['QUEUE', 'NFQUEUE', 'SYNPROXY', 'TPROXY', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP'])

const isOption = (t: string): boolean => /^--?[A-Za-z]/.test(t)

interface Segment {
  /** `-m NAME` / `-j NAME`: module or target name; '' for generic options. */
  name: string
  options: ModuleOption[]
}

/** Returns the rule a `-A CHAIN` line's arguments describe; throws InputError (with `where`) on a malformed rule. */
export function parseRuleArgs(args: readonly string[], chain: string, position: number, text: string, where: string): Rule {
  const generic: ModuleOption[] = []
  const modules: Segment[] = []
  let target: Segment | null = null
  let gotoTarget: string | null = null
  let matchEnd = args.length
  let current: ModuleOption[] = generic
  for (let i = 0; i < args.length; i++) {
    const start = i
    let negated = false
    if (args[i] === '!') {
      negated = true
      i++
    }
    const opt = args[i]
    if (opt === undefined) throw new InputError(`${where}: '!' at the end of the rule`)
    if (!isOption(opt)) throw new InputError(`${where}: unexpected '${opt}' (expected an option)`)
    const values: string[] = []
    while (i + 1 < args.length && !isOption(args[i + 1]!) && args[i + 1] !== '!') values.push(args[++i]!)
    // Old syntax `--dport ! 22` puts the negation after the option.
    if (values.length === 0 && args[i + 1] === '!' && i + 2 < args.length && !isOption(args[i + 2]!)) {
      negated = true
      i++
      values.push(args[++i]!)
    }
    if (opt === '-m' || opt === '--match') {
      const seg: Segment = { name: values[0] ?? '', options: [] }
      modules.push(seg)
      current = seg.options
    } else if (opt === '-j' || opt === '--jump' || opt === '-g' || opt === '--goto') {
      if (values[0] === undefined) throw new InputError(`${where}: ${opt} without a target`)
      matchEnd = Math.min(matchEnd, start)
      if (opt === '-g' || opt === '--goto') gotoTarget = values[0]
      else {
        target = { name: values[0], options: [] }
        current = target.options
      }
    } else if (opt === '-c' || opt === '--set-counters') {
      continue
    } else {
      current.push({ opt, negated, values })
    }
  }
  const conds: Cond[] = genericConds(generic)
  const proto = generic.find((o) => o.opt === '-p' || o.opt === '--protocol')
  for (const m of modules) conds.push(...moduleConds(m.name, m.options, proto?.negated ? null : (proto?.values[0]?.toLowerCase() ?? null)))
  const action: Action = gotoTarget !== null ? { kind: 'goto', target: gotoTarget } : targetAction(target)
  return { chain, position, handle: null, conds, action, matchArgv: args.slice(0, matchEnd), text }
}

const ANY = new Set(['0.0.0.0/0', '::/0', '0/0'])

function genericConds(opts: readonly ModuleOption[]): Cond[] {
  const out: Cond[] = []
  for (const { opt, negated, values } of opts) {
    const v = values[0] ?? ''
    const not = negated ? '!= ' : ''
    switch (opt) {
      case '-p':
      case '--protocol': {
        const p = v.toLowerCase()
        out.push({ kind: 'proto', text: negated ? `l4proto != ${p}` : p, negated, values: [p] })
        break
      }
      case '-s': case '--source': case '--src':
      case '-d': case '--destination': case '--dst': {
        const side = opt.startsWith('-s') || opt.startsWith('--s') ? 'saddr' : 'daddr'
        out.push(ANY.has(v) ? { kind: 'inert', text: `${side} ${v}`, negated, values: [] } : { kind: 'other', text: `${side} ${not}${v}`, negated, values: [v] })
        break
      }
      case '-i': case '--in-interface':
        out.push({ kind: 'iface-in', text: `iifname ${not}${v}`, negated, values: [v] })
        break
      case '-o': case '--out-interface':
        out.push({ kind: 'iface-out', text: `oifname ${not}${v}`, negated, values: [v] })
        break
      case '-f': case '--fragment':
        out.push({ kind: 'other', text: negated ? 'not a fragment' : 'fragment', negated, values: [], family: 'ipv4' })
        break
      default:
        out.push({ kind: 'other', text: [negated ? '!' : '', opt, ...values].filter((x) => x !== '').join(' '), negated, values })
    }
  }
  return out
}

function targetAction(target: Segment | null): Action {
  if (target === null) return { kind: 'continue' }
  const name = target.name
  const opt = (o: string): ModuleOption | undefined => target.options.find((x) => x.opt === o)
  switch (name) {
    case 'ACCEPT': return { kind: 'accept' }
    case 'DROP': return { kind: 'drop' }
    case 'REJECT': return { kind: 'reject' }
    case 'RETURN': return { kind: 'return' }
    case 'LOG': {
      const log: LogTarget = {
        prefix: opt('--log-prefix')?.values[0] ?? '',
        tcpOptions: opt('--log-tcp-options') !== undefined,
        ipOptions: opt('--log-ip-options') !== undefined,
        level: opt('--log-level')?.values[0] ?? null,
      }
      return { kind: 'log', log }
    }
    case 'NFLOG': {
      const g = opt('--nflog-group')?.values[0]
      return { kind: 'nflog', group: g === undefined ? 0 : Number(g) }
    }
  }
  if (NON_TERMINAL.has(name)) return { kind: 'continue' }
  if (STOP.has(name)) return { kind: 'stop', what: name }
  return { kind: 'jump', target: name }
}

const V6_PROTOS = new Set(['ipv6-icmp', 'icmpv6'])
const V6_MODULES = new Set(['icmp6', 'rt', 'frag', 'hbh', 'dst', 'ipv6header', 'mh', 'hl', 'eui64', 'srh'])
const V4_MODULES = new Set(['icmp', 'ttl'])

/**
 * Returns the family that iptables-save arguments belong to, from addresses and ICMP/extension-header
 * syntax; throws InputError when they say both or neither (then --family must say).
 */
export function familyOfArgs(args: readonly string[], name: string): Family {
  let v4 = false
  let v6 = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const next = (args[i + 1] ?? '').toLowerCase()
    if (/^(-s|-d|--source|--destination|--src|--dst)$/.test(a)) {
      if (next.includes(':')) v6 = true
      else if (next.includes('.')) v4 = true
    } else if (a === '-p' || a === '--protocol') {
      if (V6_PROTOS.has(next)) v6 = true
      else if (next === 'icmp') v4 = true
    } else if (a === '-m' || a === '--match') {
      if (V6_MODULES.has(next)) v6 = true
      else if (V4_MODULES.has(next)) v4 = true
    } else if (a === '--icmpv6-type') v6 = true
    else if (a === '--icmp-type' || a === '-f' || a === '--fragment') v4 = true
    else if (a === '--reject-with') {
      if (/^icmp6-|^(adm-prohibited|addr-unreach|no-route)$/.test(next)) v6 = true
      else if (next.startsWith('icmp-')) v4 = true
    }
  }
  if (v4 && !v6) return 'ipv4'
  if (v6 && !v4) return 'ipv6'
  const why = v4 ? 'it has both IPv4 and IPv6 syntax' : 'it has no header and no address or ICMP syntax that tells'
  throw new InputError(`${name}: cannot tell whether these are IPv4 (iptables) or IPv6 (ip6tables) rules: ${why}`, 'give --family 4 or --family 6')
}
