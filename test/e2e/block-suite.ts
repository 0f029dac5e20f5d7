import { execFile, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'
import { sleep, until } from '../helpers/follow.js'
import { KernLog } from '../helpers/kern-log.js'
import { haveTools, NetnsLab, sh } from '../helpers/netns.js'
import { enableNetnsLogging, type NetnsLogging } from '../helpers/netns-log.js'
import { WatchProcess } from '../helpers/watch.js'

// Blocking end to end, one backend per test file (block-<backend>.slow.test.ts, each well under a
// minute). `watch --block` runs inside the victim namespace, so its firewall commands apply there, on
// the kern.log a private rsyslog writes from the victim's LOG rules. Real nmap scans from the
// attacker namespace raise the scanner to AUTO_IDS_DANGER_LEVEL; the attacker's next TCP connection
// to a listener in the victim must then fail, over IPv4 and IPv6, while its addresses that were not
// blocked still connect. The block outlives a restart even when the firewall lost it meanwhile
// (applied again at start), `block flush` lifts it, and a timed block ends on time. Spoofed scans
// (hping3 -a) "from" an allowed address, the victim's own address and loopback are logged by the
// kernel and alerted on, but never blocked, and each skip is logged with its reason.
// Needs root and the Debian packages iproute2, iptables, nftables, ipset, rsyslog, nmap, hping3.

const run = promisify(execFile)
const TOOLS = ['ip', 'iptables', 'ip6tables', 'iptables-save', 'iptables-restore', 'ip6tables-save', 'ip6tables-restore', 'nft', 'ipset', 'rsyslogd', 'nmap', 'hping3', 'flock']
const runnable = process.getuid?.() === 0 && haveTools(TOOLS)

const PORT = 8123
export const BACKENDS = ['nftables', 'iptables', 'ipset'] as const
type Backend = (typeof BACKENDS)[number]

// Where the attacker connects from, and what a block of its first IPv4 address and of its first
// IPv6 address's /64 leaves open.
type Probe = 'v4' | 'v4other' | 'v6' | 'v6sameNet' | 'v6otherNet'
const OPEN: Record<Probe, boolean> = { v4: true, v4other: true, v6: true, v6sameNet: true, v6otherNet: true }
const BLOCKED: Record<Probe, boolean> = { v4: false, v4other: true, v6: false, v6sameNet: false, v6otherNet: true }

/** The victim's firewall: accept established traffic and the listener's port, log and drop the rest. */
function victimFirewall(lab: NetnsLab, prefix: string): void {
  for (const ipt of ['iptables', 'ip6tables'] as const) {
    lab.inV(ipt, '-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT')
    lab.inV(ipt, '-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT')
    lab.inV(ipt, '-A', 'INPUT', '-p', 'tcp', '--dport', String(PORT), '-j', 'ACCEPT')
    if (ipt === 'ip6tables') lab.inV(ipt, '-A', 'INPUT', '-p', 'ipv6-icmp', '-j', 'ACCEPT')
    lab.inV(ipt, '-A', 'INPUT', '-j', 'LOG', '--log-prefix', prefix)
    lab.inV(ipt, '-A', 'INPUT', '-j', 'DROP')
  }
  // Packets "from" loopback or from the victim's own address are martians, dropped by routing before
  // INPUT: log them where they arrive, as a firewall logging in PREROUTING does.
  for (const src of ['127.0.0.0/8', lab.addr.victim4]) lab.inV('iptables', '-t', 'raw', '-A', 'PREROUTING', '-i', 'eth0', '-s', src, '-j', 'LOG', '--log-prefix', prefix)
}

/** The blocking tests for `backend`; `spoofing` adds the spoofed-scan test. */
export function blockingSuite(backend: Backend, spoofing: boolean): void {
  const net = 216 + BACKENDS.indexOf(backend)
  const blocked6 = `fd00:${net}:0:2::/64`
  const { dir, cleanup } = tempDir()
  let logging: NetnsLogging | null = null
  let lab: NetnsLab | null = null
  let klog: KernLog | null = null
  const baseline: Record<'iptables' | 'ip6tables', string> = { iptables: '', ip6tables: '' }
  const watchers: WatchProcess[] = []

  beforeAll(async () => {
    if (!runnable) return
    logging = await enableNetnsLogging()
    lab = await NetnsLab.create(`psl-e2e-${process.pid}-${backend}`, net)
    klog = await KernLog.start(dir, `PSL${process.pid}${backend.slice(0, 3)}${Math.random().toString(36).slice(2, 6)}`)
    victimFirewall(lab, klog.prefix)
    for (const ipt of ['iptables', 'ip6tables'] as const) baseline[ipt] = lab.inV(`${ipt}-save`)
    await lab.listen(PORT)
  }, 300_000)

  afterAll(async () => {
    try {
      await stopAll()
      await klog?.rsyslog.stop()
      lab?.destroy()
    } finally {
      await logging?.release()
      cleanup()
    }
  })

  async function stopAll(): Promise<void> {
    for (const w of watchers.splice(0)) await w.stop('SIGKILL')
  }

  const V = (): NetnsLab => lab!
  const inV = (argv: string[], input?: string): string => sh(['ip', 'netns', 'exec', V().victim, ...argv], input)

  /** Removes whatever a backend created in the victim, as a reboot would; the base ruleset stays. */
  function wipe(): void {
    spawnSync('ip', ['netns', 'exec', V().victim, 'nft', 'delete', 'table', 'inet', 'portsleuth'])
    for (const ipt of ['iptables', 'ip6tables'] as const) inV([`${ipt}-restore`], baseline[ipt])
    for (const set of ['portsleuth4', 'portsleuth6']) spawnSync('ip', ['netns', 'exec', V().victim, 'ipset', 'destroy', set])
  }

  /** What the victim's firewall holds, for failure messages. */
  function firewall(): string {
    const out = (argv: string[]): string => spawnSync('ip', ['netns', 'exec', V().victim, ...argv], { encoding: 'utf8' }).stdout ?? ''
    return out(['nft', 'list', 'table', 'inet', 'portsleuth']) + out(['iptables', '-S']) + out(['ip6tables', '-S']) + out(['ipset', 'list'])
  }

  let n = 0
  /** A fresh state directory and a psad.conf that blocks at DL 2; the arguments of watch for them. */
  function workspace(extra: string[] = []): { state: string; conf: string; args: string[] } {
    const ws = path.join(dir, `ws${++n}`)
    mkdirSync(ws)
    const conf = path.join(ws, 'psad.conf')
    writeFileSync(conf, 'ALERTING_METHODS nosyslog;\nAUTO_IDS_DANGER_LEVEL 2;\n')
    const state = path.join(ws, 'state')
    return { state, conf, args: [klog!.file, '--state-dir', state, '-c', conf, '--save-interval', '1s', '--block', '--block-backend', backend, ...extra] }
  }

  /** Starts watch inside the victim namespace. */
  async function watchInVictim(args: string[]): Promise<WatchProcess> {
    const w = await WatchProcess.start(args, {}, 'ignore', ['ip', 'netns', 'exec', V().victim])
    watchers.push(w)
    return w
  }

  /** nmap -sS of 30 ports from `from` (IPv4 or IPv6), one probe each: 30 logged packets, DL 2. */
  async function nmap(from: string, to: string): Promise<void> {
    const six = from.includes(':') ? ['-6'] : []
    await run('ip', ['netns', 'exec', V().attacker, 'nmap', ...six, '-sS', '-Pn', '-n', '-e', 'eth0', '-S', from, '-p', '1-30', '--max-retries', '0', to], { timeout: 60_000 })
  }

  /** 20 SYNs to ports 1-20 of the victim, one every 10 ms, "from" `spoofed` (hping3 -a). */
  async function spoofedScan(spoofed: string): Promise<void> {
    const argv = ['netns', 'exec', V().attacker, 'hping3', '-q', '-S', '-a', spoofed, '-p', '++1', '-c', '20', '-i', 'u10000', V().addr.victim4]
    await run('ip', argv, { timeout: 30_000 }).catch((err: { code?: number }) => {
      if (err.code !== 1) throw err // hping3 exits 1 when no packet was answered, as here
    })
  }

  /** Runs the CLI inside the victim namespace (so that with no watcher it would act on the victim's firewall). */
  function cliInVictim(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run('ip', ['netns', 'exec', V().victim, process.execPath, BIN, ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' } })
  }

  /** Which probes get through to the listener now. */
  function reach(): Promise<Record<Probe, boolean>> {
    const { victim4, victim6, attacker4, attacker6 } = V().addr
    return V().reach({ v4: [victim4, attacker4[0]!], v4other: [victim4, attacker4[1]!], v6: [victim6, attacker6[0]!], v6sameNet: [victim6, attacker6[1]!], v6otherNet: [victim6, attacker6[2]!] }, PORT)
  }

  describe.skipIf(!runnable)(`watch --block --block-backend ${backend} in the victim namespace`, () => {
    test('scans blocked over IPv4 and IPv6; the block survives a restart and a lost firewall; block flush lifts it', async () => {
      const { attacker4, attacker6, victim4, victim6 } = V().addr
      try {
        expect(await reach()).toEqual(OPEN)
        const ws = workspace()
        let w = await watchInVictim(ws.args)
        expect(w.stderr).toContain(`blocking on (--block): ${backend}, sources at DL 2+`)
        await nmap(attacker4[0]!, victim4)
        expect(await w.event((e) => e.type === 'block' && e.ip === attacker4[0], 'the IPv4 block')).toMatchObject({ target: `${attacker4[0]}/32`, dangerLevel: 2, timeout: 3600, backend })
        await nmap(attacker6[0]!, victim6)
        expect(await w.event((e) => e.type === 'block' && e.ip === attacker6[0], 'the IPv6 block')).toMatchObject({ target: blocked6, dangerLevel: 2, backend })
        expect(await reach(), firewall()).toEqual(BLOCKED)

        // A clean stop leaves the blocks in force; then the firewall loses them (a reboot, a flush):
        // the next start applies them again from the saved state.
        expect(await w.stop('SIGTERM')).toBe(0)
        expect(await reach()).toEqual(BLOCKED)
        wipe()
        expect(await reach()).toEqual(OPEN)
        w = await watchInVictim(ws.args)
        expect(w.stderr).toMatch(/blocks: 2 applied again with their remaining time, 0 expired/)
        expect(await reach(), firewall()).toEqual(BLOCKED)

        const flush = await cliInVictim(['block', 'flush', '--state-dir', ws.state, '-c', ws.conf])
        expect(flush.stdout).toBe('2 block(s) lifted\n')
        expect(await reach(), firewall()).toEqual(OPEN)
        expect(w.events.filter((e) => e.type === 'unblock').map((e) => e.target).sort()).toEqual([`${attacker4[0]}/32`, blocked6])
      } finally {
        await stopAll()
        wipe()
      }
    })

    test('--block-timeout 5s ends the block on time', async () => {
      const { attacker4, victim4 } = V().addr
      try {
        const w = await watchInVictim(workspace(['--block-timeout', '5s']).args)
        await nmap(attacker4[0]!, victim4)
        const block = await w.event((e) => e.type === 'block', 'the block')
        expect(block).toMatchObject({ ip: attacker4[0], timeout: 5 })
        const t0 = w.times[w.events.indexOf(block)]!
        await sleep(t0 + 3500 - Date.now())
        expect(await V().connects(victim4, attacker4[0]!, PORT), '3.5 s into a 5 s block').toBe(false)
        expect(await w.event((e) => e.type === 'unblock', 'the unblock at the timeout', 10_000)).toMatchObject({ target: `${attacker4[0]}/32`, reason: 'timeout' })
        await sleep(t0 + 6500 - Date.now())
        expect(await V().connects(victim4, attacker4[0]!, PORT), `6.5 s after a 5 s block\n${firewall()}`).toBe(true)
      } finally {
        await stopAll()
        wipe()
      }
    })

    test.runIf(spoofing)('spoofed scans from an allowed address, the victim itself and loopback: alerted, never blocked, the skip logged', async () => {
      const { attacker4, victim4 } = V().addr
      const allowed = `10.${net}.0.77`
      const spoofed = [allowed, victim4, '127.0.0.1']
      const re = (ip: string, why: string): RegExp => new RegExp(`not blocking ${ip.replace(/\./g, '\\.')}: .*${why}`)
      try {
        const w = await watchInVictim(workspace(['--allow', `${allowed}/32`]).args)
        for (const ip of spoofed) await spoofedScan(ip)
        for (const ip of spoofed) await w.event((e) => e.type === 'alert' && e.ip === ip && e.dangerLevel === 2, `the DL 2 alert for ${ip}`)
        await until(() => spoofed.every((ip) => re(ip, '').test(w.stderr)), 'the three skips')
        expect(w.stderr).toMatch(re(allowed, 'in the allow list'))
        expect(w.stderr).toMatch(re(victim4, 'an address of this host'))
        expect(w.stderr).toMatch(re('127.0.0.1', 'loopback'))
        expect(w.events.filter((e) => e.type === 'block')).toEqual([])
        expect(firewall()).not.toMatch(/10\.\d+\.0\.(1|77)|127\.0\.0\.1/)
        // Blocking was on all along: the real scanner is blocked.
        await nmap(attacker4[0]!, victim4)
        await w.event((e) => e.type === 'block' && e.ip === attacker4[0], 'the block of the real scanner')
      } finally {
        await stopAll()
        wipe()
      }
    })
  })
}
