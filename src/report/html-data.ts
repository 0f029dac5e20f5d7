import { safe } from './html-format.js'
import type { ReportV1, SourceV1 } from './model.js'

// The per-source data the page script pages, sorts and filters. 10,000 sources do not fit in a DOM
// that opens quickly, so the sources table is drawn page by page in the browser from this JSON,
// which sits in a <script type="application/json"> block (never executed, and script-safe, see
// scriptJson). Short keys, and times as whole seconds after `t0`, keep a 10,000-source report a few
// megabytes; the JSON report has the rest.

/** Destinations and whois text beyond these are cut (and the cut is said), not shipped. */
export const MAX_DESTINATIONS = 25
export const MAX_WHOIS = 4000

/** A time as whole seconds after PageData.t0; null when unknown. */
export type PageTime = number | null
/** [ip, packets, tcp ports, udp ports, udplite ports, protocols, first seen, last seen] */
export type PageDestination = [string, number, string, string, string, number, PageTime, PageTime]
/** [message, protocol, "sid 621" | "psad_id 300001", count, danger level] */
export type PageSignature = [string, string, string, number, number]

export interface PageSource {
  ip: string
  v: number
  dl: number
  pk: number
  first: PageTime
  last: PageTime
  scan: string[]
  nmap: string[]
  /** destinationsTotal */
  nd: number
  dst: PageDestination[]
  sig: PageSignature[]
  os: string[]
  /** [kind, message] */
  fnd: [string, string][]
  flags: [string, number][]
  chains: [string, number][]
  prefixes: [string, number][]
  dns: string
  whois: string
}

export interface PageData {
  /** Epoch milliseconds that page times count from (the earliest whole second in the report). */
  t0: number
  sources: PageSource[]
}

function pairs(rec: Record<string, number>): [string, number][] {
  return Object.entries(rec).map(([k, v]) => [safe(k), v])
}

function whois(text: string | null | undefined): string {
  if (text === null || text === undefined) return ''
  // Keep newlines: whois is read as a block. Other controls are made visible by safe().
  const lines = text.length > MAX_WHOIS ? `${text.slice(0, MAX_WHOIS)}\n[… ${text.length - MAX_WHOIS} more characters in the JSON report]` : text
  return lines.split(/\r?\n/).map(safe).join('\n')
}

function epoch(iso: string | null): number {
  return iso === null ? NaN : Date.parse(iso)
}

function pageSource(s: SourceV1, t0: number): PageSource {
  const when = (iso: string | null): PageTime => {
    const ms = epoch(iso)
    return Number.isFinite(ms) ? Math.floor((ms - t0) / 1000) : null
  }
  return {
    ip: safe(s.ip),
    v: s.version,
    dl: s.dangerLevel,
    pk: s.packets,
    first: when(s.firstSeen),
    last: when(s.lastSeen),
    scan: s.scanTypes.map(safe),
    nmap: s.nmapOptions.map(safe),
    nd: s.destinationsTotal,
    dst: s.destinations.slice(0, MAX_DESTINATIONS).map((d) => [
      safe(d.ip), d.packets, safe(d.tcpPorts ?? ''), safe(d.udpPorts ?? ''), safe(d.udplitePorts ?? ''), d.protocols, when(d.firstSeen), when(d.lastSeen),
    ]),
    sig: s.signatures.map((g) => [safe(g.msg), safe(g.protocol), g.sid !== null ? `sid ${g.sid}` : g.psadId !== null ? `psad_id ${g.psadId}` : '', g.count, g.dangerLevel]),
    os: s.os.map((o) => `${safe(o.os)} (${safe(o.method)})`),
    fnd: s.findings.map((f) => [safe(f.kind), safe(f.message)]),
    flags: pairs(s.tcpFlags),
    chains: pairs(s.chains),
    prefixes: pairs(s.logPrefixes),
    dns: safe(s.enrichment?.dns ?? ''),
    whois: whois(s.enrichment?.whois),
  }
}

/** Returns the data of the paged source list: every string made display-safe, lists capped. */
export function pageData(report: ReportV1): PageData {
  let min = Infinity
  const see = (iso: string | null): void => {
    const ms = epoch(iso)
    if (ms < min) min = ms // NaN compares false: unknown times are skipped
  }
  for (const s of report.sources) {
    see(s.firstSeen)
    for (const d of s.destinations.slice(0, MAX_DESTINATIONS)) see(d.firstSeen)
  }
  const t0 = Number.isFinite(min) ? Math.floor(min / 1000) * 1000 : 0
  return { t0, sources: report.sources.map((s) => pageSource(s, t0)) }
}

const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/g

/**
 * Returns JSON that is inert inside a <script> element: `<`, `>`, `&`, U+2028 and U+2029 are written
 * as \u escapes, so no value can close the element (`</script>`), open a comment (`<!--`) or end a
 * line in older JavaScript parsers. JSON.parse gives back the same values.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(SCRIPT_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
