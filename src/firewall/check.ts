import { UsageError } from '../core/errors.js'
import { walkHook, type HookWalk } from './coverage.js'
import { readLiveRuleset, type LiveDeps } from './live.js'
import { parseRulesFile } from './rules-file.js'
import { describeConds, type Family, type Hook, type RulesetSource, type Tool } from './ruleset.js'
import { choosePrefix, suggestFixes, type Suggestion } from './suggest.js'
import { toolkitsOf } from './toolkit.js'
import { judge, logLabel, placeOf, tableLabel, type Judgement, type LogPolicy, type Verdict } from './verdict.js'
import { combineSources, coveredFamilies } from './views.js'

// fw-check's core: read the ruleset (live or saved), walk input (and forward when forwarding is on)
// for IPv4 and IPv6, judge each, and suggest the rules to add. Everything outside (commands, files,
// /proc) comes in through `deps`, so tests run it on fixtures.

export interface FwCheckRequest {
  /** Saved rulesets; empty: read the live ruleset. '-' is standard input. */
  rulesFiles: readonly string[]
  /** --family: which family iptables-save files hold (null: tell from their content). */
  family: Family | null
  /** --forwarding: check the forward hook (null: when the kernel forwards). */
  forwarding: boolean | null
  logPolicy: LogPolicy
  /** ENABLE_IPV6_DETECTION: IPv6 is not checked when portsleuth ignores IPv6. */
  ipv6: boolean
}

export interface FwCheckDeps extends LiveDeps {
  /** Reads a rules file ('-' = standard input); throws InputError. */
  readRules: (file: string) => Promise<string>
  /** Whether the kernel forwards `family` (ip_forward); null when unknown. */
  forwarding: (family: Family) => Promise<boolean | null>
}

export interface FwCheck {
  family: Family
  hook: Hook
  /** Whose rules decide: the table where the packet from outside ends (null: no base chain). */
  source: Tool | null
  table: string | null
  chain: string | null
  verdict: Verdict
  label: string
  detail: string
  suggestions: Suggestion[]
  /** Other drops (of packets meeting some rule's conditions) that nothing logs. */
  unlogged: string[]
}

export interface FwCheckReport {
  ok: boolean
  checks: FwCheck[]
  warnings: string[]
  /** What was not checked and why, what was read. */
  notes: string[]
}

const FAMILY_LABEL: Record<Family, string> = { ipv4: 'IPv4', ipv6: 'IPv6' }

/** Runs the check; throws InputError (unreadable input), FirewallError (a command failed). */
export async function checkFirewall(req: FwCheckRequest, deps: FwCheckDeps): Promise<FwCheckReport> {
  if (req.family !== null && req.rulesFiles.length === 0) throw new UsageError('--family tells the family of --rules files; the live ruleset needs none')
  const warnings: string[] = []
  const notes: string[] = []
  const sources = req.rulesFiles.length === 0 ? await readLiveRuleset(deps, notes) : await readFiles(req, deps, warnings)
  const tables = combineSources(sources)
  let families = coveredFamilies(sources)
  if (!req.ipv6 && families.includes('ipv6')) {
    families = families.filter((f) => f !== 'ipv6')
    notes.push('IPv6 not checked: ENABLE_IPV6_DETECTION is N, so portsleuth ignores IPv6 lines')
  }
  const prefix = choosePrefix(req.logPolicy.searchAll, req.logPolicy.search)
  const fallbackTool: Tool = sources.some((s) => s.tool === 'iptables') || tables.some((t) => t.iptablesNft) ? 'iptables' : 'nftables'
  for (const t of tables) {
    if (t.iptablesNft) notes.push(`${t.family} ${t.name} (from ${t.source}) is iptables-nft's: nft shows its matches and LOG targets as opaque xt statements, so its check is approximate; give iptables-save output too (or check the live ruleset)`)
  }
  const checks: FwCheck[] = []
  for (const family of families) {
    const fwd = req.forwarding ?? (await deps.forwarding(family))
    if (fwd !== true) notes.push(`${FAMILY_LABEL[family]} forward not checked: ${fwd === null ? 'cannot tell whether the kernel forwards' : 'forwarding is off'} (--forwarding yes checks it)`)
    for (const hook of fwd === true ? (['input', 'forward'] as const) : (['input'] as const)) {
      const w = walkHook(tables, family, hook)
      const j = judge(w, req.logPolicy)
      checks.push(toCheck(w, j, suggestFixes(w, j, { prefix, fallbackTool })))
      warnings.push(...w.warnings.map((x) => `${FAMILY_LABEL[family]} ${hook}: ${x}`), ...hookWarnings(w, j))
    }
  }
  return { ok: checks.every((c) => c.verdict === 'logged'), checks, warnings: [...new Set(warnings)], notes }
}

async function readFiles(req: FwCheckRequest, deps: FwCheckDeps, warnings: string[]): Promise<RulesetSource[]> {
  const out: RulesetSource[] = []
  for (const file of req.rulesFiles) out.push(parseRulesFile(await deps.readRules(file), file === '-' ? 'standard input' : file, req.family, warnings))
  return out
}

function toCheck(w: HookWalk, j: Judgement, suggestions: Suggestion[]): FwCheck {
  const m = w.main
  return {
    family: w.family, hook: w.hook, source: m?.table.tool ?? null, table: m === null ? null : tableLabel(m.table), chain: m?.chain.name ?? null,
    verdict: j.verdict, label: j.label, detail: j.detail, suggestions,
    unlogged: j.verdict === 'not-logged' || j.verdict === 'partial' ? [] : j.unlogged.map((e) => `${describeConds(e.conds)}: ${placeOf(e)}`),
  }
}

function hookWarnings(w: HookWalk, j: Judgement): string[] {
  const at = `${FAMILY_LABEL[w.family]} ${w.hook}`
  const out: string[] = []
  const l = j.covering
  if (l !== null) {
    const ipt = l.table.tool === 'iptables'
    const missing = [l.log.tcpOptions === false ? (ipt ? '--log-tcp-options' : 'flags tcp options') : '', l.log.ipOptions === false ? (ipt ? '--log-ip-options' : 'flags ip options') : ''].filter((x) => x !== '')
    const managed = toolkitsOf(l.table).includes('ufw') ? ' (ufw writes its LOG rules without them)' : ''
    if (missing.length > 0) out.push(`${at}: ${logLabel(l)} has no ${missing.join(' or ')}${managed}: OS fingerprinting by TCP options (p0f) needs --log-tcp-options; without it portsleuth falls back to posf`)
    if (l.log.prefix === null) out.push(`${at}: ${logLabel(l)} is an iptables-nft LOG, whose prefix and options nft does not show; check iptables-save output too`)
  }
  if (j.verdict !== 'logged') {
    for (const n of w.nflogs) out.push(`${at}: ${tableLabel(n.table)} ${n.rule.chain} rule ${n.rule.position} sends packets to NFLOG (ulogd), not to the kernel log; portsleuth reads those only where ulogd writes them as log lines`)
  }
  return out
}
