import type { BlockedEntry, Family, Presence } from '../blocker.js'
import { presence } from '../blocker.js'
import { DEFAULT_CHAINS, type ChainSpec } from '../../config/auto-chain.js'
import { PlanBlocker } from './plan-blocker.js'
import type { Command, CommandPlan, Runner, Step } from './runner.js'
import { parseTarget, type Target } from './target.js'

// iptables/ip6tables: one chain of ours per IPT_AUTO_CHAIN spec, a jump to it from the spec's chain,
// and one rule per blocked target and direction. Every -I/-A is preceded by -C, so running init or
// block twice adds nothing. Every call passes `-w <seconds>`: iptables-legacy then waits that long
// for the xtables lock (XTABLES_LOCKFILE, default /run/xtables.lock) and fails with "holding the
// xtables lock" instead of failing at once or hanging; iptables-nft (Debian 12's default) accepts -w
// and ignores the lock, since nf_tables commits are atomic. iptables has no timeouts: expiry is the
// caller's (the block book's) job.

export interface IptablesOptions {
  readonly chains: readonly ChainSpec[]
  readonly families: readonly Family[]
  /** Seconds to wait for the xtables lock (iptables -w). */
  readonly lockWait: number
  /** Program per family: `iptables`/`ip6tables`, or the -legacy/-nft variants. */
  readonly commands: Readonly<Record<Family, string>>
}

export const DEFAULT_IPTABLES: IptablesOptions = { chains: DEFAULT_CHAINS, families: [4, 6], lockWait: 5, commands: { 4: 'iptables', 6: 'ip6tables' } }

function cmd(o: IptablesOptions, family: Family, table: string, args: readonly string[]): Command {
  return { argv: [o.commands[family], '-w', String(o.lockWait), '-t', table, ...args] }
}

/** The rule specs (after the chain name) that block `t` in one spec's chain. */
export function ruleArgs(spec: ChainSpec, t: Target): string[][] {
  const src = ['-s', t.cidr, '-j', spec.target]
  const dst = ['-d', t.cidr, '-j', spec.target]
  return spec.direction === 'src' ? [src] : spec.direction === 'dst' ? [dst] : [src, dst]
}

function uniqueChains(specs: readonly ChainSpec[]): ChainSpec[] {
  const seen = new Set<string>()
  return specs.filter((s) => !seen.has(`${s.table} ${s.chain}`) && seen.add(`${s.table} ${s.chain}`))
}

/** Returns the iptables/ip6tables command plan (pure: argv arrays only). */
export function iptablesPlan(o: IptablesOptions = DEFAULT_IPTABLES): CommandPlan {
  const perFamily = (f: (family: Family) => Step[]): Step[] => o.families.flatMap(f)
  return {
    init: () =>
      perFamily((fam) => [
        ...uniqueChains(o.chains).map((s) => ({ unless: cmd(o, fam, s.table, ['-S', s.chain]), run: cmd(o, fam, s.table, ['-N', s.chain]) })),
        ...o.chains.map((s) => ({ unless: cmd(o, fam, s.table, ['-C', s.from, '-j', s.chain]), run: cmd(o, fam, s.table, ['-I', s.from, String(s.jumpPosition), '-j', s.chain]) })),
      ]),
    block: (t) =>
      o.chains.flatMap((s) =>
        ruleArgs(s, t).map((r) => ({ unless: cmd(o, t.family, s.table, ['-C', s.chain, ...r]), run: cmd(o, t.family, s.table, ['-I', s.chain, String(s.rulePosition), ...r]) })),
      ),
    unblock: (t) => o.chains.flatMap((s) => ruleArgs(s, t).map((r) => ({ onlyIf: cmd(o, t.family, s.table, ['-C', s.chain, ...r]), run: cmd(o, t.family, s.table, ['-D', s.chain, ...r]) }))),
    shutdown: (mode) =>
      mode === 'keep'
        ? []
        : perFamily((fam) => [
            ...o.chains.map((s) => ({ onlyIf: cmd(o, fam, s.table, ['-C', s.from, '-j', s.chain]), run: cmd(o, fam, s.table, ['-D', s.from, '-j', s.chain]) })),
            ...uniqueChains(o.chains).flatMap((s) => [
              { onlyIf: cmd(o, fam, s.table, ['-S', s.chain]), run: cmd(o, fam, s.table, ['-F', s.chain]) },
              { onlyIf: cmd(o, fam, s.table, ['-S', s.chain]), run: cmd(o, fam, s.table, ['-X', s.chain]) },
            ]),
          ]),
  }
}

/** One `-A` line of `iptables -S` split into words, or null for other lines (`-N`, `-P`). */
function ruleWords(line: string): string[] | null {
  const w = line.trim().split(/\s+/)
  return w[0] === '-A' ? w : null
}

/** Returns the `-s`/`-d` rules of `iptables -S <chain>` output as `-s 1.2.3.4/32 -j DROP` keys; foreign lines are skipped. */
export function parseRules(text: string): Set<string> {
  const out = new Set<string>()
  for (const line of text.split('\n')) {
    const w = ruleWords(line)
    if (w === null || w.length !== 6 || (w[2] !== '-s' && w[2] !== '-d') || w[4] !== '-j') continue
    try {
      out.add(`${w[2]} ${parseTarget(w[3]!).cidr} -j ${w[5]}`)
    } catch {
      // A rule someone else put in our chain with an address form we do not write; not one of ours.
    }
  }
  return out
}

/** True when `iptables -S <from>` output has the jump to `chain`. */
export function hasJump(text: string, chain: string): boolean {
  return text.split('\n').some((l) => { const w = ruleWords(l); return w !== null && w.length === 4 && w[2] === '-j' && w[3] === chain })
}

/** The Blocker over iptables and ip6tables. */
export class IptablesBlocker extends PlanBlocker {
  readonly backend = 'iptables'
  readonly kernelTimeouts = false

  constructor(
    runner: Runner,
    private readonly options: IptablesOptions = DEFAULT_IPTABLES,
  ) {
    super(runner, iptablesPlan(options))
  }

  /** Reads every chain of ours per family; returns what it found and the structural problems. */
  private async scan(): Promise<{ rules: Map<string, Set<string>>; problems: string[]; broken: Set<Family> }> {
    const rules = new Map<string, Set<string>>()
    const problems: string[] = []
    const broken = new Set<Family>()
    const o = this.options
    for (const fam of o.families) {
      for (const s of uniqueChains(o.chains)) {
        const r = await this.runner.run(cmd(o, fam, s.table, ['-S', s.chain]), { probe: true })
        if (r.code !== 0) problems.push(`${o.commands[fam]}: chain ${s.chain} (table ${s.table}) does not exist`)
        rules.set(`${fam} ${s.table} ${s.chain}`, r.code === 0 ? parseRules(r.stdout) : new Set())
      }
      for (const s of o.chains) {
        const r = await this.runner.run(cmd(o, fam, s.table, ['-S', s.from]), { probe: true })
        if (r.code === 0 && hasJump(r.stdout, s.chain)) continue
        problems.push(`${o.commands[fam]}: jump rule ${s.from} -> ${s.chain} (table ${s.table}) is missing`)
        broken.add(fam)
      }
    }
    return { rules, problems, broken }
  }

  private holds(rules: Map<string, Set<string>>, t: Target): boolean {
    return this.options.chains.every((s) => ruleArgs(s, t).every((r) => rules.get(`${t.family} ${s.table} ${s.chain}`)?.has(r.join(' ')) === true))
  }

  async list(): Promise<BlockedEntry[]> {
    const { rules } = await this.scan()
    const found = new Map<string, BlockedEntry>()
    for (const [key, set] of rules) {
      const family = Number(key[0]) as Family
      for (const r of set) {
        const cidr = r.split(' ')[1]!
        found.set(cidr, { target: cidr, family, expiresIn: null })
      }
    }
    return [...found.values()]
  }

  async present(targets: readonly string[]): Promise<Presence> {
    const { rules, problems, broken } = await this.scan()
    const found = new Set<string>()
    for (const t of targets) {
      const target = parseTarget(t)
      if (this.holds(rules, target) && !broken.has(target.family)) found.add(target.cidr)
    }
    return presence(targets, found, problems)
  }

}
