import type { Network } from '../parse/address.js'
import { DEFAULT_CHAINS, type ChainSpec } from './auto-chain.js'
import type { ReputationFeedConf } from './reputation.js'

/**
 * How TCP packets carrying ACK or RST are treated:
 * - `auto` (portsleuth's default): drop only stateful-firewall leftovers (see classifier), score the rest;
 * - `ignore`: psad's IGNORE_CONNTRACK_BUG_PKTS Y — drop every ACK/RST packet;
 * - `keep`: IGNORE_CONNTRACK_BUG_PKTS N — score every packet.
 */
export type ConntrackMode = 'auto' | 'ignore' | 'keep'

/** `tcp/61000-61356`: a protocol (or -1 for tcp+udp) and an inclusive destination port range. */
export interface PortRule {
  proto: number
  lo: number
  hi: number
}

/** Thresholds of psad's danger-level model and our time windows. */
export interface DetectionSettings {
  /** DANGER_LEVEL1..5: packet counts per destination. */
  dangerLevels: readonly number[]
  /** DL1..5_UNIQUE_HOSTS: destinations per source (sweep width). */
  uniqueHosts: readonly number[]
  portRangeScanThreshold: number
  portRangeSweepThreshold: number
  protocolScanThreshold: number
  minDangerLevel: number
  /** SCAN_TIMEOUT in seconds; a (source, destination) window closes after this long without packets. */
  scanTimeout: number
  /** ENABLE_PERSISTENCE: windows never close. */
  persistence: boolean
  conntrack: ConntrackMode
  /** Source ports ≥ 1024 that still count as services for the leftover rule. */
  servicePorts: ReadonlySet<number>
  /** Destination ports a leftover is sent to (the client's ephemeral range). */
  ephemeralLo: number
  ephemeralHi: number
  expectTcpOptions: boolean
  icmp: boolean
  icmp6: boolean
  signatures: boolean
  /** Passive OS fingerprinting of SYNs. */
  os: boolean
  /** MAX_HOPS: how far below a fingerprint's initial TTL a SYN's TTL may be. */
  maxHops: number
  /** Destinations remembered per source; beyond this they are only counted (bounded memory). */
  maxDestinations: number
  /**
   * Score floods on one port (not a scan in psad's model): a pair with DANGER_LEVEL3 or more packets
   * to one port in a window gets the packet band's danger level. Off: psad's verdicts.
   */
  floodScoring: boolean
}

/** Which lines become packets (psad's filters plus ours). */
export interface FilterSettings {
  fwSearchAll: boolean
  fwMsgSearch: readonly string[]
  sidString: string
  ignorePorts: readonly PortRule[]
  ignoreProtocols: readonly number[]
  ignoreInterfaces: readonly string[]
  ignoreLogPrefixes: RegExp | null
  ipv6: boolean
  restrictIp: readonly Network[]
  since: number | null
  until: number | null
  /** Score packets the log prefix says the firewall allowed or only audited (else counted apart). */
  includeAllowed: boolean
}

/**
 * psad's data files, from psad.conf (AUTO_DL_FILE, …) or `--psad-dir`; null = not configured. Paths
 * are absolute (relative ones in psad.conf are taken from the configuration file's directory).
 */
export interface DataFiles {
  autoDl: string | null
  snortRuleDl: string | null
  snortRulesDir: string | null
  fwsnortRulesDir: string | null
  /** SIGS_FILE: psad's signatures instead of the bundled set. */
  signatures: string | null
  p0f: string | null
  posf: string | null
  reputationFeedsDir: string | null
}

/** psad 3.0's reputation feeds (ENABLE_REPUTATION_FEEDS, REPUTATION_FEED). */
export interface ReputationSettings {
  enabled: boolean
  feeds: readonly ReputationFeedConf[]
}

/** psad's alerting keys, acted on by `watch`. */
export interface AlertSettings {
  /** EMAIL_ADDRESSES: where alert mail goes (none: no alert mail). */
  emailAddresses: readonly string[]
  /** EMAIL_ALERT_DANGER_LEVEL: the lowest danger level that is mailed. */
  emailDangerLevel: number
  /** EMAIL_LIMIT: mails per source (0: no limit); with ENABLE_EMAIL_LIMIT_PER_DST per (source, destination). */
  emailLimit: number
  emailLimitPerDst: boolean
  /** EMAIL_LIMIT_STATUS_MSG: one status mail when a source reaches the limit. */
  emailLimitStatusMsg: boolean
  /** EMAIL_THROTTLE: mail 1 of every N alerts of a source (0 or 1: every one). */
  emailThrottle: number
  /** ALERTING_METHODS: `noemail` and/or `nosyslog` turn a channel off. */
  email: boolean
  syslog: boolean
  /** SYSLOG_IDENTITY, SYSLOG_FACILITY (local0-7, daemon, …) and SYSLOG_PRIORITY (info, …), lower case without `LOG_`. */
  syslogIdentity: string
  syslogFacility: string
  syslogPriority: string
  /** ENABLE_SIG_MSG_SYSLOG, SIG_MSG_SYSLOG_THRESHOLD: syslog lines per signature match, at most N per alert. */
  signatureSyslog: boolean
  signatureSyslogMax: number
  /** MAIL_ALERT_PREFIX and MAIL_STATUS_PREFIX: the subjects' first word. */
  mailAlertPrefix: string
  mailStatusPrefix: string
  /** ENABLE_EXT_SCRIPT_EXEC, EXTERNAL_SCRIPT, EXEC_EXT_SCRIPT_PER_ALERT. */
  externalScript: string | null
  externalScriptPerAlert: boolean
  /** ENABLE_DNS_LOOKUPS, ENABLE_WHOIS_LOOKUPS, WHOIS_TIMEOUT (seconds). */
  dns: boolean
  whois: boolean
  whoisTimeout: number
}

/** psad's auto-blocking keys (ENABLE_AUTO_IDS …), acted on by `watch --block`. */
export interface BlockSettings {
  /** ENABLE_AUTO_IDS: a psad user opted in to blocking. */
  enabled: boolean
  /** AUTO_IDS_DANGER_LEVEL: block sources from this danger level. */
  dangerLevel: number
  /** AUTO_BLOCK_DL1..5_TIMEOUT in seconds (0: never lifted), from AUTO_BLOCK_TIMEOUT unless set. */
  timeouts: readonly number[]
  /** ENABLE_AUTO_IDS_REGEX + AUTO_BLOCK_REGEX: block only sources one of whose log prefixes matches. */
  prefixRegex: RegExp | null
  /** ENABLE_AUTO_IDS_EMAILS: mail about blocks and unblocks. */
  emails: boolean
  /** IPT_AUTO_CHAIN<n>, in order (psad's three by default, with portsleuth's chain names). */
  chains: readonly ChainSpec[]
  /** TCPWRAPPERS_BLOCK_METHOD, ETC_HOSTS_DENY_FILE. */
  tcpWrappers: boolean
  hostsDenyFile: string
  /** ENABLE_EXT_BLOCK_SCRIPT_EXEC + EXTERNAL_BLOCK_SCRIPT: run after each block. */
  externalScript: string | null
}

export interface Settings {
  detection: DetectionSettings
  alerts: AlertSettings
  blocking: BlockSettings
  filters: FilterSettings
  files: DataFiles
  reputation: ReputationSettings
  /** ENABLE_SNORT_SIG_STRICT: refuse signature files with payload options instead of skipping those rules. */
  signatureStrict: boolean
  /** DSHIELD_USER_ID: the submitter id written into DShield output (0 = anonymous). */
  dshieldUserId: string
  /** Signature address/port variables (HOME_NET, HTTP_PORTS, …). */
  vars: Readonly<Record<string, string>>
}

/** Service ports above 1023 whose late packets a stateful firewall commonly drops (see classifier). */
export const DEFAULT_SERVICE_PORTS: readonly number[] = [
  1194, 1883, 3000, 3128, 3306, 3389, 5222, 5223, 5228, 5432, 5671, 5672, 6379, 6443, 8000, 8008, 8080,
  8443, 8883, 8888, 9000, 9090, 9200, 9443, 27017,
]

/**
 * Returns the per-DL block timeouts psad derives: AUTO_BLOCK_DL<n>_TIMEOUT where given, else
 * AUTO_BLOCK_TIMEOUT (default 3600 s) for DL 1-4 and 0 (permanent) for DL 5.
 */
export function psadTimeouts(autoBlockTimeout = 3600, perDl: Readonly<Partial<Record<number, number>>> = {}): number[] {
  return [1, 2, 3, 4, 5].map((dl) => perDl[dl] ?? (dl === 5 ? 0 : autoBlockTimeout))
}

/** Returns portsleuth's defaults, which are psad 2.4.6's where psad has the setting. */
export function defaultSettings(): Settings {
  return {
    detection: {
      dangerLevels: [5, 15, 150, 1500, 10000],
      uniqueHosts: [10, 20, 50, 100, 500],
      portRangeScanThreshold: 1,
      portRangeSweepThreshold: 0,
      protocolScanThreshold: 5,
      minDangerLevel: 1,
      scanTimeout: 3600,
      persistence: false,
      conntrack: 'auto',
      servicePorts: new Set(DEFAULT_SERVICE_PORTS),
      ephemeralLo: 1024,
      ephemeralHi: 65535,
      expectTcpOptions: true,
      icmp: true,
      icmp6: true,
      signatures: true,
      os: true,
      maxHops: 20,
      maxDestinations: 4096,
      floodScoring: true,
    },
    filters: {
      fwSearchAll: true,
      fwMsgSearch: ['DROP'],
      sidString: 'SID',
      ignorePorts: [],
      ignoreProtocols: [],
      ignoreInterfaces: [],
      ignoreLogPrefixes: null,
      ipv6: true,
      restrictIp: [],
      since: null,
      until: null,
      includeAllowed: false,
    },
    files: {
      autoDl: null,
      snortRuleDl: null,
      snortRulesDir: null,
      fwsnortRulesDir: null,
      signatures: null,
      p0f: null,
      posf: null,
      reputationFeedsDir: null,
    },
    reputation: { enabled: true, feeds: [] },
    alerts: {
      emailAddresses: [],
      emailDangerLevel: 1,
      emailLimit: 0,
      emailLimitPerDst: false,
      emailLimitStatusMsg: true,
      emailThrottle: 0,
      email: true,
      syslog: true,
      syslogIdentity: 'portsleuth',
      syslogFacility: 'local7',
      syslogPriority: 'info',
      signatureSyslog: true,
      signatureSyslogMax: 10,
      mailAlertPrefix: '[portsleuth-alert]',
      mailStatusPrefix: '[portsleuth-status]',
      externalScript: null,
      externalScriptPerAlert: false,
      dns: false,
      whois: false,
      whoisTimeout: 60,
    },
    blocking: {
      enabled: false,
      dangerLevel: 5,
      timeouts: psadTimeouts(),
      prefixRegex: null,
      emails: true,
      chains: DEFAULT_CHAINS,
      tcpWrappers: false,
      hostsDenyFile: '/etc/hosts.deny',
      externalScript: null,
    },
    signatureStrict: false,
    dshieldUserId: '0',
    vars: {
      HOME_NET: 'any',
      EXTERNAL_NET: 'any',
      HTTP_SERVERS: '$HOME_NET',
      SMTP_SERVERS: '$HOME_NET',
      DNS_SERVERS: '$HOME_NET',
      SQL_SERVERS: '$HOME_NET',
      TELNET_SERVERS: '$HOME_NET',
      AIM_SERVERS: 'any',
      HTTP_PORTS: '80',
      SHELLCODE_PORTS: '!80',
      ORACLE_PORTS: '1521',
    },
  }
}
