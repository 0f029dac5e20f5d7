import { execFileSync, spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BIN, ROOT } from '../helpers/cli.js'

// The real thing: rulesets loaded with real iptables and nft into a network namespace of our own,
// `portsleuth fw-check` run inside it against the live ruleset, and the commands it prints run
// there literally (through sh, as an admin would paste them) until it is satisfied.
const NS = `psl-fwcheck-${process.pid}`
const TOOLS = ['ip', 'iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore', 'nft', 'setpriv']
const runnable = process.getuid?.() === 0 && TOOLS.every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0)
const fixture = (name: string): string => path.join(ROOT, 'test/fixtures/rulesets', name)

interface Suggestion { argv: string[]; command: string }
interface Report { ok: boolean; checks: { family: string; hook: string; source: string; verdict: string; suggestions: Suggestion[]; unlogged: string[] }[]; notes: string[] }

function inNs(argv: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', NS, ...argv], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] })
}
function reset(): void {
  inNs(['nft', 'flush', 'ruleset'])
  if (spawnSync('sh', ['-c', 'command -v iptables-legacy']).status === 0) {
    for (const bin of ['iptables-legacy', 'ip6tables-legacy']) {
      for (const args of [['-F'], ['-X'], ['-P', 'INPUT', 'ACCEPT'], ['-P', 'FORWARD', 'ACCEPT']]) spawnSync('ip', ['netns', 'exec', NS, bin, ...args])
    }
  }
}
function fwCheck(...args: string[]): { status: number | null; report: Report; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, BIN, 'fw-check', '--format', 'json', ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } })
  let report: Report
  try {
    report = JSON.parse(r.stdout) as Report
  } catch {
    throw new Error(`no JSON (status ${r.status}): ${r.stderr}`)
  }
  return { status: r.status, report, stderr: r.stderr }
}
/** Runs every suggested command (but the firewall managers' own, not installed here) as a shell line. */
function apply(report: Report): string[] {
  const done: string[] = []
  for (const c of report.checks) {
    for (const s of c.suggestions) {
      if (['ufw', 'firewall-cmd'].includes(s.argv[0]!)) continue
      inNs(['sh', '-c', s.command])
      done.push(s.command)
    }
  }
  return done
}
const verdicts = (r: Report): string[] => r.checks.map((c) => `${c.family} ${c.hook} ${c.verdict}`)

describe.skipIf(!runnable)('fw-check against the live ruleset of a network namespace', () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS])
  })
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS])
  })

  test('no firewall at all: no drop, and the printed commands log what is not a reply', () => {
    reset()
    const open = fwCheck('--forwarding', 'no')
    expect(open.status).toBe(1)
    expect(verdicts(open.report)).toEqual(['ipv4 input no-drop', 'ipv6 input no-drop'])
    expect(apply(open.report)).toEqual(['iptables', 'ip6tables'].map((bin) => `${bin} -A INPUT '!' -i lo -m conntrack '!' --ctstate RELATED,ESTABLISHED -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options`))
    expect(fwCheck('--forwarding', 'no').status).toBe(0)
  })

  test('iptables: logged rules exit 0; unlogged exit 1, and the printed commands make them logged', () => {
    reset()
    inNs(['iptables-restore'], execFileSync('cat', [fixture('plain-logged.v4')], { encoding: 'utf8' }))
    inNs(['ip6tables-restore'], execFileSync('cat', [fixture('plain-logged.v6')], { encoding: 'utf8' }))
    const logged = fwCheck('--forwarding', 'no')
    expect(logged.status, logged.stderr).toBe(0)
    expect(verdicts(logged.report)).toEqual(['ipv4 input logged', 'ipv6 input logged'])

    reset()
    inNs(['iptables-restore'], execFileSync('cat', [fixture('plain-unlogged.v4')], { encoding: 'utf8' }))
    inNs(['ip6tables-restore'], execFileSync('cat', [fixture('plain-logged.v6')], { encoding: 'utf8' }))
    const before = fwCheck('--forwarding', 'yes')
    expect(before.status).toBe(1)
    expect(verdicts(before.report)).toEqual(['ipv4 input partial', 'ipv4 forward not-logged', 'ipv6 input logged', 'ipv6 forward not-logged'])
    // nft's view of these iptables-nft tables is not reported a second time.
    expect(before.report.checks.every((c) => c.source === 'iptables')).toBe(true)
    expect(apply(before.report)).toEqual([
      "iptables -I INPUT 7 -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options",
      "iptables -A FORWARD -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options",
      "ip6tables -A FORWARD -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options",
    ])
    const after = fwCheck('--forwarding', 'yes')
    expect(after.status, JSON.stringify(after.report)).toBe(0)
    expect(inNs(['iptables-save'])).toContain('-A INPUT -j LOG --log-prefix "DROP " --log-tcp-options --log-ip-options\n-A INPUT -j REJECT')
  })

  test('nftables: partial and missing logging fixed by nft add / replace / insert … position', () => {
    reset()
    inNs(['nft', '-f', fixture('nft-unlogged.nft')])
    const before = fwCheck('--forwarding', 'yes')
    expect(before.status).toBe(1)
    expect(verdicts(before.report)).toEqual(['ipv4 input logged', 'ipv4 forward no-drop', 'ipv6 input partial', 'ipv6 forward no-drop'])
    const done = apply(before.report)
    expect(done[0]).toMatch(/^nft replace rule inet filter input handle \d+ meta nfproto ipv4 log prefix '"DROP "' flags all$/)
    const after = fwCheck('--forwarding', 'yes')
    expect(after.status, JSON.stringify(after.report)).toBe(0)
    expect(inNs(['nft', 'list', 'chain', 'inet', 'filter', 'input'])).toContain('meta nfproto ipv4 log prefix "DROP " flags all')

    // firewalld's nftables layout: the log goes in right before its final reject.
    reset()
    inNs(['nft', '-f', fixture('firewalld-default.nft')])
    const fw = fwCheck('--forwarding', 'no')
    expect(fw.status).toBe(1)
    expect(fw.report.checks[0]!.suggestions.map((s) => s.argv[0])).toEqual(['firewall-cmd', 'nft'])
    apply(fw.report)
    expect(fwCheck('--forwarding', 'no').status).toBe(0)
    expect(inNs(['nft', 'list', 'chain', 'inet', 'firewalld', 'filter_INPUT'])).toMatch(/log prefix "DROP " flags tcp options flags ip options\n\t+reject with icmpx admin-prohibited/)
  })

  test.skipIf(spawnSync('sh', ['-c', 'command -v iptables-legacy-restore']).status !== 0)('iptables-legacy tables are read too (iptables-save shows only the nft backend)', () => {
    reset()
    inNs(['ip6tables-restore'], execFileSync('cat', [fixture('plain-logged.v6')], { encoding: 'utf8' }))
    expect(verdicts(fwCheck('--forwarding', 'no').report)).toEqual(['ipv4 input no-drop', 'ipv6 input logged'])
    inNs(['iptables-legacy-restore'], execFileSync('cat', [fixture('plain-unlogged.v4')], { encoding: 'utf8' }))
    const r = fwCheck('--forwarding', 'no')
    expect(r.status).toBe(1)
    expect(verdicts(r.report)).toEqual(['ipv4 input partial', 'ipv6 input logged'])
    expect(inNs(['iptables-save'])).toBe('')
  })

  test('every ruleset fixture loads in the real tools and is in their shape (scripts/rulesets/refresh.sh --check)', () => {
    const r = spawnSync(path.join(ROOT, 'scripts/rulesets/refresh.sh'), ['--check'], { encoding: 'utf8', cwd: ROOT, timeout: 240_000 })
    expect(r.status, r.stderr).toBe(0)
  })

  test('not root: exit 4, saying to run it as root', () => {
    const r = spawnSync('ip', ['netns', 'exec', NS, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, BIN, 'fw-check'], { encoding: 'utf8', cwd: ROOT })
    expect(r.status, r.stderr).toBe(4)
    expect(r.stderr).toContain("portsleuth: cannot read the live ruleset: 'iptables-save' was refused")
    expect(r.stderr).toContain('hint: run fw-check as root (sudo portsleuth fw-check)')
  })
})
