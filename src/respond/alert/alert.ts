import { isoUtc } from '../../parse/time.js'
import type { SignatureHitV1, SourceV1 } from '../../report/model.js'
import type { AlertDestinationV1, AlertEvent, AlertSnapshot, PortRangesV1 } from './event.js'
import { mergeRanges, parseRange, rangeText, subtractRange, type Range } from './port-ranges.js'
import { oneLine } from './safe-text.js'

// An alert is a view of a source now against the same source at its previous alert: what is new
// since then (ports, destinations, packets, signatures) is what psad calls "this interval". The
// previous state is a compact snapshot that `watch` keeps in its state file.

/** Destinations listed in an alert, most new packets first (the total is in `destinationsTotal`). */
export const MAX_ALERT_DESTINATIONS = 20
/** Raw log lines kept in an alert by default. */
export const MAX_ALERT_LINES = 5
const MAX_LINE_CHARS = 2000
const MAX_HOSTS = 20

export interface AlertContext {
  /** Epoch ms: the log's own timestamp of the packet that raised the alert (NaN: the source's lastSeen). */
  time: number
  /** The danger level at the previous alert; defaults to the snapshot's, 0 without one. */
  previousDangerLevel?: number
  /** Syslog hosts that logged the source's packets. */
  hosts: readonly string[]
  /** The raw lines that raised the alert, oldest first; the last `maxLines` are kept. */
  lines: readonly string[]
  maxLines?: number
}

/** Returns the key that tells a signature hit apart from others in a snapshot. */
export function signatureKey(s: Pick<SignatureHitV1, 'protocol' | 'sid' | 'psadId' | 'msg'>): string {
  return `${s.protocol}|${s.sid ?? ''}|${s.psadId ?? ''}|${s.msg}`
}

/** Returns the compact, JSON-serialisable record of a source that the next alert compares against. */
export function snapshot(source: SourceV1): AlertSnapshot {
  const destinations: AlertSnapshot['destinations'] = {}
  for (const d of source.destinations) destinations[d.ip] = [d.packets, d.tcpPorts, d.udpPorts]
  const signatures: Record<string, number> = {}
  for (const s of source.signatures) signatures[signatureKey(s)] = s.count
  return { v: 1, dangerLevel: source.dangerLevel, packets: source.packets, destinations, signatures }
}

function ports(source: SourceV1, previous: AlertSnapshot | null, proto: 'tcp' | 'udp'): PortRangesV1 {
  const all: Range[] = []
  const fresh: Range[] = []
  for (const d of source.destinations) {
    const now = parseRange(proto === 'tcp' ? d.tcpPorts : d.udpPorts)
    if (now === null) continue
    all.push(now)
    const before = previous?.destinations[d.ip]
    fresh.push(...subtractRange(now, before === undefined ? null : parseRange(before[proto === 'tcp' ? 1 : 2])))
  }
  return { new: mergeRanges(fresh).map(rangeText), all: mergeRanges(all).map(rangeText) }
}

function destinations(source: SourceV1, previous: AlertSnapshot | null): AlertDestinationV1[] {
  return source.destinations
    .map((d) => ({
      ip: d.ip,
      tcpPorts: d.tcpPorts,
      udpPorts: d.udpPorts,
      packets: d.packets,
      newPackets: Math.max(0, d.packets - (previous?.destinations[d.ip]?.[0] ?? 0)),
      protocols: d.protocols,
    }))
    .sort((a, b) => b.newPackets - a.newPackets || b.packets - a.packets || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0))
    .slice(0, MAX_ALERT_DESTINATIONS)
}

function reason(dl: number, previous: number, first: boolean): string {
  if (first) return `first alert at DL ${dl}`
  return dl > previous ? `danger level rose from ${previous} to ${dl}` : `new activity at DL ${dl}`
}

/** Builds the alert for `now`, comparing with the snapshot taken at the source's previous alert (null: first alert). */
export function buildAlert(now: SourceV1, previous: AlertSnapshot | null, ctx: AlertContext): AlertEvent {
  const previousDangerLevel = ctx.previousDangerLevel ?? previous?.dangerLevel ?? 0
  const keep = ctx.maxLines ?? MAX_ALERT_LINES
  return {
    type: 'alert',
    time: isoUtc(ctx.time) ?? now.lastSeen ?? new Date(0).toISOString(),
    ip: now.ip,
    dangerLevel: now.dangerLevel,
    previousDangerLevel,
    reason: reason(now.dangerLevel, previousDangerLevel, previous === null && previousDangerLevel === 0),
    scanTypes: [...now.scanTypes],
    nmapOptions: [...now.nmapOptions],
    signatures: now.signatures.map((s) => ({ ...s, newCount: Math.max(0, s.count - (previous?.signatures[signatureKey(s)] ?? 0)) })),
    ports: { tcp: ports(now, previous, 'tcp'), udp: ports(now, previous, 'udp') },
    destinations: destinations(now, previous),
    destinationsTotal: now.destinationsTotal,
    flags: { ...now.tcpFlags },
    chains: { ...now.chains },
    logPrefixes: { ...now.logPrefixes },
    packets: now.packets,
    newPackets: Math.max(0, now.packets - (previous?.packets ?? 0)),
    firstSeen: now.firstSeen,
    lastSeen: now.lastSeen,
    hosts: ctx.hosts.slice(0, MAX_HOSTS),
    os: now.os.map((o) => ({ ...o })),
    findings: now.findings.map((f) => ({ ...f })),
    lines: keep > 0 ? ctx.lines.slice(-keep).map((l) => oneLine(l, MAX_LINE_CHARS)) : [],
    ...(now.enrichment === undefined ? {} : { enrichment: { ...now.enrichment } }),
  }
}
