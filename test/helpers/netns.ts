import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { sleep } from './follow.js'

// A victim and an attacker network namespace joined by a veth pair, for the end-to-end tests that
// need real packets: IPv4 and IPv6 addresses, a TCP listener in the victim, and a probe that tells
// whether the attacker can still connect. Both veth ends are created inside their namespaces (as
// `eth0`), so nothing of the lab ever exists in the root namespace; destroy() removes it all.

/** Runs `argv` (no shell) and returns its standard output; throws with its error output on failure. */
export function sh(argv: readonly string[], input?: string): string {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 })
  } catch (err) {
    const e = err as { stderr?: string; message: string }
    throw new Error(`${argv.join(' ')} failed: ${e.stderr?.trim() || e.message}`)
  }
}

/** True when every program is on PATH. */
export function haveTools(tools: readonly string[]): boolean {
  return tools.every((t) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', t]).status === 0)
}

// On a veth pair an answer takes well under a millisecond: half a second without one means dropped.
const CONNECT = `const s=require('net').connect({host:process.argv[1],port:+process.argv[3],localAddress:process.argv[2],timeout:500});
s.on('data',d=>{process.stdout.write(d);process.exit(0)});s.on('timeout',()=>process.exit(2));s.on('error',()=>process.exit(3))`

/** The addresses of a lab built on `10.<n>.0.0/24` and `fd00:<n>::/48` (a /64 for the victim, two for the attacker). */
export interface LabAddresses {
  victim4: string
  victim6: string
  /** The attacker's IPv4 addresses on the shared /24 (the first one is the scanner's). */
  attacker4: string[]
  /** The attacker's IPv6 addresses: two on one /64 (blocked together), one on another /64. */
  attacker6: string[]
}

export class NetnsLab {
  readonly victim: string
  readonly attacker: string
  readonly addr: LabAddresses
  private readonly children: ChildProcess[] = []

  private constructor(prefix: string, n: number) {
    this.victim = `${prefix}-v`
    this.attacker = `${prefix}-a`
    this.addr = {
      victim4: `10.${n}.0.1`,
      victim6: `fd00:${n}:0:1::1`,
      attacker4: [`10.${n}.0.2`, `10.${n}.0.3`],
      attacker6: [`fd00:${n}:0:2::2`, `fd00:${n}:0:2::3`, `fd00:${n}:0:3::3`],
    }
  }

  /** Creates namespaces `<prefix>-v` and `<prefix>-a` with addresses on 10.<n>.0.0/24 and in fd00:<n>::/48. */
  static async create(prefix: string, n: number): Promise<NetnsLab> {
    const lab = new NetnsLab(prefix, n)
    try {
      await lab.build(n)
    } catch (err) {
      lab.destroy()
      throw err
    }
    return lab
  }

  private async build(n: number): Promise<void> {
    const { victim: V, attacker: A, addr } = this
    for (const ns of [V, A]) {
      sh(['ip', 'netns', 'add', ns])
      // No duplicate address detection or router solicitations: addresses work at once, no stray packets.
      this.inNs(ns, 'sysctl', '-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.default.router_solicitations=0')
      this.inNs(ns, 'ip', 'link', 'set', 'lo', 'up')
    }
    sh(['ip', 'link', 'add', 'eth0', 'netns', V, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', A])
    this.inV('ip', 'addr', 'add', `${addr.victim4}/24`, 'dev', 'eth0')
    this.inV('ip', '-6', 'addr', 'add', `${addr.victim6}/64`, 'dev', 'eth0', 'nodad')
    for (const a of addr.attacker4) this.inA('ip', 'addr', 'add', `${a}/24`, 'dev', 'eth0')
    for (const a of addr.attacker6) this.inA('ip', '-6', 'addr', 'add', `${a}/64`, 'dev', 'eth0', 'nodad')
    for (const ns of [V, A]) this.inNs(ns, 'ip', 'link', 'set', 'eth0', 'up')
    this.inV('ip', '-6', 'route', 'add', `fd00:${n}::/48`, 'dev', 'eth0')
    this.inA('ip', '-6', 'route', 'add', `fd00:${n}::/48`, 'dev', 'eth0')
    // IPv6 brings eth0 up asynchronously: until the multicast route exists, neighbour discovery fails.
    for (const ns of [V, A]) {
      const end = Date.now() + 5000
      while (this.inNs(ns, 'ip', '-6', 'route', 'show', 'table', 'local', 'ff00::/8', 'dev', 'eth0').trim() === '') {
        if (Date.now() > end) throw new Error(`IPv6 on eth0 in ${ns} did not come up`)
        await sleep(50)
      }
    }
  }

  inNs(ns: string, ...argv: string[]): string {
    return sh(['ip', 'netns', 'exec', ns, ...argv])
  }
  inV(...argv: string[]): string {
    return this.inNs(this.victim, ...argv)
  }
  inA(...argv: string[]): string {
    return this.inNs(this.attacker, ...argv)
  }

  /** Starts a TCP listener in the victim on `port` (IPv4 and IPv6) that greets every connection with `ok`. */
  async listen(port: number): Promise<void> {
    const script = `require('net').createServer(c=>c.end('ok\\n')).listen({port:${port},host:'::',ipv6Only:false},()=>console.log('up'))`
    const child = spawn('ip', ['netns', 'exec', this.victim, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    this.children.push(child)
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve())
      child.once('exit', (c) => reject(new Error(`listener exited ${c}`)))
    })
  }

  /**
   * For each probe [to, from], whether the attacker, from `from`, gets the listener's greeting at
   * `to`:`port` (all probes at once).
   */
  async reach<K extends string>(probes: Record<K, readonly [to: string, from: string]>, port: number): Promise<Record<K, boolean>> {
    const keys = Object.keys(probes) as K[]
    const ok = await Promise.all(keys.map((k) => this.connects(probes[k][0], probes[k][1], port)))
    return Object.fromEntries(keys.map((k, i) => [k, ok[i]])) as Record<K, boolean>
  }

  /** Whether the attacker, from `from`, gets the listener's greeting at `to`:`port`. */
  connects(to: string, from: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
      execFile('ip', ['netns', 'exec', this.attacker, process.execPath, '-e', CONNECT, to, from, String(port)], { encoding: 'utf8', timeout: 10_000 }, (err, stdout) => resolve(err === null && stdout === 'ok\n'))
    })
  }

  /** Kills what the lab started and deletes both namespaces (with their veth, rules and sets). Safe to call twice. */
  destroy(): void {
    for (const c of this.children.splice(0)) c.kill('SIGKILL')
    for (const ns of [this.victim, this.attacker]) {
      // A process left inside would keep the namespace alive after its name is gone.
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? ''
      for (const pid of pids.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
        try {
          process.kill(Number(pid), 'SIGKILL')
        } catch {
          // already gone
        }
      }
      spawnSync('ip', ['netns', 'del', ns])
    }
  }
}
