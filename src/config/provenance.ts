import { protoName } from '../parse/protocols.js'
import type { ConfEntry } from './psad-conf.js'
import { BOUND_KEYS } from './schema.js'
import type { Settings } from './settings.js'

// Where each effective setting came from: portsleuth's default, a line of a psad-format file, or a
// command-line flag. Settings are named by their psad.conf key where psad has one (MIN_DANGER_LEVEL),
// else by a lower-case portsleuth name (restrict-ip, reputation-list).

export type Origin =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly file: string; readonly line: number }
  | { readonly kind: 'flag'; readonly flag: string }

export const DEFAULT: Origin = Object.freeze({ kind: 'default' })

/** Returns `default`, `file:line` or the flag (`--min-dl`). */
export function originText(o: Origin): string {
  return o.kind === 'default' ? 'default' : o.kind === 'file' ? `${o.file}:${o.line}` : o.flag
}

/** The origin of every setting a run uses; unset keys are defaults. */
export class Provenance {
  private readonly map = new Map<string, Origin>()

  /** Records the first file:line of every key a configuration file set. */
  static fromConf(entries: ReadonlyMap<string, readonly ConfEntry[]>): Provenance {
    const p = new Provenance()
    for (const [key, list] of entries) p.set(key, { kind: 'file', file: list[0]!.file, line: list[0]!.line })
    return p
  }

  set(key: string, origin: Origin): void {
    this.map.set(key, origin)
  }

  get(key: string): Origin {
    return this.map.get(key) ?? DEFAULT
  }
}

/** One line of `config show`. */
export interface EffectiveSetting {
  key: string
  value: string
  origin: Origin
}

const yn = (b: boolean): string => (b ? 'Y' : 'N')
const list = (xs: readonly string[]): string => (xs.length === 0 ? 'NONE' : xs.join(', '))
const file = (f: string | null): string => f ?? 'NONE'

const FORMAT: Record<string, (s: Settings) => string> = {
  PORT_RANGE_SCAN_THRESHOLD: (s) => String(s.detection.portRangeScanThreshold),
  PORT_RANGE_SWEEP_THRESHOLD: (s) => String(s.detection.portRangeSweepThreshold),
  PROTOCOL_SCAN_THRESHOLD: (s) => String(s.detection.protocolScanThreshold),
  MIN_DANGER_LEVEL: (s) => String(s.detection.minDangerLevel),
  SCAN_TIMEOUT: (s) => String(s.detection.scanTimeout),
  ENABLE_PERSISTENCE: (s) => yn(s.detection.persistence),
  // portsleuth's default, 'auto', drops only stateful-firewall leftovers; Y and N are psad's.
  IGNORE_CONNTRACK_BUG_PKTS: (s) => ({ ignore: 'Y', keep: 'N', auto: 'auto' })[s.detection.conntrack],
  EXPECT_TCP_OPTIONS: (s) => yn(s.detection.expectTcpOptions),
  MAX_HOPS: (s) => String(s.detection.maxHops),
  ENABLE_IPV6_DETECTION: (s) => yn(s.filters.ipv6),
  FW_SEARCH_ALL: (s) => yn(s.filters.fwSearchAll),
  FW_MSG_SEARCH: (s) => list(s.filters.fwMsgSearch),
  SNORT_SID_STR: (s) => s.filters.sidString,
  IGNORE_PORTS: (s) => list(s.filters.ignorePorts.map((r) => `${r.proto < 0 ? '' : `${protoName(r.proto)}/`}${r.lo === r.hi ? r.lo : `${r.lo}-${r.hi}`}`)),
  IGNORE_PROTOCOLS: (s) => list(s.filters.ignoreProtocols.map(protoName)),
  IGNORE_INTERFACES: (s) => list(s.filters.ignoreInterfaces),
  IGNORE_LOG_PREFIXES: (s) => s.filters.ignoreLogPrefixes?.source ?? 'NONE',
  DSHIELD_USER_ID: (s) => s.dshieldUserId,
  ENABLE_SNORT_SIG_STRICT: (s) => yn(s.signatureStrict),
  AUTO_DL_FILE: (s) => file(s.files.autoDl),
  SNORT_RULE_DL_FILE: (s) => file(s.files.snortRuleDl),
  SNORT_RULES_DIR: (s) => file(s.files.snortRulesDir),
  FWSNORT_RULES_DIR: (s) => file(s.files.fwsnortRulesDir),
  SIGS_FILE: (s) => s.files.signatures ?? 'bundled',
  P0F_FILE: (s) => s.files.p0f ?? 'bundled',
  POSF_FILE: (s) => s.files.posf ?? 'bundled',
  REPUTATION_FEEDS_DIR: (s) => file(s.files.reputationFeedsDir),
  ENABLE_REPUTATION_FEEDS: (s) => yn(s.reputation.enabled),
  EMAIL_ADDRESSES: (s) => list(s.alerts.emailAddresses),
  EMAIL_ALERT_DANGER_LEVEL: (s) => String(s.alerts.emailDangerLevel),
  EMAIL_LIMIT: (s) => String(s.alerts.emailLimit),
  ENABLE_EMAIL_LIMIT_PER_DST: (s) => yn(s.alerts.emailLimitPerDst),
  EMAIL_LIMIT_STATUS_MSG: (s) => yn(s.alerts.emailLimitStatusMsg),
  EMAIL_THROTTLE: (s) => String(s.alerts.emailThrottle),
  ALERTING_METHODS: (s) => (s.alerts.email && s.alerts.syslog ? 'ALL' : [s.alerts.email ? '' : 'noemail', s.alerts.syslog ? '' : 'nosyslog'].filter((w) => w !== '').join(',')),
  SYSLOG_IDENTITY: (s) => s.alerts.syslogIdentity,
  SYSLOG_FACILITY: (s) => `LOG_${s.alerts.syslogFacility.toUpperCase()}`,
  SYSLOG_PRIORITY: (s) => `LOG_${s.alerts.syslogPriority.toUpperCase()}`,
  ENABLE_SIG_MSG_SYSLOG: (s) => yn(s.alerts.signatureSyslog),
  SIG_MSG_SYSLOG_THRESHOLD: (s) => String(s.alerts.signatureSyslogMax),
  MAIL_ALERT_PREFIX: (s) => s.alerts.mailAlertPrefix,
  MAIL_STATUS_PREFIX: (s) => s.alerts.mailStatusPrefix,
  ENABLE_EXT_SCRIPT_EXEC: (s) => yn(s.alerts.externalScript !== null),
  EXTERNAL_SCRIPT: (s) => s.alerts.externalScript ?? 'NONE',
  EXEC_EXT_SCRIPT_PER_ALERT: (s) => yn(s.alerts.externalScriptPerAlert),
  ENABLE_DNS_LOOKUPS: (s) => yn(s.alerts.dns),
  ENABLE_WHOIS_LOOKUPS: (s) => yn(s.alerts.whois),
  WHOIS_TIMEOUT: (s) => String(s.alerts.whoisTimeout),
  ENABLE_AUTO_IDS: (s) => yn(s.blocking.enabled),
  AUTO_IDS_DANGER_LEVEL: (s) => String(s.blocking.dangerLevel),
  AUTO_BLOCK_TIMEOUT: (s) => String(s.blocking.timeouts[0]),
  ENABLE_AUTO_IDS_REGEX: (s) => yn(s.blocking.prefixRegex !== null),
  AUTO_BLOCK_REGEX: (s) => s.blocking.prefixRegex?.source ?? 'NONE',
  ENABLE_AUTO_IDS_EMAILS: (s) => yn(s.blocking.emails),
  TCPWRAPPERS_BLOCK_METHOD: (s) => yn(s.blocking.tcpWrappers),
  ETC_HOSTS_DENY_FILE: (s) => s.blocking.hostsDenyFile,
  ENABLE_EXT_BLOCK_SCRIPT_EXEC: (s) => yn(s.blocking.externalScript !== null),
  EXTERNAL_BLOCK_SCRIPT: (s) => s.blocking.externalScript ?? 'NONE',
}
for (let i = 0; i < 5; i++) {
  FORMAT[`DANGER_LEVEL${i + 1}`] = (s) => String(s.detection.dangerLevels[i])
  FORMAT[`DL${i + 1}_UNIQUE_HOSTS`] = (s) => String(s.detection.uniqueHosts[i])
  FORMAT[`AUTO_BLOCK_DL${i + 1}_TIMEOUT`] = (s) => String(s.blocking.timeouts[i])
}

/** Settings portsleuth has and psad.conf does not, changed only by flags. */
const EXTRA: Record<string, (s: Settings, extra: ShowExtras) => string> = {
  signatures: (s) => (s.detection.signatures ? 'on' : 'off'),
  'os-fingerprinting': (s) => (s.detection.os ? 'on' : 'off'),
  'os-db': (_s, x) => list(x.osFiles),
  'icmp-validation': (s) => (s.detection.icmp || s.detection.icmp6 ? 'on' : 'off'),
  'restrict-ip': (s) => list(s.filters.restrictIp.map((n) => n.text)),
  'reputation-list': (_s, x) => list(x.reputationLists),
}

/** What `config show` needs beyond Settings. */
export interface ShowExtras {
  osFiles: readonly string[]
  reputationLists: readonly string[]
}

/** Returns every setting portsleuth acts on with its effective value and origin, psad keys first. */
export function effectiveSettings(s: Settings, prov: Provenance, extras: ShowExtras): EffectiveSetting[] {
  const rows: EffectiveSetting[] = []
  for (const key of Object.keys(BOUND_KEYS)) {
    if (key === 'REPUTATION_FEED') {
      for (const f of s.reputation.feeds) {
        const colon = f.entry.lastIndexOf(':')
        rows.push({ key, value: `"${f.name}",${f.dl},IP,newline,${f.updateMinutes},${yn(f.diffs)},${f.localFile}`, origin: { kind: 'file', file: f.entry.slice(0, colon), line: Number(f.entry.slice(colon + 1)) } })
      }
      continue
    }
    const value = FORMAT[key]?.(s) ?? s.vars[key] ?? ''
    rows.push({ key, value, origin: prov.get(key) })
  }
  s.blocking.chains.forEach((c, i) => {
    const key = `IPT_AUTO_CHAIN${i + 1}`
    rows.push({ key, value: `${c.target}, ${c.direction}, ${c.table}, ${c.from}, ${c.jumpPosition}, ${c.chain}, ${c.rulePosition}`, origin: prov.get(key) })
  })
  for (const [key, fmt] of Object.entries(EXTRA)) rows.push({ key, value: fmt(s, extras), origin: prov.get(key) })
  return rows
}
