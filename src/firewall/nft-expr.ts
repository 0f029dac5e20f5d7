import type { Cond, Family } from './ruleset.js'

// Expressions of `nft -j list ruleset` (libnftables-json(5)): the left and right sides of a
// `{"match": {"op", "left", "right"}}`, turned into conditions and back into nft syntax (for
// descriptions and for the rules fw-check suggests). A shape we do not know is rendered as compact
// JSON and marked not renderable, so it never ends up in a command line.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type Obj = { [k: string]: Json }

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** nft text of an expression, and whether it is faithful enough to be put into a command. */
export interface Rendered {
  text: string
  ok: boolean
}

// Meta keys nft prints without the `meta` keyword.
const BARE_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'mark', 'skuid', 'skgid', 'iiftype', 'oiftype'])
const NFT_WORD = /^[A-Za-z0-9_.:/-]+$/

/** Renders an expression (either side of a match) in nft syntax. */
export function renderExpr(e: Json | undefined): Rendered {
  if (typeof e === 'number' || typeof e === 'boolean') return { text: String(e), ok: true }
  if (typeof e === 'string') {
    if (e.startsWith('@')) return { text: e, ok: NFT_WORD.test(e.slice(1)) }
    return NFT_WORD.test(e) ? { text: e, ok: true } : { text: JSON.stringify(e), ok: !/["\\\n]/.test(e) }
  }
  if (Array.isArray(e)) return join(e.map(renderExpr), ',')
  if (!isObj(e)) return { text: 'null', ok: false }
  const [key, val] = Object.entries(e)[0] ?? ['', null]
  const o = isObj(val) ? val : {}
  switch (key) {
    case 'payload':
      return typeof o.protocol === 'string' ? { text: `${o.protocol} ${String(o.field)}`, ok: true } : { text: JSON.stringify(e), ok: false }
    case 'meta':
      return { text: BARE_META.has(String(o.key)) ? String(o.key) : `meta ${String(o.key)}`, ok: true }
    case 'ct':
      return { text: `ct ${o.dir !== undefined ? `${String(o.dir)} ` : ''}${String(o.key)}`, ok: true }
    case 'fib': {
      const flags = Array.isArray(o.flags) ? o.flags : [o.flags]
      return { text: `fib ${flags.map(String).join(' . ')} ${String(o.result)}`, ok: true }
    }
    case 'set': {
      const items = (Array.isArray(val) ? val : [val]).map(renderExpr)
      const r = join(items, ', ')
      return { text: `{ ${r.text} }`, ok: r.ok }
    }
    case 'prefix':
      return { text: `${String(o.addr)}/${String(o.len)}`, ok: true }
    case 'range': {
      const r = join((Array.isArray(val) ? val : []).map(renderExpr), '-')
      return r
    }
    case '&':
    case '|': {
      const parts = (Array.isArray(val) ? val : []).map((p) => (Array.isArray(p) ? { text: `(${p.map((x) => renderExpr(x).text).join('|')})`, ok: true } : renderExpr(p)))
      return join(parts, ` ${key} `)
    }
  }
  return { text: JSON.stringify(e), ok: false }
}

function join(parts: Rendered[], sep: string): Rendered {
  return { text: parts.map((p) => p.text).join(sep), ok: parts.every((p) => p.ok) }
}

const flatValues = (r: Json | undefined): string[] => {
  if (Array.isArray(r)) return r.flatMap(flatValues)
  if (isObj(r) && 'set' in r) return flatValues(r.set)
  // `ct state != established | related` is a bitwise or of flags.
  if (isObj(r) && '|' in r) return flatValues(r['|'])
  return typeof r === 'string' || typeof r === 'number' ? [String(r).toLowerCase()] : []
}

const PAYLOAD_FAMILY: Record<string, Family> = { ip: 'ipv4', icmp: 'ipv4', ip6: 'ipv6', icmpv6: 'ipv6' }

/** Returns the condition an nft `match` object expresses, and its rendering. */
export function matchCond(m: Obj): { cond: Cond; rendered: Rendered } {
  const op = typeof m.op === 'string' ? m.op : '=='
  const left = renderExpr(m.left)
  const l = isObj(m.left) ? m.left : {}
  const meta = isObj(l.meta) ? String(l.meta.key) : null
  // Interface names are strings to nft, not symbols: quoted, as nft prints them.
  const right = (meta === 'iifname' || meta === 'oifname') && typeof m.right === 'string' ? { text: JSON.stringify(m.right), ok: !/["\\\n]/.test(m.right) } : renderExpr(m.right)
  // `in` is a flag test (ct state established,related); nft prints `==` as nothing.
  const shownOp = op === '==' || op === 'in' ? '' : `${op} `
  const rendered: Rendered = { text: `${left.text} ${shownOp}${right.text}`, ok: left.ok && right.ok }
  const negated = op === '!='
  const values = flatValues(m.right)
  const base = { text: rendered.text, negated, values }
  const payload = isObj(l.payload) ? l.payload : null
  if (meta === 'iifname' || meta === 'iif') return { cond: { ...base, kind: 'iface-in' }, rendered }
  if (meta === 'oifname' || meta === 'oif') return { cond: { ...base, kind: 'iface-out' }, rendered }
  if (meta === 'l4proto') return { cond: { ...base, kind: 'proto', text: !negated && values.length === 1 ? values[0]! : rendered.text }, rendered }
  if (meta === 'pkttype') return { cond: { ...base, kind: 'pkttype' }, rendered }
  if (meta === 'nfproto') {
    const fams = values.filter((v): v is Family => v === 'ipv4' || v === 'ipv6')
    const only = fams.length === 1 ? fams[0]! : null
    if (only === null) return { cond: { ...base, kind: 'inert' }, rendered }
    const family: Family = negated ? (only === 'ipv4' ? 'ipv6' : 'ipv4') : only
    return { cond: { ...base, kind: 'family', family }, rendered }
  }
  if (isObj(l.ct) && l.ct.key === 'state') return { cond: { ...base, kind: 'ctstate' }, rendered }
  if (isObj(l.fib) && l.fib.result === 'type') return { cond: { ...base, kind: 'dsttype' }, rendered }
  if (payload !== null) {
    const family = PAYLOAD_FAMILY[String(payload.protocol)]
    const isProto = (payload.protocol === 'ip' && payload.field === 'protocol') || (payload.protocol === 'ip6' && payload.field === 'nexthdr')
    const kind = isProto ? 'proto' : 'other'
    const text = isProto && !negated && values.length === 1 ? values[0]! : rendered.text
    return { cond: { ...base, kind, text, ...(family ? { family } : {}) }, rendered }
  }
  return { cond: { ...base, kind: 'other' }, rendered }
}
