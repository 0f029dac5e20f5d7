import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { parseIptablesSave, splitArgs } from '../../src/firewall/iptables-save.js'
import type { Rule } from '../../src/firewall/ruleset.js'

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/rulesets/${name}`, import.meta.url), 'utf8')
const rule = (text: string, chain = 'INPUT'): Rule => {
  const src = parseIptablesSave(`*filter\n:INPUT DROP [0:0]\n:x - [0:0]\n${text}\nCOMMIT\n`, 't.v4', 'ipv4')
  return src.tables[0]!.chains.get(chain)!.rules[0]!
}

describe('iptables-save arguments', () => {
  test('double quotes group, a backslash takes the next character (as iptables-save writes them)', () => {
    // Real iptables-save output of a comment with quotes, a backslash and an apostrophe.
    expect(splitArgs(String.raw`-A INPUT -m comment --comment "a \"quoted\" back\\slash it\'s" -j LOG --log-prefix "x\"y "`, 'f:1'))
      .toEqual(['-A', 'INPUT', '-m', 'comment', '--comment', `a "quoted" back\\slash it's`, '-j', 'LOG', '--log-prefix', 'x"y '])
    expect(splitArgs('-A  INPUT\t-j ""', 'f:1')).toEqual(['-A', 'INPUT', '-j', ''])
    expect(() => splitArgs('-A INPUT --comment "open', 'rules.v4:7')).toThrow(/rules\.v4:7: unterminated quote/)
  })
})

describe('parseIptablesSave', () => {
  test('tables, chains, hooks, policies and rules of a real ufw dump', () => {
    const src = parseIptablesSave(fixture('ufw-on.v4'), 'ufw-on.v4')
    expect(src).toMatchObject({ tool: 'iptables', families: ['ipv4'], backend: 'nf_tables' })
    const filter = src.tables[0]!
    expect(filter.name).toBe('filter')
    expect(filter.chains.get('INPUT')).toMatchObject({ hook: 'input', policy: 'drop', priority: 0, type: 'filter' })
    expect(filter.chains.get('ufw-user-input')).toMatchObject({ hook: null, policy: null })
    const input = filter.chains.get('INPUT')!.rules
    expect(input.map((r) => r.action)).toEqual(['ufw-before-logging-input', 'ufw-before-input', 'ufw-after-input', 'ufw-after-logging-input', 'ufw-reject-input', 'ufw-track-input'].map((target) => ({ kind: 'jump', target })))
    expect(input.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6])
    const log = filter.chains.get('ufw-after-logging-input')!.rules[0]!
    expect(log.action).toEqual({ kind: 'log', log: { prefix: '[UFW BLOCK] ', tcpOptions: false, ipOptions: false, level: null } })
    expect(log.conds.map((c) => c.kind)).toEqual(['rate'])
    expect(log.matchArgv).toEqual(['-m', 'limit', '--limit', '3/min', '--limit-burst', '10'])
  })

  test('conditions: protocol and ports, state, address type, interfaces, addresses, negation', () => {
    const ssh = rule('-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW,UNTRACKED -j ACCEPT')
    expect(ssh.conds.map((c) => [c.kind, c.text])).toEqual([['proto', 'tcp'], ['other', 'tcp dport 22'], ['ctstate', 'ct state new,untracked']])
    expect(ssh.conds[2]!.values).toEqual(['new', 'untracked'])
    const notLo = rule('-A INPUT ! -i lo -s 0.0.0.0/0 -d 10.0.0.0/8 -m addrtype --dst-type LOCAL -j DROP')
    expect(notLo.conds.map((c) => [c.kind, c.text, c.negated])).toEqual([
      ['iface-in', 'iifname != lo', true], ['inert', 'saddr 0.0.0.0/0', false], ['other', 'daddr 10.0.0.0/8', false], ['dsttype', 'fib daddr type local', false],
    ])
    expect(rule('-A INPUT -p udp -m multiport --dports 137:139,445 -j DROP').conds[1]!.text).toBe('udp dport { 137-139, 445 }')
    expect(rule('-A INPUT -m recent --set --name DEFAULT --rsource').conds[0]!.kind).toBe('inert')
    expect(rule('-A INPUT -m recent --update --seconds 30 --hitcount 6 --name DEFAULT -j x').conds[0]).toMatchObject({ kind: 'other', text: '-m recent --update --seconds 30 --hitcount 6 --name DEFAULT' })
    expect(rule('-A INPUT -m comment --comment "keep this" -j DROP').conds[0]).toMatchObject({ kind: 'inert', text: 'comment "keep this"' })
    expect(rule('-A INPUT -p tcp -m tcp ! --syn -j DROP').conds[1]).toMatchObject({ text: 'tcp flags not syn', negated: true })
  })

  test('targets: LOG options, NFLOG, REJECT, RETURN, goto, user chains, non-terminal and queueing targets', () => {
    expect(rule('-A INPUT -j LOG --log-prefix "DROP " --log-level 6 --log-tcp-options --log-ip-options').action)
      .toEqual({ kind: 'log', log: { prefix: 'DROP ', tcpOptions: true, ipOptions: true, level: '6' } })
    expect(rule('-A INPUT -j LOG').action).toEqual({ kind: 'log', log: { prefix: '', tcpOptions: false, ipOptions: false, level: null } })
    expect(rule('-A INPUT -j NFLOG --nflog-group 5').action).toEqual({ kind: 'nflog', group: 5 })
    expect(rule('-A INPUT -j REJECT --reject-with icmp-port-unreachable').action).toEqual({ kind: 'reject' })
    expect(rule('-A INPUT -j RETURN').action).toEqual({ kind: 'return' })
    expect(rule('-A INPUT -i eth0 -g x').action).toEqual({ kind: 'goto', target: 'x' })
    expect(rule('-A INPUT -j x').action).toEqual({ kind: 'jump', target: 'x' })
    expect(rule('-A INPUT -j MARK --set-xmark 0x1/0xffffffff').action).toEqual({ kind: 'continue' })
    expect(rule('-A INPUT -j NFQUEUE --queue-num 1').action).toEqual({ kind: 'stop', what: 'NFQUEUE' })
    expect(rule('-A INPUT -p tcp').action).toEqual({ kind: 'continue' })
  })

  test('the family comes from the header, else from addresses and ICMP syntax, else --family', () => {
    expect(parseIptablesSave(fixture('plain-logged.v6'), 'p.v6').families).toEqual(['ipv6'])
    expect(parseIptablesSave(fixture('plain-logged.v6'), 'p.v6').tables[0]!.family).toBe('ip6')
    const body = (line: string): string => `*filter\n:INPUT DROP [0:0]\n${line}\nCOMMIT\n`
    expect(parseIptablesSave(body('-A INPUT -s fe80::/10 -j ACCEPT'), 'f').families).toEqual(['ipv6'])
    expect(parseIptablesSave(body('-A INPUT -p ipv6-icmp -j ACCEPT'), 'f').families).toEqual(['ipv6'])
    expect(parseIptablesSave(body('-A INPUT -j REJECT --reject-with icmp6-adm-prohibited'), 'f').families).toEqual(['ipv6'])
    expect(parseIptablesSave(body('-A INPUT -s 10.0.0.0/8 -j ACCEPT'), 'f').families).toEqual(['ipv4'])
    expect(parseIptablesSave(body('-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT'), 'f').families).toEqual(['ipv4'])
    expect(() => parseIptablesSave(body('-A INPUT -j DROP'), 'bare.rules')).toThrow(/bare\.rules: cannot tell whether these are IPv4 \(iptables\) or IPv6/)
    expect(() => parseIptablesSave(body('-A INPUT -s 10.0.0.1 -j DROP\n-A INPUT -s ::1 -j DROP'), 'mixed')).toThrow(/both IPv4 and IPv6/)
    expect(parseIptablesSave(body('-A INPUT -j DROP'), 'bare.rules', 'ipv6').families).toEqual(['ipv6'])
  })

  test('counters in front of rules (iptables-save -c) are skipped', () => {
    const src = parseIptablesSave('*filter\n:INPUT ACCEPT [10:600]\n[3:180] -A INPUT -p tcp -m tcp --dport 23 -j DROP\nCOMMIT\n', 'c', 'ipv4')
    expect(src.tables[0]!.chains.get('INPUT')!.rules[0]!.conds[1]!.text).toBe('tcp dport 23')
  })

  test('what is not iptables-save is an input error that names file:line', () => {
    const err = (text: string): InputError => {
      try {
        parseIptablesSave(text, 'rules.v4', 'ipv4')
      } catch (e) {
        return e as InputError
      }
      throw new Error('no error')
    }
    expect(err('-A INPUT -j DROP\n')).toMatchObject({ exit: 4, message: expect.stringMatching(/^rules\.v4:1: .*outside a \*table/) })
    expect(err('*filter\n:INPUT DROP [0:0]\n-A FORWARD -j DROP\n').message).toMatch(/^rules\.v4:3: rule for chain 'FORWARD', which the table does not declare/)
    expect(err('*filter\n:INPUT DROP [0:0]\n-I INPUT -j DROP\n').message).toMatch(/^rules\.v4:3: expected -A CHAIN/)
    expect(err('# nothing here\n').message).toMatch(/no \*table in it/)
  })
})
