import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parseNftJson, type NftRule } from '../../src/firewall/nft-json.js'
import { parseRulesFile } from '../../src/firewall/rules-file.js'
import type { Table } from '../../src/firewall/ruleset.js'

// The JSON fixtures are what `nft -j list ruleset` printed for the .nft files beside them
// (scripts/rulesets/refresh.sh), so these are nft's real shapes.
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/rulesets/${name}`, import.meta.url), 'utf8')
const table = (file: string, name: string): Table => parseNftJson(fixture(file), file).tables.find((t) => t.name === name)!
const rules = (t: Table, chain: string): NftRule[] => t.chains.get(chain)!.rules as NftRule[]

describe('parseNftJson on real nft output', () => {
  test('tables, base chains with hook, priority and policy, user chains', () => {
    const src = parseNftJson(fixture('firewalld-logdenied.json'), 'fw.json')
    expect(src).toMatchObject({ tool: 'nftables', families: ['ipv4', 'ipv6'] })
    const t = src.tables[0]!
    expect([t.family, t.name, t.iptablesNft]).toEqual(['inet', 'firewalld', false])
    // "priority filter + 10" and "priority mangle + 10" are printed as numbers.
    expect(t.chains.get('filter_INPUT')).toMatchObject({ hook: 'input', type: 'filter', priority: 10, policy: 'accept' })
    expect(t.chains.get('mangle_PREROUTING')).toMatchObject({ hook: 'prerouting', priority: -140 })
    expect(t.chains.get('filter_IN_public')).toMatchObject({ hook: null, policy: null })
  })

  test('matches become conditions; a log and a verdict in one rule become two steps under the same conditions', () => {
    const t = table('firewalld-logdenied.json', 'firewalld')
    const input = rules(t, 'filter_INPUT')
    expect(input[0]!.conds[0]).toMatchObject({ kind: 'ctstate', text: 'ct state { established, related }', values: ['established', 'related'] })
    expect(input[1]!.conds[0]).toMatchObject({ kind: 'other', text: 'ct status dnat' })
    expect(input[2]!.conds[0]).toMatchObject({ kind: 'iface-in', text: 'iifname "lo"', values: ['lo'] })
    expect(input.find((r) => r.action.kind === 'log' && r.conds.length === 0)).toMatchObject({
      action: { kind: 'log', log: { prefix: 'FINAL_REJECT: ', tcpOptions: false, ipOptions: false, level: null } }, position: 9,
    })
    expect(input.at(-1)).toMatchObject({ action: { kind: 'reject' }, position: 10, conds: [] })
    const zones = rules(t, 'filter_INPUT_ZONES')
    expect(zones.map((r) => [r.action, r.conds.map((c) => c.text)])).toEqual([
      [{ kind: 'goto', target: 'filter_IN_public' }, ['iifname "eth0"']],
      [{ kind: 'goto', target: 'filter_IN_public' }, []],
    ])
    const allow = rules(t, 'filter_IN_public_allow')
    expect(allow[1]!.conds.map((c) => [c.text, c.family])).toEqual([['ip6 daddr fe80::/64', 'ipv6'], ['udp dport 546', undefined], ['ct state { new, untracked }', undefined]])

    const nft = table('nft-logged.json', 'filter')
    const drop = rules(nft, 'log_drop')
    expect(drop.map((r) => r.action.kind)).toEqual(['log', 'drop'])
    expect(drop[0]!.action).toEqual({ kind: 'log', log: { prefix: 'DROP ', tcpOptions: true, ipOptions: true, level: null } })
    expect(drop[0]!.conds).toMatchObject([{ kind: 'rate', text: 'limit rate 10/second' }])
  })

  test('log flags as a string, a list or "all"; log group is NFLOG', () => {
    const doc = (log: unknown): string => JSON.stringify({ nftables: [
      { table: { family: 'ip', name: 't', handle: 1 } },
      { chain: { family: 'ip', table: 't', name: 'c', handle: 1 } },
      { rule: { family: 'ip', table: 't', chain: 'c', handle: 2, expr: [{ log }] } },
    ] })
    const action = (log: unknown): unknown => parseNftJson(doc(log), 'x').tables[0]!.chains.get('c')!.rules[0]!.action
    expect(action({ flags: 'tcp options' })).toMatchObject({ log: { prefix: '', tcpOptions: true, ipOptions: false } })
    expect(action({ prefix: 'X ', flags: ['tcp options', 'ip options'] })).toMatchObject({ log: { prefix: 'X ', tcpOptions: true, ipOptions: true } })
    expect(action({ flags: 'all', level: 'info' })).toMatchObject({ log: { tcpOptions: true, ipOptions: true, level: 'info' } })
    expect(action(null)).toMatchObject({ log: { prefix: '', tcpOptions: false } })
    expect(action({ group: 2 })).toEqual({ kind: 'nflog', group: 2 })
  })

  test('a verdict map becomes one conditional verdict per element', () => {
    const input = rules(table('nft-logged.json', 'filter'), 'input')
    expect(input.slice(0, 3).map((r) => [r.action.kind, r.conds.map((c) => c.text), r.handle])).toEqual([
      ['drop', ['ct state invalid'], input[0]!.handle], ['accept', ['ct state established'], input[0]!.handle], ['accept', ['ct state related'], input[0]!.handle],
    ])
    expect(new Set(input.slice(0, 3).map((r) => r.position))).toEqual(new Set([1]))
    expect(input.at(-1)).toMatchObject({ action: { kind: 'jump', target: 'log_drop' }, position: 5 })
  })

  test('conditions render back to nft syntax for suggestions', () => {
    const input = rules(table('nft-unlogged.json', 'filter'), 'input')
    expect(input.map((r) => r.condsNft)).toEqual(['ct state established,related', 'ct state invalid', 'iifname "lo"', 'meta l4proto ipv6-icmp', 'tcp dport 22', 'tcp dport 80', 'meta nfproto ipv4'])
    expect(input.at(-1)!.conds[0]).toMatchObject({ kind: 'family', family: 'ipv4' })
  })

  test('iptables-nft rules: xt LOG is a log of unknown prefix, xt matches are opaque, the table is marked', () => {
    const t = table('iptables-nft-plain-unlogged.json', 'filter')
    expect(t).toMatchObject({ family: 'ip', iptablesNft: true })
    const input = rules(t, 'INPUT')
    const log = input.find((r) => r.action.kind === 'log')!
    expect(log.action).toEqual({ kind: 'log', log: { prefix: null, tcpOptions: null, ipOptions: null, level: null } })
    expect(log.conds.map((c) => c.text)).toEqual(['tcp dport 23'])
    expect(input.find((r) => r.action.kind === 'reject')).toMatchObject({ position: 7 })
    expect(input[1]!.conds[0]).toMatchObject({ kind: 'other', text: 'xt match conntrack' })
    expect(input[1]!.condsNft).toBeNull()
    const ufw = table('iptables-nft-ufw-on.json', 'filter')
    const limited = rules(ufw, 'ufw-after-logging-input')[0]!
    expect(limited.conds[0]!.kind).toBe('rate')
    expect(limited.action.kind).toBe('log')
  })

  test('what is not nft JSON is an input error naming the file', () => {
    expect(() => parseNftJson('{"nftables": [', 'r.json')).toThrow(/^r\.json: not valid JSON/)
    expect(() => parseNftJson('{"tables": []}', 'r.json')).toThrow(/r\.json: JSON without an "nftables" array/)
    expect(() => parseNftJson('{"nftables": [{"chain": {"family": "ip", "table": "x", "name": "c"}}]}', 'r.json')).toThrow(/chain c of table ip x, which is not listed before it/)
  })
})

describe('parseRulesFile recognises the format by content', () => {
  test('JSON is nft, *table text is iptables-save, nft text and anything else are refused with a hint', () => {
    expect(parseRulesFile(fixture('nft-logged.json'), 'a', null, []).tool).toBe('nftables')
    expect(parseRulesFile(fixture('ufw-on.v6'), 'b', null, [])).toMatchObject({ tool: 'iptables', families: ['ipv6'] })
    expect(() => parseRulesFile(fixture('nft-logged.nft'), 'rules.nft', null, [])).toThrow(expect.objectContaining({ message: 'rules.nft: this is nft\'s text format, which fw-check does not read', hint: 'save the ruleset as JSON: nft -j list ruleset > rules.json', exit: 4 }))
    expect(() => parseRulesFile('hello\n', 'notes.txt', null, [])).toThrow(/notes\.txt: neither iptables-save output nor nft -j list ruleset JSON/)
  })
})
