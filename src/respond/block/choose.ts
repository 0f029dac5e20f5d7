import { UsageError } from '../../core/errors.js'
import type { Blocker, Family } from '../blocker.js'
import { DEFAULT_CHAINS, type ChainSpec } from '../../config/auto-chain.js'
import { DryRunBlocker, type LineSink } from './dry-run.js'
import { FanOutBlocker } from './fan-out.js'
import { HostsDenyBlocker } from './hosts-deny.js'
import { DEFAULT_IPTABLES, iptablesPlan, IptablesBlocker, type IptablesOptions } from './iptables.js'
import { DEFAULT_IPSET, ipsetPlan, IpsetBlocker, type IpsetOptions } from './ipset.js'
import { DEFAULT_NFT, nftPlan, NftBlocker, type NftOptions } from './nftables.js'
import { execRunner, type CommandPlan, type Runner } from './runner.js'

// `--block-backend iptables|nftables|ipset|dry-run`, or none: nftables where `nft list tables`
// works, else iptables. dry-run shows the commands of that same choice (or of `dryRunOf`).

export const FIREWALL_BACKENDS = ['iptables', 'nftables', 'ipset'] as const
export type FirewallBackend = (typeof FIREWALL_BACKENDS)[number]
export const BACKENDS = [...FIREWALL_BACKENDS, 'dry-run'] as const
export type BackendName = (typeof BACKENDS)[number]

/** Everything a blocker is built from (the lead fills it from flags and psad.conf). */
export interface BlockingConfig {
  backend?: BackendName
  /** For dry-run: whose commands to show (default: the same probe as with no backend). */
  dryRunOf?: FirewallBackend
  /** Where dry-run writes its JSON lines. */
  dryRunOut?: LineSink
  chains?: readonly ChainSpec[]
  families?: readonly Family[]
  /** Seconds to wait for the xtables lock (iptables -w). */
  lockWait?: number
  /** XTABLES_LOCKFILE for iptables-legacy (default /run/xtables.lock). */
  lockFile?: string
  /** iptables programs per family (e.g. iptables-legacy). */
  iptablesCommands?: Readonly<Record<Family, string>>
  nft?: Partial<NftOptions>
  ipset?: Partial<Omit<IpsetOptions, 'families' | 'lockWait' | 'commands'>>
  /** Also write hosts.deny lines to this file (TCP wrappers); null/undefined = off. */
  hostsDeny?: string | null
  /** Argv prefix for every command (e.g. `ip netns exec NS`); tests and containers. */
  prefix?: readonly string[]
  /** Per-command timeout in ms (at least lockWait + 5 s is used). */
  timeoutMs?: number
}

/** Returns the runner a config implies (prefix, XTABLES_LOCKFILE, a timeout longer than the lock wait). */
export function runnerFor(cfg: BlockingConfig): Runner {
  const wait = cfg.lockWait ?? DEFAULT_IPTABLES.lockWait
  return execRunner({
    prefix: cfg.prefix ?? [],
    timeoutMs: Math.max(cfg.timeoutMs ?? 15_000, (wait + 5) * 1000),
    env: cfg.lockFile === undefined ? {} : { XTABLES_LOCKFILE: cfg.lockFile },
  })
}

/** True when `nft list tables` runs successfully (nftables installed, usable, and we have the rights). */
export async function nftWorks(runner: Runner): Promise<boolean> {
  try {
    return (await runner.run({ argv: ['nft', 'list', 'tables'] }, { probe: true })).code === 0
  } catch {
    return false
  }
}

/** Resolves the firewall backend: the one asked for, else nftables when nft works, else iptables. */
export async function chooseBackend(requested: FirewallBackend | undefined, runner: Runner): Promise<FirewallBackend> {
  if (requested !== undefined) return requested
  return (await nftWorks(runner)) ? 'nftables' : 'iptables'
}

function options(cfg: BlockingConfig): { ipt: IptablesOptions; nft: NftOptions; ipset: IpsetOptions } {
  const common = { families: cfg.families ?? DEFAULT_IPTABLES.families, lockWait: cfg.lockWait ?? DEFAULT_IPTABLES.lockWait, commands: cfg.iptablesCommands ?? DEFAULT_IPTABLES.commands }
  return {
    ipt: { ...common, chains: cfg.chains ?? DEFAULT_CHAINS },
    nft: { ...DEFAULT_NFT, ...cfg.nft },
    ipset: { ...DEFAULT_IPSET, ...cfg.ipset, ...common },
  }
}

/** Returns the command plan of a firewall backend under a config (what dry-run prints). */
export function planFor(backend: FirewallBackend, cfg: BlockingConfig = {}): CommandPlan {
  const o = options(cfg)
  return backend === 'iptables' ? iptablesPlan(o.ipt) : backend === 'nftables' ? nftPlan(o.nft) : ipsetPlan(o.ipset)
}

/**
 * Builds the Blocker a config asks for (probing nft when no backend is named), plus hosts.deny when
 * configured. Throws UsageError for dry-run without an output, ConfigError for bad names.
 */
export async function createBlocker(cfg: BlockingConfig, runner: Runner = runnerFor(cfg)): Promise<Blocker> {
  const o = options(cfg)
  let main: Blocker
  if (cfg.backend === 'dry-run') {
    if (cfg.dryRunOut === undefined) throw new UsageError('the dry-run block backend needs an output for its JSON lines')
    const of = await chooseBackend(cfg.dryRunOf, runner)
    main = new DryRunBlocker(cfg.dryRunOut, planFor(of, cfg), of)
  } else {
    const backend = await chooseBackend(cfg.backend, runner)
    main = backend === 'iptables' ? new IptablesBlocker(runner, o.ipt) : backend === 'nftables' ? new NftBlocker(runner, o.nft) : new IpsetBlocker(runner, o.ipset)
  }
  if (cfg.hostsDeny === undefined || cfg.hostsDeny === null || cfg.backend === 'dry-run') return main
  return new FanOutBlocker([main, new HostsDenyBlocker(cfg.hostsDeny)])
}
