import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ROOT, cliJson, tempDir } from './helpers/cli.js'

// The real thing, end to end: the capture lab (scripts/capture) builds network namespaces with
// iptables/nftables LOG+DROP rules, runs nmap against them and lets rsyslog, journald and ulogd write
// the kernel's log lines; portsleuth then analyses those fresh lines. Live captures differ from run to
// run, so this asserts the detections, not byte-identical reports (test/golden.test.ts does that on
// the committed captures). Needs root and the tools .ci/run installs.

const SCENARIOS = ['syn-scan', 'ack-scan', 'conntrack-leftovers', 'nft-log', 'ipv6-syn-scan', 'fmt-journal-short', 'fmt-ulogd', 'fmt-dmesg', 'fmt-dmesg-ctime-fr', 'fmt-journal-short-ja']
const TOOLS = ['ip', 'iptables', 'nft', 'rsyslogd', 'nmap', 'conntrack', 'ulogd', 'socat']
const runnable = process.getuid?.() === 0 && TOOLS.every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0)

const { dir, cleanup } = tempDir()
afterAll(cleanup)

function report(name: string): any {
  return cliJson(['analyze', path.join(dir, `${name}.log`)]).report
}

describe.skipIf(!runnable)('live captures from the lab', () => {
  const state = (): string[] => [
    execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }),
    execFileSync('sysctl', ['-n', 'net.netfilter.nf_log_all_netns'], { encoding: 'utf8' }),
    spawnSync('pgrep', ['-x', 'rsyslogd|ulogd|systemd-journal|socat'], { encoding: 'utf8' }).stdout,
    execFileSync('nft', ['list', 'ruleset'], { encoding: 'utf8' }),
  ]
  let before: string[] = []
  beforeAll(() => {
    before = state()
    execFileSync(path.join(ROOT, 'scripts/capture/capture.sh'), ['--out', dir, ...SCENARIOS], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 280_000 })
  }, 300_000)

  test('every scenario wrote real firewall lines, all of which parse', () => {
    for (const name of SCENARIOS) {
      expect(existsSync(path.join(dir, `${name}.log`)), name).toBe(true)
      const r = report(name)
      expect(r.summary.linesRead, name).toBeGreaterThan(10)
      expect(r.summary.skipped.malformed ?? 0, name).toBe(0)
      expect(r.summary.skipped['not-firewall'] ?? 0, name).toBe(0)
    }
  })
  test('nmap -sS through iptables and rsyslog: a DL 3 SYN scan by nmap', () => {
    const s = report('syn-scan').sources[0]
    expect(s).toMatchObject({ ip: '10.77.0.1', dangerLevel: 3, scanTypes: ['SYN'], nmapOptions: ['-sS'] })
    expect(s.destinations[0].tcpPorts).toBe('1000-1150')
    expect(s.os).toEqual([{ os: 'nmap SYN scan', method: 'p0f' }])
  })
  test('nmap -sA is detected, and the late packets of forgotten connections are not', () => {
    expect(report('ack-scan').sources[0]).toMatchObject({ ip: '10.77.0.1', dangerLevel: 3, scanTypes: ['ACK'], nmapOptions: ['-sA'] })
    const leftovers = report('conntrack-leftovers')
    expect(leftovers.sources).toEqual([])
    expect(leftovers.summary.skipped['conntrack-leftover']).toBe(leftovers.summary.linesRead)
  })
  test('nftables log, IPv6, journald and ulogd lines give the same detection', () => {
    expect(report('nft-log').sources[0]).toMatchObject({ ip: '10.77.0.1', dangerLevel: 3, scanTypes: ['SYN'] })
    expect(report('ipv6-syn-scan').sources[0]).toMatchObject({ ip: 'fd77::1', version: 6, dangerLevel: 3 })
    for (const name of ['fmt-journal-short', 'fmt-ulogd']) {
      const r = report(name)
      expect(r.sources[0], name).toMatchObject({ ip: '10.77.0.1', dangerLevel: 2, scanTypes: ['SYN'] })
      expect(r.summary.firstSeen, name).not.toBeNull()
    }
  })
  test('the lab leaves nothing behind: namespaces, sysctl, daemons and the root ruleset as before', () => {
    expect(state()).toEqual(before)
  })
})
