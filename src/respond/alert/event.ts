import type { EnrichmentV1, FindingV1, OsGuessV1, SignatureHitV1 } from '../../report/model.js'

// The events `watch` emits, one JSON object each (JSON lines, webhook bodies, PORTSLEUTH_EVENT).
// Every event has `type`. Field names are a public contract, like the JSON report's: add, never rename.
// Text fields that came from a log line (prefixes, signature messages, raw lines) are attacker-
// controlled; each channel escapes them for its medium.

/** Port ranges of one protocol: `new` since the source's previous alert, `all` since it was first seen. */
export interface PortRangesV1 {
  /** `"lo-hi"` or `"p"`, merged and sorted. */
  new: string[]
  all: string[]
}

/** A signature the source matched, with the matches since its previous alert. */
export interface AlertSignatureV1 extends SignatureHitV1 {
  newCount: number
}

export interface AlertDestinationV1 {
  ip: string
  tcpPorts: string | null
  udpPorts: string | null
  packets: number
  /** Packets since the source's previous alert. */
  newPackets: number
  /** Distinct IP protocols sent there. */
  protocols: number
}

/** A source reached the alert level, or its danger level rose. */
export interface AlertEvent {
  type: 'alert'
  /** ISO 8601 UTC: the log's own timestamp of the packet that raised the alert. */
  time: string
  ip: string
  dangerLevel: number
  /** 0 for a source's first alert. */
  previousDangerLevel: number
  /** Why now: `first alert at DL 2`, `danger level rose from 2 to 3`, `test alert`. */
  reason: string
  scanTypes: string[]
  nmapOptions: string[]
  signatures: AlertSignatureV1[]
  ports: { tcp: PortRangesV1; udp: PortRangesV1 }
  /** Destinations with the most new packets first; at most MAX_ALERT_DESTINATIONS. */
  destinations: AlertDestinationV1[]
  destinationsTotal: number
  /** TCP flag sets (`SYN`, `URG PSH FIN`) and their packet counts. */
  flags: Record<string, number>
  chains: Record<string, number>
  logPrefixes: Record<string, number>
  packets: number
  newPackets: number
  firstSeen: string | null
  lastSeen: string | null
  /** Syslog hosts that logged the packets. */
  hosts: string[]
  os: OsGuessV1[]
  findings: FindingV1[]
  /** The last raw log lines that raised it, control characters escaped. */
  lines: string[]
  enrichment?: EnrichmentV1
  /** Present (true) only on `portsleuth alert test` alerts. */
  test?: true
}

/** A block was added or removed by the active-response engine. */
export interface BlockEvent {
  type: 'block' | 'unblock'
  time: string
  ip: string
  /** What is blocked: the address, or a network in CIDR notation. */
  target: string
  /** Seconds until the block expires; 0 = never. Meaningless for `unblock`. */
  timeout: number
  reason: string
  dangerLevel: number
  /** `iptables`, `ip6tables`, `nftables`, `ipset`, `dry-run`. */
  backend: string
  /** The firewall commands run, as argv arrays, when the blocker reports them. */
  commands?: string[][]
}

/** Something about the alerting itself: a limit reached, a cap hit, a channel in trouble. */
export interface NoticeEvent {
  type: 'notice'
  time: string
  /** `email-limit`, `block-cap`, ... */
  kind: string
  /** The source it concerns, when there is one. */
  ip?: string
  message: string
}

export type WatchEvent = AlertEvent | BlockEvent | NoticeEvent

/**
 * What an alert remembers of a source, for "new since the previous alert". Compact and plain JSON:
 * `watch` keeps it in its state file so that a restart does not make every port look new.
 */
export interface AlertSnapshot {
  v: 1
  dangerLevel: number
  packets: number
  /** ip → [packets, tcp range or null, udp range or null]. */
  destinations: Record<string, [number, string | null, string | null]>
  /** signature key (see signatureKey) → count. */
  signatures: Record<string, number>
}
