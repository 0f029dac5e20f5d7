import { InputError, InternalError } from '../core/errors.js'
import { condEffect } from './cond-effect.js'
import { tableFamilies, type Chain, type Cond, type Family, type Hook, type LogTarget, type Rule, type Table } from './ruleset.js'

// The walk: follow a new packet from outside through every base chain on a hook, in priority
// order, into jumped and goto'd chains and back, and record where it can end (accept, drop, reject)
// and which log rules it passed on the way. One path is followed, not one per branch: a rule whose
// conditions only some packets meet forks off an exit for those packets (a conditional drop) or
// records a log that covers only them, and the walk goes on with the rest. Logs carry the conditions
// under which they fire (`conds`) and those under which packets skipped them by returning early
// (`unless`), so an exit is covered by a log when the exit's packets meet all of the log's
// conditions and none of its `unless` sets.

export interface SeenLog {
  table: Table
  rule: Rule
  log: LogTarget
  conds: Cond[]
  unless: Cond[][]
}

export type End = 'accept' | 'drop' | 'reject' | 'stop'

export interface Exit {
  end: End
  /** Conditions a packet meets to end here: [] for the packet that meets none (the main path). */
  conds: Cond[]
  logs: SeenLog[]
  table: Table
  chain: Chain
  /** null: the policy of `chain` (a base chain) took the packet at its end. */
  rule: Rule | null
}

export interface HookWalk {
  family: Family
  hook: Hook
  /** Base chains walked, in priority order. */
  bases: { table: Table; chain: Chain }[]
  /** Where a packet from outside that matches nothing special ends; null when no base chain exists. */
  main: Exit | null
  /** Every other end, for packets that match some rule's conditions. */
  exits: Exit[]
  /** NFLOG rules on the way: they log to a userspace daemon, not to the kernel log. */
  nflogs: { table: Table; rule: Rule }[]
  warnings: string[]
}

interface PathState {
  conds: Cond[]
  unless: Cond[][]
  logs: SeenLog[]
}

const MAX_DEPTH = 64
const MAX_STEPS = 2_000_000
// Table types whose input/forward base chains decide on packets (iptables tables; nft chain types).
const DECIDING_TYPES = new Set(['filter', 'mangle', 'security'])

/** Returns whether `conds` holds every condition in `sub` (compared by their text). */
export function condsInclude(conds: readonly Cond[], sub: readonly Cond[]): boolean {
  const have = new Set(conds.map((c) => c.text))
  return sub.every((c) => have.has(c.text))
}

/** Returns whether a log fires for every packet that reaches an exit with conditions `conds`. */
export function logCovers(log: SeenLog, conds: readonly Cond[]): boolean {
  return condsInclude(conds, log.conds) && !log.unless.some((u) => condsInclude(conds, u))
}

/** Walks every base chain on `hook` for `family` in `tables`; throws InputError for a ruleset too large to follow. */
export function walkHook(tables: readonly Table[], family: Family, hook: Hook): HookWalk {
  const bases = tables
    .filter((t) => (t.tool === 'iptables' ? (t.family === 'ip6' ? ['ipv6'] : ['ipv4']) : tableFamilies(t.family)).includes(family))
    .flatMap((table) => [...table.chains.values()].filter((c) => c.hook === hook && DECIDING_TYPES.has(c.type ?? '')).map((chain) => ({ table, chain })))
    .sort((a, b) => a.chain.priority - b.chain.priority)
  const walker = new Walker(family, hook)
  const exits: Exit[] = []
  let main: Exit | null = null
  let state: PathState = { conds: [], unless: [], logs: [] }
  for (const { table, chain } of bases) {
    const r = walker.chain(table, chain, state, [chain.name])
    const all = [...r.exits, ...r.returns.map((s): Exit => ({ end: chain.policy === 'drop' ? 'drop' : 'accept', conds: s.conds, logs: s.logs, table, chain, rule: null }))]
    const m = all.find((e) => e.conds.length === 0)
    if (m === undefined) throw new InternalError(`walk of ${table.name} ${chain.name} lost the main path`)
    exits.push(...all.filter((e) => e !== m))
    main = m
    if (m.end !== 'accept') break
    // Accepted by this base chain: the packet meets the next one on the hook, logs and all.
    state = { conds: [], unless: [], logs: m.logs }
  }
  return { family, hook, bases, main, exits, nflogs: walker.nflogs, warnings: walker.warnings }
}

class Walker {
  readonly warnings: string[] = []
  readonly nflogs: { table: Table; rule: Rule }[] = []
  private steps = 0

  constructor(private readonly family: Family, private readonly hook: Hook) {}

  chain(table: Table, chain: Chain, start: PathState, stack: string[]): { exits: Exit[]; returns: PathState[] } {
    const exits: Exit[] = []
    const returns: PathState[] = []
    let cur: PathState | null = start
    for (const rule of chain.rules) {
      if (cur === null) break
      if (++this.steps > MAX_STEPS) throw new InputError(`${table.source}: ruleset too large to follow (over ${MAX_STEPS} rule visits on the ${this.hook} hook)`)
      const narrow: Cond[] = []
      let never = false
      for (const c of rule.conds) {
        const e = condEffect(c, this.hook, this.family)
        if (e === 'never') never = true
        else if (e === 'narrow') narrow.push(c)
      }
      if (never) continue
      const conds: Cond[] = [...cur.conds, ...narrow]
      const conditional = narrow.length > 0
      const a = rule.action
      switch (a.kind) {
        case 'log':
          cur = { ...cur, logs: [...cur.logs, { table, rule, log: a.log, conds, unless: cur.unless }] }
          break
        case 'nflog':
          this.nflogs.push({ table, rule })
          break
        case 'continue':
          break
        case 'accept':
        case 'drop':
        case 'reject':
        case 'stop':
          exits.push({ end: a.kind, conds, logs: cur.logs, table, chain, rule })
          if (!conditional) cur = null
          break
        case 'return':
          returns.push({ ...cur, conds })
          cur = conditional ? { ...cur, unless: [...cur.unless, conds] } : null
          break
        case 'jump':
        case 'goto': {
          const target = table.chains.get(a.target)
          if (target === undefined) {
            this.warnings.push(`${table.name} ${chain.name}: rule ${rule.position} jumps to '${a.target}', which the table does not have; ignored`)
            break
          }
          if (stack.includes(target.name) || stack.length >= MAX_DEPTH) {
            this.warnings.push(`${table.name} ${chain.name}: rule ${rule.position} jumps to '${a.target}' in a loop or too deep; not followed`)
            break
          }
          const sub = this.chain(table, target, { conds, unless: cur.unless, logs: cur.logs }, [...stack, target.name])
          exits.push(...sub.exits)
          if (a.kind === 'goto') {
            // Packets that come back from a goto'd chain return to our caller, skipping our later rules.
            returns.push(...sub.returns)
            cur = !conditional ? null : sub.returns.length > 0 ? { ...cur, unless: [...cur.unless, conds] } : cur
          } else if (sub.returns.length > 0) {
            cur = { ...cur, logs: mergeLogs(cur.logs, sub.returns) }
          } else if (!conditional) {
            cur = null
          }
          break
        }
      }
    }
    if (cur !== null) returns.push(cur)
    return { exits, returns }
  }
}

function mergeLogs(base: SeenLog[], returned: readonly PathState[]): SeenLog[] {
  const seen = new Set(base)
  const out = [...base]
  for (const r of returned) {
    for (const l of r.logs) {
      if (!seen.has(l)) {
        seen.add(l)
        out.push(l)
      }
    }
  }
  return out
}
