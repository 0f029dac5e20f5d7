import type { Cond, Family, Hook } from './ruleset.js'

// What a condition means for the packet fw-check follows: a new connection attempt from outside
// (a scan probe) to this host (input) or through it (forward). `always`: that packet matches it
// (a rate limit, a comment, `ct state new`, `! -i lo`); `never`: it cannot (an IPv6-only match in the
// IPv4 walk); `narrow`: only some such packets match (a port, an address, `-i lo`, `ct state invalid`).

export type Effect = 'always' | 'never' | 'narrow'

/** Returns how `c` applies to a new packet from outside on `hook` in `family`. */
export function condEffect(c: Cond, hook: Hook, family: Family): Effect {
  if (c.family !== undefined && c.family !== family) return 'never'
  const has = (v: string): boolean => c.values.includes(v)
  switch (c.kind) {
    case 'rate':
    case 'inert':
    case 'family':
      return 'always'
    case 'proto':
      return has('all') || has('0') ? (c.negated ? 'never' : 'always') : 'narrow'
    case 'ctstate':
      // A probe is a new connection: `ct state new` (with or without others) lets it through.
      if (has('new')) return c.negated ? 'never' : 'always'
      return c.negated ? 'always' : 'narrow'
    case 'iface-in':
      return c.negated && has('lo') && c.values.length === 1 ? 'always' : 'narrow'
    case 'iface-out':
      return hook === 'input' ? (c.negated ? 'always' : 'never') : 'narrow'
    case 'dsttype': {
      if (!has('local') || c.values.length !== 1) return 'narrow'
      const local = hook === 'input'
      return local !== c.negated ? 'always' : 'never'
    }
    case 'pkttype':
      // Probes are unicast to the host; logging only unicast (firewalld's LogDenied=unicast) still sees them.
      if ((has('unicast') || has('host')) && c.values.length === 1) return c.negated ? 'never' : 'always'
      return 'narrow'
    case 'other':
      return 'narrow'
  }
}
