import { parseChainSpec } from './auto-chain.js'
import { psadTimeouts, type Settings } from './settings.js'
import { at } from '../core/errors.js'
import { fail, int, list, none, yesNo, type Apply } from './conf-values.js'
import type { ConfEntry } from './psad-conf.js'

// The psad.conf keys of psad's daemon side — alerts (EMAIL_*, ALERTING_METHODS, SYSLOG_*, external
// scripts, whois/DNS) and auto-blocking (ENABLE_AUTO_IDS, AUTO_BLOCK_*, IPT_AUTO_CHAIN<n>) — bound to
// the settings `watch` acts on. Keys that work together (ENABLE_X + X) are read from all entries.

/** IPT_AUTO_CHAIN<n> keys; psad.conf may define any number of them. */
export const AUTO_CHAIN_KEY = /^IPT_AUTO_CHAIN([1-9]\d*)$/

const FACILITIES = new Set(['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'])
const PRIORITIES = new Set(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'])
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+$/
// psad.conf writes Perl-ish escapes in regular expressions rarely; a JavaScript RegExp reads the common ones alike.

function alerts<K extends keyof Settings['alerts']>(key: K, parse: (e: ConfEntry, all: readonly ConfEntry[]) => Settings['alerts'][K]): Apply {
  return (s, _v, e, all) => {
    s.alerts = { ...s.alerts, [key]: parse(e, all) }
  }
}

function blocking<K extends keyof Settings['blocking']>(key: K, parse: (e: ConfEntry, all: readonly ConfEntry[]) => Settings['blocking'][K]): Apply {
  return (s, _v, e, all) => {
    s.blocking = { ...s.blocking, [key]: parse(e, all) }
  }
}

const entry = (all: readonly ConfEntry[], key: string): ConfEntry | undefined => all.find((x) => x.key === key)

// `LOG_LOCAL7` or `local7`; priorities likewise.
function syslogName(e: ConfEntry, names: ReadonlySet<string>, what: string): string {
  const v = e.value.toLowerCase().replace(/^log_/, '')
  return names.has(v) ? v : fail(e, `a syslog ${what} such as ${what === 'facility' ? 'LOG_LOCAL7 or LOG_DAEMON' : 'LOG_INFO or LOG_NOTICE'}`)
}

function regex(e: ConfEntry): RegExp {
  try {
    return new RegExp(e.value)
  } catch {
    return fail(e, 'a regular expression')
  }
}

/** ENABLE_X Y + X COMMAND: the command, or null when off or unset. */
function enabledCommand(enableKey: string, commandKey: string): (e: ConfEntry, all: readonly ConfEntry[]) => string | null {
  return (_e, all) => {
    const on = entry(all, enableKey)
    const cmd = entry(all, commandKey)
    if (on === undefined || !yesNo(on)) return null
    if (cmd === undefined || none(cmd.value)) return fail(on, `${commandKey} to be set when ${enableKey} is Y`)
    return cmd.value
  }
}

function blockTimeouts(_e: ConfEntry, all: readonly ConfEntry[]): number[] {
  const base = entry(all, 'AUTO_BLOCK_TIMEOUT')
  const perDl: Record<number, number> = {}
  for (const dl of [1, 2, 3, 4, 5]) {
    const e = entry(all, `AUTO_BLOCK_DL${dl}_TIMEOUT`)
    if (e !== undefined) perDl[dl] = int(e)
  }
  return psadTimeouts(base === undefined ? undefined : int(base), perDl)
}

/** Every IPT_AUTO_CHAIN<n> of the file, in order of n. */
export const autoChains: Apply = (s, _v, _e, all) => {
  const chains = all
    .filter((x) => AUTO_CHAIN_KEY.test(x.key))
    .map((x) => ({ n: Number(AUTO_CHAIN_KEY.exec(x.key)![1]), chain: parseChainSpec(x.value, at(x.file, x.line, x.key)).spec }))
    .sort((a, b) => a.n - b.n)
  s.blocking = { ...s.blocking, chains: chains.map((c) => c.chain) }
}

export const DAEMON_KEYS: Readonly<Record<string, Apply>> = {
  EMAIL_ADDRESSES: alerts('emailAddresses', (e) => {
    const items = list(e.value.replace(/\s+/g, ','))
    for (const a of items) if (!EMAIL.test(a)) fail(e, 'mail addresses (name@example.org), comma-separated')
    return items
  }),
  EMAIL_ALERT_DANGER_LEVEL: alerts('emailDangerLevel', (e) => int(e, 1, 5)),
  EMAIL_LIMIT: alerts('emailLimit', (e) => int(e)),
  ENABLE_EMAIL_LIMIT_PER_DST: alerts('emailLimitPerDst', yesNo),
  EMAIL_LIMIT_STATUS_MSG: alerts('emailLimitStatusMsg', yesNo),
  EMAIL_THROTTLE: alerts('emailThrottle', (e) => int(e)),
  ALERTING_METHODS: (s, _v, e) => {
    const words = list(e.value).map((w) => w.toLowerCase())
    for (const w of words) if (!['all', 'noemail', 'nosyslog'].includes(w)) fail(e, 'ALL, or noemail and/or nosyslog')
    s.alerts = { ...s.alerts, email: !words.includes('noemail'), syslog: !words.includes('nosyslog') }
  },
  SYSLOG_IDENTITY: alerts('syslogIdentity', (e) => (/^[\w.-]{1,48}$/.test(e.value) ? e.value : fail(e, 'a word of letters, digits, _ . - (at most 48)'))),
  SYSLOG_FACILITY: alerts('syslogFacility', (e) => syslogName(e, FACILITIES, 'facility')),
  SYSLOG_PRIORITY: alerts('syslogPriority', (e) => syslogName(e, PRIORITIES, 'priority')),
  ENABLE_SIG_MSG_SYSLOG: alerts('signatureSyslog', yesNo),
  SIG_MSG_SYSLOG_THRESHOLD: alerts('signatureSyslogMax', (e) => int(e, 0, 1000)),
  MAIL_ALERT_PREFIX: alerts('mailAlertPrefix', (e) => e.value),
  MAIL_STATUS_PREFIX: alerts('mailStatusPrefix', (e) => e.value),
  ENABLE_EXT_SCRIPT_EXEC: alerts('externalScript', enabledCommand('ENABLE_EXT_SCRIPT_EXEC', 'EXTERNAL_SCRIPT')),
  EXTERNAL_SCRIPT: alerts('externalScript', enabledCommand('ENABLE_EXT_SCRIPT_EXEC', 'EXTERNAL_SCRIPT')),
  EXEC_EXT_SCRIPT_PER_ALERT: alerts('externalScriptPerAlert', yesNo),
  ENABLE_DNS_LOOKUPS: alerts('dns', yesNo),
  ENABLE_WHOIS_LOOKUPS: alerts('whois', yesNo),
  WHOIS_TIMEOUT: alerts('whoisTimeout', (e) => int(e, 1, 600)),
  ENABLE_AUTO_IDS: blocking('enabled', yesNo),
  AUTO_IDS_DANGER_LEVEL: blocking('dangerLevel', (e) => int(e, 1, 5)),
  AUTO_BLOCK_TIMEOUT: blocking('timeouts', blockTimeouts),
  AUTO_BLOCK_DL1_TIMEOUT: blocking('timeouts', blockTimeouts),
  AUTO_BLOCK_DL2_TIMEOUT: blocking('timeouts', blockTimeouts),
  AUTO_BLOCK_DL3_TIMEOUT: blocking('timeouts', blockTimeouts),
  AUTO_BLOCK_DL4_TIMEOUT: blocking('timeouts', blockTimeouts),
  AUTO_BLOCK_DL5_TIMEOUT: blocking('timeouts', blockTimeouts),
  ENABLE_AUTO_IDS_REGEX: blocking('prefixRegex', (_e, all) => {
    const on = entry(all, 'ENABLE_AUTO_IDS_REGEX')
    const re = entry(all, 'AUTO_BLOCK_REGEX')
    return on !== undefined && yesNo(on) ? (re === undefined ? /ESTAB/ : regex(re)) : null
  }),
  AUTO_BLOCK_REGEX: (s, _v, e, all) => {
    const on = entry(all, 'ENABLE_AUTO_IDS_REGEX')
    if (on !== undefined && yesNo(on)) s.blocking = { ...s.blocking, prefixRegex: regex(e) }
  },
  ENABLE_AUTO_IDS_EMAILS: blocking('emails', yesNo),
  TCPWRAPPERS_BLOCK_METHOD: blocking('tcpWrappers', yesNo),
  ETC_HOSTS_DENY_FILE: blocking('hostsDenyFile', (e) => (e.value.startsWith('/') ? e.value : fail(e, 'an absolute path'))),
  ENABLE_EXT_BLOCK_SCRIPT_EXEC: blocking('externalScript', enabledCommand('ENABLE_EXT_BLOCK_SCRIPT_EXEC', 'EXTERNAL_BLOCK_SCRIPT')),
  EXTERNAL_BLOCK_SCRIPT: blocking('externalScript', enabledCommand('ENABLE_EXT_BLOCK_SCRIPT_EXEC', 'EXTERNAL_BLOCK_SCRIPT')),
}
