import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { cli, tempDir } from '../helpers/cli.js'

// The built command: flags, config, formats and exit codes (saved rulesets only; the live ruleset
// is read in fw-check.slow.test.ts, inside a network namespace).
const rules = (name: string): string => path.join('test/fixtures/rulesets', name)
const { dir, cleanup } = tempDir()
afterAll(cleanup)

describe('portsleuth fw-check', () => {
  test('logged everywhere: exit 0 and one verdict line per family and hook', () => {
    const r = cli(['fw-check', '--rules', rules('plain-logged.v4'), '--rules', rules('ufw-on.v6'), '--forwarding', 'yes'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'IPv4 input    logged  (iptables filter INPUT)',
      'IPv4 forward  logged  (iptables filter FORWARD)',
      'IPv6 input    logged  (ip6tables filter INPUT)',
      'IPv6 forward  logged  (ip6tables filter FORWARD)',
    ])
    expect(r.stdout.trimEnd().endsWith('OK: dropped packets are logged on every checked path')).toBe(true)
  })

  test('something to fix: exit 1, the finding and the command to run', () => {
    const r = cli(['fw-check', '--rules', rules('plain-unlogged.v4'), '--forwarding', 'no'])
    expect(r.status).toBe(1)
    expect(r.stdout).toBe([
      'IPv4 input  partially logged (only tcp dport 23)  (iptables filter INPUT)',
      '',
      'IPv4 input: partially logged (only tcp dport 23)',
      '  rejected by filter INPUT rule 7; only tcp dport 23 is logged first (LOG "TELNET " at filter INPUT rule 5)',
      '  to fix, run:',
      "    iptables -I INPUT 7 -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options",
      '      # logs right before filter INPUT rule 7',
      '',
      'IPv4 forward not checked: forwarding is off (--forwarding yes checks it)',
      '',
      'FAIL: dropped packets are not logged everywhere (see above)',
      '',
    ].join('\n'))
  })

  test('--format json: { ok, checks: [{ family, hook, table, chain, verdict, detail, suggestions }], warnings }', () => {
    const r = cli(['fw-check', '--rules', rules('docker.v4'), '--forwarding', 'yes', '--format', 'json'])
    expect(r.status).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(Object.keys(report)).toEqual(['ok', 'checks', 'warnings', 'notes'])
    expect(report.ok).toBe(false)
    expect(report.checks[1]).toMatchObject({
      family: 'ipv4', hook: 'forward', source: 'iptables', table: 'filter', chain: 'FORWARD', verdict: 'not-logged', label: 'not logged',
      detail: 'dropped by policy DROP of filter FORWARD with no log rule on the way',
      suggestions: [{ argv: ['iptables', '-A', 'FORWARD', '-j', 'LOG', '--log-prefix', 'DROP ', '--log-tcp-options', '--log-ip-options'], command: "iptables -A FORWARD -j LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options" }],
    })
    expect(report.checks[1].suggestions[0].why).toContain('Docker inserts its rules above it')
  })

  test('-c psad.conf: FW_SEARCH_ALL N and FW_MSG_SEARCH decide which prefixes count and which one is suggested', () => {
    const conf = path.join(dir, 'psad.conf')
    writeFileSync(conf, 'FW_SEARCH_ALL N;\nFW_MSG_SEARCH BLOCKED;\n')
    const r = cli(['fw-check', '-c', conf, '--rules', rules('ufw-on.v4'), '--forwarding', 'no', '-f', 'json'])
    expect(r.status).toBe(1)
    const check = JSON.parse(r.stdout).checks[0]
    expect(check.detail).toContain('its prefix does not match FW_MSG_SEARCH (BLOCKED)')
    expect(check.suggestions.map((s: { command: string }) => s.command)).toEqual(['ufw logging on', "iptables -A INPUT -j LOG --log-prefix 'BLOCKED ' --log-tcp-options --log-ip-options"])
    writeFileSync(path.join(dir, 'psad.conf'), 'FW_SEARCH_ALL N;\nFW_MSG_SEARCH UFW BLOCK;\n')
    expect(cli(['fw-check', '--psad-dir', dir, '--rules', rules('ufw-on.v4'), '--forwarding', 'no']).status).toBe(0)
  })

  test('rules on standard input', () => {
    const r = cli(['fw-check', '--rules', '-', '--forwarding', 'no'], { input: readFileSync(rules('nft-logged.json')) })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('IPv6 input  logged  (nft inet filter log_drop)')
  })

  test('exit 2 for usage, 3 for configuration, 4 for rules that cannot be read', () => {
    expect(cli(['fw-check', '--rules', rules('plain-logged.v4'), '--forwarding', 'maybe']).status).toBe(2)
    const fam = cli(['fw-check', '--family', '4'])
    expect(fam.status).toBe(2)
    expect(fam.stderr).toContain('--family tells the family of --rules files')
    const conf = cli(['fw-check', '--psad-dir', path.join(dir, 'nowhere'), '--rules', rules('plain-logged.v4')])
    expect(conf.status).toBe(3)
    expect(conf.stderr).toContain('no psad.conf in that directory')
    const missing = cli(['fw-check', '--rules', path.join(dir, 'no-such-file')])
    expect(missing.status).toBe(4)
    expect(missing.stderr).toContain(`cannot read rules file ${dir}/no-such-file: ENOENT`)
    const text = cli(['fw-check', '--rules', rules('nft-logged.nft')])
    expect(text.status).toBe(4)
    expect(text.stderr).toContain("this is nft's text format, which fw-check does not read")
    expect(text.stderr).toContain('hint: save the ruleset as JSON: nft -j list ruleset > rules.json')
    const bare = path.join(dir, 'bare.rules')
    writeFileSync(bare, '*filter\n:INPUT DROP [0:0]\n-A INPUT -j LOG\nCOMMIT\n')
    expect(cli(['fw-check', '--rules', bare]).status).toBe(4)
    expect(cli(['fw-check', '--rules', bare, '--family', '6', '--forwarding', 'no']).stdout).toMatch(/^IPv6 input {2}logged/)
  })
})
