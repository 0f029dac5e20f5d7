import { psadTimeouts } from '../../config/settings.js'

// How long a block lasts. psad's AUTO_BLOCK_DL1..5_TIMEOUT give one timeout per danger level
// (seconds, 0 = permanent); by default DL 1-4 use AUTO_BLOCK_TIMEOUT (3600) and DL 5 is permanent.
// A source blocked again after its block ended is a repeat offender: its n-th block lasts
// timeout × 2^(n-1), capped (30 days by default); a permanent block stays permanent.

export interface BlockPolicy {
  /** Seconds per danger level, index 0 = DL 1 … index 4 = DL 5; 0 = permanent. */
  readonly dlTimeouts: readonly number[]
  /** One timeout for every block instead of the per-DL ones; null = per DL. */
  readonly override: number | null
  /** Double the timeout of repeat offenders. */
  readonly doubling: boolean
  /** Upper bound of a doubled timeout, in seconds. */
  readonly maxTimeout: number
  /** At most this many blocks at once; further ones are refused (0 = no cap). */
  readonly maxBlocks: number
  /** Forget a target's offences this many seconds after its last block (0 = remember; bounded by maxHistory). */
  readonly offenceMemory: number
  /** Targets whose offences are remembered (oldest forgotten first). */
  readonly maxHistory: number
}

export const THIRTY_DAYS = 30 * 24 * 3600

export const DEFAULT_POLICY: BlockPolicy = {
  dlTimeouts: psadTimeouts(),
  override: null,
  doubling: true,
  maxTimeout: THIRTY_DAYS,
  maxBlocks: 1000,
  offenceMemory: 0,
  maxHistory: 100_000,
}

/** Returns the timeout (seconds, 0 = permanent) for a danger level before doubling; DL below 1 counts as DL 1, as psad does for unknown levels. */
export function baseTimeout(policy: BlockPolicy, dangerLevel: number): number {
  if (policy.override !== null) return policy.override
  const i = Math.min(5, Math.max(1, Math.trunc(dangerLevel))) - 1
  return policy.dlTimeouts[i] ?? 0
}

/** Returns the timeout of a target's n-th block (n ≥ 1): base × 2^(n-1), capped at maxTimeout; 0 stays 0. */
export function offenceTimeout(base: number, offence: number, policy: Pick<BlockPolicy, 'doubling' | 'maxTimeout'>): number {
  if (base === 0) return 0
  if (!policy.doubling || offence <= 1) return base
  // 2^(n-1) overflows to Infinity for large n; the cap makes that harmless.
  return Math.min(policy.maxTimeout, base * 2 ** Math.min(offence - 1, 60))
}

/**
 * ENABLE_AUTO_IDS_REGEX: true when blocking is allowed for a source whose log prefixes (in this
 * batch) are `prefixes`: always when `regex` is null (the rule is off), else only when one matches.
 */
export function blockRegexAllows(prefixes: Iterable<string>, regex: RegExp | null): boolean {
  if (regex === null) return true
  for (const p of prefixes) {
    regex.lastIndex = 0
    if (regex.test(p)) return true
  }
  return false
}
