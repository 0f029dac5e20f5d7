import { describe, expect, test } from 'vitest'
import { planFor } from '../../../src/respond/block/choose.js'
import { DryRunBlocker, type DryRunLine } from '../../../src/respond/block/dry-run.js'
import { stepArgv } from '../../../src/respond/block/runner.js'
import { parseTarget } from '../../../src/respond/block/target.js'

function sink(): { write(s: string): void; lines(): DryRunLine[] } {
  let text = ''
  return { write: (s) => void (text += s), lines: () => text.trim().split('\n').map((l) => JSON.parse(l)) }
}

describe('dry-run', () => {
  test('one JSON line per decision with the exact argv the real backend would run', async () => {
    const out = sink()
    const b = new DryRunBlocker(out, planFor('nftables'), 'nftables')
    await b.init()
    await b.block({ ip: '203.0.113.5', target: '203.0.113.5', dangerLevel: 4, timeout: 3600, reason: 'DL 4 SYN scan' })
    await b.unblock({ target: '203.0.113.5/32' })
    const [block, unblock] = out.lines()
    expect(block).toEqual({ type: 'block', ip: '203.0.113.5', target: '203.0.113.5/32', timeout: 3600, reason: 'DL 4 SYN scan', dangerLevel: 4, commands: stepArgv(planFor('nftables').block(parseTarget('203.0.113.5'), 3600)) })
    expect(block!.commands[0]!.slice(0, 7)).toEqual(['nft', 'add', 'element', 'inet', 'portsleuth', 'block4', '{ 203.0.113.5/32 }'])
    expect(unblock).toEqual({ type: 'unblock', ip: '203.0.113.5', target: '203.0.113.5/32', timeout: null, reason: null, dangerLevel: 4, commands: stepArgv(planFor('nftables').unblock(parseTarget('203.0.113.5'))) })
  })
  test('iptables commands include the -C probes, in order', async () => {
    const out = sink()
    await new DryRunBlocker(out, planFor('iptables', { families: [6] }), 'iptables').block({ ip: '2001:db8::1', target: '2001:db8::/64', dangerLevel: 5, timeout: 0, reason: 'r' })
    const cmds = out.lines()[0]!.commands
    expect(cmds).toHaveLength(8)
    expect(cmds[0]).toEqual(['ip6tables', '-w', '5', '-t', 'filter', '-C', 'PORTSLEUTH_BLOCK_INPUT', '-s', '2001:db8::/64', '-j', 'DROP'])
    expect(cmds[1]).toEqual(['ip6tables', '-w', '5', '-t', 'filter', '-I', 'PORTSLEUTH_BLOCK_INPUT', '1', '-s', '2001:db8::/64', '-j', 'DROP'])
  })
  test('list and present reflect its own decisions; a hostile target writes nothing', async () => {
    const out = sink()
    const b = new DryRunBlocker(out, planFor('ipset'), 'ipset')
    await b.block({ ip: '192.0.2.7', target: '192.0.2.7/32', dangerLevel: 3, timeout: 60, reason: 'r' })
    expect(await b.list()).toEqual([{ target: '192.0.2.7/32', family: 4, expiresIn: null }])
    expect(await b.present(['192.0.2.7', '192.0.2.8'])).toEqual({ present: ['192.0.2.7'], missing: ['192.0.2.8'], problems: [] })
    await expect(b.block({ ip: 'x', target: '--flush', dangerLevel: 3, timeout: 60, reason: 'r' })).rejects.toThrow('invalid block target')
    expect(out.lines()).toHaveLength(1)
  })
})
