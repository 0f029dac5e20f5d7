import { describe, expect, test } from 'vitest'
import { ActionCache, prefixAction, type FirewallAction } from '../../src/detect/action.js'

// The verdict a log prefix names. Prefixes are the ones the tools write: ufw's (its rules files and
// logging levels), firewalld's (zone chains `filter_IN_<zone>_<verdict>`, and the FINAL_REJECT /
// STATE_INVALID_DROP / rpfilter_DROP rules of its rulesets in test/fixtures/rulesets), Shorewall's
// `<chain>:<verdict>:` and nftables `log prefix` words.
const PREFIXES: [string, FirewallAction][] = [
  ['[UFW BLOCK] ', 'deny'],
  ['[UFW LIMIT BLOCK] ', 'deny'],
  ['[UFW ALLOW] ', 'allow'],
  ['[UFW AUDIT] ', 'audit'],
  ['[UFW AUDIT INVALID] ', 'audit'],
  ['FINAL_REJECT: ', 'deny'],
  ['STATE_INVALID_DROP: ', 'deny'],
  ['rpfilter_DROP: ', 'deny'],
  ['filter_IN_public_REJECT: ', 'deny'],
  ['filter_IN_public_DROP: ', 'deny'],
  ['filter_IN_public_ALLOW: ', 'allow'],
  ['Shorewall:net2fw:DROP:', 'deny'],
  ['Shorewall:fw2net:ACCEPT:', 'allow'],
  ['Shorewall:net2fw:REJECT:', 'deny'],
  ['DROP ', 'deny'],
  ['DROP INVALID ', 'deny'],
  ['REJECT ', 'deny'],
  ['ACCEPT ', 'allow'],
  ['nft-in drop: ', 'deny'],
  ['nft accept: ', 'allow'],
  ['OUT DROP ', 'deny'],
  ['IPT-DENIED ', 'deny'],
  // No verdict word: scored, as every packet was before portsleuth read prefixes.
  ['', 'unknown'],
  ['fw-in ', 'unknown'],
  ['INVALID ', 'unknown'],
  ['[11] SID2003 ', 'unknown'],
  ['LOGDROP ', 'unknown'],
  // A prefix naming a denial and something else is read as the denial.
  ['ACCEPT-then-DROP ', 'deny'],
  ['AUDIT ACCEPT ', 'allow'],
]

describe('the action a log prefix names', () => {
  test.each(PREFIXES)('%j is %s', (prefix, action) => {
    expect(prefixAction(prefix)).toBe(action)
  })

  test('the cache answers what prefixAction answers, also past its bound', () => {
    const cache = new ActionCache()
    for (let i = 0; i < 3000; i++) {
      const [prefix, action] = PREFIXES[i % PREFIXES.length]!
      expect(cache.of(`${prefix}${i % 2 === 0 ? `x${i}` : ''}`)).toBe(i % 2 === 0 ? prefixAction(`${prefix}x${i}`) : action)
    }
  })
})
