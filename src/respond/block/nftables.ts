import { ConfigError } from '../../core/errors.js'
import type { BlockedEntry, Family, Presence } from '../blocker.js'
import { presence } from '../blocker.js'
import { PlanBlocker } from './plan-blocker.js'
import type { Command, CommandPlan, Runner } from './runner.js'
import { parseTarget, type Target } from './target.js'

// nftables: a table of our own (`inet portsleuth`) holding one set per family with `flags interval,
// timeout`, so a set holds networks and each element may carry its own timeout, which the kernel
// enforces: a timed block expires even if portsleuth is not running. Three base chains hook input,
// forward and output (psad's directions: from the target on input, to it on output, both when
// forwarding). A drop is final in whichever base chain it happens, while an accept only ends that
// chain, so these drops win over other tables' accepts at any priority; priority `filter - 10` (-10)
// only makes them run before the usual filter chains, so blocked packets no longer reach their LOG
// rules. init loads one generated script through `nft -f -` (one atomic transaction): `add` of a
// table, set or chain that exists is a no-op, and the chains are flushed and refilled, so running it
// again duplicates nothing and keeps the set elements (the blocks).

export interface NftOptions {
  readonly table: string
  /** Base chain priority; -10 is `filter - 10`. */
  readonly priority: number
  readonly sets: Readonly<Record<Family, string>>
  /** Set size limit (nft `size`); 0 = the kernel's default. */
  readonly maxElements: number
}

export const DEFAULT_NFT: NftOptions = { table: 'portsleuth', priority: -10, sets: { 4: 'block4', 6: 'block6' }, maxElements: 0 }

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,30}$/
const HOOKS = ['input', 'forward', 'output'] as const
type Hook = (typeof HOOKS)[number]
/** Which address each hook matches: psad's src on input, dst on output, both on forward. */
const FIELDS: Record<Hook, readonly ('saddr' | 'daddr')[]> = { input: ['saddr'], forward: ['saddr', 'daddr'], output: ['daddr'] }

/** Throws ConfigError unless table and set names are plain identifiers and the priority an integer. */
export function checkNftOptions(o: NftOptions): NftOptions {
  for (const name of [o.table, o.sets[4], o.sets[6]]) if (!NAME.test(name)) throw new ConfigError(`nftables name '${name.slice(0, 40)}' is not an identifier (a letter, then up to 30 letters, digits or _)`)
  if (!Number.isInteger(o.priority) || Math.abs(o.priority) > 1000) throw new ConfigError(`nftables priority ${o.priority} is not an integer in -1000..1000`)
  if (!Number.isInteger(o.maxElements) || o.maxElements < 0) throw new ConfigError(`nftables set size ${o.maxElements} is not a whole number`)
  return o
}

function priorityText(p: number): string {
  return p === 0 ? 'filter' : p < 0 ? `filter - ${-p}` : `filter + ${p}`
}

/** One set element as nft reads it: `1.2.3.4/32 timeout 3600s`, or without timeout when permanent. */
export function elementText(t: Target, timeout: number): string {
  return timeout > 0 ? `${t.cidr} timeout ${Math.ceil(timeout)}s` : t.cidr
}

/** Returns the `nft -f` script that creates (or refreshes) our table, sets, chains and rules. */
export function nftInitScript(o: NftOptions = DEFAULT_NFT): string {
  const tbl = `inet ${o.table}`
  const size = o.maxElements > 0 ? ` size ${o.maxElements};` : ''
  const lines = [
    `add table ${tbl}`,
    `add set ${tbl} ${o.sets[4]} { type ipv4_addr; flags interval, timeout;${size} }`,
    `add set ${tbl} ${o.sets[6]} { type ipv6_addr; flags interval, timeout;${size} }`,
    ...HOOKS.map((h) => `add chain ${tbl} ${h} { type filter hook ${h} priority ${priorityText(o.priority)}; policy accept; }`),
    ...HOOKS.map((h) => `flush chain ${tbl} ${h}`),
  ]
  for (const h of HOOKS) {
    for (const [proto, fam] of [['ip', 4], ['ip6', 6]] as const) for (const field of FIELDS[h]) lines.push(`add rule ${tbl} ${h} ${proto} ${field} @${o.sets[fam]} drop`)
  }
  return `${lines.join('\n')}\n`
}

/** Returns an `nft -f` script that recreates the table and sets and adds the given elements (block export). */
export function nftScript(o: NftOptions, elements: readonly { target: Target; timeout: number }[]): string {
  const adds = elements.map((e) => `add element inet ${o.table} ${o.sets[e.target.family]} { ${elementText(e.target, e.timeout)} }`)
  return nftInitScript(o) + adds.map((l) => `${l}\n`).join('')
}

function element(o: NftOptions, verb: 'add' | 'delete', t: Target, text: string): string[] {
  return [verb, 'element', 'inet', o.table, o.sets[t.family], `{ ${text} }`]
}

/** Returns the nftables command plan (pure). */
export function nftPlan(options: NftOptions = DEFAULT_NFT): CommandPlan {
  const o = checkNftOptions(options)
  const table: Command = { argv: ['nft', 'list', 'table', 'inet', o.table] }
  return {
    init: () => [{ run: { argv: ['nft', '-f', '-'], input: nftInitScript(o) } }],
    // add (a no-op when present), delete, add with the new timeout: one transaction (nft reads the
    // words joined, and ';' separates commands), so a renewed block always gets its new timeout.
    block: (t, timeout) => [{ run: { argv: ['nft', ...element(o, 'add', t, t.cidr), ';', ...element(o, 'delete', t, t.cidr), ';', ...element(o, 'add', t, elementText(t, timeout))] } }],
    // add then delete: removing an element the kernel already expired is not an error.
    unblock: (t) => [{ run: { argv: ['nft', ...element(o, 'add', t, t.cidr), ';', ...element(o, 'delete', t, t.cidr)] } }],
    shutdown: (mode) => (mode === 'keep' ? [] : [{ onlyIf: table, run: { argv: ['nft', 'delete', 'table', 'inet', o.table] } }]),
  }
}

/** What `nft -j list table` shows of our table. */
export interface NftView {
  entries: BlockedEntry[]
  problems: string[]
  /** Families whose set is not consulted by every rule it should be (their blocks are not in force). */
  broken: Set<Family>
}

type Json = any

function elementEntry(e: Json, family: Family): BlockedEntry | null {
  const inner = e !== null && typeof e === 'object' && 'elem' in e ? e.elem : null
  const val = inner === null ? e : inner.val
  const text = typeof val === 'string' ? val : val?.prefix !== undefined ? `${val.prefix.addr}/${val.prefix.len}` : null
  if (text === null) return null
  try {
    const t = parseTarget(String(text))
    const expires = inner !== null && typeof inner.expires === 'number' ? inner.expires : null
    return t.family === family ? { target: t.cidr, family, expiresIn: expires } : null
  } catch {
    return null
  }
}

function hasSetRule(rules: Json[], chain: string, proto: string, field: string, set: string): boolean {
  return rules.some((r) => {
    if (r.chain !== chain || !Array.isArray(r.expr)) return false
    const match = r.expr.some((x: Json) => x?.match?.right === `@${set}` && x.match.left?.payload?.protocol === proto && x.match.left.payload.field === field)
    return match && r.expr.some((x: Json) => x !== null && typeof x === 'object' && 'drop' in x)
  })
}

/** Parses `nft -j list table inet <table>` output: the set elements, and what is missing from the table. */
export function parseNftTable(json: string, o: NftOptions = DEFAULT_NFT): NftView {
  const items: Json[] = (JSON.parse(json) as Json)?.nftables ?? []
  const entries: BlockedEntry[] = []
  const problems: string[] = []
  const broken = new Set<Family>()
  const rules = items.filter((i) => i.rule !== undefined).map((i) => i.rule)
  for (const fam of [4, 6] as const) {
    const set = items.find((i) => i.set?.name === o.sets[fam])?.set
    if (set === undefined) problems.push(`nft: set ${o.sets[fam]} is missing from table inet ${o.table}`)
    for (const e of set?.elem ?? []) {
      const entry = elementEntry(e, fam)
      if (entry !== null) entries.push(entry)
    }
  }
  for (const h of HOOKS) {
    const chain = items.find((i) => i.chain?.name === h)?.chain
    if (chain?.hook !== h) {
      problems.push(`nft: base chain ${h} is missing from table inet ${o.table}`)
      broken.add(4).add(6)
      continue
    }
    for (const [proto, fam] of [['ip', 4], ['ip6', 6]] as const) {
      for (const field of FIELDS[h]) {
        if (hasSetRule(rules, h, proto, field, o.sets[fam])) continue
        problems.push(`nft: rule '${proto} ${field} @${o.sets[fam]} drop' is missing from chain ${h}`)
        broken.add(fam)
      }
    }
  }
  return { entries, problems, broken }
}

/** The Blocker over an nftables table of its own. */
export class NftBlocker extends PlanBlocker {
  readonly backend = 'nftables'
  readonly kernelTimeouts = true
  private readonly options: NftOptions

  constructor(runner: Runner, options: NftOptions = DEFAULT_NFT) {
    const checked = checkNftOptions(options)
    super(runner, nftPlan(checked))
    this.options = checked
  }

  private async view(): Promise<NftView> {
    const r = await this.runner.run({ argv: ['nft', '-j', 'list', 'table', 'inet', this.options.table] }, { probe: true })
    if (r.code !== 0) return { entries: [], problems: [`nft: table inet ${this.options.table} does not exist`], broken: new Set([4, 6]) }
    return parseNftTable(r.stdout, this.options)
  }

  async list(): Promise<BlockedEntry[]> {
    return (await this.view()).entries
  }

  async present(targets: readonly string[]): Promise<Presence> {
    const v = await this.view()
    // A block is in force only when every chain and rule that consults its family's set is there.
    return presence(targets, new Set(v.entries.filter((e) => !v.broken.has(e.family)).map((e) => e.target)), v.problems)
  }

}
