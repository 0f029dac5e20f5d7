import { InputError } from '../core/errors.js'
import { NON_TERMINAL, STOP } from './iptables-rule.js'
import { matchCond, renderExpr, type Rendered } from './nft-expr.js'
import type { Action, Chain, Cond, LogTarget, Rule, RulesetSource, Table } from './ruleset.js'

// `nft -j list ruleset` (libnftables-json(5)): {"nftables": [{"metainfo"}, {"table"}, {"chain"},
// {"rule": {family, table, chain, handle, expr: [...]}}, …]}. A rule's statements run in order:
// matches (and `limit`) gate what follows them, so `log prefix "x" drop` becomes two model rules
// (a log and a drop) under the same conditions. Rules that iptables-nft made carry `xt` statements
// whose details nft does not print ({"xt": {"type": "target", "name": "LOG"}}).

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type Obj = { [k: string]: Json }
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A model rule from one nft rule, with the nft text of its conditions (for suggestions). */
export interface NftRule extends Rule {
  /** nft syntax of the conditions before this statement; null when a part cannot be rendered. */
  condsNft: string | null
}

/** Parses `nft -j list ruleset` output; throws InputError when it is not that JSON. `warnings` collects what was skipped. */
export function parseNftJson(text: string, name: string, warnings: string[] = []): RulesetSource {
  let doc: Json
  try {
    doc = JSON.parse(text) as Json
  } catch (err) {
    throw new InputError(`${name}: not valid JSON: ${(err as Error).message}`)
  }
  const items = isObj(doc) ? doc.nftables : undefined
  if (!Array.isArray(items)) throw new InputError(`${name}: JSON without an "nftables" array: not nft -j list ruleset output`)
  const tables = new Map<string, Table>()
  const key = (family: Json | undefined, table: Json | undefined): string => `${String(family)}\u0000${String(table)}`
  const tableOf = (o: Obj, what: string): Table => {
    const t = tables.get(key(o.family, o.table))
    if (t === undefined) throw new InputError(`${name}: ${what} of table ${String(o.family)} ${String(o.table)}, which is not listed before it`)
    return t
  }
  for (const item of items) {
    if (!isObj(item)) continue
    if (isObj(item.table)) {
      const t = item.table
      tables.set(key(t.family, t.name), { tool: 'nftables', family: String(t.family), name: String(t.name), chains: new Map(), iptablesNft: false, source: name })
    } else if (isObj(item.chain)) {
      const c = item.chain
      const hook = typeof c.hook === 'string' ? c.hook : null
      tableOf(c, `chain ${String(c.name)}`).chains.set(String(c.name), {
        name: String(c.name), hook, type: typeof c.type === 'string' ? c.type : null,
        priority: typeof c.prio === 'number' ? c.prio : 0,
        policy: hook === null ? null : c.policy === 'drop' ? 'drop' : 'accept', rules: [],
      })
    } else if (isObj(item.rule)) {
      const r = item.rule
      const table = tableOf(r, `rule ${String(r.handle)}`)
      const chain: Chain | undefined = table.chains.get(String(r.chain))
      if (chain === undefined) throw new InputError(`${name}: rule ${String(r.handle)} of chain ${String(r.chain)}, which is not listed before it`)
      const position = new Set(chain.rules.map((x) => x.handle)).size + 1
      const exprs = Array.isArray(r.expr) ? r.expr : []
      if (exprs.some((e) => isObj(e) && 'xt' in e)) table.iptablesNft = true
      chain.rules.push(...ruleSteps(exprs, chain.name, position, typeof r.handle === 'number' ? r.handle : null, `${table.family} ${table.name} ${chain.name}`, warnings))
    }
  }
  return { tool: 'nftables', families: ['ipv4', 'ipv6'], backend: null, name, tables: [...tables.values()] }
}

/** Splits one nft rule's statements into model rules (one per log/verdict statement). */
function ruleSteps(exprs: Json[], chain: string, position: number, handle: number | null, where: string, warnings: string[]): NftRule[] {
  const out: NftRule[] = []
  const conds: Cond[] = []
  const condTexts: Rendered[] = []
  const text = exprs.map((e) => statementText(e)).filter((t) => t !== '').join(' ')
  const step = (action: Action, extra: { cond: Cond; rendered: Rendered }[] = []): void => {
    const all = [...condTexts, ...extra.map((x) => x.rendered)]
    out.push({
      chain, position, handle, conds: [...conds, ...extra.map((x) => x.cond)], action, matchArgv: null, text,
      condsNft: all.every((r) => r.ok) ? all.map((r) => r.text).join(' ') : null,
    })
  }
  for (const e of exprs) {
    if (!isObj(e)) continue
    const [k, v] = Object.entries(e)[0] ?? ['', null]
    const o = isObj(v) ? v : {}
    switch (k) {
      case 'match': {
        const m = matchCond(o)
        conds.push(m.cond)
        condTexts.push(m.rendered)
        break
      }
      case 'limit': {
        const t = `limit rate ${o.inv === true ? 'over ' : ''}${String(o.rate)}/${String(o.per)}`
        conds.push({ kind: o.inv === true ? 'other' : 'rate', text: t, negated: false, values: [] })
        condTexts.push({ text: t, ok: o.inv !== true && (o.rate_unit === undefined || o.rate_unit === 'packets') })
        break
      }
      case 'quota':
        conds.push({ kind: 'other', text: `quota ${JSON.stringify(v)}`, negated: false, values: [] })
        condTexts.push({ text: '', ok: false })
        break
      case 'log':
        step(logAction(o))
        break
      case 'accept': case 'drop': case 'reject': case 'return': case 'continue':
        step({ kind: k === 'continue' ? 'continue' : k })
        break
      case 'jump': case 'goto':
        step({ kind: k, target: String(o.target) })
        break
      case 'queue':
        step({ kind: 'stop', what: 'queue' })
        break
      case 'vmap': {
        const data = isObj(o.data) ? o.data.set : o.data
        if (!Array.isArray(data)) {
          warnings.push(`${where}: rule ${String(handle)}: verdict map ${renderExpr(o.data).text} not examined`)
          break
        }
        for (const pair of data) {
          if (!Array.isArray(pair) || pair.length !== 2) continue
          const m = matchCond({ op: '==', left: o.key ?? null, right: pair[0] ?? null })
          const verdict = pair[1]
          const [vk, vv] = isObj(verdict) ? (Object.entries(verdict)[0] ?? ['', null]) : ['', null]
          if (vk === 'jump' || vk === 'goto') step({ kind: vk, target: String(isObj(vv) ? vv.target : '') }, [m])
          else if (vk === 'accept' || vk === 'drop' || vk === 'return' || vk === 'continue') step({ kind: vk }, [m])
        }
        break
      }
      case 'xt': {
        const xtName = String(o.name)
        if (o.type === 'match') {
          const kind = xtName === 'comment' ? 'inert' : xtName === 'limit' || xtName === 'hashlimit' ? 'rate' : 'other'
          conds.push({ kind, text: `xt match ${xtName}`, negated: false, values: [] })
          condTexts.push({ text: '', ok: false })
        } else if (o.type === 'target') step(xtTarget(xtName))
        break
      }
    }
  }
  return out
}

function logAction(o: Obj): Action {
  if (typeof o.group === 'number') return { kind: 'nflog', group: o.group }
  const flags = Array.isArray(o.flags) ? o.flags.map(String) : typeof o.flags === 'string' ? [o.flags] : []
  const all = flags.includes('all')
  const log: LogTarget = {
    prefix: typeof o.prefix === 'string' ? o.prefix : '',
    tcpOptions: all || flags.includes('tcp options'),
    ipOptions: all || flags.includes('ip options'),
    level: typeof o.level === 'string' ? o.level : null,
  }
  return { kind: 'log', log }
}

function xtTarget(name: string): Action {
  if (name === 'LOG') return { kind: 'log', log: { prefix: null, tcpOptions: null, ipOptions: null, level: null } }
  if (name === 'REJECT') return { kind: 'reject' }
  if (name === 'NFLOG') return { kind: 'nflog', group: null }
  if (NON_TERMINAL.has(name)) return { kind: 'continue' }
  if (STOP.has(name)) return { kind: 'stop', what: name }
  return { kind: 'continue' }
}

function statementText(e: Json): string {
  if (!isObj(e)) return ''
  const [k, v] = Object.entries(e)[0] ?? ['', null]
  const o = isObj(v) ? v : {}
  switch (k) {
    case 'match': return matchCond(o).rendered.text
    case 'counter': return 'counter'
    case 'limit': return `limit rate ${o.inv === true ? 'over ' : ''}${String(o.rate)}/${String(o.per)}`
    case 'log': {
      const parts = ['log']
      if (typeof o.prefix === 'string') parts.push(`prefix ${JSON.stringify(o.prefix)}`)
      if (typeof o.group === 'number') parts.push(`group ${o.group}`)
      const flags = Array.isArray(o.flags) ? o.flags.map(String) : typeof o.flags === 'string' ? [o.flags] : []
      for (const f of flags) parts.push(`flags ${f}`)
      return parts.join(' ')
    }
    case 'jump': case 'goto': return `${k} ${String(o.target)}`
    case 'xt': return `xt ${String(o.type)} ${String(o.name)}`
    case 'vmap': return `${renderExpr(o.key).text} vmap ${renderExpr(o.data).text}`
    default: return v === null ? k : `${k} …`
  }
}
