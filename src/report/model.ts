// The JSON report, schema v1: the one result object every renderer (text, JSON, CSV, HTML) views.
// Field names and meanings are a public contract (README "JSON report"); add fields, never rename.

export const SCHEMA_VERSION = 1

export interface FindingV1 {
  kind: string
  message: string
}

export interface DestinationV1 {
  ip: string
  packets: number
  /** `"lo-hi"` or `"p"`; null when no packet of that protocol went there. */
  tcpPorts: string | null
  udpPorts: string | null
  udplitePorts: string | null
  /** Distinct IP protocols sent to this destination. */
  protocols: number
  firstSeen: string | null
  lastSeen: string | null
}

export interface SignatureHitV1 {
  sid: number | null
  psadId: number | null
  msg: string
  protocol: string
  count: number
  dangerLevel: number
}

export interface OsGuessV1 {
  os: string
  method: string
}

/** Reverse DNS and whois for a source, present only when enrichment was asked for. */
export interface EnrichmentV1 {
  dns: string | null
  whois: string | null
}

export interface SourceV1 {
  ip: string
  version: 4 | 6
  dangerLevel: number
  packets: number
  firstSeen: string | null
  lastSeen: string | null
  scanTypes: string[]
  nmapOptions: string[]
  /** Distinct destination addresses; more than the itemised `destinations` past the per-source limit. */
  destinationsTotal: number
  /** True when destinationsTotal is an estimate (more than 1,048,576 distinct destinations, about 1% error). */
  destinationsEstimated: boolean
  destinations: DestinationV1[]
  signatures: SignatureHitV1[]
  os: OsGuessV1[]
  findings: FindingV1[]
  tcpFlags: Record<string, number>
  chains: Record<string, number>
  logPrefixes: Record<string, number>
  /** Packets per syslog host that logged them (`unknown` for lines without one): the firewalls that saw the source. */
  hosts: Record<string, number>
  enrichment?: EnrichmentV1
}

export interface InputV1 {
  name: string
  bytes: number
  gzip: boolean
  lines: number
  error: string | null
}

export interface SummaryV1 {
  linesRead: number
  packets: number
  skipped: Record<string, number>
  firstSeen: string | null
  lastSeen: string | null
  hosts: Record<string, number>
  protocols: Record<string, number>
  logPrefixes: Record<string, number>
  dangerLevels: Record<'1' | '2' | '3' | '4' | '5', number>
  /** Distinct sources seen, including those below MIN_DANGER_LEVEL (not listed in `sources`). */
  sourcesSeen: number
  /** Packets the host itself sent (`IN=` empty): never scored, listed here instead of as sources. */
  outbound: OutboundV1
}

/** Outbound traffic: packets the logging host sent (line bucket `outbound`), by local source and by destination. */
export interface OutboundV1 {
  packets: number
  /** Packets per local source address (the first 1,000 addresses, the rest as `other`). */
  sources: Record<string, number>
  /** Packets per destination address (the first 1,000 addresses, the rest as `other`). */
  destinations: Record<string, number>
}

export interface TopPortV1 {
  protocol: string
  port: number
  packets: number
}

export interface TopSignatureV1 {
  sid: number | null
  psadId: number | null
  msg: string
  protocol: string
  count: number
  sources: number
}

/**
 * Packets over time, split by the danger level of their source when each packet arrived (so a scan
 * shows its escalation). `buckets[i]` covers [start + i·bucketSeconds, + bucketSeconds) and holds
 * counts for DL 0..5. At most 120 buckets; empty when no line had a timestamp.
 */
export interface TimelineV1 {
  start: string | null
  bucketSeconds: number
  buckets: number[][]
}

/** The --since/--until range a run was asked for (ISO 8601 UTC; null: open on that side). */
export interface WindowV1 {
  since: string | null
  until: string | null
}

export interface ReportV1 {
  schemaVersion: typeof SCHEMA_VERSION
  generator: { name: string; version: string }
  /** Present only when --since or --until was given (added in 0.1: schema v1 only adds fields). */
  window?: WindowV1
  inputs: InputV1[]
  summary: SummaryV1
  sources: SourceV1[]
  topPorts: TopPortV1[]
  topSignatures: TopSignatureV1[]
  timeline: TimelineV1
  malformed: { where: string; error: string }[]
}
