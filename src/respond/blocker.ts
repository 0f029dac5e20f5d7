// Detection decides, a Blocker enforces. `watch` (its own issue) turns the engine's DangerEvents into
// block decisions and hands them to one of these; implementations (dry-run, iptables, ip6tables,
// nftables) run firewall commands as argv arrays through execFile, never through a shell.

/** A decision to block one address (validated by a real address parser before it gets here). */
export interface BlockDecision {
  ip: string
  dangerLevel: number
  /** Seconds until the block expires; 0 = never. */
  timeout: number
  reason: string
}

export interface BlockedEntry {
  ip: string
  since: number
  expires: number | null
}

export interface Blocker {
  /** Creates chains/sets the blocker needs; throws a typed error if the firewall is unusable. */
  init(): Promise<void>
  block(decision: BlockDecision): Promise<void>
  unblock(ip: string): Promise<void>
  list(): Promise<BlockedEntry[]>
  /** Leaves the firewall as configured (keeps or removes blocks per configuration). */
  shutdown(): Promise<void>
}
