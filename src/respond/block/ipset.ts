import { ConfigError } from '../../core/errors.js'
import type { BlockedEntry, Family, Presence } from '../blocker.js'
import { presence } from '../blocker.js'
import { PlanBlocker } from './plan-blocker.js'
import type { Command, CommandPlan, Runner, Step } from './runner.js'
import { parseTarget, type Target } from './target.js'

// ipset: one `hash:net` set per family, created with `timeout 0` so every element may carry its own
// timeout (0 = permanent) and the kernel expires it, and one iptables/ip6tables rule per family that
// drops what the set matches (`-m set --match-set NAME src -j DROP`, inserted after a -C check).
// `-exist` makes create, add (which then renews the timeout) and del idempotent. A set with the same
// name but other parameters (say another maxelem) makes create fail: the error says so.

export interface IpsetOptions {
  readonly sets: Readonly<Record<Family, string>>
  readonly maxelem: number
  /** The chain holding the match rule, its position and its target. */
  readonly chain: string
  readonly position: number
  readonly target: string
  readonly families: readonly Family[]
  /** Seconds iptables waits for the xtables lock (-w). */
  readonly lockWait: number
  readonly commands: Readonly<Record<Family, string>>
}

export const DEFAULT_IPSET: IpsetOptions = {
  sets: { 4: 'portsleuth4', 6: 'portsleuth6' },
  maxelem: 65536,
  chain: 'INPUT',
  position: 1,
  target: 'DROP',
  families: [4, 6],
  lockWait: 5,
  commands: { 4: 'iptables', 6: 'ip6tables' },
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,27}$/

/** Throws ConfigError unless set, chain and target names are plain and maxelem/position are positive. */
export function checkIpsetOptions(o: IpsetOptions): IpsetOptions {
  for (const name of [o.sets[4], o.sets[6], o.chain, o.target]) if (!NAME.test(name)) throw new ConfigError(`ipset/iptables name '${name.slice(0, 40)}' is not a plain name (at most 28 letters, digits, _ . -)`)
  if (!Number.isInteger(o.maxelem) || o.maxelem < 1) throw new ConfigError(`ipset maxelem ${o.maxelem} is not a positive whole number`)
  if (!Number.isInteger(o.position) || o.position < 1) throw new ConfigError(`ipset rule position ${o.position} is not a positive whole number`)
  return o
}

const FAMILY_WORD: Record<Family, string> = { 4: 'inet', 6: 'inet6' }

/** The ipset `create` words for one family (without the program name). */
export function createWords(o: IpsetOptions, fam: Family): string[] {
  return ['create', o.sets[fam], 'hash:net', 'family', FAMILY_WORD[fam], 'timeout', '0', 'maxelem', String(o.maxelem), '-exist']
}

/** The ipset `add` words for one element (timeout 0 = permanent). */
export function addWords(o: IpsetOptions, t: Target, timeout: number): string[] {
  return ['add', o.sets[t.family], t.cidr, 'timeout', String(Math.ceil(timeout)), '-exist']
}

function ipt(o: IpsetOptions, fam: Family, args: readonly string[]): Command {
  return { argv: [o.commands[fam], '-w', String(o.lockWait), ...args] }
}

function match(o: IpsetOptions, fam: Family): string[] {
  return ['-m', 'set', '--match-set', o.sets[fam], 'src', '-j', o.target]
}

/** Returns the ipset command plan (pure). */
export function ipsetPlan(options: IpsetOptions = DEFAULT_IPSET): CommandPlan {
  const o = checkIpsetOptions(options)
  return {
    init: () =>
      o.families.flatMap((fam): Step[] => [
        { run: { argv: ['ipset', ...createWords(o, fam)] } },
        { unless: ipt(o, fam, ['-C', o.chain, ...match(o, fam)]), run: ipt(o, fam, ['-I', o.chain, String(o.position), ...match(o, fam)]) },
      ]),
    block: (t, timeout) => [{ run: { argv: ['ipset', ...addWords(o, t, timeout)] } }],
    unblock: (t) => [{ run: { argv: ['ipset', 'del', o.sets[t.family], t.cidr, '-exist'] } }],
    shutdown: (mode) =>
      mode === 'keep'
        ? []
        : o.families.flatMap((fam): Step[] => [
            { onlyIf: ipt(o, fam, ['-C', o.chain, ...match(o, fam)]), run: ipt(o, fam, ['-D', o.chain, ...match(o, fam)]) },
            { onlyIf: { argv: ['ipset', 'list', '-n', o.sets[fam]] }, run: { argv: ['ipset', 'destroy', o.sets[fam]] } },
          ]),
  }
}

/** Returns an `ipset restore` file that recreates both sets with the given elements (block export). */
export function ipsetRestore(options: IpsetOptions, elements: readonly { target: Target; timeout: number }[]): string {
  const o = checkIpsetOptions(options)
  const lines = ([4, 6] as const).map((fam) => createWords(o, fam).join(' '))
  for (const e of elements) lines.push(addWords(o, e.target, e.timeout).join(' '))
  return `${lines.join('\n')}\n`
}

/** Parses `ipset save NAME` output into entries (`add NAME 1.2.3.4 timeout 99`). */
export function parseIpsetSave(text: string, set: string, family: Family): BlockedEntry[] {
  const out: BlockedEntry[] = []
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/)
    if (w[0] !== 'add' || w[1] !== set || w[2] === undefined) continue
    try {
      const t = parseTarget(w[2])
      const i = w.indexOf('timeout')
      const left = i < 0 ? 0 : Number(w[i + 1])
      if (t.family === family) out.push({ target: t.cidr, family, expiresIn: left > 0 ? left : null })
    } catch {
      // Not an address we would have written; someone else's element.
    }
  }
  return out
}

/** The Blocker over ipset sets and one iptables/ip6tables rule per family. */
export class IpsetBlocker extends PlanBlocker {
  readonly backend = 'ipset'
  readonly kernelTimeouts = true
  private readonly options: IpsetOptions

  constructor(runner: Runner, options: IpsetOptions = DEFAULT_IPSET) {
    const checked = checkIpsetOptions(options)
    super(runner, ipsetPlan(checked))
    this.options = checked
  }

  private async scan(): Promise<{ entries: BlockedEntry[]; broken: Set<Family>; problems: string[] }> {
    const o = this.options
    const entries: BlockedEntry[] = []
    const broken = new Set<Family>()
    const problems: string[] = []
    for (const fam of o.families) {
      const saved = await this.runner.run({ argv: ['ipset', 'save', o.sets[fam]] }, { probe: true })
      if (saved.code !== 0) problems.push(`ipset: set ${o.sets[fam]} does not exist`)
      else entries.push(...parseIpsetSave(saved.stdout, o.sets[fam], fam))
      const rule = await this.runner.run(ipt(o, fam, ['-C', o.chain, ...match(o, fam)]), { probe: true })
      if (rule.code !== 0) {
        broken.add(fam)
        problems.push(`${o.commands[fam]}: rule '-A ${o.chain} ${match(o, fam).join(' ')}' is missing`)
      }
    }
    return { entries, broken, problems }
  }

  async list(): Promise<BlockedEntry[]> {
    return (await this.scan()).entries
  }

  async present(targets: readonly string[]): Promise<Presence> {
    const s = await this.scan()
    return presence(targets, new Set(s.entries.filter((e) => !s.broken.has(e.family)).map((e) => e.target)), s.problems)
  }

}
