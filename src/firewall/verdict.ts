import { logCovers, type Exit, type HookWalk, type SeenLog } from './coverage.js'
import { describeConds, type Table } from './ruleset.js'

// From a walk to a verdict: is the packet from outside that the firewall drops logged on its way
// to the drop, and is what is logged something portsleuth will read (FW_SEARCH_ALL / FW_MSG_SEARCH)?

export type Verdict = 'logged' | 'partial' | 'not-logged' | 'no-drop'

/** Which log prefixes portsleuth reads: all (FW_SEARCH_ALL Y) or those matching FW_MSG_SEARCH. */
export interface LogPolicy {
  searchAll: boolean
  /** FW_MSG_SEARCH as given (regular expressions). */
  search: readonly string[]
}

export interface Judgement {
  verdict: Verdict
  /** One line: `logged`, `partially logged (only tcp dport 22)`, … */
  label: string
  detail: string
  /** The log that covers the main drop (for the TCP/IP options check). */
  covering: SeenLog | null
  /** Drops of some packets that no log covers (besides the main one). */
  unlogged: Exit[]
}

/** Returns `filter` for iptables tables and `inet filter` for nft ones. */
export function tableLabel(t: Table): string {
  return t.tool === 'iptables' ? t.name : `${t.family} ${t.name}`
}

/** Returns where an exit is: `filter INPUT rule 8` or `policy DROP of filter INPUT`. */
export function placeOf(e: Exit): string {
  if (e.rule === null) return `policy ${e.end === 'drop' ? 'DROP' : 'ACCEPT'} of ${tableLabel(e.table)} ${e.chain.name}`
  return `${tableLabel(e.table)} ${e.chain.name} rule ${e.rule.position}`
}

/** Returns `LOG "[UFW BLOCK] " (filter ufw-after-logging-input rule 1)`. */
export function logLabel(l: SeenLog): string {
  const what = l.table.tool === 'iptables' ? 'LOG' : l.log.prefix === null ? 'xt LOG' : 'log'
  const prefix = l.log.prefix === null ? '' : l.log.prefix === '' ? ' (no prefix)' : ` ${JSON.stringify(l.log.prefix)}`
  return `${what}${prefix} at ${tableLabel(l.table)} ${l.rule.chain} rule ${l.rule.position}`
}

/** Returns whether portsleuth reads lines this log writes (an unknown xt prefix counts as read). */
export function readable(l: SeenLog, p: LogPolicy): boolean {
  if (p.searchAll || l.log.prefix === null) return true
  const patterns = p.search.length > 0 ? p.search : ['DROP']
  return patterns.some((s) => new RegExp(s).test(l.log.prefix!))
}

const isDrop = (e: Exit): boolean => e.end === 'drop' || e.end === 'reject' || e.end === 'stop'
const endWord = (e: Exit): string => (e.end === 'reject' ? 'rejected' : e.end === 'stop' ? 'queued' : 'dropped')

/** Judges one walked hook. */
export function judge(w: HookWalk, p: LogPolicy): Judgement {
  const drops = w.exits.filter(isDrop)
  const unlogged = drops.filter((e) => !e.logs.some((l) => readable(l, p) && logCovers(l, e.conds)))
  const m = w.main
  if (m === null) return { verdict: 'no-drop', label: 'no drop at all (no filter chain on this hook)', detail: 'no base chain filters this hook: every packet is accepted, and nothing is logged', covering: null, unlogged }
  const covering = m.logs.find((l) => readable(l, p) && logCovers(l, [])) ?? null
  const unread = m.logs.find((l) => !readable(l, p) && logCovers(l, [])) ?? null
  const partial = m.logs.filter((l) => readable(l, p) && !logCovers(l, []))
  const only = [...new Set(partial.map((l) => describeConds(l.conds)))].join(' or ')
  const where = placeOf(m)
  const unreadNote = unread === null ? '' : `; ${logLabel(unread)} logs it, but its prefix does not match FW_MSG_SEARCH (${p.search.join(', ') || 'DROP'}) and FW_SEARCH_ALL is N, so portsleuth skips those lines`
  if (isDrop(m)) {
    if (covering !== null) return { verdict: 'logged', label: 'logged', detail: `${endWord(m)} by ${where}; logged by ${logLabel(covering)}`, covering, unlogged }
    if (partial.length > 0) {
      return { verdict: 'partial', label: `partially logged (only ${only})`, detail: `${endWord(m)} by ${where}; only ${only} is logged first (${logLabel(partial[0]!)})${unreadNote}`, covering: null, unlogged }
    }
    return { verdict: 'not-logged', label: 'not logged', detail: `${endWord(m)} by ${where} with no log rule on the way${unreadNote}`, covering: null, unlogged }
  }
  // The main path is accepted: fine when it is logged, else judge the drops some packets meet.
  if (covering !== null) return { verdict: 'logged', label: 'logged', detail: `accepted by ${where}, after ${logLabel(covering)} logs it`, covering, unlogged }
  if (drops.length === 0) {
    const how = m.rule === null ? 'policy ACCEPT, nothing dropped' : `accepted by ${where}, nothing dropped`
    return { verdict: 'no-drop', label: `no drop at all (${how})`, detail: `packets from outside are accepted by ${where} and no rule drops any; nothing is logged`, covering: null, unlogged }
  }
  const what = [...new Set(unlogged.map((e) => describeConds(e.conds)))].join(' or ')
  if (unlogged.length === 0) return { verdict: 'logged', label: 'logged', detail: `accepted by ${where}; every drop on the way (${drops.length}) is logged`, covering: null, unlogged }
  if (unlogged.length === drops.length) return { verdict: 'not-logged', label: 'not logged', detail: `accepted by ${where}; the rules that drop some packets (${what}) do not log them`, covering: null, unlogged }
  return { verdict: 'partial', label: `partially logged (not ${what})`, detail: `accepted by ${where}; drops of ${what} are not logged`, covering: null, unlogged }
}
