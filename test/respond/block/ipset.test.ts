import { describe, expect, test } from 'vitest'
import { ConfigError } from '../../../src/core/errors.js'
import { DEFAULT_IPSET, ipsetPlan, IpsetBlocker, ipsetRestore, parseIpsetSave } from '../../../src/respond/block/ipset.js'
import { stepArgv, type Command, type Runner } from '../../../src/respond/block/runner.js'
import { parseTarget } from '../../../src/respond/block/target.js'

describe('ipset plan: exact argv', () => {
  const plan = ipsetPlan()
  test('init: hash:net sets with timeout 0 and maxelem, -exist; one -C-guarded match rule per family', () => {
    expect(stepArgv(plan.init())).toEqual([
      ['ipset', 'create', 'portsleuth4', 'hash:net', 'family', 'inet', 'timeout', '0', 'maxelem', '65536', '-exist'],
      ['iptables', '-w', '5', '-C', 'INPUT', '-m', 'set', '--match-set', 'portsleuth4', 'src', '-j', 'DROP'],
      ['iptables', '-w', '5', '-I', 'INPUT', '1', '-m', 'set', '--match-set', 'portsleuth4', 'src', '-j', 'DROP'],
      ['ipset', 'create', 'portsleuth6', 'hash:net', 'family', 'inet6', 'timeout', '0', 'maxelem', '65536', '-exist'],
      ['ip6tables', '-w', '5', '-C', 'INPUT', '-m', 'set', '--match-set', 'portsleuth6', 'src', '-j', 'DROP'],
      ['ip6tables', '-w', '5', '-I', 'INPUT', '1', '-m', 'set', '--match-set', 'portsleuth6', 'src', '-j', 'DROP'],
    ])
  })
  test('block with a timeout, permanently, IPv6; unblock with -exist', () => {
    expect(stepArgv(plan.block(parseTarget('192.0.2.200'), 3600))).toEqual([['ipset', 'add', 'portsleuth4', '192.0.2.200/32', 'timeout', '3600', '-exist']])
    expect(stepArgv(plan.block(parseTarget('2001:db8::7/64'), 0))).toEqual([['ipset', 'add', 'portsleuth6', '2001:db8::/64', 'timeout', '0', '-exist']])
    expect(stepArgv(plan.unblock(parseTarget('192.0.2.200')))).toEqual([['ipset', 'del', 'portsleuth4', '192.0.2.200/32', '-exist']])
  })
  test('shutdown remove: the match rule (when there), then the set (when there)', () => {
    expect(plan.shutdown('keep')).toEqual([])
    expect(stepArgv(plan.shutdown('remove')).slice(0, 4)).toEqual([
      ['iptables', '-w', '5', '-C', 'INPUT', '-m', 'set', '--match-set', 'portsleuth4', 'src', '-j', 'DROP'],
      ['iptables', '-w', '5', '-D', 'INPUT', '-m', 'set', '--match-set', 'portsleuth4', 'src', '-j', 'DROP'],
      ['ipset', 'list', '-n', 'portsleuth4'],
      ['ipset', 'destroy', 'portsleuth4'],
    ])
  })
  test('options are checked', () => {
    expect(() => ipsetPlan({ ...DEFAULT_IPSET, maxelem: 0 })).toThrow(ConfigError)
    expect(() => ipsetPlan({ ...DEFAULT_IPSET, sets: { 4: '-F', 6: 'x' } })).toThrow(ConfigError)
    expect(stepArgv(ipsetPlan({ ...DEFAULT_IPSET, families: [6], maxelem: 10, chain: 'FORWARD', position: 4 }).init())[2]).toEqual(['ip6tables', '-w', '5', '-I', 'FORWARD', '4', '-m', 'set', '--match-set', 'portsleuth6', 'src', '-j', 'DROP'])
  })
  test('restore file for block export', () => {
    expect(ipsetRestore(DEFAULT_IPSET, [{ target: parseTarget('1.2.3.4'), timeout: 50 }, { target: parseTarget('2001:db8::/48'), timeout: 0 }])).toBe(
      [
        'create portsleuth4 hash:net family inet timeout 0 maxelem 65536 -exist',
        'create portsleuth6 hash:net family inet6 timeout 0 maxelem 65536 -exist',
        'add portsleuth4 1.2.3.4/32 timeout 50 -exist',
        'add portsleuth6 2001:db8::/48 timeout 0 -exist',
        '',
      ].join('\n'),
    )
  })
})

describe('reading ipset save', () => {
  test('elements with and without /32, timeouts, other sets ignored', () => {
    const text = ['create portsleuth4 hash:net family inet hashsize 1024 maxelem 65536 timeout 0 bucketsize 12 initval 0x1', 'add portsleuth4 1.2.3.4 timeout 99', 'add portsleuth4 10.0.0.0/8 timeout 0', 'add other 9.9.9.9 timeout 5'].join('\n')
    expect(parseIpsetSave(text, 'portsleuth4', 4)).toEqual([
      { target: '1.2.3.4/32', family: 4, expiresIn: 99 },
      { target: '10.0.0.0/8', family: 4, expiresIn: null },
    ])
  })
})

describe('IpsetBlocker.present', () => {
  function runner(sets: Record<string, string>, rules: Set<string>, ran: string[][] = []): Runner {
    return {
      async run(cmd: Command) {
        const a = cmd.argv
        ran.push([...a])
        if (a[0] === 'ipset' && a[1] === 'save') return a[2]! in sets ? { code: 0, stdout: sets[a[2]!]!, stderr: '' } : { code: 1, stdout: '', stderr: 'does not exist' }
        return { code: rules.has(`${a[0]} ${a[8]}`) ? 0 : 1, stdout: '', stderr: '' }
      },
    }
  }
  test('list runs exactly: ipset save and the -C check of the match rule, per family', async () => {
    const ran: string[][] = []
    const list = await new IpsetBlocker(runner({ portsleuth4: 'add portsleuth4 1.2.3.4 timeout 9' }, new Set(), ran)).list()
    expect(list).toEqual([{ target: '1.2.3.4/32', family: 4, expiresIn: 9 }])
    expect(ran).toEqual([
      ['ipset', 'save', 'portsleuth4'],
      ['iptables', '-w', '5', '-C', 'INPUT', '-m', 'set', '--match-set', 'portsleuth4', 'src', '-j', 'DROP'],
      ['ipset', 'save', 'portsleuth6'],
      ['ip6tables', '-w', '5', '-C', 'INPUT', '-m', 'set', '--match-set', 'portsleuth6', 'src', '-j', 'DROP'],
    ])
  })
  test('present needs the element and the match rule of its family', async () => {
    const sets = { portsleuth4: 'add portsleuth4 1.2.3.4 timeout 9', portsleuth6: 'add portsleuth6 2001:db8::/64 timeout 0' }
    expect(await new IpsetBlocker(runner(sets, new Set(['iptables portsleuth4', 'ip6tables portsleuth6']))).present(['1.2.3.4', '2001:db8::/64', '8.8.8.8'])).toEqual({ present: ['1.2.3.4', '2001:db8::/64'], missing: ['8.8.8.8'], problems: [] })
    const p = await new IpsetBlocker(runner(sets, new Set(['ip6tables portsleuth6']))).present(['1.2.3.4', '2001:db8::/64'])
    expect(p.missing).toEqual(['1.2.3.4'])
    expect(p.problems).toEqual(["iptables: rule '-A INPUT -m set --match-set portsleuth4 src -j DROP' is missing"])
  })
})
