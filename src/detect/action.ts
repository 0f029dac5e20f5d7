// What the firewall did with a logged packet. The kernel's LOG line does not say: only the log
// prefix the rule was written with does, by convention. The tools that write rules name the verdict
// in it as a word:
//   ufw          `[UFW BLOCK] `, `[UFW LIMIT BLOCK] `, `[UFW ALLOW] `, `[UFW AUDIT] `
//   firewalld    `filter_IN_public_REJECT: `, `FINAL_REJECT: `, `STATE_INVALID_DROP: `, `rpfilter_DROP: `
//   Shorewall    `Shorewall:net2fw:DROP:`, `Shorewall:fw2net:ACCEPT:`
//   hand-written `DROP `, `REJECT `, `ACCEPT `, nft `log prefix "nft-in drop: "`
// A prefix is split into words at every character that is not a letter or digit, and the words are
// looked up case-insensitively. A deny word wins over an allow word (a prefix naming both is read as
// the stricter one, so no attacker's packet is set aside), an allow word over an audit word.

/** The firewall's verdict on a packet as its log prefix names it; `unknown` when it names none. */
export type FirewallAction = 'deny' | 'allow' | 'audit' | 'unknown'

const DENY = new Set(['DROP', 'DROPPED', 'REJECT', 'REJECTED', 'BLOCK', 'BLOCKED', 'DENY', 'DENIED', 'DISCARD', 'DISCARDED'])
const ALLOW = new Set(['ACCEPT', 'ACCEPTED', 'ALLOW', 'ALLOWED', 'PASS', 'PASSED', 'PERMIT', 'PERMITTED'])
const AUDIT = new Set(['AUDIT'])

const WORD = /[A-Za-z0-9]+/g

/** Returns the action a log prefix names (see the rules above); '' and prefixes naming none are `unknown`. */
export function prefixAction(prefix: string): FirewallAction {
  let allow = false
  let audit = false
  for (const m of prefix.matchAll(WORD)) {
    const w = m[0].toUpperCase()
    if (DENY.has(w)) return 'deny'
    if (ALLOW.has(w)) allow = true
    else if (AUDIT.has(w)) audit = true
  }
  return allow ? 'allow' : audit ? 'audit' : 'unknown'
}

// Logs carry a handful of prefixes, each line the same few strings again: the verdict is worked out
// once per prefix. Bounded: a log of forged prefixes empties the cache instead of growing it.
const CACHE_LIMIT = 1024

/** prefixAction with a bounded cache (the parser hands out the same prefix strings line after line). */
export class ActionCache {
  private readonly known = new Map<string, FirewallAction>()

  /** Returns prefixAction(prefix). */
  of(prefix: string): FirewallAction {
    let action = this.known.get(prefix)
    if (action === undefined) {
      action = prefixAction(prefix)
      if (this.known.size >= CACHE_LIMIT) this.known.clear()
      this.known.set(prefix, action)
    }
    return action
  }
}
