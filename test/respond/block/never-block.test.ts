import type os from 'node:os'
import { describe, expect, test } from 'vitest'
import { parseAutoDl } from '../../../src/config/auto-dl.js'
import { ConfigError, FirewallError } from '../../../src/core/errors.js'
import { parseIpRouteJson, parseProcIpv6Route, parseProcRoute, readGateways } from '../../../src/respond/block/gateway.js'
import { autoDlIgnored, NeverBlock, parseHomeNet, type NeverBlockInputs } from '../../../src/respond/block/never-block.js'
import type { Runner } from '../../../src/respond/block/runner.js'

function nic(address: string, cidr: string): os.NetworkInterfaceInfo {
  const v6 = address.includes(':')
  return { address, cidr, netmask: '', family: v6 ? 'IPv6' : 'IPv4', mac: '00:00:00:00:00:00', internal: false, ...(v6 ? { scopeid: 0 } : {}) } as os.NetworkInterfaceInfo
}

const HOST = {
  lo: [nic('127.0.0.1', '127.0.0.1/8'), nic('::1', '::1/128')],
  eth0: [nic('192.0.2.10', '192.0.2.10/24'), nic('2001:db8:1:2::10', '2001:db8:1:2::10/64'), nic('fe80::1', 'fe80::1/64')],
}

async function nb(extra: NeverBlockInputs = {}): Promise<NeverBlock> {
  return NeverBlock.create({ interfaces: () => HOST, gateways: async () => ['192.0.2.1', 'fe80::ff'], ...extra })
}

describe('never blocked: each category refuses with its reason', () => {
  test.each([
    ['127.0.0.1', 'within never-blocked 127.0.0.0/8: loopback'],
    ['::1', 'within never-blocked ::1/128: loopback'],
    ['::ffff:127.0.0.2', 'loopback'],
    ['0.0.0.0', 'the unspecified address'],
    ['::', 'the unspecified address'],
    ['169.254.10.1', 'link-local'],
    ['fe80::abcd', 'link-local'],
    ['239.1.2.3', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'the IPv4 broadcast address'],
    ['192.0.2.255', "the broadcast address of eth0's network 192.0.2.0/24"],
    ['192.0.2.10', 'an address of this host (eth0)'],
    ['2001:db8:1:2::10', 'an address of this host (eth0)'],
    ['192.0.2.1', 'a default gateway'],
  ])('source %s', async (ip, reason) => {
    const v = (await nb()).forSource(ip)
    expect(v.ok).toBe(false)
    expect(v.ok ? '' : v.reason).toContain(reason)
  })

  test('allow CIDRs, HOME_NET (unless blockHomeNet) and auto_dl DL 0', async () => {
    const autoDl = parseAutoDl('198.51.100.0/24 0;\n203.0.113.5 5;\n', '/etc/psad/auto_dl')
    const n = await nb({ allow: ['10.20.0.0/16'], homeNet: parseHomeNet('[172.16.5.0/24, 2001:db8:99::/48]'), ignored: autoDlIgnored(autoDl) })
    const reason = (ip: string): string => { const v = n.forSource(ip); return v.ok ? 'ok' : v.reason }
    expect(reason('10.20.3.4')).toBe('10.20.3.4/32 is within never-blocked 10.20.0.0/16: in the allow list')
    expect(reason('172.16.5.9')).toContain('in HOME_NET (blockHomeNet is off)')
    expect(reason('2001:db8:99:1::1')).toContain('in HOME_NET')
    expect(reason('198.51.100.77')).toBe('198.51.100.77/32 overlaps auto_dl DL 0 entry 198.51.100.0/24 (/etc/psad/auto_dl:1)')
    expect(reason('203.0.113.5')).toBe('ok')
    const open = await nb({ homeNet: parseHomeNet('172.16.5.0/24'), blockHomeNet: true })
    expect(open.forSource('172.16.5.9').ok).toBe(true)
  })

  test('private ranges are blockable', async () => {
    const n = await nb()
    for (const ip of ['10.1.2.3', '172.16.0.9', '192.168.1.50', 'fd00::1234', '100.64.0.1']) expect(n.forSource(ip).ok, ip).toBe(true)
  })

  test('HOME_NET any protects nothing; a bad HOME_NET network is a ConfigError', () => {
    expect(parseHomeNet('any')).toEqual([])
    expect(() => parseHomeNet('10.0.0.0/8, 10.0.0.1/33')).toThrow(ConfigError)
  })
})

describe('IPv6 sources are blocked by prefix, narrowed when the prefix covers a protected address', () => {
  test('a /64 by default; blockIpv6Prefix changes it', async () => {
    const n = await nb()
    expect(n.forSource('2001:db8:77:1::abcd')).toEqual({ ok: true, target: expect.objectContaining({ cidr: '2001:db8:77:1::/64' }), note: null })
    expect(n.forSource('2001:db8:77:1::abcd', 56)).toMatchObject({ ok: true, target: { cidr: '2001:db8:77::/56' } })
    expect(n.forSource('2001:db8:77:1::abcd', 128)).toMatchObject({ ok: true, target: { cidr: '2001:db8:77:1::abcd/128' } })
    expect(() => n.forSource('2001:db8::1', 16)).toThrow(ConfigError)
  })
  test("a neighbour in the host's own /64 is narrowed to /128, with the reason", async () => {
    const v = (await nb()).forSource('2001:db8:1:2::bad')
    expect(v).toMatchObject({ ok: true, target: { cidr: '2001:db8:1:2::bad/128' } })
    expect(v.ok && v.note).toBe('narrowed to 2001:db8:1:2::bad/128: 2001:db8:1:2::/64 would cover never-blocked 2001:db8:1:2::10/128: an address of this host (eth0)')
  })
  test('IPv4 sources are single addresses', async () => {
    expect((await nb()).forSource('203.0.113.9')).toMatchObject({ ok: true, target: { cidr: '203.0.113.9/32' } })
  })
  test('a source that is not one address is a TargetError', async () => {
    await expect(nb().then((n) => n.forSource('203.0.113.0/24'))).rejects.toThrow('expected one address')
  })
})

describe('network targets (manual block add)', () => {
  test('a network covering a protected address is refused, with the reason', async () => {
    const n = await nb()
    expect(n.check('192.0.0.0/8')).toEqual({ ok: false, reason: '192.0.0.0/8 would cover never-blocked 192.0.2.10/32: an address of this host (eth0)' })
    expect(n.check('0.0.0.0/0')).toMatchObject({ ok: false, reason: expect.stringContaining('127.0.0.0/8') })
    expect(n.check('2001:db8:1::/48')).toMatchObject({ ok: false, reason: expect.stringContaining('2001:db8:1:2::10/128') })
    expect(n.check('10.0.0.0/8')).toMatchObject({ ok: true, target: { cidr: '10.0.0.0/8' } })
  })
})

describe('refresh re-reads interfaces and gateways', () => {
  test('a new address is protected after refresh, not before', async () => {
    let host: NodeJS.Dict<os.NetworkInterfaceInfo[]> = HOST
    const n = await NeverBlock.create({ interfaces: () => host, gateways: async () => [] })
    expect(n.forSource('198.18.0.5').ok).toBe(true)
    host = { ...HOST, eth1: [nic('198.18.0.5', '198.18.0.5/30')] }
    expect(n.forSource('198.18.0.5').ok).toBe(true)
    await n.refresh()
    expect(n.forSource('198.18.0.5')).toMatchObject({ ok: false, reason: expect.stringContaining('(eth1)') })
    expect(n.forSource('198.18.0.7')).toMatchObject({ ok: false, reason: expect.stringContaining("broadcast address of eth1's network 198.18.0.4/30") })
  })
})

describe('default gateways', () => {
  test('ip -j route: single, multipath and via', () => {
    expect(parseIpRouteJson('[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]}]')).toEqual(['192.0.2.1'])
    expect(parseIpRouteJson('[{"dst":"default","flags":[],"nexthops":[{"gateway":"10.0.0.1","dev":"a"},{"gateway":"10.0.1.1","dev":"b"}]}]')).toEqual(['10.0.0.1', '10.0.1.1'])
    expect(parseIpRouteJson('[{"dst":"default","via":{"family":"inet6","host":"FE80::1"},"dev":"eth0"}]')).toEqual(['fe80::1'])
    expect(parseIpRouteJson('')).toEqual([])
    expect(parseIpRouteJson('[{"dst":"default","gateway":"1.2.3.4; reboot"}]')).toEqual([])
  })
  test('/proc/net/route and /proc/net/ipv6_route', () => {
    const route = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n'
    expect(parseProcRoute(route)).toEqual(['192.0.2.1'])
    const v6 = [
      'fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0',
      '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0',
      '00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo',
    ].join('\n')
    expect(parseProcIpv6Route(v6)).toEqual(['fd00::1'])
  })
  test('readGateways falls back to /proc when ip cannot run, and fails loudly when nothing can be read', async () => {
    const broken: Runner = { run: async () => { throw new FirewallError("cannot run 'ip'") } }
    const files: Record<string, string> = { '/proc/net/route': 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\neth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\n' }
    const read = async (f: string): Promise<string> => { if (f in files) return files[f]!; throw new Error('ENOENT') }
    expect(await readGateways(broken, read)).toEqual(['192.168.1.1'])
    await expect(readGateways(broken, async () => { throw new Error('ENOENT') })).rejects.toThrow(FirewallError)
    const ok: Runner = { run: async (c) => ({ code: 0, stdout: c.argv[1] === '-6' ? '[{"dst":"default","gateway":"fd00::1"}]' : '[{"dst":"default","gateway":"192.0.2.1"}]', stderr: '' }) }
    expect(await readGateways(ok)).toEqual(['192.0.2.1', 'fd00::1'])
  })
})
