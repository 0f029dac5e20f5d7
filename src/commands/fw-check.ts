import { Flags } from '@oclif/core'
import { BaseCommand } from '../cli/base-command.js'
import { configFlags } from '../cli/flags.js'
import { EXIT } from '../core/errors.js'
import { checkFirewall } from '../firewall/check.js'
import { loadCheckSettings } from '../firewall/check-config.js'
import { renderCheckText } from '../firewall/check-text.js'
import { systemDeps } from '../firewall/system.js'

export default class FwCheck extends BaseCommand {
  static override summary = 'Check that the firewall logs the packets it drops, and print the rules to add.'
  static override description = `Reads the live ruleset (iptables-save, ip6tables-save, nft -j list ruleset;
needs root) or saved rules (--rules), follows a new packet from outside
through input (and forward when the kernel forwards) for IPv4 and IPv6, into
user chains (ufw, firewalld, Docker), and tells whether a log rule fires
before the drop. Exit 0: logged everywhere; 1: something to fix; 3: bad
configuration; 4: rules unreadable; 5: a firewall command failed.`

  static override examples = [
    '<%= config.bin %> fw-check',
    '<%= config.bin %> fw-check --format json',
    '<%= config.bin %> fw-check --rules rules.v4 --rules rules.v6 --forwarding no',
    'nft -j list ruleset | <%= config.bin %> fw-check --rules -',
    '<%= config.bin %> fw-check --psad-dir /etc/psad',
  ]

  static override flags = {
    rules: Flags.string({ summary: 'Saved ruleset (iptables-save / ip6tables-save text or nft -j list ruleset JSON; - for stdin) instead of the live one; repeatable.', multiple: true, multipleNonGreedy: true }),
    family: Flags.string({ summary: 'Family of iptables-save --rules files: 4 or 6 (default: from their content).', options: ['4', '6'] }),
    forwarding: Flags.string({ summary: 'Check the forward hook: yes or no (default: when /proc/sys/net/ipv4/ip_forward is 1).', options: ['yes', 'no'] }),
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
    config: configFlags.config,
    'psad-dir': configFlags['psad-dir'],
    verbose: Flags.boolean({ char: 'v', summary: 'Also list other drops that no log rule covers.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(FwCheck)
    const settings = await loadCheckSettings(flags.config ?? null, flags['psad-dir'] ?? null)
    const report = await checkFirewall({
      rulesFiles: flags.rules ?? [],
      family: flags.family === undefined ? null : flags.family === '6' ? 'ipv6' : 'ipv4',
      forwarding: flags.forwarding === undefined ? null : flags.forwarding === 'yes',
      logPolicy: settings.logPolicy,
      ipv6: settings.ipv6,
    }, systemDeps())
    await this.out(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderCheckText(report, flags.verbose))
    if (!report.ok) this.exit(EXIT.findings)
  }
}
