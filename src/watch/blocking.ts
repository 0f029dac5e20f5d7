import { parseHomeNet, autoDlIgnored, NeverBlock } from '../respond/block/never-block.js'
import { BlockBook } from '../respond/block/book.js'
import { createBlocker, runnerFor, type BlockingConfig } from '../respond/block/choose.js'
import { readGateways } from '../respond/block/gateway.js'
import { DEFAULT_POLICY, type BlockPolicy } from '../respond/block/policy.js'
import type { Dispatcher } from '../respond/alert/index.js'
import { BlockDesk, firewallProblem, type BlockPolicyInputs } from './block-desk.js'
import type { WatchConfig } from './configure.js'
import type { WatchDeps } from './request.js'

// Turning the configuration into a working block desk: which backend (nftables where `nft` works,
// else iptables, or the one named), psad's chains, the never-block list, the book saved with the
// state. When the firewall cannot be used (no binary, no rights, a held lock), watch goes on
// detecting and alerting with blocking off, and says why.

/** The blocker settings of a configuration. */
export function blockingConfig(c: WatchConfig, out: WatchDeps['out']): BlockingConfig {
  const s = c.settings
  const b = c.plan.settings.blocking
  return {
    backend: s.blockBackend ?? undefined,
    dryRunOut: out,
    chains: b.chains,
    lockFile: s.xtablesLock ?? undefined,
    hostsDeny: b.tcpWrappers ? b.hostsDenyFile : null,
  }
}

/** The block policy of a configuration (timeouts, doubling, cap). */
export function blockPolicy(c: WatchConfig, override: number | null): BlockPolicy {
  return { ...DEFAULT_POLICY, dlTimeouts: c.plan.settings.blocking.timeouts, override, maxBlocks: c.settings.blockMax }
}

/** What decides whether a source is blocked. */
export function policyInputs(c: WatchConfig): BlockPolicyInputs {
  const b = c.plan.settings.blocking
  return { dangerLevel: b.dangerLevel, prefixRegex: b.prefixRegex, ipv6Prefix: c.settings.blockIpv6Prefix }
}

/** The never-block list of a configuration (allowlist, HOME_NET, auto_dl DL 0, the host). */
export async function neverBlock(c: WatchConfig, cfg: BlockingConfig): Promise<NeverBlock> {
  const autoDl = c.plan.lists.autoDl
  return NeverBlock.create({
    allow: c.settings.allow.map((n) => n.text),
    homeNet: parseHomeNet(c.plan.settings.vars.HOME_NET ?? 'any'),
    blockHomeNet: c.settings.blockHomeNet,
    ignored: autoDl === null ? undefined : autoDlIgnored(autoDl),
    gateways: () => readGateways(runnerFor(cfg)),
  })
}

/**
 * Starts blocking when the configuration turns it on: returns the desk (null when off) and a note for
 * the start-up line saying what blocks and why, or why not.
 */
export async function startBlocking(c: WatchConfig, book: unknown, override: number | null, dispatcher: Dispatcher, deps: WatchDeps): Promise<{ desk: BlockDesk | null; note: string }> {
  if (!c.blocking) return { desk: null, note: 'blocking off (--block or ENABLE_AUTO_IDS Y turns it on)' }
  const cfg = blockingConfig(c, deps.out)
  try {
    const blocker = await createBlocker(cfg)
    const saved = book === null ? new BlockBook(blockPolicy(c, override)) : BlockBook.fromJSON(book, blockPolicy(c, override), 'saved blocks')
    const desk = new BlockDesk(blocker, saved, await neverBlock(c, cfg), policyInputs(c), dispatcher, deps.clock, deps.log)
    await desk.start()
    const why = c.blockingBy === 'flag' ? '--block' : "psad.conf's ENABLE_AUTO_IDS Y"
    return { desk, note: `blocking on (${why}): ${blocker.backend}, sources at DL ${c.plan.settings.blocking.dangerLevel}+` }
  } catch (err) {
    deps.log('error', `blocking is off: ${firewallProblem(err)}`)
    return { desk: null, note: `blocking off: the firewall cannot be used (${firewallProblem(err)})` }
  }
}

/** SIGHUP: gives a running desk the reloaded configuration. The backend itself changes only with a restart. */
export async function reconfigureBlocking(desk: BlockDesk, c: WatchConfig, override: number | null, dispatcher: Dispatcher, deps: WatchDeps): Promise<void> {
  const cfg = blockingConfig(c, deps.out)
  if (cfg.backend !== undefined && cfg.backend !== desk.blocker.backend) deps.log('warn', `BLOCK_BACKEND changed to ${cfg.backend}: restart watch to switch from ${desk.blocker.backend}`)
  desk.reconfigure(await neverBlock(c, cfg), policyInputs(c), blockPolicy(c, override), dispatcher)
}
