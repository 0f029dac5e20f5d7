import type { BlockDecision, Blocker, BlockedEntry, Presence, UnblockRequest } from '../blocker.js'

// A firewall backend plus hosts.deny, as psad runs IPTABLES_BLOCK_METHOD and TCPWRAPPERS_BLOCK_METHOD
// side by side. Each action goes to every blocker in order; the first failure is thrown after the
// others were tried, so one broken method does not keep the other from acting.

/** The Blocker that hands every action to several blockers (a firewall backend plus hosts.deny). */
export class FanOutBlocker implements Blocker {
  readonly backend: string
  readonly kernelTimeouts: boolean

  constructor(private readonly blockers: readonly Blocker[]) {
    this.backend = blockers.map((b) => b.backend).join('+')
    this.kernelTimeouts = blockers.every((b) => b.kernelTimeouts)
  }

  private async each(f: (b: Blocker) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(this.blockers.map(f))
    const failed = results.find((r) => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }

  init(): Promise<void> {
    return this.each((b) => b.init())
  }

  block(d: BlockDecision): Promise<void> {
    return this.each((b) => b.block(d))
  }

  unblock(r: UnblockRequest): Promise<void> {
    return this.each((b) => b.unblock(r))
  }

  /** The first blocker's view (the firewall's). */
  list(): Promise<BlockedEntry[]> {
    return this.blockers[0]!.list()
  }

  /** Present only where every blocker holds the target; problems of all. */
  async present(targets: readonly string[]): Promise<Presence> {
    const all = await Promise.all(this.blockers.map((b) => b.present(targets)))
    const missing = new Set(all.flatMap((p) => p.missing))
    return { present: targets.filter((t) => !missing.has(t)), missing: targets.filter((t) => missing.has(t)), problems: all.flatMap((p) => p.problems) }
  }

  shutdown(mode: 'keep' | 'remove'): Promise<void> {
    return this.each((b) => b.shutdown(mode))
  }
}
