import { readFile } from 'node:fs/promises'
import { describe, expect, test } from 'vitest'
import { checkFirewall, type FwCheckDeps, type FwCheckReport } from '../../src/firewall/check.js'
import type { LogPolicy } from '../../src/firewall/verdict.js'

// One scenario per fixture: the verdict per family and hook, where the packet ends, and the exact
// commands suggested. The forward hook is checked (forwarding injected as on).
const dir = new URL('../fixtures/rulesets/', import.meta.url)
const deps: FwCheckDeps = {
  run: async () => ({ status: 'missing' }),
  readProc: async () => null,
  readRules: (file) => readFile(new URL(file, dir), 'utf8'),
  forwarding: async () => true,
}
const ALL: LogPolicy = { searchAll: true, search: ['DROP'] }
const check = (files: string[], logPolicy = ALL): Promise<FwCheckReport> => checkFirewall({ rulesFiles: files, family: null, forwarding: null, logPolicy, ipv6: true }, deps)
const summary = (r: FwCheckReport): string[] => r.checks.map((c) => `${c.family} ${c.hook}: ${c.label} @ ${c.source} ${c.table} ${c.chain}`)
const commands = (r: FwCheckReport): string[] => r.checks.flatMap((c) => c.suggestions.map((s) => `${c.family} ${c.hook}: ${s.command}`))

const LOG = "LOG --log-prefix 'DROP ' --log-tcp-options --log-ip-options"
const NFT_LOG = `log prefix '"DROP "' flags tcp options flags ip options`
// Where packets are accepted, only those outside known connections are logged.
const NEW_ONLY = "'!' -i lo -m conntrack '!' --ctstate RELATED,ESTABLISHED"
const NFT_NEW_ONLY = `iifname '!=' '"lo"' ct state '!=' established,related`

const SCENARIOS: { files: string[]; ok: boolean; summary: string[]; commands: string[] }[] = [
  {
    files: ['plain-logged.v4'], ok: true,
    summary: ['ipv4 input: logged @ iptables filter INPUT', 'ipv4 forward: logged @ iptables filter FORWARD'],
    commands: [],
  },
  {
    files: ['plain-unlogged.v4'], ok: false,
    summary: ['ipv4 input: partially logged (only tcp dport 23) @ iptables filter INPUT', 'ipv4 forward: not logged @ iptables filter FORWARD'],
    commands: [`ipv4 input: iptables -I INPUT 7 -j ${LOG}`, `ipv4 forward: iptables -A FORWARD -j ${LOG}`],
  },
  {
    files: ['plain-logged.v6'], ok: false,
    summary: ['ipv6 input: logged @ iptables filter INPUT', 'ipv6 forward: not logged @ iptables filter FORWARD'],
    commands: [`ipv6 forward: ip6tables -A FORWARD -j ${LOG}`],
  },
  {
    files: ['ufw-on.v4', 'ufw-on.v6'], ok: true,
    summary: ['ipv4 input: logged @ iptables filter INPUT', 'ipv4 forward: logged @ iptables filter FORWARD', 'ipv6 input: logged @ iptables filter INPUT', 'ipv6 forward: logged @ iptables filter FORWARD'],
    commands: [
      "ipv4 input: iptables -R ufw-after-logging-input 1 -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix '[UFW BLOCK] ' --log-tcp-options --log-ip-options",
      "ipv4 forward: iptables -R ufw-after-logging-forward 1 -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix '[UFW BLOCK] ' --log-tcp-options --log-ip-options",
      "ipv6 input: ip6tables -R ufw6-after-logging-input 1 -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix '[UFW BLOCK] ' --log-tcp-options --log-ip-options",
      "ipv6 forward: ip6tables -R ufw6-after-logging-forward 1 -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix '[UFW BLOCK] ' --log-tcp-options --log-ip-options",
    ],
  },
  {
    files: ['ufw-off.v4'], ok: false,
    summary: ['ipv4 input: not logged @ iptables filter INPUT', 'ipv4 forward: not logged @ iptables filter FORWARD'],
    commands: ['ipv4 input: ufw logging on', `ipv4 input: iptables -A INPUT -j ${LOG}`, 'ipv4 forward: ufw logging on', `ipv4 forward: iptables -A FORWARD -j ${LOG}`],
  },
  {
    files: ['firewalld-logdenied.v4'], ok: true,
    summary: ['ipv4 input: logged @ iptables filter INPUT', 'ipv4 forward: logged @ iptables filter FORWARD'],
    commands: [
      "ipv4 input: iptables -R INPUT 8 -j LOG --log-prefix 'FINAL_REJECT: ' --log-tcp-options --log-ip-options",
      "ipv4 forward: iptables -R FORWARD 9 -j LOG --log-prefix 'FINAL_REJECT: ' --log-tcp-options --log-ip-options",
    ],
  },
  {
    files: ['firewalld-default.v4'], ok: false,
    summary: ['ipv4 input: not logged @ iptables filter INPUT', 'ipv4 forward: not logged @ iptables filter FORWARD'],
    commands: ['ipv4 input: firewall-cmd --set-log-denied=all', `ipv4 input: iptables -I INPUT 7 -j ${LOG}`, 'ipv4 forward: firewall-cmd --set-log-denied=all', `ipv4 forward: iptables -I FORWARD 8 -j ${LOG}`],
  },
  {
    files: ['firewalld-default.json'], ok: false,
    summary: ['ipv4 input', 'ipv4 forward', 'ipv6 input', 'ipv6 forward'].map((h) => `${h}: not logged @ nftables inet firewalld filter_${h.endsWith('input') ? 'INPUT' : 'FORWARD'}`),
    commands: ['ipv4 input', 'ipv4 forward', 'ipv6 input', 'ipv6 forward'].flatMap((h) => [
      `${h}: firewall-cmd --set-log-denied=all`,
      `${h}: nft insert rule inet firewalld ${h.endsWith('input') ? 'filter_INPUT position 56' : 'filter_FORWARD position 67'} ${NFT_LOG}`,
    ]),
  },
  {
    files: ['firewalld-logdenied.json'], ok: true,
    summary: ['ipv4 input', 'ipv4 forward', 'ipv6 input', 'ipv6 forward'].map((h) => `${h}: logged @ nftables inet firewalld filter_${h.endsWith('input') ? 'INPUT' : 'FORWARD'}`),
    commands: ['ipv4 input', 'ipv4 forward', 'ipv6 input', 'ipv6 forward'].map((h) => `${h}: nft replace rule inet firewalld ${h.endsWith('input') ? 'filter_INPUT handle 58' : 'filter_FORWARD handle 73'} log prefix '"FINAL_REJECT: "' flags all`),
  },
  {
    files: ['docker.v4'], ok: false,
    summary: ['ipv4 input: logged @ iptables filter INPUT', 'ipv4 forward: not logged @ iptables filter FORWARD'],
    commands: [`ipv4 forward: iptables -A FORWARD -j ${LOG}`],
  },
  {
    files: ['nft-logged.json'], ok: true,
    summary: ['ipv4 input: logged @ nftables inet filter log_drop', 'ipv4 forward: logged @ nftables inet filter forward', 'ipv6 input: logged @ nftables inet filter log_drop', 'ipv6 forward: logged @ nftables inet filter forward'],
    commands: [],
  },
  {
    files: ['nft-unlogged.json'], ok: false,
    summary: [
      'ipv4 input: logged @ nftables inet filter input', 'ipv4 forward: no drop at all (policy ACCEPT, nothing dropped) @ nftables inet filter forward',
      'ipv6 input: partially logged (only tcp dport 22) @ nftables inet filter input', 'ipv6 forward: no drop at all (policy ACCEPT, nothing dropped) @ nftables inet filter forward',
    ],
    commands: [
      `ipv4 input: nft replace rule inet filter input handle 9 meta nfproto ipv4 log prefix '"DROP "' flags all`,
      `ipv4 forward: nft add rule inet filter forward ${NFT_NEW_ONLY} ${NFT_LOG}`,
      `ipv6 input: nft add rule inet filter input ${NFT_LOG}`,
      `ipv6 forward: nft add rule inet filter forward ${NFT_NEW_ONLY} ${NFT_LOG}`,
    ],
  },
  {
    // iptables-nft seen only through nft: the same verdicts, iptables commands, and IPv6 (no ip6 table) open.
    files: ['iptables-nft-plain-unlogged.json'], ok: false,
    summary: [
      'ipv4 input: partially logged (only tcp dport 23) @ nftables ip filter INPUT', 'ipv4 forward: not logged @ nftables ip filter FORWARD',
      'ipv6 input: no drop at all (no filter chain on this hook) @ null null null', 'ipv6 forward: no drop at all (no filter chain on this hook) @ null null null',
    ],
    commands: [`ipv4 input: iptables -I INPUT 7 -j ${LOG}`, `ipv4 forward: iptables -A FORWARD -j ${LOG}`, `ipv6 input: ip6tables -A INPUT ${NEW_ONLY} -j ${LOG}`, `ipv6 forward: ip6tables -A FORWARD ${NEW_ONLY} -j ${LOG}`],
  },
]

describe('fw-check on the ruleset fixtures', () => {
  for (const s of SCENARIOS) {
    test(s.files.join(' + '), async () => {
      const r = await check(s.files)
      expect(summary(r)).toEqual(s.summary)
      expect(commands(r)).toEqual(s.commands)
      expect(r.ok).toBe(s.ok)
    })
  }

  test('the nft view of iptables-nft tables is left out when iptables-save output is given too', async () => {
    const r = await check(['plain-unlogged.v4', 'iptables-nft-plain-unlogged.json'])
    expect(summary(r).slice(0, 2)).toEqual(['ipv4 input: partially logged (only tcp dport 23) @ iptables filter INPUT', 'ipv4 forward: not logged @ iptables filter FORWARD'])
    expect(r.notes.some((n) => n.includes('iptables-nft'))).toBe(false)
    const alone = await check(['iptables-nft-plain-unlogged.json'])
    expect(alone.notes).toContain("ip filter (from iptables-nft-plain-unlogged.json) is iptables-nft's: nft shows its matches and LOG targets as opaque xt statements, so its check is approximate; give iptables-save output too (or check the live ruleset)")
  })

  test('ufw: rate-limited [UFW BLOCK] logging counts; the LOG lacks TCP options (a warning); deliberate silent drops are listed', async () => {
    const r = await check(['ufw-on.v4'])
    expect(r.warnings[0]).toBe('IPv4 input: LOG "[UFW BLOCK] " at filter ufw-after-logging-input rule 1 has no --log-tcp-options or --log-ip-options (ufw writes its LOG rules without them): OS fingerprinting by TCP options (p0f) needs --log-tcp-options; without it portsleuth falls back to posf')
    expect(r.checks[0]!.unlogged).toEqual([
      'ct state invalid: filter ufw-before-input rule 4',
      ...['udp dport 137', 'udp dport 138', 'tcp dport 139', 'tcp dport 445', 'udp dport 67', 'udp dport 68', 'fib daddr type broadcast'].map((c) => `${c}: filter ufw-skip-to-policy-input rule 1`),
    ])
    // The ufw limit rule logs and rejects: covered, so not listed.
    expect(r.checks[0]!.unlogged.join()).not.toContain('recent')
  })

  test('FW_SEARCH_ALL N with FW_MSG_SEARCH DROP: ufw\'s "[UFW BLOCK] " lines would be skipped', async () => {
    const r = await check(['ufw-on.v4'], { searchAll: false, search: ['DROP'] })
    expect(r.checks[0]).toMatchObject({ verdict: 'not-logged', detail: expect.stringContaining('its prefix does not match FW_MSG_SEARCH (DROP) and FW_SEARCH_ALL is N') })
    expect(r.checks[0]!.suggestions.map((s) => s.command)).toEqual(['ufw logging on', `iptables -A INPUT -j ${LOG}`])
    const ok = await check(['ufw-on.v4'], { searchAll: false, search: ['UFW BLOCK'] })
    expect(ok.ok).toBe(true)
  })
})
