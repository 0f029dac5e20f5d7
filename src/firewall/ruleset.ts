// One rule model for both views of the kernel's packet filter: iptables-save text and
// `nft -j list ruleset` JSON are parsed into these types, and the coverage walk only knows these.

export type Family = 'ipv4' | 'ipv6'
export type Hook = 'input' | 'forward'

export type CondKind =
  /** Layer-4 protocol (`-p tcp`, `meta l4proto tcp`); `all` matches everything. */
  | 'proto'
  | 'iface-in'
  | 'iface-out'
  /** Connection tracking state (`--ctstate`, `ct state`); values lower case. */
  | 'ctstate'
  /** Rate limiting (`-m limit`, `-m hashlimit`, nft `limit`): limited logging still logs. */
  | 'rate'
  /** Matches everything (`-m comment`, `-s 0.0.0.0/0`, `-m recent --set`). */
  | 'inert'
  /** Destination address type (`-m addrtype --dst-type`, `fib daddr type`). */
  | 'dsttype'
  /** Link-layer packet type (`-m pkttype`, `meta pkttype`). */
  | 'pkttype'
  /** Restricts the rule to one address family (`meta nfproto ipv4`); see `family`. */
  | 'family'
  /** Anything else: a port, an address, a set, a mark, an opaque xt match. */
  | 'other'

/** One condition of a rule. `text` is its normalised description and its identity when comparing rules. */
export interface Cond {
  kind: CondKind
  text: string
  negated: boolean
  /** Lower-case values: states, types, interface names, protocol. */
  values: readonly string[]
  /** The match only exists in this family (e.g. nft `ip saddr` in an `inet` table). */
  family?: Family
}

/** What a LOG target / nft log statement writes; null fields are unknown (an iptables-nft `xt` LOG). */
export interface LogTarget {
  /** '' = no prefix. */
  prefix: string | null
  tcpOptions: boolean | null
  ipOptions: boolean | null
  level: string | null
}

export type Action =
  | { kind: 'log'; log: LogTarget }
  /** NFLOG / nft `log group N`: goes to a userspace logger (ulogd), not to the kernel log. */
  | { kind: 'nflog'; group: number | null }
  | { kind: 'accept' | 'drop' | 'reject' | 'return' | 'continue' }
  | { kind: 'jump' | 'goto'; target: string }
  /** A verdict whose fate we cannot follow (QUEUE/NFQUEUE, an unknown terminal target). */
  | { kind: 'stop'; what: string }

export interface Rule {
  chain: string
  /** 1-based position in the chain (what `iptables -I CHAIN n` takes). */
  position: number
  /** nft rule handle (what `nft insert rule … position H` takes); null for iptables-save. */
  handle: number | null
  conds: Cond[]
  action: Action
  /** iptables-save: the rule's match arguments (`-p tcp -m tcp --dport 22`) for suggestions. */
  matchArgv: string[] | null
  /** The rule as its tool prints it (iptables-save line, or a short nft rendering). */
  text: string
}

export interface Chain {
  name: string
  /** Base chains: the netfilter hook (input, forward, prerouting, …); null for user chains. */
  hook: string | null
  /** nft chain type (filter, nat, route); iptables tables give their own name's type. */
  type: string | null
  priority: number
  /** Policy of a base chain; null for user chains. */
  policy: 'accept' | 'drop' | null
  rules: Rule[]
}

export type Tool = 'iptables' | 'nftables'

export interface Table {
  /** Whose view this is: iptables-save text or nft JSON. */
  tool: Tool
  /** nft family: ip, ip6, inet, …; iptables tables are ip (iptables) or ip6 (ip6tables). */
  family: string
  name: string
  chains: Map<string, Chain>
  /** An nft table that iptables-nft manages (its rules carry `xt` expressions). */
  iptablesNft: boolean
  /** Where it came from: a file name or the command that printed it. */
  source: string
}

/** One ruleset input: an iptables-save dump (one family) or an nft JSON dump (every family). */
export interface RulesetSource {
  tool: Tool
  /** Families it describes completely: iptables-save one, nft both. */
  families: readonly Family[]
  /** iptables-save header's backend: 'nf_tables' (iptables-nft), 'legacy', or null when absent. */
  backend: 'nf_tables' | 'legacy' | null
  name: string
  tables: Table[]
}

/** Returns the families an nft table family applies to (inet both; arp, bridge, netdev none). */
export function tableFamilies(family: string): Family[] {
  if (family === 'ip') return ['ipv4']
  if (family === 'ip6') return ['ipv6']
  if (family === 'inet') return ['ipv4', 'ipv6']
  return []
}

/** Returns `tcp dport 22, saddr 10.0.0.0/8`: the conditions' texts, a protocol dropped when another condition names it. */
export function describeConds(conds: readonly Cond[]): string {
  const texts = conds.map((c) => c.text)
  return conds
    .filter((c) => c.kind !== 'proto' || c.negated || !texts.some((t) => t !== c.text && t.startsWith(`${c.values[0] ?? ''} `)))
    .map((c) => c.text)
    .join(', ')
}
