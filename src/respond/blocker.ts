import { parseTarget, type Family } from './block/target.js'

// Detection decides, a Blocker enforces. `watch` turns the engine's danger events into block
// decisions (target chosen by NeverBlock.forSource, timeout by the BlockBook) and hands them to one of
// these. Implementations live in src/respond/block/: iptables/ip6tables, nftables, ipset, hosts.deny
// and dry-run; the firewall ones run argv arrays through execFile, never through a shell.

export type { Family }

/** A decision to block one network. `target` is re-parsed by the blocker before any command is built. */
export interface BlockDecision {
  /** The source address that caused the block (canonical). */
  ip: string
  /** The network to block, canonical CIDR with the prefix written (`1.2.3.4/32`, `2001:db8::/64`). */
  target: string
  dangerLevel: number
  /** Seconds until the block expires; 0 = never. */
  timeout: number
  reason: string
}

/** A block to lift. */
export interface UnblockRequest {
  target: string
  ip?: string
  reason?: string
}

/** One block as the firewall itself holds it. */
export interface BlockedEntry {
  target: string
  family: Family
  /** Seconds left as the kernel reports them; null = no timeout (permanent, or a backend without timeouts). */
  expiresIn: number | null
}

/** Which of the expected blocks are really in the firewall, and what else is wrong there. */
export interface Presence {
  present: string[]
  missing: string[]
  /** Structural damage found (a missing table, chain, jump rule or set match rule), as sentences. */
  problems: string[]
}

export interface Blocker {
  /** The backend's name (`iptables`, `nftables`, `ipset`, `hosts.deny`, `dry-run`). */
  readonly backend: string
  /** True when the kernel expires timed blocks itself (the caller still unblocks to keep its book). */
  readonly kernelTimeouts: boolean
  /** Creates chains, sets and rules the blocker needs, without duplicating any; throws FirewallError if the firewall is unusable. */
  init(): Promise<void>
  /** Blocks one target (idempotent: blocking it again renews its timeout where the backend has one). */
  block(decision: BlockDecision): Promise<void>
  /** Lifts a block; lifting one that is not there is not an error. */
  unblock(request: UnblockRequest): Promise<void>
  /** Lists the blocks the firewall holds now. */
  list(): Promise<BlockedEntry[]>
  /** Tells which expected targets are really in the firewall: detects an external flush. */
  present(targets: readonly string[]): Promise<Presence>
  /** `keep` leaves chains, sets and blocks in place; `remove` deletes everything this blocker created. */
  shutdown(mode: 'keep' | 'remove'): Promise<void>
}

/**
 * Splits expected targets into present and missing against the canonical CIDRs found in the firewall.
 * Throws TargetError when an expected target does not parse.
 */
export function presence(expected: readonly string[], found: ReadonlySet<string>, problems: string[] = []): Presence {
  const present: string[] = []
  const missing: string[] = []
  for (const t of expected) (found.has(parseTarget(t).cidr) ? present : missing).push(t)
  return { present, missing, problems }
}
