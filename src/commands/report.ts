import { hostname } from 'node:os'
import { Args, Flags, type Interfaces } from '@oclif/core'
import { BaseCommand } from '../cli/base-command.js'
import { analysisFlags, batchRequest, enrichFlags, enrichRequest, outputFlags, outputRequest } from '../cli/flags.js'
import { runProgress } from '../cli/progress.js'
import { colourWanted } from '../report/colour.js'
import { runBatch } from '../run/batch.js'
import { systemClock } from '../core/clock.js'
import { EXIT, UsageError } from '../core/errors.js'
import { networkEnricher } from '../respond/enrich-net.js'
import type { ReportV1 } from '../report/model.js'
import { renderText } from '../report/text.js'
import { sendReportMail, SMTP_TLS, type SmtpTls } from '../respond/mail.js'
import { reportMail } from '../respond/mail-message.js'
import { prepareMail, type MailRequest } from '../respond/mail-options.js'

export default class Report extends BaseCommand {
  static override summary = 'Make the periodic (daily) report: write it to files and/or mail it.'
  static override description = `Same inputs and analysis flags as analyze (default input: the system log).
--since yesterday without --until covers the previous local calendar day
(until today 00:00); any other --since runs until now.
With --mail and no -o/--format nothing goes to standard output.
The mail is the HTML report with the text report as its plain-text part.
The SMTP password comes from --smtp-password-file or PORTSLEUTH_SMTP_PASSWORD.
Exit 5: the mail could not be delivered (-o files are written first).`

  static override examples = [
    '<%= config.bin %> report --since yesterday --format html -o /var/www/fw/$(date +%F).html',
    '<%= config.bin %> report --since yesterday --mail admin@example.org',
    '<%= config.bin %> report --since 7d --mail a@example.org,b@example.org --smtp-host mail.example.org --smtp-tls starttls --smtp-user fw --smtp-password-file /etc/portsleuth/smtp.pw',
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
    mail: Flags.string({ summary: 'Mail the report to this address; repeatable or comma-separated.', multiple: true, multipleNonGreedy: true }),
    'mail-from': Flags.string({ summary: 'Sender address (default portsleuth@HOSTNAME).' }),
    'mail-subject-prefix': Flags.string({ summary: 'First word of the subject.', default: '[portsleuth]' }),
    'smtp-host': Flags.string({ summary: 'SMTP server.', default: 'localhost' }),
    'smtp-port': Flags.integer({ summary: 'SMTP port (default 25, 587 with starttls, 465 with tls).', min: 1, max: 65535 }),
    'smtp-tls': Flags.string({ summary: 'none, starttls (required upgrade) or tls (implicit, smtps).', options: [...SMTP_TLS], default: 'none' }),
    'smtp-user': Flags.string({ summary: 'SMTP AUTH user (password: --smtp-password-file or PORTSLEUTH_SMTP_PASSWORD).' }),
    'smtp-password-file': Flags.string({ summary: 'File holding the SMTP password (one line).' }),
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Report)
    const files = argv as string[]
    for (const f of files) if (f.startsWith('-') && f !== '-') throw new UsageError(`unknown option '${f}'`)
    const clock = systemClock
    const mailing = (flags.mail ?? []).length > 0
    const mail = mailing ? await prepareMail(mailRequest(flags)) : null
    const req = batchRequest(files, flags, this.config.version, clock)
    const mailOnly = mailing && (flags.output ?? []).length === 0 && flags.format === undefined
    const html = memoHtml(clock.now())
    const colour = colourWanted({ isTTY: process.stdout.isTTY === true, env: process.env })
    const outcome = await runBatch(req, {
      outputs: mailOnly ? null : (id) => outputRequest(flags, id, colour),
      html,
      progress: runProgress(process.stderr, clock, flags.progress, process.env),
      enrich: networkEnricher(enrichRequest(flags)),
    })
    this.batchNotes(outcome, flags.verbose)
    if (mail !== null) {
      const { since, until: end } = outcome.plan.settings.filters
      const parts = { text: renderText(outcome.report, { top: flags.top }), html: await html(outcome.report) }
      const message = reportMail(mail, parts, { since, until: end, now: clock.now(), report: outcome.report, inputErrors: outcome.problems.length })
      await sendReportMail(mail.smtp, message)
    }
    if (outcome.problems.length > 0) this.exit(EXIT.input)
  }
}

function mailRequest(f: Interfaces.InferredFlags<typeof Report.flags>): MailRequest {
  return {
    to: f.mail ?? [],
    from: f['mail-from'],
    subjectPrefix: f['mail-subject-prefix'],
    host: f['smtp-host'],
    port: f['smtp-port'],
    tls: f['smtp-tls'] as SmtpTls,
    user: f['smtp-user'],
    passwordFile: f['smtp-password-file'],
    envPassword: process.env.PORTSLEUTH_SMTP_PASSWORD,
    hostname: hostname(),
    timeoutMs: 60_000,
  }
}

/** One HTML rendering shared by -o FILE.html and the mail. */
function memoHtml(generatedAt: number): (report: ReportV1) => Promise<string> {
  let cached: { report: ReportV1; html: string } | null = null
  return async (report) => {
    if (cached?.report !== report) {
      const { renderHtml } = await import('../report/html.js')
      cached = { report, html: renderHtml(report, { generatedAt: new Date(generatedAt).toISOString() }) }
    }
    return cached.html
  }
}
