import { BaseCommand } from '../cli/base-command.js'
import { releaseSignals } from '../cli/process-guards.js'
import { watchFlags, watchRequest } from '../cli/watch-flags.js'
import { systemClock } from '../core/clock.js'
import { UsageError } from '../core/errors.js'
import type { LogLevel } from '../respond/alert/index.js'
import { Watcher } from '../watch/watcher.js'

export default class Watch extends BaseCommand {
  static override summary = 'Follow firewall logs continuously: detect, alert on every danger-level rise, optionally block.'
  static override description = `Follows each FILE from its end (or from where it stopped before, across log rotation), the journal
(--journal), a syslog FIFO (--fifo) or standard input (-), through the same detection as analyze.
Events are JSON lines on standard output; alerts also go to syslog, mail, a webhook or a command as
psad.conf and portsleuth.conf say. State (sources, alerts, blocks, read positions) is saved in
--state-dir every few seconds. SIGHUP reloads the configuration, SIGUSR1 writes a state dump,
SIGTERM/SIGINT save and exit 0. 'portsleuth status' shows what it sees.`

  static override examples = [
    '<%= config.bin %> watch /var/log/kern.log --psad-dir /etc/psad',
    '<%= config.bin %> watch --journal --state-dir /var/lib/portsleuth',
    '<%= config.bin %> watch /var/log/kern.log --block --block-backend nftables --allow 192.0.2.0/24',
    '<%= config.bin %> watch /var/log/kern.log --block --block-backend dry-run',
  ]

  static override strict = false
  static override flags = watchFlags

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Watch)
    const files = argv as string[]
    for (const f of files) if (f.startsWith('-') && f !== '-') throw new UsageError(`unknown option '${f}'`)
    const log = (level: LogLevel, message: string): void => {
      if (level === 'debug' && !flags.verbose) return
      process.stderr.write(`portsleuth: ${level === 'info' ? '' : `${level}: `}${message}\n`)
    }
    releaseSignals()
    const watcher = await Watcher.start(watchRequest(files, flags, this.config.version, systemClock), { clock: systemClock, out: process.stdout, log, stdin: process.stdin })
    process.on('SIGHUP', () => void watcher.reload())
    process.on('SIGUSR1', () => void watcher.dump().catch((err: Error) => log('error', `state dump failed: ${err.message}`)))
    const stop = new Promise<void>((resolve) => {
      const done = (): void => resolve()
      process.once('SIGTERM', done)
      process.once('SIGINT', done)
      void watcher.ended().then(done)
    })
    await stop
    await watcher.stop()
  }
}
