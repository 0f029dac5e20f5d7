import { access } from 'node:fs/promises'
import { at, ConfigError } from '../core/errors.js'
import { parseNetwork, type Network } from '../parse/address.js'
import { parseDuration } from './duration.js'
import { none, yesNo } from './conf-values.js'
import { parsePsadConf, resolveEntries, type ConfEntry } from './psad-conf.js'
import { readConfigText } from './read-text.js'

// portsleuth's own configuration file (default /etc/portsleuth/portsleuth.conf): the settings of
// `watch` that psad.conf has no key for — state directory, webhook, syslog socket, mail server,
// allowlist, block backend. Same syntax as psad.conf (`KEY value;`, `#` comments, `$KEY` references),
// so one reader serves both and SIGHUP reloads both. Command-line flags override it.

export const DEFAULT_CONFIG_FILE = '/etc/portsleuth/portsleuth.conf'
export const DEFAULT_STATE_DIR = '/var/lib/portsleuth'

export type BlockBackendName = 'nftables' | 'iptables' | 'ipset' | 'dry-run'
export const BLOCK_BACKENDS: readonly BlockBackendName[] = ['nftables', 'iptables', 'ipset', 'dry-run']

/** What `watch` does with its blocks when it exits: leave them (they are re-applied at start) or lift them. */
export type OnExit = 'keep' | 'remove'

export interface WatchSettings {
  stateDir: string
  /** Seconds between saves of the state. */
  saveInterval: number
  /** Sources kept in memory at most; past it the oldest low-DL sources are evicted (counted). */
  maxSources: number
  webhookUrl: string | null
  /** File holding the webhook's HMAC secret (never the secret itself in a config file). */
  webhookSecretFile: string | null
  webhookTimeout: number
  syslogSocket: string
  /** psad's `scan detected (<style>):` syslog variant (off: fail2ban's psad filter expects none). */
  syslogStyleLabels: boolean
  /** Email alerts batched per this many seconds (0: one mail per alert). */
  emailDigest: number
  smtp: { host: string; port: number | null; tls: 'none' | 'starttls' | 'tls'; user: string | null; passwordFile: string | null; from: string | null }
  /** Reverse DNS and whois lookups per hour at most (enrichment of alerts). */
  lookupsPerHour: number
  /** Networks never blocked. */
  allow: readonly Network[]
  /** null: nftables where `nft` works, else iptables. */
  blockBackend: BlockBackendName | null
  blockIpv6Prefix: number
  blockHomeNet: boolean
  /** Concurrent blocks at most. */
  blockMax: number
  blockOnExit: OnExit
  /** Path of the xtables lock (iptables -w). */
  xtablesLock: string | null
}

/** Returns the defaults of every watch setting. */
export function defaultWatchSettings(): WatchSettings {
  return {
    stateDir: DEFAULT_STATE_DIR,
    saveInterval: 5,
    maxSources: 1_000_000,
    webhookUrl: null,
    webhookSecretFile: null,
    webhookTimeout: 10,
    syslogSocket: '/dev/log',
    syslogStyleLabels: false,
    emailDigest: 0,
    smtp: { host: 'localhost', port: null, tls: 'none', user: null, passwordFile: null, from: null },
    lookupsPerHour: 200,
    allow: [],
    blockBackend: null,
    blockIpv6Prefix: 64,
    blockHomeNet: false,
    blockMax: 10_000,
    blockOnExit: 'keep',
    xtablesLock: null,
  }
}

type Apply = (s: WatchSettings, e: ConfEntry, all: readonly ConfEntry[]) => void

function fail(e: ConfEntry, expected: string): never {
  throw new ConfigError(at(e.file, e.line, `invalid value '${e.value.slice(0, 80)}' for ${e.key}: expected ${expected}`))
}

function whole(e: ConfEntry, min: number, max: number): number {
  const n = /^\d+$/.test(e.value) ? Number(e.value) : Number.NaN
  return n >= min && n <= max ? n : fail(e, `a whole number ${min}-${max}`)
}

function absPath(e: ConfEntry): string {
  return e.value.startsWith('/') && !e.value.includes('\0') ? e.value : fail(e, 'an absolute path')
}

function seconds(e: ConfEntry, max: number): number {
  const s = parseDuration(e.value)
  return s !== null && s <= max ? s : fail(e, `a duration such as 0, 90s, 30m, 1h (at most ${max} s)`)
}

const KEYS: Readonly<Record<string, Apply>> = {
  STATE_DIR: (s, e) => (s.stateDir = absPath(e)),
  SAVE_INTERVAL: (s, e) => (s.saveInterval = Math.max(1, seconds(e, 300))),
  MAX_SOURCES: (s, e) => (s.maxSources = whole(e, 1000, 100_000_000)),
  WEBHOOK_URL: (s, e) => {
    if (none(e.value)) return void (s.webhookUrl = null)
    let url: URL
    try {
      url = new URL(e.value)
    } catch {
      return fail(e, 'an http:// or https:// URL')
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(e, 'an http:// or https:// URL')
    s.webhookUrl = url.href
  },
  WEBHOOK_SECRET_FILE: (s, e) => (s.webhookSecretFile = none(e.value) ? null : absPath(e)),
  WEBHOOK_TIMEOUT: (s, e) => (s.webhookTimeout = Math.max(1, seconds(e, 300))),
  SYSLOG_SOCKET: (s, e) => (s.syslogSocket = absPath(e)),
  SYSLOG_STYLE_LABELS: (s, e) => (s.syslogStyleLabels = yesNo(e)),
  EMAIL_DIGEST: (s, e) => (s.emailDigest = seconds(e, 7 * 86400)),
  SMTP_HOST: (s, e) => (s.smtp = { ...s.smtp, host: /^[\w.:[\]-]{1,253}$/.test(e.value) ? e.value : fail(e, 'a host name or address') }),
  SMTP_PORT: (s, e) => (s.smtp = { ...s.smtp, port: whole(e, 1, 65535) }),
  SMTP_TLS: (s, e) => (s.smtp = { ...s.smtp, tls: e.value === 'none' || e.value === 'starttls' || e.value === 'tls' ? e.value : fail(e, 'none, starttls or tls') }),
  SMTP_USER: (s, e) => (s.smtp = { ...s.smtp, user: none(e.value) ? null : e.value }),
  SMTP_PASSWORD_FILE: (s, e) => (s.smtp = { ...s.smtp, passwordFile: none(e.value) ? null : absPath(e) }),
  MAIL_FROM: (s, e) => (s.smtp = { ...s.smtp, from: /^[^\s@<>]+@[^\s@<>]+$/.test(e.value) ? e.value : fail(e, 'a mail address') }),
  LOOKUPS_PER_HOUR: (s, e) => (s.lookupsPerHour = whole(e, 0, 100_000)),
  ALLOW: (s, _e, all) => {
    s.allow = all
      .filter((x) => x.key === 'ALLOW')
      .flatMap((x) => x.value.split(/[\s,]+/).filter((t) => t !== '').map((t) => parseNetwork(t) ?? fail(x, 'IPv4/IPv6 addresses or networks, comma-separated')))
  },
  BLOCK_BACKEND: (s, e) => (s.blockBackend = (BLOCK_BACKENDS as readonly string[]).includes(e.value) ? (e.value as BlockBackendName) : fail(e, BLOCK_BACKENDS.join(', '))),
  BLOCK_IPV6_PREFIX: (s, e) => (s.blockIpv6Prefix = whole(e, 32, 128)),
  BLOCK_HOME_NET: (s, e) => (s.blockHomeNet = yesNo(e)),
  BLOCK_MAX: (s, e) => (s.blockMax = whole(e, 1, 10_000_000)),
  BLOCK_ON_EXIT: (s, e) => (s.blockOnExit = e.value === 'keep' || e.value === 'remove' ? e.value : fail(e, 'keep or remove')),
  XTABLES_LOCK: (s, e) => (s.xtablesLock = none(e.value) ? null : absPath(e)),
}

/** The keys portsleuth.conf accepts. */
export const PORTSLEUTH_KEYS: ReadonlySet<string> = new Set(Object.keys(KEYS))

/** Applies portsleuth.conf text onto the defaults; throws ConfigError naming file:line. */
export function parseWatchSettings(text: string, file: string): WatchSettings {
  const settings = defaultWatchSettings()
  const resolved = resolveEntries(parsePsadConf(text, file, PORTSLEUTH_KEYS), new Set(['ALLOW']), false)
  const all = [...resolved.values()].flat()
  for (const [key, entries] of resolved) KEYS[key]!(settings, entries[0]!, all)
  return settings
}

/**
 * Reads portsleuth.conf: `file` given explicitly must exist; the default path may be absent (defaults).
 * Throws ConfigError (exit 3) for an unreadable file or a bad line.
 */
export async function loadWatchSettings(file: string | null): Promise<{ settings: WatchSettings; file: string | null }> {
  const path = file ?? DEFAULT_CONFIG_FILE
  if (file === null) {
    try {
      await access(path)
    } catch {
      return { settings: defaultWatchSettings(), file: null }
    }
  }
  return { settings: parseWatchSettings(await readConfigText(path, 'portsleuth configuration file'), path), file: path }
}
