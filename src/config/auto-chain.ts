import { ConfigError } from '../core/errors.js'

// psad's IPT_AUTO_CHAIN<n> value: `Target, Direction, Table, From_chain, Jump_rule_position, To_chain,
// Rule_position`. The older 5-field form has no positions and means position 1 for both. Blocks go
// into To_chain, which From_chain jumps to; `src` blocks packets from the target, `dst` packets to
// it, `both` adds both rules.

export type Direction = 'src' | 'dst' | 'both'

export interface ChainSpec {
  /** Where matching packets go: DROP, REJECT or a user chain. */
  readonly target: string
  readonly direction: Direction
  readonly table: string
  /** The built-in (or existing) chain that jumps to `chain`. */
  readonly from: string
  /** 1-based position of the jump rule in `from`. */
  readonly jumpPosition: number
  /** Our chain, which holds the block rules. */
  readonly chain: string
  /** 1-based position at which block rules are inserted in `chain`. */
  readonly rulePosition: number
}

/** psad's three default IPT_AUTO_CHAIN entries, with our chain names. */
export const DEFAULT_CHAINS: readonly ChainSpec[] = [
  { target: 'DROP', direction: 'src', table: 'filter', from: 'INPUT', jumpPosition: 1, chain: 'PORTSLEUTH_BLOCK_INPUT', rulePosition: 1 },
  { target: 'DROP', direction: 'dst', table: 'filter', from: 'OUTPUT', jumpPosition: 1, chain: 'PORTSLEUTH_BLOCK_OUTPUT', rulePosition: 1 },
  { target: 'DROP', direction: 'both', table: 'filter', from: 'FORWARD', jumpPosition: 1, chain: 'PORTSLEUTH_BLOCK_FORWARD', rulePosition: 1 },
]

const TABLES = new Set(['filter', 'mangle', 'raw', 'security'])
// iptables chain names are at most 28 characters; a leading '-' would read as an option.
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,27}$/

/** Parsed spec plus a warning for the legacy 5-field form. */
export interface ParsedChainSpec {
  spec: ChainSpec
  warning: string | null
}

/** Parses one IPT_AUTO_CHAIN value; `where` names it in errors. Throws ConfigError naming the bad field. */
export function parseChainSpec(text: string, where = 'IPT_AUTO_CHAIN'): ParsedChainSpec {
  const f = text.split(',').map((s) => s.trim())
  const bad: (msg: string) => never = (msg) => {
    throw new ConfigError(`${where}: ${msg} in '${text.slice(0, 120)}'`, "expected 'Target, Direction, Table, From_chain, Jump_rule_position, To_chain, Rule_position', e.g. 'DROP, src, filter, INPUT, 1, PORTSLEUTH_BLOCK_INPUT, 1'")
  }
  if (f.length !== 7 && f.length !== 5) bad(`expected 7 comma-separated fields (or the old 5), found ${f.length}`)
  const legacy = f.length === 5
  const [target, direction, table, from] = f as [string, string, string, string]
  const chain = legacy ? f[4]! : f[5]!
  const position = (s: string, name: string): number => (/^[1-9]\d{0,3}$/.test(s) ? Number(s) : bad(`${name} '${s}' is not a position (1-9999)`))
  const jumpPosition = legacy ? 1 : position(f[4]!, 'jump rule position')
  const rulePosition = legacy ? 1 : position(f[6]!, 'rule position')
  if (!NAME.test(target)) bad(`target '${target}' is not a chain or target name`)
  if (direction !== 'src' && direction !== 'dst' && direction !== 'both') bad(`direction '${direction}' is not src, dst or both`)
  if (!TABLES.has(table)) bad(`table '${table}' is not filter, mangle, raw or security`)
  if (!NAME.test(from)) bad(`from chain '${from}' is not a chain name`)
  if (!NAME.test(chain)) bad(`to chain '${chain}' is not a chain name (at most 28 letters, digits, _ . -)`)
  if (from === chain) bad(`from chain and to chain are both '${from}'`)
  return {
    spec: { target, direction, table, from, jumpPosition, chain, rulePosition },
    warning: legacy ? `${where}: old 5-field form; jump and rule positions taken as 1` : null,
  }
}
