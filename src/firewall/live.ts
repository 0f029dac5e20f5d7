import { execFile } from 'node:child_process'
import { FirewallError, InputError } from '../core/errors.js'
import { printable } from '../core/excerpt.js'
import { parseIptablesSave } from './iptables-save.js'
import { parseNftJson } from './nft-json.js'
import type { Family, RulesetSource } from './ruleset.js'

// Reading the live ruleset: iptables-save, ip6tables-save and `nft -j list ruleset`, each an argv
// array through execFile. iptables-save shows the tables of one backend; when it is iptables-nft and
// the kernel also has iptables-legacy tables (listed in /proc/net/ip_tables_names), those are read
// with iptables-legacy-save too: both filter every packet.

export type CommandOutcome =
  | { status: 'ok'; stdout: string }
  | { status: 'missing' }
  | { status: 'failed'; code: number | null; stderr: string }

/** Runs one command (argv[0] looked up in PATH) and returns its output or why there is none. */
export type RunCommand = (argv: readonly string[]) => Promise<CommandOutcome>

/** Runs a command through execFile (no shell) with a timeout, C locale and a large output buffer. */
export const execCommand: RunCommand = (argv) =>
  new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000, maxBuffer: 512 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err === null) return resolve({ status: 'ok', stdout })
      const e = err as NodeJS.ErrnoException & { code?: string | number }
      if (e.code === 'ENOENT') return resolve({ status: 'missing' })
      resolve({ status: 'failed', code: typeof e.code === 'number' ? e.code : null, stderr: stderr || e.message })
    })
  })

export interface LiveDeps {
  run: RunCommand
  /** Reads a /proc file; null when it cannot be read. */
  readProc: (path: string) => Promise<string | null>
}

const PACKAGE: Record<string, string> = { nft: 'nftables', 'iptables-legacy-save': 'iptables', 'ip6tables-legacy-save': 'iptables' }
const DENIED = /permission denied|operation not permitted|must be root/i

async function read(deps: LiveDeps, argv: string[], notes: string[]): Promise<string | null> {
  const r = await deps.run(argv)
  const cmd = argv.join(' ')
  if (r.status === 'ok') return r.stdout
  if (r.status === 'missing') {
    notes.push(`${argv[0]} not found (Debian package ${PACKAGE[argv[0]!] ?? 'iptables'}); its rules were not read`)
    return null
  }
  const said = printable(r.stderr.trim().split('\n')[0] ?? '').slice(0, 300)
  if (DENIED.test(r.stderr)) {
    throw new InputError(`cannot read the live ruleset: '${cmd}' was refused: ${said}`, 'run fw-check as root (sudo portsleuth fw-check), or save the rules as root (iptables-save >rules.v4; ip6tables-save >rules.v6; nft -j list ruleset >rules.json) and pass them with --rules')
  }
  throw new FirewallError(`'${cmd}' failed (exit ${r.code ?? 'signal'}): ${said}`)
}

/**
 * Reads the live ruleset. Throws InputError (exit 4) when it may not be read (not root) or when no
 * firewall tool is installed, FirewallError (exit 5) when a command fails otherwise.
 */
export async function readLiveRuleset(deps: LiveDeps, notes: string[]): Promise<RulesetSource[]> {
  const sources: RulesetSource[] = []
  for (const [bin, legacy, names, family] of [
    ['iptables-save', 'iptables-legacy-save', '/proc/net/ip_tables_names', 'ipv4'],
    ['ip6tables-save', 'ip6tables-legacy-save', '/proc/net/ip6_tables_names', 'ipv6'],
  ] as const) {
    const text = await read(deps, [bin], notes)
    if (text === null) continue
    // With no table loaded (or only tables nft made) iptables-save prints no `*table` at all.
    const main: RulesetSource = /^\*/m.test(text) ? parseIptablesSave(text, bin, family as Family) : { tool: 'iptables', families: [family], backend: null, name: bin, tables: [] }
    sources.push(main)
    if (main.backend === 'legacy' || ((await deps.readProc(names)) ?? '').trim() === '') continue
    const old = await read(deps, [legacy], notes)
    if (old !== null && old.includes('*')) sources.push(parseIptablesSave(old, legacy, family as Family))
  }
  const nft = await read(deps, ['nft', '-j', 'list', 'ruleset'], notes)
  if (nft !== null) sources.push(parseNftJson(nft, 'nft -j list ruleset', notes))
  if (sources.length === 0) {
    throw new InputError('cannot read the live ruleset: neither iptables-save, ip6tables-save nor nft is installed', 'install nftables or iptables (Debian: apt-get install nftables iptables), or check saved rules with --rules FILE')
  }
  return sources
}
