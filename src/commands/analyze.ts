import { Flags } from '@oclif/core'
import { analyze } from '../analyze.js'
import { BaseCommand } from '../cli/base-command.js'
import { systemClock } from '../core/clock.js'
import { EXIT, UsageError } from '../core/errors.js'
import { renderJson } from '../report/json.js'
import { renderText } from '../report/text.js'
import { DEFAULT_MAX_LINE } from '../sources/lines.js'

export default class Analyze extends BaseCommand {
  static override summary = 'Find scans and probes in firewall logs and report each source with a danger level.'
  static override description = `Reads kernel netfilter LOG lines (iptables, ip6tables, nftables; syslog, journald, gzip) in one pass.
With no FILE it reads the first of /var/log/kern.log, /var/log/messages, /var/log/syslog, else journalctl -k.
FILE may be a file, a directory, a glob or '-' for standard input; rotated sets are read oldest first.`

  static override examples = [
    '<%= config.bin %> analyze /var/log/kern.log*',
    'zcat old.gz | <%= config.bin %> analyze - --format json',
    '<%= config.bin %> analyze --journal --since 2026-11-01',
    '<%= config.bin %> analyze kern.log --fail-on-dl 3',
    '<%= config.bin %> analyze kern.log --fields "SRC:203.0.113.0/24, DPT:>1023"',
  ]

  static override strict = false

  static override flags = {
    format: Flags.string({ char: 'f', summary: 'Report format.', options: ['text', 'json'], default: 'text' }),
    config: Flags.string({ char: 'c', summary: 'psad-format configuration file (psad.conf).' }),
    signatures: Flags.string({ summary: 'Signature file replacing the bundled set (psad format); repeatable.', multiple: true }),
    'no-signatures': Flags.boolean({ summary: 'Do not match signatures.' }),
    journal: Flags.boolean({ summary: 'Read the kernel log from journalctl -k (with --since/--until passed on).' }),
    since: Flags.string({ summary: 'Only packets at or after this time (2026-11-01, 24h, yesterday, …).' }),
    until: Flags.string({ summary: 'Only packets before this time.' }),
    year: Flags.integer({ summary: 'Year of RFC 3164 timestamps (default: inferred from the file time).', min: 1970, max: 9999 }),
    'restrict-ip': Flags.string({ summary: 'Only packets from or to this address or network; repeatable.', multiple: true }),
    fields: Flags.string({ summary: 'psad --analysis-fields criteria, e.g. "SRC:10.0.0.0/8, DPT:>1023".' }),
    conntrack: Flags.string({
      summary: 'ACK/RST handling: auto (drop stateful-firewall leftovers), ignore (psad: drop all), keep.',
      options: ['auto', 'ignore', 'keep'],
    }),
    'no-icmp-validation': Flags.boolean({ summary: 'Do not flag ICMP/ICMPv6 types and codes IANA does not assign.' }),
    'min-dl': Flags.integer({ summary: 'List sources from this danger level (psad MIN_DANGER_LEVEL).', min: 1, max: 5 }),
    'fail-on-dl': Flags.integer({ summary: 'Exit 1 when any source reaches this danger level.', min: 1, max: 5 }),
    'max-line-length': Flags.integer({ summary: 'Longer lines are counted as too-long and skipped.', min: 256, default: DEFAULT_MAX_LINE }),
    verbose: Flags.boolean({ char: 'v', summary: 'Print warnings about signatures and configuration keys.' }),
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Analyze)
    const files = argv as string[]
    for (const f of files) if (f.startsWith('-') && f !== '-') throw new UsageError(`unknown option '${f}'`)
    const outcome = await analyze({
      files,
      journal: flags.journal,
      configFile: flags.config ?? null,
      signatureFiles: flags.signatures ?? null,
      signatures: !flags['no-signatures'],
      since: flags.since ?? null,
      until: flags.until ?? null,
      year: flags.year,
      restrictIp: flags['restrict-ip'] ?? [],
      fields: flags.fields ?? null,
      conntrack: flags.conntrack as 'auto' | 'ignore' | 'keep' | undefined,
      icmpValidation: !flags['no-icmp-validation'],
      minDangerLevel: flags['min-dl'],
      maxLineLength: flags['max-line-length'],
      version: this.config.version,
      clock: systemClock,
    })
    if (flags.verbose) {
      for (const w of outcome.warnings) this.note(w)
      if (outcome.ignoredConfigKeys.length > 0) this.note(`configuration keys not used by portsleuth: ${outcome.ignoredConfigKeys.join(', ')}`)
    }
    await this.out(flags.format === 'json' ? renderJson(outcome.report) : renderText(outcome.report))
    for (const p of outcome.problems) this.note(p.message)
    if (outcome.problems.length > 0) this.exit(EXIT.input)
    const fail = flags['fail-on-dl']
    const levels = outcome.report.summary.dangerLevels
    if (fail !== undefined && (['1', '2', '3', '4', '5'] as const).some((l) => Number(l) >= fail && levels[l] > 0)) this.exit(EXIT.failOnDl)
  }
}
