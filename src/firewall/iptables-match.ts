import type { Cond, Family } from './ruleset.js'

// `-m MODULE --option value…` into conditions. Only what decides whether a packet from outside
// reaches a LOG or a DROP needs to be understood (state, rate limits, address type, packet type);
// every other match narrows the rule and is described by its own text.

/** One `--option value…` of a module or target, as written (negation already taken off). */
export interface ModuleOption {
  opt: string
  negated: boolean
  values: string[]
}

const PORT_PROTOS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite'])
const RATE_MODULES = new Set(['limit', 'hashlimit'])
// Modules whose options are conditions of their own (the rest are described as a whole).
const OPTION_MODULES = new Set([...PORT_PROTOS, 'multiport', 'conntrack', 'state', 'addrtype', 'pkttype'])

const optText = (o: ModuleOption): string => [o.negated ? '!' : '', o.opt, ...o.values.map(quoteIfNeeded)].filter((x) => x !== '').join(' ')
const quoteIfNeeded = (v: string): string => (/^[\w.,:/+@%=-]+$/.test(v) ? v : JSON.stringify(v))
const ports = (v: string): string => v.replace(/:/g, '-')
const lowerList = (v: string | undefined): string[] => (v ?? '').toLowerCase().split(',').filter((x) => x !== '')

/** Returns the conditions of one `-m name` match; `proto` is the rule's `-p` (for multiport texts). */
export function moduleConds(name: string, options: readonly ModuleOption[], proto: string | null): Cond[] {
  const whole = (kind: Cond['kind'], family?: Family): Cond[] => [{
    kind, text: `-m ${name}${options.length > 0 ? ' ' : ''}${options.map(optText).join(' ')}`, negated: false, values: [], ...(family ? { family } : {}),
  }]
  if (RATE_MODULES.has(name)) return whole('rate')
  if (name === 'comment') return [{ kind: 'inert', text: `comment ${quoteIfNeeded(options[0]?.values[0] ?? '')}`, negated: false, values: [] }]
  if (name === 'recent' && options.some((o) => o.opt === '--set') && !options.some((o) => ['--update', '--rcheck', '--remove'].includes(o.opt))) return whole('inert')
  if (name === 'icmp') return whole('other', 'ipv4')
  if (name === 'icmp6') return whole('other', 'ipv6')
  if (!OPTION_MODULES.has(name)) return whole('other')
  return options.map((o) => optionCond(name, o, proto))
}

function optionCond(name: string, o: ModuleOption, proto: string | null): Cond {
  const v = o.values[0] ?? ''
  const not = o.negated ? '!= ' : ''
  const cond = (kind: Cond['kind'], text: string, values: string[]): Cond => ({ kind, text, negated: o.negated, values })
  if (PORT_PROTOS.has(name)) {
    if (o.opt === '--dport' || o.opt === '--destination-port') return cond('other', `${name} dport ${not}${ports(v)}`, [v])
    if (o.opt === '--sport' || o.opt === '--source-port') return cond('other', `${name} sport ${not}${ports(v)}`, [v])
    if (o.opt === '--syn') return cond('other', `tcp flags ${o.negated ? 'not ' : ''}syn`, [])
    if (o.opt === '--tcp-flags') return cond('other', `tcp flags ${not}${lowerList(o.values[0]).join('|')} / ${lowerList(o.values[1]).join('|')}`, o.values)
  }
  if (name === 'multiport') {
    const p = proto ?? ''
    const dir = o.opt.startsWith('--d') ? 'dport' : o.opt.startsWith('--s') ? 'sport' : 'port'
    return cond('other', `${p}${p === '' ? '' : ' '}${dir} ${not}{ ${v.split(',').map(ports).join(', ')} }`, [v])
  }
  if ((name === 'conntrack' && o.opt === '--ctstate') || (name === 'state' && o.opt === '--state')) {
    return cond('ctstate', `ct state ${not}${lowerList(v).join(',')}`, lowerList(v))
  }
  if (name === 'addrtype' && o.opt === '--dst-type') return cond('dsttype', `fib daddr type ${not}${lowerList(v).join(',')}`, lowerList(v))
  if (name === 'pkttype' && o.opt === '--pkt-type') return cond('pkttype', `pkttype ${not}${v.toLowerCase()}`, [v.toLowerCase()])
  return cond('other', `-m ${name} ${optText(o)}`, o.values)
}
