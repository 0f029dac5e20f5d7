import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import type os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BlockBook } from '../../src/respond/block/book.js'
import { readGateways } from '../../src/respond/block/gateway.js'
import { IptablesBlocker, DEFAULT_IPTABLES } from '../../src/respond/block/iptables.js'
import { IpsetBlocker } from '../../src/respond/block/ipset.js'
import { NeverBlock } from '../../src/respond/block/never-block.js'
import { NftBlocker } from '../../src/respond/block/nftables.js'
import { DEFAULT_POLICY } from '../../src/respond/block/policy.js'
import { execRunner, type Runner } from '../../src/respond/block/runner.js'
import type { Blocker } from '../../src/respond/blocker.js'
import { tempDir } from '../helpers/cli.js'

// Real kernels, real rules: a victim and an attacker namespace joined by a veth pair, a TCP listener
// in the victim, and each backend's commands run inside the victim (runner prefix `ip netns exec`).
// A block must make the attacker's next connection fail (IPv4 and IPv6), an unblock lift it, a
// timed block expire in the kernel (nftables, ipset), and present() must notice an external flush.
// Needs root, iproute2, iptables, nftables, ipset and util-linux (flock, setpriv).

const TOOLS = ['ip', 'iptables', 'ip6tables', 'iptables-legacy', 'nft', 'ipset', 'flock', 'setpriv']
const runnable = process.getuid?.() === 0 && TOOLS.every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0)

const TAG = `psl-blk-${process.pid}`
const V = `${TAG}-v`
const A = `${TAG}-a`
const VETH_V = `pslv${process.pid}`
const VETH_A = `psla${process.pid}`
const PORT = 8123
const VICTIM4 = '10.213.0.1'
const VICTIM6 = 'fd21:3::1'
// The attacker's addresses: on the victim's /64 (fd21:3::/64, must narrow to /128) and on its own (fd21:4::/64).
const ATT4 = '10.213.0.2'
const ATT6_NEAR = 'fd21:3::2'
const ATT6_NEAR2 = 'fd21:3::3'
const ATT6_FAR = 'fd21:4::2'
const ATT6_FAR2 = 'fd21:4::3'
const GATEWAY = '10.213.0.254'

const { dir, cleanup } = tempDir()
const children: ChildProcess[] = []

function sh(argv: string[]): string {
  return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}
const inV = (...argv: string[]): string => sh(['ip', 'netns', 'exec', V, ...argv])

const CONNECT = `const s=require('net').connect({host:process.argv[1],port:${PORT},localAddress:process.argv[2],timeout:1000});
s.on('data',d=>{process.stdout.write(d);process.exit(0)});s.on('timeout',()=>process.exit(2));s.on('error',()=>process.exit(3))`

/** True when the attacker, from `from`, gets the listener's greeting at `to` within a second. */
function connects(to: string, from: string): boolean {
  const r = spawnSync('ip', ['netns', 'exec', A, process.execPath, '-e', CONNECT, to, from], { encoding: 'utf8', timeout: 10_000 })
  return r.status === 0 && r.stdout === 'ok\n'
}

function reach(): Record<string, boolean> {
  return {
    v4: connects(VICTIM4, ATT4),
    near: connects(VICTIM6, ATT6_NEAR),
    near2: connects(VICTIM6, ATT6_NEAR2),
    far: connects(VICTIM6, ATT6_FAR),
    far2: connects(VICTIM6, ATT6_FAR2),
  }
}
const OPEN = { v4: true, near: true, near2: true, far: true, far2: true }

function nic(address: string, cidr: string): os.NetworkInterfaceInfo {
  return { address, cidr, netmask: '', family: address.includes(':') ? 'IPv6' : 'IPv4', mac: '', internal: false, scopeid: 0 } as os.NetworkInterfaceInfo
}

beforeAll(async () => {
  if (!runnable) return
  for (const ns of [V, A]) sh(['ip', 'netns', 'add', ns])
  sh(['ip', 'link', 'add', VETH_V, 'netns', V, 'type', 'veth', 'peer', 'name', VETH_A, 'netns', A])
  for (const [ns, dev, v4, v6s] of [[V, VETH_V, VICTIM4, [VICTIM6]], [A, VETH_A, ATT4, [ATT6_NEAR, ATT6_NEAR2]]] as const) {
    const x = (...a: string[]): string => sh(['ip', 'netns', 'exec', ns, ...a])
    x('ip', 'link', 'set', 'lo', 'up')
    x('ip', 'link', 'set', dev, 'up')
    x('ip', 'addr', 'add', `${v4}/24`, 'dev', dev)
    for (const a of v6s) x('ip', '-6', 'addr', 'add', `${a}/64`, 'dev', dev, 'nodad')
  }
  for (const a of [ATT6_FAR, ATT6_FAR2]) sh(['ip', 'netns', 'exec', A, 'ip', '-6', 'addr', 'add', `${a}/64`, 'dev', VETH_A, 'nodad'])
  inV('ip', '-6', 'route', 'add', 'fd21:4::/64', 'dev', VETH_V)
  inV('ip', 'route', 'add', 'default', 'via', GATEWAY, 'dev', VETH_V)
  const listener = spawn('ip', ['netns', 'exec', V, process.execPath, '-e', `require('net').createServer(c=>c.end('ok\\n')).listen({port:${PORT},host:'::',ipv6Only:false},()=>console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(listener)
  await new Promise<void>((resolve, reject) => {
    listener.stdout!.once('data', () => resolve())
    listener.once('exit', (c) => reject(new Error(`listener exited ${c}`)))
  })
}, 60_000)

afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  if (runnable) for (const ns of [V, A]) spawnSync('ip', ['netns', 'del', ns])
  cleanup()
})

describe.skipIf(!runnable)('blocking backends in network namespaces', () => {
  const runner: Runner = execRunner({ prefix: ['ip', 'netns', 'exec', V] })
  let never: NeverBlock
  beforeAll(async () => {
    never = await NeverBlock.create({
      interfaces: () => ({ lo: [nic('127.0.0.1', '127.0.0.1/8'), nic('::1', '::1/128')], [VETH_V]: [nic(VICTIM4, `${VICTIM4}/24`), nic(VICTIM6, `${VICTIM6}/64`)] }),
      gateways: () => readGateways(runner),
    })
  })

  test('the victim namespace: gateway read through the runner, never-block narrows the /64 it shares', async () => {
    expect(reach()).toEqual(OPEN)
    expect(await readGateways(runner)).toEqual([GATEWAY])
    expect(never.forSource(GATEWAY)).toMatchObject({ ok: false, reason: expect.stringContaining('a default gateway') })
    expect(never.forSource(VICTIM4)).toMatchObject({ ok: false })
  })

  const targets = (): string[] =>
    [ATT4, ATT6_NEAR, ATT6_FAR].map((ip) => {
      const v = never.forSource(ip)
      if (!v.ok) throw new Error(v.reason)
      return v.target.cidr
    })

  const external: Record<string, { flush: string[][]; timed: boolean; make: () => Blocker; leftovers: () => string }> = {
    iptables: {
      make: () => new IptablesBlocker(runner),
      flush: ['INPUT', 'OUTPUT', 'FORWARD'].map((c) => ['iptables', '-F', `PORTSLEUTH_BLOCK_${c}`]),
      timed: false,
      leftovers: () => inV('iptables', '-S') + inV('ip6tables', '-S'),
    },
    nftables: { make: () => new NftBlocker(runner), flush: [['nft', 'flush', 'set', 'inet', 'portsleuth', 'block4']], timed: true, leftovers: () => inV('nft', 'list', 'ruleset') },
    ipset: { make: () => new IpsetBlocker(runner), flush: [['ipset', 'flush', 'portsleuth4']], timed: true, leftovers: () => inV('ipset', 'list', '-n') + inV('iptables', '-S') + inV('ip6tables', '-S') },
  }

  for (const [name, b] of Object.entries(external)) {
    describe(name, () => {
      let blocker: Blocker
      test('init twice creates each chain, set and rule once', async () => {
        blocker = b.make()
        await blocker.init()
        const once = b.leftovers()
        await blocker.init()
        expect(b.leftovers()).toBe(once)
        expect(once).toMatch(/portsleuth/i)
        expect(reach()).toEqual(OPEN)
      })
      test('block: the next connection fails, IPv4 and IPv6; the /64 catches its neighbour; the narrowed /128 does not', async () => {
        expect(targets()).toEqual([`${ATT4}/32`, `${ATT6_NEAR}/128`, 'fd21:4::/64'])
        for (const t of targets()) await blocker.block({ ip: t.split('/')[0]!, target: t, dangerLevel: 5, timeout: 0, reason: 'test' })
        await blocker.block({ ip: ATT4, target: `${ATT4}/32`, dangerLevel: 5, timeout: 0, reason: 'again' })
        expect(reach()).toEqual({ v4: false, near: false, near2: true, far: false, far2: false })
        expect((await blocker.list()).map((e) => e.target).sort()).toEqual([...targets()].sort())
        expect(await blocker.present(targets())).toEqual({ present: targets(), missing: [], problems: [] })
      })
      test('unblock lifts each block; unblocking again is no error', async () => {
        for (const t of targets()) await blocker.unblock({ target: t })
        for (const t of targets()) await blocker.unblock({ target: t })
        expect(reach()).toEqual(OPEN)
        expect(await blocker.list()).toEqual([])
      })
      test.runIf(b.timed)('a 2 s block expires in the kernel on time', async () => {
        const t0 = Date.now()
        await blocker.block({ ip: ATT4, target: `${ATT4}/32`, dangerLevel: 3, timeout: 2, reason: 'timed' })
        await blocker.block({ ip: ATT6_FAR, target: 'fd21:4::/64', dangerLevel: 3, timeout: 2, reason: 'timed' })
        const left = (await blocker.list()).find((e) => e.target === `${ATT4}/32`)?.expiresIn
        expect(left).toBeGreaterThanOrEqual(0)
        expect(left).toBeLessThanOrEqual(2)
        // Each refused connection waits out its 1 s timeout: test one family while the block holds.
        expect(connects(VICTIM6, ATT6_FAR)).toBe(false)
        expect(Date.now() - t0).toBeLessThan(1900)
        await new Promise((r) => setTimeout(r, Math.max(0, t0 + 2600 - Date.now())))
        expect(connects(VICTIM4, ATT4)).toBe(true)
        expect(connects(VICTIM6, ATT6_FAR)).toBe(true)
        expect((await blocker.present([`${ATT4}/32`])).missing).toEqual([`${ATT4}/32`])
      })
      test('present() detects an external flush', async () => {
        await blocker.block({ ip: ATT4, target: `${ATT4}/32`, dangerLevel: 5, timeout: 0, reason: 'flush' })
        expect((await blocker.present([`${ATT4}/32`])).present).toEqual([`${ATT4}/32`])
        for (const f of b.flush) inV(...f)
        expect((await blocker.present([`${ATT4}/32`])).missing).toEqual([`${ATT4}/32`])
        expect(connects(VICTIM4, ATT4)).toBe(true)
      })
      test('shutdown remove leaves nothing of ours', async () => {
        await blocker.shutdown('remove')
        await blocker.shutdown('remove')
        expect(b.leftovers()).not.toMatch(/portsleuth/i)
      })
    })
  }

  test('nftables: our drop wins over accepts in other tables, even one that runs before ours', async () => {
    const blocker = new NftBlocker(runner)
    await blocker.init()
    execFileSync('ip', ['netns', 'exec', V, 'nft', '-f', '-'], { input: 'add table inet psltest\nadd chain inet psltest input { type filter hook input priority -200; policy accept; }\nadd rule inet psltest input accept\n' })
    inV('iptables', '-I', 'INPUT', '-j', 'ACCEPT')
    try {
      await blocker.block({ ip: ATT4, target: `${ATT4}/32`, dangerLevel: 5, timeout: 0, reason: 'priority' })
      expect(connects(VICTIM4, ATT4)).toBe(false)
      await blocker.unblock({ target: `${ATT4}/32` })
      expect(connects(VICTIM4, ATT4)).toBe(true)
    } finally {
      inV('nft', 'delete', 'table', 'inet', 'psltest')
      inV('iptables', '-D', 'INPUT', '-j', 'ACCEPT')
      await blocker.shutdown('remove')
    }
  })

  test('iptables: a deleted jump rule is reported by present()', async () => {
    const blocker = new IptablesBlocker(runner, { ...DEFAULT_IPTABLES, families: [4] })
    await blocker.init()
    await blocker.block({ ip: ATT4, target: `${ATT4}/32`, dangerLevel: 5, timeout: 0, reason: 'jump' })
    inV('iptables', '-D', 'INPUT', '-j', 'PORTSLEUTH_BLOCK_INPUT')
    const p = await blocker.present([`${ATT4}/32`])
    expect(p.missing).toEqual([`${ATT4}/32`])
    expect(p.problems).toEqual(['iptables: jump rule INPUT -> PORTSLEUTH_BLOCK_INPUT (table filter) is missing'])
    await blocker.shutdown('remove')
  })

  test('iptables-legacy with a held xtables lock: a clear FirewallError after the wait, not a hang', async () => {
    const lock = path.join(dir, 'xtables.lock')
    const holder = spawn('flock', [lock, 'sleep', '60'], { stdio: 'ignore' })
    children.push(holder)
    await new Promise((r) => setTimeout(r, 300))
    const legacy = execRunner({ prefix: ['ip', 'netns', 'exec', V], env: { XTABLES_LOCKFILE: lock }, timeoutMs: 10_000 })
    const blocker = new IptablesBlocker(legacy, { ...DEFAULT_IPTABLES, families: [4], lockWait: 1, commands: { 4: 'iptables-legacy', 6: 'ip6tables-legacy' } })
    const t0 = Date.now()
    await expect(blocker.init()).rejects.toMatchObject({ code: 'firewall', message: expect.stringContaining('holding the xtables lock'), hint: expect.stringContaining('xtables lock') })
    expect(Date.now() - t0).toBeLessThan(8000)
    holder.kill('SIGKILL')
  })

  test('without rights: the hint names root / CAP_NET_ADMIN', async () => {
    const nobody = execRunner({ prefix: ['ip', 'netns', 'exec', V, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] })
    await expect(new NftBlocker(nobody).init()).rejects.toMatchObject({ exit: 5, hint: expect.stringContaining('CAP_NET_ADMIN') })
    await expect(new IpsetBlocker(nobody).list()).rejects.toMatchObject({ hint: expect.stringContaining('CAP_NET_ADMIN') })
  })

  test('block export loads back: nft -c -f and ipset restore', async () => {
    const book = new BlockBook(DEFAULT_POLICY)
    const now = Date.now()
    book.add({ ip: ATT4, target: `${ATT4}/32`, dangerLevel: 3, reason: 'x' }, now)
    book.add({ ip: ATT6_FAR, target: 'fd21:4::/64', dangerLevel: 5, reason: 'x' }, now)
    book.add({ ip: '198.51.100.0', target: '198.51.100.0/24', dangerLevel: 2, reason: 'x', timeout: 60 }, now)
    const nft = book.export('nft', now + 5000)
    execFileSync('ip', ['netns', 'exec', V, 'nft', '-c', '-f', '-'], { input: nft })
    execFileSync('ip', ['netns', 'exec', V, 'nft', '-f', '-'], { input: nft })
    const els = inV('nft', 'list', 'set', 'inet', 'portsleuth', 'block4')
    expect(els).toMatch(/10\.213\.0\.2 timeout 5\dm/)
    expect(els).toContain('198.51.100.0/24 timeout 55s')
    expect(connects(VICTIM4, ATT4)).toBe(false)
    inV('nft', 'delete', 'table', 'inet', 'portsleuth')
    execFileSync('ip', ['netns', 'exec', V, 'ipset', 'restore'], { input: book.export('ipset', now + 5000) })
    expect(inV('ipset', 'save', 'portsleuth6')).toMatch(/add portsleuth6 fd21:4::\/64 timeout 0/)
    expect(inV('ipset', 'save', 'portsleuth4')).toMatch(/add portsleuth4 198\.51\.100\.0\/24 timeout 5\d/)
    for (const s of ['portsleuth4', 'portsleuth6']) inV('ipset', 'destroy', s)
    expect(reach()).toEqual(OPEN)
  })
})
