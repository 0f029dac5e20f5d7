import { ConfigError } from '../../core/errors.js'

// SYSLOG_FACILITY / SYSLOG_PRIORITY as psad.conf spells them (`LOG_LOCAL7`, `LOG_INFO`), or as
// logger(1) does (`local7`, `info`), turned into what `logger -p` takes and the PRI value a
// receiver sees (facility × 8 + severity, RFC 5424 §6.2.1).

const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
}
const SEVERITIES: Record<string, number> = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 }

export interface SyslogPriority {
  /** `local7.info`, for `logger -p`. */
  selector: string
  /** The PRI number in `<190>`. */
  pri: number
}

function pick(table: Record<string, number>, text: string, key: string): [string, number] {
  const name = text.trim().toLowerCase().replace(/^log_/, '')
  const n = Object.hasOwn(table, name) ? table[name] : undefined
  if (n === undefined) {
    throw new ConfigError(`${key}: '${text}' is not a syslog ${key === 'SYSLOG_FACILITY' ? 'facility' : 'priority'}`, `use one of ${Object.keys(table).map((k) => `LOG_${k.toUpperCase()}`).join(', ')}`)
  }
  return [name, n]
}

/** Returns the logger selector and PRI of a facility and priority; throws ConfigError naming a bad one. */
export function syslogPriority(facility: string, priority: string): SyslogPriority {
  const [f, fn] = pick(FACILITIES, facility, 'SYSLOG_FACILITY')
  const [p, pn] = pick(SEVERITIES, priority, 'SYSLOG_PRIORITY')
  return { selector: `${f}.${p}`, pri: fn * 8 + pn }
}

/** Returns the identity if it can be a syslog tag (1-48 printable characters, no space, colon or brackets); throws ConfigError. */
export function syslogIdentity(identity: string): string {
  if (!/^[\x21-\x7e]{1,48}$/.test(identity) || /[:[\]]/.test(identity)) {
    throw new ConfigError(`SYSLOG_IDENTITY: '${identity.replace(/[^\x20-\x7e]/g, '?')}' cannot be a syslog tag`, 'use 1-48 printable characters without spaces, colons or brackets, e.g. portsleuth or psad')
  }
  return identity
}
