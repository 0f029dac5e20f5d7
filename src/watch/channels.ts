import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import type { Writable } from 'node:stream'
import type { Settings } from '../config/settings.js'
import type { WatchSettings } from '../config/portsleuth-conf.js'
import type { Clock } from '../core/clock.js'
import { ConfigError } from '../core/errors.js'
import {
  Dispatcher, EmailChannel, EnrichQueue, ExecChannel, JsonLinesChannel, SyslogChannel, WebhookChannel,
  type Channel, type LogFn,
} from '../respond/alert/index.js'
import { networkLookups } from '../respond/enrich-net.js'

// The alert channels of a watcher, built from psad.conf's alerting keys (EMAIL_*, ALERTING_METHODS,
// SYSLOG_*, EXTERNAL_SCRIPT, ENABLE_*_LOOKUPS) and portsleuth.conf (webhook, syslog socket, SMTP
// server, digest). JSON lines on standard output are always on: they are watch's own output, for
// journald and log shippers.

/** What the channels are built from. */
export interface ChannelInputs {
  settings: Settings
  watch: WatchSettings
  out: Writable
  clock: Clock
  log: LogFn
  /** Blocking is on: EXTERNAL_BLOCK_SCRIPT (ENABLE_EXT_BLOCK_SCRIPT_EXEC) runs after each block. */
  blockScript: boolean
}

async function secret(file: string | null, what: string): Promise<string | null> {
  if (file === null) return null
  try {
    const text = (await readFile(file, 'utf8')).trim()
    if (text === '') throw new ConfigError(`${what} ${file} is empty`)
    return text
  } catch (err) {
    if (err instanceof ConfigError) throw err
    throw new ConfigError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
}

/** Builds the dispatcher and its channels. Throws ConfigError for an unreadable secret or a bad command line. */
export async function buildDispatcher(i: ChannelInputs): Promise<Dispatcher> {
  const a = i.settings.alerts
  const w = i.watch
  const channels: Channel[] = [new JsonLinesChannel({ out: i.out, log: i.log })]
  if (a.syslog) {
    const wording = { styleLabels: w.syslogStyleLabels, signatureLines: a.signatureSyslog, signatureLinesPerProtocol: a.signatureSyslogMax }
    channels.push(new SyslogChannel({ socket: w.syslogSocket, identity: a.syslogIdentity, facility: a.syslogFacility, priority: a.syslogPriority, wording, log: i.log }))
  }
  const enrich = a.dns || a.whois
    ? new EnrichQueue({
        dns: a.dns,
        whois: a.whois,
        lookups: await networkLookups({ dns: a.dns, whois: a.whois, minDangerLevel: 1, max: 1, timeoutMs: a.whoisTimeout * 1000, dnsServer: null, whoisServer: null }),
        timeoutMs: a.whoisTimeout * 1000,
        maxPerHour: w.lookupsPerHour,
        clock: i.clock,
        log: i.log,
      })
    : null
  if (a.email && a.emailAddresses.length > 0) {
    const password = await secret(w.smtp.passwordFile, 'SMTP password file')
    const port = w.smtp.port ?? (w.smtp.tls === 'tls' ? 465 : w.smtp.tls === 'starttls' ? 587 : 25)
    channels.push(new EmailChannel({
      smtp: { host: w.smtp.host, port, tls: w.smtp.tls, user: w.smtp.user, password, timeoutMs: 60_000 },
      from: w.smtp.from ?? `portsleuth@${hostname()}`,
      to: a.emailAddresses,
      hostname: hostname(),
      prefix: a.mailAlertPrefix,
      statusPrefix: a.mailStatusPrefix,
      limit: a.emailLimit,
      limitPerDst: a.emailLimitPerDst,
      limitStatusMsg: a.emailLimitStatusMsg,
      throttle: a.emailThrottle,
      digestMs: w.emailDigest * 1000,
      enrich,
      clock: i.clock,
      log: i.log,
    }))
  }
  if (w.webhookUrl !== null) {
    channels.push(new WebhookChannel({ url: w.webhookUrl, secret: await secret(w.webhookSecretFile, 'webhook secret file'), timeoutMs: w.webhookTimeout * 1000, clock: i.clock, log: i.log }))
  }
  if (a.externalScript !== null) channels.push(new ExecChannel({ command: a.externalScript, perAlert: a.externalScriptPerAlert, log: i.log }))
  const blockScript = i.settings.blocking.externalScript
  if (i.blockScript && blockScript !== null) channels.push(new ExecChannel({ command: blockScript, events: ['block'], key: 'EXTERNAL_BLOCK_SCRIPT', name: 'block script', log: i.log }))
  return new Dispatcher({
    channels,
    gates: { minDangerLevel: i.settings.detection.minDangerLevel, emailDangerLevel: a.emailDangerLevel, email: a.email, syslog: a.syslog, autoIdsEmails: i.settings.blocking.emails },
    enrich,
    log: i.log,
  })
}
