import { describe, expect, test } from 'vitest'
import { walkHook } from '../../src/firewall/coverage.js'
import { parseIptablesSave } from '../../src/firewall/iptables-save.js'
import { parseNftJson } from '../../src/firewall/nft-json.js'
import type { Family, Hook, RulesetSource } from '../../src/firewall/ruleset.js'
import { choosePrefix } from '../../src/firewall/suggest.js'
import { judge, type Judgement, type LogPolicy } from '../../src/firewall/verdict.js'
import { combineSources } from '../../src/firewall/views.js'

// The walk and the verdict on small rulesets, one behaviour each.
const ALL: LogPolicy = { searchAll: true, search: ['DROP'] }

function v4(rules: string, policy = 'DROP', extra = ''): RulesetSource {
  return parseIptablesSave(`*filter\n:INPUT ${policy} [0:0]\n:FORWARD ACCEPT [0:0]\n${extra}${rules}\nCOMMIT\n`, 't.v4', 'ipv4')
}
function verdict(sources: RulesetSource[], family: Family = 'ipv4', hook: Hook = 'input', policy = ALL): Judgement & { warnings: string[] } {
  const w = walkHook(combineSources(sources), family, hook)
  return { ...judge(w, policy), warnings: w.warnings }
}
function nft(table: string, family: string, chains: { name: string; hook?: string; prio?: number; policy?: string; rules: unknown[][] }[]): string {
  const items: unknown[] = [{ table: { family, name: table, handle: 1 } }]
  let handle = 1
  for (const c of chains) items.push({ chain: { family, table, name: c.name, handle: handle++, ...(c.hook ? { type: 'filter', hook: c.hook, prio: c.prio ?? 0, policy: c.policy ?? 'accept' } : {}) } })
  for (const c of chains) for (const expr of c.rules) items.push({ rule: { family, table, chain: c.name, handle: handle++, expr } })
  return JSON.stringify({ nftables: items })
}

describe('the walk', () => {
  test('a LOG right before the policy drop: logged; without it: not logged', () => {
    expect(verdict([v4('-A INPUT -i lo -j ACCEPT\n-A INPUT -j LOG --log-prefix "DROP "')])).toMatchObject({ verdict: 'logged', detail: 'dropped by policy DROP of filter INPUT; logged by LOG "DROP " at filter INPUT rule 2' })
    expect(verdict([v4('-A INPUT -i lo -j ACCEPT')])).toMatchObject({ verdict: 'not-logged', label: 'not logged' })
  })

  test('a LOG after the drop does not count', () => {
    expect(verdict([v4('-A INPUT -j DROP\n-A INPUT -j LOG')], 'ipv4', 'input').verdict).toBe('not-logged')
  })

  test('rate limits, ct state new and ! -i lo do not narrow a log; ports and -i lo do', () => {
    expect(verdict([v4('-A INPUT -m limit --limit 3/min -j LOG')]).verdict).toBe('logged')
    expect(verdict([v4('-A INPUT -m conntrack --ctstate NEW -j LOG')]).verdict).toBe('logged')
    expect(verdict([v4('-A INPUT ! -i lo -j LOG')]).verdict).toBe('logged')
    expect(verdict([v4('-A INPUT ! -i lo -m conntrack ! --ctstate RELATED,ESTABLISHED -j LOG')]).verdict).toBe('logged')
    expect(verdict([v4('-A INPUT -m conntrack ! --ctstate NEW -j LOG')]).verdict).toBe('not-logged')
    expect(verdict([v4('-A INPUT -p tcp -m tcp --dport 22 -j LOG')])).toMatchObject({ verdict: 'partial', label: 'partially logged (only tcp dport 22)' })
    expect(verdict([v4('-A INPUT -i lo -j LOG')])).toMatchObject({ verdict: 'partial', label: 'partially logged (only iifname lo)' })
    expect(verdict([v4('-A INPUT -p tcp -j LOG\n-A INPUT -p udp -j LOG')]).label).toBe('partially logged (only tcp or udp)')
  })

  test('jumps are followed and come back; a chain that logs then drops covers what it is jumped to for', () => {
    const logDrop = ':logdrop - [0:0]\n'
    expect(verdict([v4('-A INPUT -j logdrop\n-A logdrop -j LOG\n-A logdrop -j DROP', 'ACCEPT', logDrop)])).toMatchObject({ verdict: 'logged', detail: 'dropped by filter logdrop rule 2; logged by LOG (no prefix) at filter logdrop rule 1' })
    // A chain that only logs and returns: the policy drop after it is logged.
    expect(verdict([v4('-A INPUT -j logdrop\n-A logdrop -j LOG', 'DROP', logDrop)]).verdict).toBe('logged')
    // Jumped to only for tcp: other packets reach the policy unlogged.
    const j = verdict([v4('-A INPUT -p tcp -j logdrop\n-A logdrop -j LOG\n-A logdrop -j DROP', 'DROP', logDrop)])
    expect(j).toMatchObject({ verdict: 'not-logged' })
    expect(j.unlogged).toEqual([])
  })

  test('packets that RETURN before a log skip it: a drop of just those packets is not covered', () => {
    const chain = ':ld - [0:0]\n'
    const j = verdict([v4('-A INPUT -j ld\n-A INPUT -m conntrack --ctstate INVALID -j DROP\n-A ld -m conntrack --ctstate INVALID -j RETURN\n-A ld -j LOG', 'DROP', chain)])
    expect(j.verdict).toBe('logged')
    expect(j.unlogged.map((e) => e.conds.map((c) => c.text))).toEqual([['ct state invalid']])
  })

  test('goto: coming back from the goto\'d chain returns to the caller, past the rest of the chain', () => {
    const chains = ':zones - [0:0]\n:pub - [0:0]\n'
    // INPUT -> zones -(goto)-> pub; pub returns to INPUT directly, so the LOG in zones is never reached.
    expect(verdict([v4('-A INPUT -j zones\n-A INPUT -j REJECT\n-A zones -g pub\n-A zones -j LOG', 'ACCEPT', chains)]).verdict).toBe('not-logged')
    expect(verdict([v4('-A INPUT -j zones\n-A INPUT -j REJECT\n-A zones -g pub\n-A pub -j LOG', 'ACCEPT', chains)]).verdict).toBe('logged')
  })

  test('a loop of jumps is reported, not followed forever', () => {
    const j = verdict([v4('-A INPUT -j a\n-A a -j b\n-A b -j a', 'DROP', ':a - [0:0]\n:b - [0:0]\n')])
    expect(j.verdict).toBe('not-logged')
    expect(j.warnings).toEqual(["filter b: rule 1 jumps to 'a' in a loop or too deep; not followed"])
  })

  test('policy ACCEPT: nothing dropped, only some drops logged, or every drop logged', () => {
    expect(verdict([v4('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', 'ACCEPT')])).toMatchObject({ verdict: 'no-drop', label: 'no drop at all (policy ACCEPT, nothing dropped)' })
    expect(verdict([v4('-A INPUT -p tcp -m tcp --dport 23 -j DROP', 'ACCEPT')])).toMatchObject({ verdict: 'not-logged', detail: expect.stringContaining('(tcp dport 23) do not log them') })
    expect(verdict([v4('-A INPUT -p tcp -m tcp --dport 23 -j LOG\n-A INPUT -p tcp -m tcp --dport 23 -j DROP', 'ACCEPT')]).verdict).toBe('logged')
    expect(verdict([v4('-A INPUT -j LOG', 'ACCEPT')])).toMatchObject({ verdict: 'logged', detail: expect.stringContaining('accepted by policy ACCEPT of filter INPUT, after LOG') })
  })

  test('FW_SEARCH_ALL N: a log whose prefix FW_MSG_SEARCH does not match is not logging', () => {
    const src = [v4('-A INPUT -j LOG --log-prefix "[UFW BLOCK] "')]
    const j = verdict(src, 'ipv4', 'input', { searchAll: false, search: ['DROP'] })
    expect(j.verdict).toBe('not-logged')
    expect(j.detail).toContain('LOG "[UFW BLOCK] " at filter INPUT rule 1 logs it, but its prefix does not match FW_MSG_SEARCH (DROP) and FW_SEARCH_ALL is N')
    expect(verdict(src, 'ipv4', 'input', { searchAll: false, search: ['DROP', 'UFW BLOCK'] }).verdict).toBe('logged')
    expect(choosePrefix(true, ['x'])).toBe('DROP ')
    expect(choosePrefix(false, ['DROP'])).toBe('DROP ')
    expect(choosePrefix(false, ['BLOCKED'])).toBe('BLOCKED ')
    expect(choosePrefix(false, ['^fw-.*drop$'])).toBe('DROP ')
  })

  test('nft: base chains on one hook run in priority order; logs carry over an accept, a drop ends the walk', () => {
    const early = (rules: unknown[][]): string => nft('early', 'inet', [{ name: 'in', hook: 'input', prio: -10, rules }])
    const late = nft('late', 'ip', [{ name: 'in', hook: 'input', prio: 10, policy: 'drop', rules: [] }])
    const both = (rules: unknown[][]): RulesetSource[] => [parseNftJson(early(rules), 'a'), parseNftJson(late, 'b')]
    expect(verdict(both([[{ log: { prefix: 'DROP ' } }]]))).toMatchObject({ verdict: 'logged', detail: 'dropped by policy DROP of ip late in; logged by log "DROP " at inet early in rule 1' })
    expect(verdict(both([]))).toMatchObject({ verdict: 'not-logged', detail: expect.stringContaining('policy DROP of ip late in') })
    expect(verdict(both([[{ drop: null }]]))).toMatchObject({ verdict: 'not-logged', detail: expect.stringContaining('inet early in rule 1') })
    // The ip table is IPv4 only: for IPv6 the inet chain alone decides (and drops nothing).
    expect(verdict(both([]), 'ipv6').verdict).toBe('no-drop')
  })

  test('nft inet tables: a match of the other family never matches', () => {
    const src = parseNftJson(nft('f', 'inet', [{ name: 'input', hook: 'input', policy: 'drop', rules: [
      [{ match: { op: '==', left: { meta: { key: 'nfproto' } }, right: 'ipv4' } }, { log: { prefix: 'DROP ' } }],
    ] }]), 'x')
    expect(verdict([src], 'ipv4').verdict).toBe('logged')
    expect(verdict([src], 'ipv6').verdict).toBe('not-logged')
  })

  test('no base chain on the hook: no drop at all', () => {
    expect(verdict([parseNftJson(nft('t', 'ip', [{ name: 'c', rules: [] }]), 'x')])).toMatchObject({ verdict: 'no-drop', label: 'no drop at all (no filter chain on this hook)' })
  })
})

describe('combineSources', () => {
  const ipt = (backend: string): RulesetSource => parseIptablesSave(`# Generated by iptables-save v1.8.9 (${backend}) on Mon Jan  1 00:00:00 2026\n*filter\n:INPUT DROP [0:0]\n-A INPUT -j LOG\nCOMMIT\n`, 'iptables-save')
  const nftCopy = (): RulesetSource => parseNftJson(nft('filter', 'ip', [{ name: 'INPUT', hook: 'input', policy: 'drop', rules: [[{ xt: { type: 'target', name: 'LOG' } }]] }]), 'nft')
  test("nft's copy of an iptables-nft table is left out when iptables-save showed it", () => {
    const tables = combineSources([ipt('nf_tables'), nftCopy()])
    expect(tables.map((t) => [t.tool, t.family, t.name])).toEqual([['iptables', 'ip', 'filter']])
  })
  test('iptables-legacy tables are other tables: both are kept', () => {
    expect(combineSources([ipt('legacy'), nftCopy()]).map((t) => t.tool)).toEqual(['iptables', 'nftables'])
  })
})
