import { Flags } from '@oclif/core'
import { BaseCommand } from '../cli/base-command.js'
import { watchConfigFlags, watchRequest } from '../cli/watch-flags.js'
import { systemClock } from '../core/clock.js'
import { EXIT } from '../core/errors.js'
import { reachWatcher, stderrLog } from '../watch/client.js'
import { offlineStatus } from '../watch/offline.js'
import type { StatusReport } from '../watch/status.js'
import { renderStatus } from '../watch/status-text.js'

export default class Status extends BaseCommand {
  static override summary = 'Show what the running watcher sees: sources with danger levels, counters, alerts, blocks.'
  static override description = `Asks the watcher of --state-dir through its control socket. With no watcher running it prints the
saved state and exits 6. --format json has a "sources" array shaped like analyze's JSON report
(ip, dangerLevel, packets, …), plus "watcher", "summary", "alerts" and "blocks".`

  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status --state-dir /var/lib/portsleuth --format json',
    '<%= config.bin %> status --ip 203.0.113.7',
  ]

  static override flags = {
    ...watchConfigFlags,
    format: Flags.string({ char: 'f', summary: 'text or json.', options: ['text', 'json'], default: 'text' }),
    ip: Flags.string({ summary: 'Only this source (whatever its danger level).' }),
    top: Flags.integer({ summary: 'Sources listed in the text view.', min: 1, default: 20 }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Status)
    const req = watchRequest([], flags, this.config.version, systemClock)
    const reached = await reachWatcher(req, { op: 'status', ip: flags.ip ?? null })
    const report = reached.running ? (reached.result as StatusReport) : await offlineStatus(reached.config, req.version, flags.ip ?? null, systemClock, stderrLog(flags.verbose))
    await this.out(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report, flags.top))
    if (!reached.running) {
      this.note(reached.why.message)
      this.exit(EXIT.noWatcher)
    }
  }
}
