import path from 'node:path'
import { at, ConfigError } from '../core/errors.js'
import { protoNumber } from '../parse/protocols.js'
import { AUTO_CHAIN_KEY, autoChains, DAEMON_KEYS } from './daemon-keys.js'
import { fail, int, list, none, yesNo, type Apply } from './conf-values.js'
import type { ConfEntry } from './psad-conf.js'
import { parseReputationFeed } from './reputation.js'
import type { DataFiles, PortRule, Settings } from './settings.js'
import { excerpt } from '../core/excerpt.js'
import { signatureVariableError } from '../detect/signatures/grammar.js'

// The psad.conf keys portsleuth acts on, each bound to the setting it changes. Keys not listed here are
// accepted (see psad-keys.ts) and reported by `config check` as ignored.

/** Parses psad's IGNORE_PORTS (`tcp/61000-61356, udp/53`); throws ConfigError for a bad item. */
export function parsePortRules(value: string, e: ConfEntry): PortRule[] {
  return list(value).map((item) => {
    const m = /^(?:(tcp|udp|udplite)\/)?(\d{1,5})(?:-(\d{1,5}))?$/i.exec(item)
    if (m === null) fail(e, "items like 'tcp/22', 'udp/53' or 'tcp/61000-61356'")
    const lo = Number(m[2])
    const hi = m[3] === undefined ? lo : Number(m[3])
    if (lo > 65535 || hi > 65535 || hi < lo) fail(e, 'ports 0-65535 with low <= high')
    return { proto: m[1] === undefined ? -1 : protoNumber(m[1]), lo, hi }
  })
}

function threshold(kind: 'dangerLevels' | 'uniqueHosts', index: number): Apply {
  return (s, _v, e) => {
    const copy = [...s.detection[kind]]
    copy[index] = int(e)
    s.detection = { ...s.detection, [kind]: copy }
  }
}

function detection<K extends keyof Settings['detection']>(key: K, parse: (e: ConfEntry) => Settings['detection'][K]): Apply {
  return (s, _v, e) => {
    s.detection = { ...s.detection, [key]: parse(e) }
  }
}

function filters<K extends keyof Settings['filters']>(key: K, parse: (e: ConfEntry, all: readonly ConfEntry[]) => Settings['filters'][K]): Apply {
  return (s, _v, e, all) => {
    s.filters = { ...s.filters, [key]: parse(e, all) }
  }
}

// A data file or directory; NONE unsets it. Relative paths are taken from the configuration file's directory.
function dataFile(key: keyof DataFiles): Apply {
  return (s, value, e) => {
    const p = none(value) ? null : path.resolve(path.dirname(e.file), value)
    s.files = { ...s.files, [key]: p }
  }
}

function signatureVar(s: Settings, value: string, e: ConfEntry): void {
  s.vars = { ...s.vars, [e.key]: value }
}

export const BOUND_KEYS: Readonly<Record<string, Apply>> = {
  DANGER_LEVEL1: threshold('dangerLevels', 0),
  DANGER_LEVEL2: threshold('dangerLevels', 1),
  DANGER_LEVEL3: threshold('dangerLevels', 2),
  DANGER_LEVEL4: threshold('dangerLevels', 3),
  DANGER_LEVEL5: threshold('dangerLevels', 4),
  DL1_UNIQUE_HOSTS: threshold('uniqueHosts', 0),
  DL2_UNIQUE_HOSTS: threshold('uniqueHosts', 1),
  DL3_UNIQUE_HOSTS: threshold('uniqueHosts', 2),
  DL4_UNIQUE_HOSTS: threshold('uniqueHosts', 3),
  DL5_UNIQUE_HOSTS: threshold('uniqueHosts', 4),
  PORT_RANGE_SCAN_THRESHOLD: detection('portRangeScanThreshold', (e) => int(e, 0, 65535)),
  PORT_RANGE_SWEEP_THRESHOLD: detection('portRangeSweepThreshold', (e) => int(e, 0, 65535)),
  PROTOCOL_SCAN_THRESHOLD: detection('protocolScanThreshold', (e) => int(e, 1, 256)),
  MIN_DANGER_LEVEL: detection('minDangerLevel', (e) => int(e, 0, 5)),
  SCAN_TIMEOUT: detection('scanTimeout', (e) => int(e, 1)),
  ENABLE_PERSISTENCE: detection('persistence', yesNo),
  IGNORE_CONNTRACK_BUG_PKTS: detection('conntrack', (e) => (yesNo(e) ? 'ignore' : 'keep')),
  EXPECT_TCP_OPTIONS: detection('expectTcpOptions', yesNo),
  MAX_HOPS: detection('maxHops', (e) => int(e, 1, 255)),
  ENABLE_IPV6_DETECTION: filters('ipv6', yesNo),
  FW_SEARCH_ALL: filters('fwSearchAll', yesNo),
  FW_MSG_SEARCH: filters('fwMsgSearch', (e, all) =>
    all.filter((x) => x.key === 'FW_MSG_SEARCH').map((x) => {
      try {
        new RegExp(x.value)
      } catch {
        fail(x, 'a regular expression')
      }
      return x.value
    }),
  ),
  SNORT_SID_STR: filters('sidString', (e) => (e.value === '' ? fail(e, 'a non-empty string') : e.value)),
  IGNORE_PORTS: filters('ignorePorts', (e) => parsePortRules(e.value, e)),
  IGNORE_PROTOCOLS: filters('ignoreProtocols', (e) =>
    list(e.value).map((p) => {
      const n = protoNumber(p)
      return n < 0 ? fail(e, 'protocol names or numbers such as tcp, udp, icmp, 2') : n
    }),
  ),
  IGNORE_INTERFACES: filters('ignoreInterfaces', (e) => list(e.value)),
  IGNORE_LOG_PREFIXES: filters('ignoreLogPrefixes', (e) => {
    if (none(e.value)) return null
    try {
      return new RegExp(e.value)
    } catch {
      return fail(e, 'a regular expression')
    }
  }),
  DSHIELD_USER_ID: (s, _v, e) => {
    s.dshieldUserId = String(int(e))
  },
  ENABLE_SNORT_SIG_STRICT: (s, _v, e) => {
    s.signatureStrict = yesNo(e)
  },
  AUTO_DL_FILE: dataFile('autoDl'),
  SNORT_RULE_DL_FILE: dataFile('snortRuleDl'),
  SNORT_RULES_DIR: dataFile('snortRulesDir'),
  FWSNORT_RULES_DIR: dataFile('fwsnortRulesDir'),
  SIGS_FILE: dataFile('signatures'),
  P0F_FILE: dataFile('p0f'),
  POSF_FILE: dataFile('posf'),
  REPUTATION_FEEDS_DIR: dataFile('reputationFeedsDir'),
  ENABLE_REPUTATION_FEEDS: (s, _v, e) => {
    s.reputation = { ...s.reputation, enabled: yesNo(e) }
  },
  REPUTATION_FEED: (s, _v, _e, all) => {
    s.reputation = { ...s.reputation, feeds: all.filter((x) => x.key === 'REPUTATION_FEED').map(parseReputationFeed) }
  },
  HOME_NET: signatureVar,
  EXTERNAL_NET: signatureVar,
  HTTP_SERVERS: signatureVar,
  SMTP_SERVERS: signatureVar,
  DNS_SERVERS: signatureVar,
  SQL_SERVERS: signatureVar,
  TELNET_SERVERS: signatureVar,
  AIM_SERVERS: signatureVar,
  HTTP_PORTS: signatureVar,
  SHELLCODE_PORTS: signatureVar,
  ORACLE_PORTS: signatureVar,
  ...DAEMON_KEYS,
}

/** Applies resolved psad.conf entries to settings; returns the keys that were present but not acted on. */
export function applyConf(settings: Settings, resolved: Map<string, ConfEntry[]>): string[] {
  const ignored: string[] = []
  const all = [...resolved.values()].flat()
  for (const [key, entries] of resolved) {
    const apply = BOUND_KEYS[key] ?? (AUTO_CHAIN_KEY.test(key) ? autoChains : undefined)
    const first = entries[0]!
    if (apply === undefined) ignored.push(key)
    else apply(settings, first.value, first, all)
  }
  // Checked here, not when a signature uses them, so that the error names the psad.conf line.
  for (const [key, entries] of resolved) {
    if (BOUND_KEYS[key] !== signatureVar) continue
    const e = entries[0]!
    const why = signatureVariableError(key, e.value, settings.vars)
    if (why !== null) {
      throw new ConfigError(at(e.file, e.line, `invalid ${key} '${excerpt(e.value)}': ${why}`), `${key} is ${key.endsWith('_PORTS') ? 'ports: 80, 8000:8080, [80,443], !80 or any' : 'addresses: 10.0.0.0/8, [192.0.2.1,2001:db8::/32], !10.0.0.0/8 or any'}`)
    }
  }
  const d = settings.detection
  for (const [kind, label] of [['dangerLevels', 'DANGER_LEVEL'], ['uniqueHosts', 'DL']] as const) {
    const v = d[kind]
    for (let i = 1; i < v.length; i++) {
      if (v[i]! < v[i - 1]!) {
        const name = kind === 'uniqueHosts' ? `${label}${i + 1}_UNIQUE_HOSTS` : `${label}${i + 1}`
        const e = resolved.get(name)?.[0] ?? resolved.get(kind === 'uniqueHosts' ? `${label}${i}_UNIQUE_HOSTS` : `${label}${i}`)?.[0]
        const where = e === undefined ? '' : `${e.file}:${e.line}: `
        throw new ConfigError(`${where}${name} (${v[i]}) is lower than the level below it (${v[i - 1]}); thresholds must not decrease`)
      }
    }
  }
  return ignored.sort()
}
