import type { Family, RulesetSource, Table } from './ruleset.js'

// iptables-nft keeps its tables in nftables, so a live `nft -j list ruleset` shows them a second
// time, with LOG and most matches as opaque `xt` statements. iptables-save decodes them fully: when
// it printed a table (and is not iptables-legacy, whose tables live elsewhere in the kernel), the nft
// copy of that table is left out.

/** Returns the tables to walk from every source, each table once. */
export function combineSources(sources: readonly RulesetSource[]): Table[] {
  const iptables = sources.filter((s) => s.tool === 'iptables')
  const out = iptables.flatMap((s) => s.tables)
  for (const s of sources) {
    if (s.tool !== 'nftables') continue
    for (const t of s.tables) {
      const shown = iptables.some((i) => i.backend !== 'legacy' && i.tables.some((x) => x.family === t.family && x.name === t.name))
      if (!shown) out.push(t)
    }
  }
  return out
}

/** Returns the families the sources describe (an nft dump describes both). */
export function coveredFamilies(sources: readonly RulesetSource[]): Family[] {
  const set = new Set(sources.flatMap((s) => s.families))
  return (['ipv4', 'ipv6'] as const).filter((f) => set.has(f))
}
