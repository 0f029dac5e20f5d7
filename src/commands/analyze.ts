import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../cli/base-command.js'
import { analysisFlags, batchRequest, enrichFlags, enrichRequest, outputFlags, outputRequest } from '../cli/flags.js'
import { failOnDlNote } from '../cli/fail-on-dl.js'
import { runProgress } from '../cli/progress.js'
import { colourWanted } from '../report/colour.js'
import { runBatch } from '../run/batch.js'
import { systemClock } from '../core/clock.js'
import { EXIT, UsageError } from '../core/errors.js'
import { networkEnricher } from '../respond/enrich-net.js'

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
    '<%= config.bin %> analyze kern.log -o report.html -o report.csv -o report.json',
    '<%= config.bin %> analyze kern.log --format csv --csv-table packets --csv-fields "src dst dp flags"',
    '<%= config.bin %> analyze kern.log --dns --whois --enrich-min-dl 4',
  ]

  static override strict = false

  static override args = {
    file: Args.string({ description: "Log file, directory, glob or '-' (standard input); any number of them. Default: the system's kernel log." }),
  }

  static override usage = '<%= command.id %> [FILE...] [FLAGS]'

  static override flags = {
    ...analysisFlags,
    ...outputFlags,
    ...enrichFlags,
    'fail-on-dl': Flags.integer({ summary: 'Exit 1 when any source reaches this danger level.', min: 1, max: 5 }),
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Analyze)
    const files = argv as string[]
    for (const f of files) if (f.startsWith('-') && f !== '-') throw new UsageError(`unknown option '${f}'`)
    const clock = systemClock
    const colour = colourWanted({ isTTY: process.stdout.isTTY === true, env: process.env })
    const outcome = await runBatch(batchRequest(files, flags, this.config.version, clock), {
      outputs: (id) => outputRequest(flags, id, colour),
      html: async (report) => {
        const { renderHtml } = await import('../report/html.js')
        return renderHtml(report, { generatedAt: new Date(clock.now()).toISOString() })
      },
      progress: runProgress(process.stderr, clock, flags.progress, process.env),
      enrich: networkEnricher(enrichRequest(flags)),
    })
    this.batchNotes(outcome, flags.verbose)
    if (outcome.problems.length > 0) this.exit(EXIT.input)
    const crossed = flags['fail-on-dl'] === undefined ? null : failOnDlNote(outcome.report, flags['fail-on-dl'])
    if (crossed !== null) {
      this.note(crossed)
      this.exit(EXIT.failOnDl)
    }
  }
}
