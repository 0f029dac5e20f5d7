import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cli, cliJson, tempDir } from '../helpers/cli.js'
import { sleep, until } from '../helpers/follow.js'
import { KernLog, loggedPackets } from '../helpers/kern-log.js'
import { haveTools, NetnsLab } from '../helpers/netns.js'
import { enableNetnsLogging, type NetnsLogging } from '../helpers/netns-log.js'
import { WatchProcess } from '../helpers/watch.js'

// watch with every real part: the victim namespace's iptables LOG rules, the kernel, a private
// rsyslog writing kern.log, real nmap scans from the attacker namespace, a real logrotate. An alert
// leaves watch within a second of its line landing in kern.log; a rotation in the middle of a scan
// loses nothing (status equals analyze over kern.log.1 + kern.log, and both count every packet the
// LOG rule matched); after kill -9 a restart goes on from the saved offset with the danger level the
// source had. Needs root and the Debian packages iproute2, iptables, rsyslog, nmap, logrotate.

const run = promisify(execFile)
const TOOLS = ['ip', 'iptables', 'iptables-save', 'ip6tables-save', 'rsyslogd', 'nmap', 'logrotate', 'flock']
const runnable = process.getuid?.() === 0 && haveTools(TOOLS)

const NS = `psl-e2e-${process.pid}-w`
const TOKEN = `PSL${process.pid}w${Math.random().toString(36).slice(2, 6)}`

const { dir, cleanup } = tempDir()
let logging: NetnsLogging | null = null
let lab: NetnsLab | null = null
let klog: KernLog // set by beforeAll when runnable
const watchers: WatchProcess[] = []

beforeAll(async () => {
  if (!runnable) return
  logging = await enableNetnsLogging()
  lab = await NetnsLab.create(NS, 215)
  klog = await KernLog.start(dir, TOKEN)
  lab.inV('iptables', '-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT')
  lab.inV('iptables', '-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT')
  lab.inV('iptables', '-A', 'INPUT', '-j', 'LOG', '--log-prefix', klog.prefix)
  lab.inV('iptables', '-A', 'INPUT', '-j', 'DROP')
}, 300_000)

afterAll(async () => {
  try {
    for (const w of watchers) await w.stop('SIGKILL')
    await klog?.rsyslog.stop()
    lab?.destroy()
  } finally {
    await logging?.release()
    cleanup()
  }
})

const conf = path.join(dir, 'psad.conf')
const state = path.join(dir, 'state')
const args = (): string[] => [klog.file, '--state-dir', state, '-c', conf, '--save-interval', '1s']

async function watch(): Promise<WatchProcess> {
  const w = await WatchProcess.start(args())
  watchers.push(w)
  return w
}

/** nmap -sS from the attacker's first address over `ports`, one probe per port at `rate` per second. */
function nmap(ports: string, rate: number): Promise<unknown> {
  const { attacker, addr } = lab!
  return run('ip', ['netns', 'exec', attacker, 'nmap', '-sS', '-Pn', '-n', '-e', 'eth0', '-S', addr.attacker4[0]!, '-p', ports, '--max-retries', '0', '--max-rate', String(rate), addr.victim4], { timeout: 60_000 })
}

/** Notes when each firewall line first appears in kern.log (or kern.log.1), polling every 5 ms. */
class LineClock {
  readonly seen = new Map<string, number>()
  private on = true
  private readonly loop: Promise<void>
  constructor() {
    this.loop = (async () => {
      while (this.on) {
        const now = Date.now()
        for (const l of klog.lines(`${klog.file}.1`, klog.file)) if (!this.seen.has(l)) this.seen.set(l, now)
        await sleep(5)
      }
    })()
  }
  stop(): Promise<void> {
    this.on = false
    return this.loop
  }
}

const pick = (sources: { ip: string; dangerLevel: number; packets: number }[]): [string, number, number][] =>
  sources.map((s) => [s.ip, s.dangerLevel, s.packets] as [string, number, number]).sort()

function status(): any {
  const s = cliJson(['status', '--state-dir', state, '-c', conf])
  expect(s.run.status, s.run.stderr).toBe(0)
  return s.report
}

describe.skipIf(!runnable)('watch with rsyslog, nmap and logrotate', () => {
  const scanner = (): string => lab!.addr.attacker4[0]!

  test('alerts within a second of the line; a logrotate rotation mid-scan loses nothing', async () => {
    writeFileSync(conf, 'ALERTING_METHODS nosyslog;\n')
    const rotate = path.join(dir, 'logrotate.conf')
    writeFileSync(rotate, `${klog.file} {\n  rotate 3\n  create\n  missingok\n  postrotate\n    kill -HUP $(cat ${klog.rsyslog.pidFile})\n  endscript\n}\n`, { mode: 0o644 })
    const w = await watch()
    const clock = new LineClock()
    const scan = nmap('1-120', 40)
    try {
      // A rotation in the middle of the scan, as logrotate does it on Debian: rename, create, HUP.
      await until(() => klog.lines().length >= 40, '40 lines of the scan in kern.log')
      await run('logrotate', ['-f', '-s', path.join(dir, 'logrotate.state'), rotate])
      await scan
      await klog.settle(lab!)
    } finally {
      await clock.stop()
    }
    expect(klog.lines().length, 'lines written after the rotation').toBeGreaterThan(0)
    const alerts = w.events.filter((e) => e.type === 'alert')
    expect(alerts.length).toBeGreaterThan(0)
    for (const a of alerts) {
      const line = a.lines.at(-1) as string
      const written = clock.seen.get(line)
      expect(written, `the line that raised the DL ${a.dangerLevel} alert, in kern.log: ${line}`).toBeDefined()
      expect(w.times[w.events.indexOf(a)]! - written!, `DL ${a.dangerLevel} alert latency (ms)`).toBeLessThan(1000)
    }
    // 40 packets a second: the 5th (DL 1) and the 15th (DL 2) are read apart, so each rise has its alert.
    expect(alerts.map((a) => [a.ip, a.dangerLevel])).toEqual([[scanner(), 1], [scanner(), 2]])
    expect(w.stderr).toMatch(/replaced by a new file|removed or renamed/)
    // What watch holds equals a batch analysis of both files, and both count every logged packet.
    await sleep(1500)
    const live = status()
    const batch = cliJson(['analyze', `${klog.file}.1`, klog.file, '-c', conf]).report
    expect(pick(live.sources)).toEqual(pick(batch.sources))
    expect(live.summary.packets).toBe(loggedPackets(lab!))
    expect(batch.summary.packets).toBe(loggedPackets(lab!))
    expect(live.sources[0]).toMatchObject({ ip: scanner(), scanTypes: ['SYN'] })
  })

  test('kill -9, lines written meanwhile, restart: resumed from the saved offset, danger level intact', async () => {
    const w = watchers.at(-1)!
    const before = status().sources.find((s: any) => s.ip === scanner())
    await w.stop('SIGKILL')
    const saved = cli(['status', '--state-dir', state, '-c', conf, '--format', 'json'])
    expect(saved.status).toBe(6)
    expect(pick(JSON.parse(saved.stdout).sources)).toEqual([[scanner(), before.dangerLevel, before.packets]])
    await nmap('121-300', 400)
    await klog.settle(lab!)
    const again = await watch()
    const rise = await again.event((e) => e.type === 'alert', 'the alert after the restart')
    expect(rise).toMatchObject({ ip: scanner(), previousDangerLevel: before.dangerLevel, dangerLevel: 3, reason: 'danger level rose from 2 to 3' })
    await sleep(300)
    expect(again.events.filter((e) => e.type === 'alert')).toHaveLength(1)
    const live = status()
    const batch = cliJson(['analyze', `${klog.file}.1`, klog.file, '-c', conf]).report
    expect(pick(live.sources)).toEqual(pick(batch.sources))
    expect(live.summary.packets).toBe(loggedPackets(lab!))
  })
})
