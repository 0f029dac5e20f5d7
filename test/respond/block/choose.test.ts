import { describe, expect, test } from 'vitest'
import { FirewallError, UsageError } from '../../../src/core/errors.js'
import { chooseBackend, createBlocker, nftWorks } from '../../../src/respond/block/choose.js'
import { DryRunBlocker } from '../../../src/respond/block/dry-run.js'
import { FanOutBlocker } from '../../../src/respond/block/fan-out.js'
import { HostsDenyBlocker } from '../../../src/respond/block/hosts-deny.js'
import { IptablesBlocker } from '../../../src/respond/block/iptables.js'
import { IpsetBlocker } from '../../../src/respond/block/ipset.js'
import { NftBlocker } from '../../../src/respond/block/nftables.js'
import type { Command, Runner } from '../../../src/respond/block/runner.js'
import type { BlockDecision, Blocker, Presence } from '../../../src/respond/blocker.js'

const sink = { write: () => {} }

// `nft list tables` answers as configured; every other command is recorded and must not happen in dry-run.
function host(nft: boolean): Runner & { ran: string[] } {
  const ran: string[] = []
  return {
    ran,
    async run(cmd: Command) {
      ran.push(cmd.argv.join(' '))
      return { code: nft ? 0 : 1, stdout: '', stderr: '' }
    },
  }
}

describe('choosing a backend', () => {
  test('none named: nftables when `nft list tables` works, else iptables', async () => {
    expect(await nftWorks(host(true))).toBe(true)
    expect(await chooseBackend(undefined, host(true))).toBe('nftables')
    expect(await chooseBackend(undefined, host(false))).toBe('iptables')
    const failing: Runner = { run: async () => { throw new Error("cannot run 'nft'") } }
    expect(await chooseBackend(undefined, failing)).toBe('iptables')
    expect(await chooseBackend('ipset', failing)).toBe('ipset')
  })
  test('createBlocker builds the chosen class and runs only the probe', async () => {
    const kinds = async (cfg: Parameters<typeof createBlocker>[0], nft: boolean): Promise<Blocker> => createBlocker(cfg, host(nft))
    expect(await kinds({}, true)).toBeInstanceOf(NftBlocker)
    expect(await kinds({}, false)).toBeInstanceOf(IptablesBlocker)
    expect(await kinds({ backend: 'ipset' }, true)).toBeInstanceOf(IpsetBlocker)
    const fan = await kinds({ backend: 'iptables', hostsDeny: '/tmp/psl-hosts.deny' }, true)
    expect(fan).toBeInstanceOf(FanOutBlocker)
    expect(fan.backend).toBe('iptables+hosts.deny')
    const h = host(false)
    const dry = await createBlocker({ backend: 'dry-run', dryRunOut: sink }, h)
    expect(dry).toBeInstanceOf(DryRunBlocker)
    expect((dry as DryRunBlocker).of).toBe('iptables')
    expect(h.ran).toEqual(['nft list tables'])
    await expect(createBlocker({ backend: 'dry-run' }, h)).rejects.toThrow(UsageError)
    expect(new HostsDenyBlocker().file).toBe('/etc/hosts.deny')
  })
})

describe('fan-out (firewall + hosts.deny)', () => {
  function member(name: string, fail: boolean, holds: string[], log: string[]): Blocker {
    const act = async (what: string): Promise<void> => {
      log.push(`${name} ${what}`)
      if (fail) throw new FirewallError(`${name} failed`)
    }
    return {
      backend: name,
      kernelTimeouts: name === 'nftables',
      init: () => act('init'),
      block: (d: BlockDecision) => act(`block ${d.target}`),
      unblock: (r) => act(`unblock ${r.target}`),
      list: async () => [],
      present: async (ts): Promise<Presence> => ({ present: ts.filter((t) => holds.includes(t)), missing: ts.filter((t) => !holds.includes(t)), problems: fail ? [`${name} broken`] : [] }),
      shutdown: (m) => act(`shutdown ${m}`),
    }
  }
  test('every member acts even when one fails; the failure is thrown; present needs all', async () => {
    const log: string[] = []
    const fan = new FanOutBlocker([member('nftables', true, ['192.0.2.1', '192.0.2.2'], log), member('hosts.deny', false, ['192.0.2.1'], log)])
    expect(fan.kernelTimeouts).toBe(false)
    await expect(fan.block({ ip: '192.0.2.1', target: '192.0.2.1/32', dangerLevel: 5, timeout: 0, reason: 'r' })).rejects.toThrow('nftables failed')
    expect(log).toEqual(['nftables block 192.0.2.1/32', 'hosts.deny block 192.0.2.1/32'])
    expect(await fan.present(['192.0.2.1', '192.0.2.2'])).toEqual({ present: ['192.0.2.1'], missing: ['192.0.2.2'], problems: ['nftables broken'] })
  })
})
