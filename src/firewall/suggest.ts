import { shellLine } from './command-line.js'
import type { Exit, HookWalk, SeenLog } from './coverage.js'
import type { NftRule } from './nft-json.js'
import type { Family, Hook, Table, Tool } from './ruleset.js'
import { toolkitsOf } from './toolkit.js'
import { placeOf, tableLabel, type Judgement } from './verdict.js'

// The rules to add, as argv arrays: a LOG rule right before the drop (or at the end of the chain
// whose policy drops), with TCP and IP options for OS fingerprinting; the firewall manager's own
// switch first where one exists. iptables-nft tables get iptables commands even when only nft's view
// of them was read (nft warns not to touch them).

export interface Suggestion {
  argv: string[]
  /** The same command as a shell line. */
  command: string
  why: string
}

export interface SuggestContext {
  /** Log prefix for new rules (matches FW_MSG_SEARCH when FW_SEARCH_ALL is N). */
  prefix: string
  /** The tool for a hook with no base chain at all: iptables when its view was read. */
  fallbackTool: Tool
}

const NFT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/
const MAX_DROP_SUGGESTIONS = 5

const suggestion = (argv: string[], why: string): Suggestion => ({ argv, command: shellLine(argv), why })
const iptablesBin = (f: Family): string => (f === 'ipv6' ? 'ip6tables' : 'iptables')
const tableArgs = (t: Table): string[] => (t.name === 'filter' ? [] : ['-t', t.name])
const logArgs = (prefix: string): string[] => ['-j', 'LOG', '--log-prefix', prefix, '--log-tcp-options', '--log-ip-options']
const nftLog = (prefix: string): string[] => ['log', 'prefix', JSON.stringify(prefix), 'flags', 'tcp', 'options', 'flags', 'ip', 'options']
// Where packets are accepted rather than dropped, logging all of them would log every reply and
// every local packet: only what is not part of a known connection, from outside, is logged there.
const NOT_ESTABLISHED = ['!', '-i', 'lo', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED']
const NFT_NOT_ESTABLISHED = ['iifname', '!=', '"lo"', 'ct', 'state', '!=', 'established,related']
const ACCEPTED_NOTE = ' (new and invalid packets from outside only: replies and loopback pass unlogged)'
const usesIptables = (t: Table): boolean => t.tool === 'iptables' || t.iptablesNft
const policyWord = (e: Exit): string => (e.end === 'accept' ? 'accepts' : 'drops')

/** Returns the commands that would make the hook's drops logged (none when they already are). */
export function suggestFixes(w: HookWalk, j: Judgement, ctx: SuggestContext): Suggestion[] {
  const m = w.main
  if (m === null) return noChain(w.family, w.hook, ctx)
  if (j.verdict === 'logged') return optionFixes(w.family, j.covering)
  const out: Suggestion[] = []
  const kits = toolkitsOf(m.table)
  if (kits.includes('ufw')) out.push(suggestion(['ufw', 'logging', 'on'], 'ufw then logs the packets it blocks (rate-limited, prefix "[UFW BLOCK] "); raw rules below are lost on the next ufw reload'))
  if (kits.includes('firewalld')) out.push(suggestion(['firewall-cmd', '--set-log-denied=all'], 'firewalld then logs every packet it rejects or drops; raw rules below are lost on the next firewall-cmd --reload'))
  const isDrop = m.end !== 'accept'
  const targets = isDrop || j.unlogged.length === 0 ? [m] : j.unlogged.slice(0, MAX_DROP_SUGGESTIONS)
  for (const e of targets) {
    const s = logBefore(w.family, e, ctx.prefix)
    if (s !== null) out.push(s)
  }
  if (w.hook === 'forward' && kits.includes('docker') && m.rule === null) {
    const last = out[out.length - 1]
    if (last !== undefined) last.why += '; Docker inserts its rules above it, so it stays last (save it with your firewall persistence)'
  }
  return out
}

/** A log rule placed right before where the exit's packets end. */
function logBefore(family: Family, e: Exit, prefix: string): Suggestion | null {
  const t = e.table
  const where = placeOf(e)
  const accepted = e.end === 'accept'
  const note = accepted ? ACCEPTED_NOTE : ''
  if (usesIptables(t)) {
    const bin = [iptablesBin(family), ...tableArgs(t)]
    const only = accepted ? NOT_ESTABLISHED : []
    if (e.rule === null) return suggestion([...bin, '-A', e.chain.name, ...only, ...logArgs(prefix)], `logs what reaches the end of ${tableLabel(t)} ${e.chain.name}, where its policy ${policyWord(e)} it${note}`)
    return suggestion([...bin, '-I', e.chain.name, String(e.rule.position), ...(e.rule.matchArgv ?? []), ...only, ...logArgs(prefix)], `logs right before ${where}${note}`)
  }
  if (!NFT_NAME.test(t.name) || !NFT_NAME.test(e.chain.name)) return null
  const base = [t.family, t.name, e.chain.name]
  const only = accepted ? NFT_NOT_ESTABLISHED : []
  if (e.rule === null) return suggestion(['nft', 'add', 'rule', ...base, ...only, ...nftLog(prefix)], `logs what reaches the end of ${tableLabel(t)} ${e.chain.name}, where its policy ${policyWord(e)} it${note}`)
  const conds = (e.rule as NftRule).condsNft
  // A drop of only some packets needs its conditions on the log, or the log would fire for all.
  if (conds === null && e.conds.length > 0) return null
  const condArgs = conds === null || conds === '' ? [] : conds.split(' ')
  const lost = conds === null ? '; the drop rule\'s own conditions could not be copied' : ''
  return suggestion(['nft', 'insert', 'rule', ...base, 'position', String(e.rule.handle), ...condArgs, ...only, ...nftLog(prefix)], `logs right before ${where}${lost}${note}`)
}

/** Replaces a log rule that lacks TCP or IP options with one that has them. */
function optionFixes(family: Family, l: SeenLog | null): Suggestion[] {
  if (l === null || l.log.tcpOptions === null || (l.log.tcpOptions && l.log.ipOptions === true)) return []
  const t = l.table
  const r = l.rule
  const kits = toolkitsOf(t)
  const managed = kits.includes('ufw') ? '; lost on the next ufw reload' : kits.includes('firewalld') ? '; lost on the next firewall-cmd --reload' : ''
  const why = `adds TCP and IP options to the ${t.tool === 'iptables' ? 'LOG' : 'log'} rule at ${tableLabel(t)} ${r.chain} rule ${r.position} (p0f OS fingerprinting needs TCP options)${managed}`
  if (t.tool === 'iptables') {
    const keep = [...(l.log.prefix ? ['--log-prefix', l.log.prefix] : []), ...(l.log.level !== null ? ['--log-level', l.log.level] : [])]
    return [suggestion([iptablesBin(family), ...tableArgs(t), '-R', r.chain, String(r.position), ...(r.matchArgv ?? []), '-j', 'LOG', ...keep, '--log-tcp-options', '--log-ip-options'], why)]
  }
  const chain = t.chains.get(r.chain)
  const conds = (r as NftRule).condsNft
  // Only a rule that does nothing but log can be replaced without losing a verdict.
  if (chain === undefined || conds === null || chain.rules.filter((x) => x.handle === r.handle).length !== 1 || !NFT_NAME.test(t.name) || !NFT_NAME.test(r.chain)) return []
  const keep = [...(l.log.prefix ? ['prefix', JSON.stringify(l.log.prefix)] : []), ...(l.log.level !== null ? ['level', l.log.level] : [])]
  return [suggestion(['nft', 'replace', 'rule', t.family, t.name, r.chain, 'handle', String(r.handle), ...(conds === '' ? [] : conds.split(' ')), 'log', ...keep, 'flags', 'all'], why)]
}

/** No base chain on the hook: create the logging where the packets pass. */
function noChain(family: Family, hook: Hook, ctx: SuggestContext): Suggestion[] {
  if (ctx.fallbackTool === 'iptables') {
    return [suggestion([iptablesBin(family), '-A', hook === 'input' ? 'INPUT' : 'FORWARD', ...NOT_ESTABLISHED, ...logArgs(ctx.prefix)], `logs ${family === 'ipv6' ? 'IPv6 ' : ''}packets on the ${hook} hook (nothing drops them yet)${ACCEPTED_NOTE}`)]
  }
  const fam = family === 'ipv6' ? 'ip6' : 'ip'
  return [
    suggestion(['nft', 'add', 'table', fam, 'filter'], 'a table for the chain below (no-op when it exists)'),
    suggestion(['nft', 'add', 'chain', fam, 'filter', hook, `{ type filter hook ${hook} priority 0; policy accept; }`], `a base chain on the ${hook} hook that accepts everything`),
    suggestion(['nft', 'add', 'rule', fam, 'filter', hook, ...NFT_NOT_ESTABLISHED, ...nftLog(ctx.prefix)], `logs packets on the ${hook} hook (nothing drops them yet)${ACCEPTED_NOTE}`),
  ]
}

/** Returns the log prefix for suggested rules: "DROP " unless FW_MSG_SEARCH needs another word. */
export function choosePrefix(searchAll: boolean, search: readonly string[]): string {
  if (searchAll || search.length === 0) return 'DROP '
  const patterns = search.map((s) => new RegExp(s))
  const candidates = ['DROP ', ...search.filter((s) => /^[A-Za-z0-9 _:\-[\]]+$/.test(s) && !/[[\]]/.test(s)).map((s) => `${s.trim().slice(0, 27)} `)]
  return candidates.find((c) => patterns.some((re) => re.test(c))) ?? 'DROP '
}
