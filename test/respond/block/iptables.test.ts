import { describe, expect, test } from 'vitest'
import { ConfigError } from '../../../src/core/errors.js'
import { DEFAULT_CHAINS, parseChainSpec } from '../../../src/config/auto-chain.js'
import { DEFAULT_IPTABLES, hasJump, iptablesPlan, IptablesBlocker, parseRules } from '../../../src/respond/block/iptables.js'
import { stepArgv, type Command, type Runner } from '../../../src/respond/block/runner.js'
import { parseTarget } from '../../../src/respond/block/target.js'

const W = ['-w', '5', '-t', 'filter']
const v4 = (...a: string[]): string[] => ['iptables', ...W, ...a]
const v6 = (...a: string[]): string[] => ['ip6tables', ...W, ...a]

describe('IPT_AUTO_CHAIN specs', () => {
  test('the 7-field form', () => {
    expect(parseChainSpec('REJECT, both, mangle, PREROUTING, 2, MY_BLOCK, 3').spec).toEqual({ target: 'REJECT', direction: 'both', table: 'mangle', from: 'PREROUTING', jumpPosition: 2, chain: 'MY_BLOCK', rulePosition: 3 })
  })
  test('the legacy 5-field form means positions 1, with a warning', () => {
    const p = parseChainSpec('DROP, src, filter, INPUT, PSL_IN', 'IPT_AUTO_CHAIN1')
    expect(p.spec).toMatchObject({ jumpPosition: 1, rulePosition: 1, chain: 'PSL_IN' })
    expect(p.warning).toContain('IPT_AUTO_CHAIN1')
  })
  test.each([
    ['DROP, up, filter, INPUT, 1, X, 1', "direction 'up'"],
    ['DROP, src, nat2, INPUT, 1, X, 1', "table 'nat2'"],
    ['DROP, src, filter, INPUT, 0, X, 1', "jump rule position '0'"],
    ['DROP, src, filter, INPUT, 1, INPUT, 1', 'both'],
    ['DROP, src, filter, INPUT, 1, -F, 1', "to chain '-F'"],
    ['DROP;rm, src, filter, INPUT, 1, X, 1', "target 'DROP;rm'"],
    ['DROP, src, filter, INPUT, 1, ABCDEFGHIJKLMNOPQRSTUVWXYZ123, 1', 'at most 28'],
    ['DROP, src, filter', 'found 3'],
  ])('%s is refused (%s)', (text, why) => {
    expect(() => parseChainSpec(text)).toThrow(ConfigError)
    expect(() => parseChainSpec(text)).toThrow(why)
  })
  test("the defaults are psad's with our chain names", () => {
    expect(DEFAULT_CHAINS.map((s) => `${s.target},${s.direction},${s.table},${s.from},${s.jumpPosition},${s.chain},${s.rulePosition}`)).toEqual([
      'DROP,src,filter,INPUT,1,PORTSLEUTH_BLOCK_INPUT,1',
      'DROP,dst,filter,OUTPUT,1,PORTSLEUTH_BLOCK_OUTPUT,1',
      'DROP,both,filter,FORWARD,1,PORTSLEUTH_BLOCK_FORWARD,1',
    ])
  })
})

describe('iptables plan: exact argv', () => {
  const plan = iptablesPlan()
  test('init: chains (after -S), then jumps (after -C), IPv4 and IPv6', () => {
    const argv = stepArgv(plan.init())
    expect(argv.slice(0, 12)).toEqual([
      v4('-S', 'PORTSLEUTH_BLOCK_INPUT'), v4('-N', 'PORTSLEUTH_BLOCK_INPUT'),
      v4('-S', 'PORTSLEUTH_BLOCK_OUTPUT'), v4('-N', 'PORTSLEUTH_BLOCK_OUTPUT'),
      v4('-S', 'PORTSLEUTH_BLOCK_FORWARD'), v4('-N', 'PORTSLEUTH_BLOCK_FORWARD'),
      v4('-C', 'INPUT', '-j', 'PORTSLEUTH_BLOCK_INPUT'), v4('-I', 'INPUT', '1', '-j', 'PORTSLEUTH_BLOCK_INPUT'),
      v4('-C', 'OUTPUT', '-j', 'PORTSLEUTH_BLOCK_OUTPUT'), v4('-I', 'OUTPUT', '1', '-j', 'PORTSLEUTH_BLOCK_OUTPUT'),
      v4('-C', 'FORWARD', '-j', 'PORTSLEUTH_BLOCK_FORWARD'), v4('-I', 'FORWARD', '1', '-j', 'PORTSLEUTH_BLOCK_FORWARD'),
    ])
    expect(argv.slice(12).map((a) => a[0])).toEqual(Array(12).fill('ip6tables'))
    expect(plan.init().every((s) => s.unless !== undefined)).toBe(true)
  })
  test('block IPv4: src on INPUT, dst on OUTPUT, both on FORWARD; -C before each -I', () => {
    const t = parseTarget('203.0.113.7')
    expect(stepArgv(plan.block(t, 3600))).toEqual([
      v4('-C', 'PORTSLEUTH_BLOCK_INPUT', '-s', '203.0.113.7/32', '-j', 'DROP'), v4('-I', 'PORTSLEUTH_BLOCK_INPUT', '1', '-s', '203.0.113.7/32', '-j', 'DROP'),
      v4('-C', 'PORTSLEUTH_BLOCK_OUTPUT', '-d', '203.0.113.7/32', '-j', 'DROP'), v4('-I', 'PORTSLEUTH_BLOCK_OUTPUT', '1', '-d', '203.0.113.7/32', '-j', 'DROP'),
      v4('-C', 'PORTSLEUTH_BLOCK_FORWARD', '-s', '203.0.113.7/32', '-j', 'DROP'), v4('-I', 'PORTSLEUTH_BLOCK_FORWARD', '1', '-s', '203.0.113.7/32', '-j', 'DROP'),
      v4('-C', 'PORTSLEUTH_BLOCK_FORWARD', '-d', '203.0.113.7/32', '-j', 'DROP'), v4('-I', 'PORTSLEUTH_BLOCK_FORWARD', '1', '-d', '203.0.113.7/32', '-j', 'DROP'),
    ])
  })
  test('block and unblock IPv6 go to ip6tables with the canonical prefix', () => {
    const t = parseTarget('2001:DB8:0:0:5::1/64')
    expect(stepArgv(plan.block(t, 0))[1]).toEqual(v6('-I', 'PORTSLEUTH_BLOCK_INPUT', '1', '-s', '2001:db8::/64', '-j', 'DROP'))
    expect(stepArgv(plan.unblock(t)).slice(0, 4)).toEqual([
      v6('-C', 'PORTSLEUTH_BLOCK_INPUT', '-s', '2001:db8::/64', '-j', 'DROP'), v6('-D', 'PORTSLEUTH_BLOCK_INPUT', '-s', '2001:db8::/64', '-j', 'DROP'),
      v6('-C', 'PORTSLEUTH_BLOCK_OUTPUT', '-d', '2001:db8::/64', '-j', 'DROP'), v6('-D', 'PORTSLEUTH_BLOCK_OUTPUT', '-d', '2001:db8::/64', '-j', 'DROP'),
    ])
    expect(plan.unblock(t).every((s) => s.onlyIf !== undefined)).toBe(true)
  })
  test('positions, table, target, lock wait and programs come from the options', () => {
    const p = iptablesPlan({ ...DEFAULT_IPTABLES, lockWait: 9, families: [4], commands: { 4: 'iptables-legacy', 6: 'ip6tables-legacy' }, chains: [parseChainSpec('REJECT, dst, mangle, POSTROUTING, 3, PSL_OUT, 2').spec] })
    expect(stepArgv(p.init())).toEqual([
      ['iptables-legacy', '-w', '9', '-t', 'mangle', '-S', 'PSL_OUT'], ['iptables-legacy', '-w', '9', '-t', 'mangle', '-N', 'PSL_OUT'],
      ['iptables-legacy', '-w', '9', '-t', 'mangle', '-C', 'POSTROUTING', '-j', 'PSL_OUT'], ['iptables-legacy', '-w', '9', '-t', 'mangle', '-I', 'POSTROUTING', '3', '-j', 'PSL_OUT'],
    ])
    expect(stepArgv(p.block(parseTarget('10.0.0.0/8'), 60))[1]).toEqual(['iptables-legacy', '-w', '9', '-t', 'mangle', '-I', 'PSL_OUT', '2', '-d', '10.0.0.0/8', '-j', 'REJECT'])
  })
  test('shutdown keep runs nothing; remove deletes jumps, then flushes and deletes chains', () => {
    expect(plan.shutdown('keep')).toEqual([])
    const argv = stepArgv(plan.shutdown('remove'))
    expect(argv.slice(0, 2)).toEqual([v4('-C', 'INPUT', '-j', 'PORTSLEUTH_BLOCK_INPUT'), v4('-D', 'INPUT', '-j', 'PORTSLEUTH_BLOCK_INPUT')])
    expect(argv.slice(6, 10)).toEqual([v4('-S', 'PORTSLEUTH_BLOCK_INPUT'), v4('-F', 'PORTSLEUTH_BLOCK_INPUT'), v4('-S', 'PORTSLEUTH_BLOCK_INPUT'), v4('-X', 'PORTSLEUTH_BLOCK_INPUT')])
    expect(argv.filter((a) => a[0] === 'ip6tables')).toHaveLength(argv.length / 2)
  })
})

describe('reading iptables -S', () => {
  test('parseRules keeps our -s/-d rules in canonical form and skips the rest', () => {
    const text = ['-N PORTSLEUTH_BLOCK_INPUT', '-A PORTSLEUTH_BLOCK_INPUT -s 1.2.3.4/32 -j DROP', '-A PORTSLEUTH_BLOCK_INPUT -s 2001:db8::/64 -j DROP', '-A PORTSLEUTH_BLOCK_INPUT -p tcp -j ACCEPT', '-A PORTSLEUTH_BLOCK_INPUT -s foo -j DROP'].join('\n')
    expect([...parseRules(text)]).toEqual(['-s 1.2.3.4/32 -j DROP', '-s 2001:db8::/64 -j DROP'])
  })
  test('hasJump', () => {
    expect(hasJump('-P INPUT ACCEPT\n-A INPUT -j PORTSLEUTH_BLOCK_INPUT\n', 'PORTSLEUTH_BLOCK_INPUT')).toBe(true)
    expect(hasJump('-P INPUT ACCEPT\n-A INPUT -s 1.2.3.4/32 -j PORTSLEUTH_BLOCK_INPUT\n', 'PORTSLEUTH_BLOCK_INPUT')).toBe(false)
  })
})

describe('IptablesBlocker over a scripted firewall', () => {
  // Answers -S like a kernel holding `chains`; records every argv.
  function firewall(chains: Record<string, string[]>): Runner & { ran: string[][] } {
    const ran: string[][] = []
    return {
      ran,
      async run(cmd: Command) {
        ran.push([...cmd.argv])
        const a = cmd.argv
        if (a[5] === '-S') {
          const rules = chains[`${a[0]} ${a[6]}`]
          return rules === undefined ? { code: 1, stdout: '', stderr: 'No chain' } : { code: 0, stdout: rules.join('\n'), stderr: '' }
        }
        return { code: 0, stdout: '', stderr: '' }
      },
    }
  }
  const healthy = (fam: 'iptables' | 'ip6tables', extra: Record<string, string[]> = {}): Record<string, string[]> => ({
    [`${fam} INPUT`]: ['-A INPUT -j PORTSLEUTH_BLOCK_INPUT'],
    [`${fam} OUTPUT`]: ['-A OUTPUT -j PORTSLEUTH_BLOCK_OUTPUT'],
    [`${fam} FORWARD`]: ['-A FORWARD -j PORTSLEUTH_BLOCK_FORWARD'],
    [`${fam} PORTSLEUTH_BLOCK_INPUT`]: [],
    [`${fam} PORTSLEUTH_BLOCK_OUTPUT`]: [],
    [`${fam} PORTSLEUTH_BLOCK_FORWARD`]: [],
    ...extra,
  })
  const blocked = (fam: 'iptables' | 'ip6tables', cidr: string): Record<string, string[]> => ({
    [`${fam} PORTSLEUTH_BLOCK_INPUT`]: [`-A PORTSLEUTH_BLOCK_INPUT -s ${cidr} -j DROP`],
    [`${fam} PORTSLEUTH_BLOCK_OUTPUT`]: [`-A PORTSLEUTH_BLOCK_OUTPUT -d ${cidr} -j DROP`],
    [`${fam} PORTSLEUTH_BLOCK_FORWARD`]: [`-A PORTSLEUTH_BLOCK_FORWARD -s ${cidr} -j DROP`, `-A PORTSLEUTH_BLOCK_FORWARD -d ${cidr} -j DROP`],
  })
  test('present: a target counts only when all its rules are there and the jumps exist', async () => {
    const fw = firewall({ ...healthy('iptables', blocked('iptables', '1.2.3.4/32')), ...healthy('ip6tables', blocked('ip6tables', '2001:db8::/64')) })
    const p = await new IptablesBlocker(fw).present(['1.2.3.4', '5.6.7.8/32', '2001:db8::/64'])
    expect(p).toEqual({ present: ['1.2.3.4', '2001:db8::/64'], missing: ['5.6.7.8/32'], problems: [] })
  })
  test('present: a flushed chain or a deleted jump makes blocks missing and says why', async () => {
    const partial = { ...blocked('iptables', '1.2.3.4/32'), 'iptables PORTSLEUTH_BLOCK_FORWARD': [] }
    let p = await new IptablesBlocker(firewall({ ...healthy('iptables', partial), ...healthy('ip6tables') })).present(['1.2.3.4/32'])
    expect(p.missing).toEqual(['1.2.3.4/32'])
    const nojump = { ...healthy('iptables', blocked('iptables', '1.2.3.4/32')), 'iptables INPUT': [] }
    p = await new IptablesBlocker(firewall({ ...nojump, ...healthy('ip6tables') })).present(['1.2.3.4/32'])
    expect(p.missing).toEqual(['1.2.3.4/32'])
    expect(p.problems).toEqual(['iptables: jump rule INPUT -> PORTSLEUTH_BLOCK_INPUT (table filter) is missing'])
  })
  test('list reads every chain and family, with exactly these commands', async () => {
    const fw = firewall({ ...healthy('iptables', blocked('iptables', '1.2.3.4/32')), ...healthy('ip6tables', blocked('ip6tables', '2001:db8::/64')) })
    const list = await new IptablesBlocker(fw).list()
    const chains = ['PORTSLEUTH_BLOCK_INPUT', 'PORTSLEUTH_BLOCK_OUTPUT', 'PORTSLEUTH_BLOCK_FORWARD', 'INPUT', 'OUTPUT', 'FORWARD']
    expect(fw.ran).toEqual([...chains.map((c) => v4('-S', c)), ...chains.map((c) => v6('-S', c))])
    expect(list).toEqual([
      { target: '1.2.3.4/32', family: 4, expiresIn: null },
      { target: '2001:db8::/64', family: 6, expiresIn: null },
    ])
  })
  test('block re-parses the decision target: a hostile one runs nothing', async () => {
    const fw = firewall({})
    await expect(new IptablesBlocker(fw).block({ ip: 'x', target: '1.2.3.4 -j ACCEPT', dangerLevel: 5, timeout: 0, reason: 'r' })).rejects.toThrow('invalid block target')
    expect(fw.ran).toEqual([])
  })
})
