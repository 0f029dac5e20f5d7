import { describe, expect, test } from 'vitest'
import { shellLine } from '../../src/firewall/command-line.js'
import { walkHook } from '../../src/firewall/coverage.js'
import { parseIptablesSave } from '../../src/firewall/iptables-save.js'
import { parseNftJson } from '../../src/firewall/nft-json.js'
import type { Family, Hook, RulesetSource } from '../../src/firewall/ruleset.js'
import { suggestFixes } from '../../src/firewall/suggest.js'
import { judge } from '../../src/firewall/verdict.js'
import { combineSources } from '../../src/firewall/views.js'

const commands = (src: RulesetSource[], family: Family = 'ipv4', hook: Hook = 'input', fallbackTool: 'iptables' | 'nftables' = 'iptables'): string[] => {
  const w = walkHook(combineSources(src), family, hook)
  return suggestFixes(w, judge(w, { searchAll: true, search: [] }), { prefix: 'DROP ', fallbackTool }).map((s) => s.command)
}
const v4 = (rules: string, policy = 'ACCEPT'): RulesetSource => parseIptablesSave(`*filter\n:INPUT ${policy} [0:0]\n${rules}\nCOMMIT\n`, 't', 'ipv4')
const nftRule = (expr: unknown[], policy = 'accept'): RulesetSource => parseNftJson(JSON.stringify({ nftables: [
  { table: { family: 'inet', name: 'filter', handle: 1 } },
  { chain: { family: 'inet', table: 'filter', name: 'input', handle: 1, type: 'filter', hook: 'input', prio: 0, policy } },
  { rule: { family: 'inet', table: 'filter', chain: 'input', handle: 7, expr } },
] }), 'x')

describe('suggested commands', () => {
  test('the LOG goes right before the drop rule and copies its match arguments', () => {
    expect(commands([v4('-A INPUT -i lo -j ACCEPT\n-A INPUT -m conntrack --ctstate NEW -m comment --comment "no entry" -j DROP')]))
      .toEqual(["iptables -I INPUT 2 -m conntrack --ctstate NEW -m comment --comment 'no entry' -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options"])
  })

  test('policy ACCEPT with some unlogged drops: a LOG before each of them, with its conditions', () => {
    expect(commands([v4('-A INPUT -p tcp -m tcp --dport 23 -j DROP\n-A INPUT -s 192.0.2.0/24 -j REJECT')])).toEqual([
      "iptables -I INPUT 1 -p tcp -m tcp --dport 23 -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options",
      "iptables -I INPUT 2 -s 192.0.2.0/24 -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options",
    ])
  })

  test('where packets are accepted, only those from outside and outside known connections are logged', () => {
    expect(commands([v4('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -j ACCEPT')]))
      .toEqual(["iptables -I INPUT 2 '!' -i lo -m conntrack '!' --ctstate RELATED,ESTABLISHED -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options"])
    expect(commands([nftRule([{ counter: null }])])).toEqual([`nft add rule inet filter input iifname '!=' '"lo"' ct state '!=' established,related log prefix '"DROP "' flags tcp options flags ip options`])
  })

  test('other tables than filter get -t', () => {
    const src = parseIptablesSave('*mangle\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\nCOMMIT\n', 't', 'ipv4')
    expect(commands([src])).toEqual(["iptables -t mangle -I INPUT 1 -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options"])
  })

  test('nft: insert before the drop by handle, copying its conditions; none for a partial drop whose conditions cannot be written', () => {
    const newState = { match: { op: 'in', left: { ct: { key: 'state' } }, right: 'new' } }
    expect(commands([nftRule([newState, { drop: null }])])).toEqual([`nft insert rule inet filter input position 7 ct state new log prefix '"DROP "' flags tcp options flags ip options`])
    const opaque = { match: { op: '==', left: { osf: { key: 'name' } }, right: 'Linux' } }
    expect(commands([nftRule([opaque, { drop: null }])])).toEqual([])
    expect(commands([nftRule([{ counter: null }, { drop: null }])])).toEqual([`nft insert rule inet filter input position 7 log prefix '"DROP "' flags tcp options flags ip options`])
  })

  test('nft: a log rule without options is replaced only when it does nothing but log', () => {
    expect(commands([nftRule([{ log: { prefix: 'X ' } }], 'drop')])).toEqual([`nft replace rule inet filter input handle 7 log prefix '"X "' flags all`])
    expect(commands([nftRule([{ log: { prefix: 'X ' } }, { drop: null }])])).toEqual([])
  })

  test('no base chain at all: iptables, or nft creating a table and chain', () => {
    expect(commands([], 'ipv6', 'forward', 'iptables')).toEqual(["ip6tables -A FORWARD '!' -i lo -m conntrack '!' --ctstate RELATED,ESTABLISHED -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options"])
    expect(commands([], 'ipv6', 'input', 'nftables')).toEqual([
      'nft add table ip6 filter',
      "nft add chain ip6 filter input '{ type filter hook input priority 0; policy accept; }'",
      `nft add rule ip6 filter input iifname '!=' '"lo"' ct state '!=' established,related log prefix '"DROP "' flags tcp options flags ip options`,
    ])
  })

  test('shell lines: bare words stay bare, the rest is single-quoted', () => {
    expect(shellLine(['iptables', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '--log-prefix', "it's [x] $HOME"])).toBe("iptables -m conntrack --ctstate RELATED,ESTABLISHED --log-prefix 'it'\\''s [x] $HOME'")
    expect(shellLine(['a', '', '$HOME', '*', 'x;y'])).toBe("a '' '$HOME' '*' 'x;y'")
  })
})
