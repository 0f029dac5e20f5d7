import { BaseCommand } from '../../cli/base-command.js'
import { watchConfigFlags, watchFlags, watchRequest } from '../../cli/watch-flags.js'
import { systemClock } from '../../core/clock.js'
import { EXIT } from '../../core/errors.js'
import { sendTestAlert } from '../../respond/alert/index.js'
import { buildDispatcher } from '../../watch/channels.js'
import { stderrLog } from '../../watch/client.js'
import { configure } from '../../watch/configure.js'

export default class AlertTest extends BaseCommand {
  static override summary = 'Send one test alert through every configured channel and say how each went.'
  static override description = `Builds the channels watch would use (JSON line, syslog, mail, webhook, external command) from the
same psad.conf and portsleuth.conf, sends one alert marked as a test (source 192.0.2.1, TEST-NET),
and prints one line per channel. Exit 5 when a channel failed.`

  static override examples = ['<%= config.bin %> alert test --psad-dir /etc/psad', '<%= config.bin %> alert test --webhook-url https://hooks.example.org/fw']
  static override flags = { ...watchConfigFlags, 'syslog-socket': watchFlags['syslog-socket'], 'webhook-url': watchFlags['webhook-url'] }

  async run(): Promise<void> {
    const { flags } = await this.parse(AlertTest)
    const req = watchRequest([], flags, this.config.version, systemClock)
    const config = await configure(req)
    const log = stderrLog(flags.verbose)
    const dispatcher = await buildDispatcher({ settings: config.plan.settings, watch: config.settings, out: process.stderr, clock: systemClock, log, blockScript: false })
    const results = await sendTestAlert(dispatcher, { time: systemClock.now(), timeoutMs: 30_000 })
    await dispatcher.close()
    for (const r of results) await this.out(`${r.ok ? 'ok    ' : 'FAILED'}  ${r.channel}${r.error === undefined ? '' : `: ${r.error}`}\n`)
    if (results.some((r) => !r.ok)) this.exit(EXIT.action)
  }
}
