import { isIP } from 'node:net'
import { UsageError } from '../core/errors.js'
import type { ReportV1 } from '../report/model.js'
import { enrichReport, summaryLine, type EnrichCache, type EnrichLookups } from './enrich.js'

// The networked side of enrichment: what the flags asked for, validated before any log is read,
// and the lookups that leave the machine (DNS to the system's or the given resolver, whois to ARIN
// and one registry, or to the given server).

export interface HostPort {
  host: string
  port: number
}

export interface EnrichRequest {
  dns: boolean
  whois: boolean
  minDangerLevel: number
  max: number
  timeoutMs: number
  dnsServer: HostPort | null
  whoisServer: HostPort | null
}

/** Enriches a finished report; the notes go to stderr. */
export type Enricher = (report: ReportV1) => Promise<{ report: ReportV1; notes: string[] }>

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/

/**
 * Returns host and port of `host`, `host:port`, `[v6]:port` or a bare IPv6 address; throws
 * UsageError naming `flag` when the text is none of these (or not an IP address with `ipOnly`).
 */
export function parseServer(text: string, flag: string, defaultPort: number, ipOnly: boolean): HostPort {
  const bad = (why: string): never => {
    throw new UsageError(`${flag}: '${text}' ${why}`, `give ${ipOnly ? 'an IP address' : 'a host name or IP address'}, optionally with :PORT ([v6]:PORT for IPv6)`)
  }
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? (isIP(text) === 6 ? [text, text, undefined] : /^([^:]+)(?::(\d+))?$/.exec(text))
  if (m === null) return bad('is not host[:port]')
  const host = m[1]!
  const port = m[2] === undefined ? defaultPort : Number(m[2])
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad(`has a port outside 1-65535`)
  if (text.startsWith('[') && isIP(host) !== 6) bad('has brackets around something that is not an IPv6 address')
  if (isIP(host) === 0 && (ipOnly || !HOSTNAME.test(host))) bad(ipOnly ? 'is not an IP address' : 'is not a host name or IP address')
  return { host, port }
}

/** Returns the lookups that go over the network, as the request says (loaded only when asked for). */
export async function networkLookups(req: EnrichRequest): Promise<EnrichLookups> {
  const [{ reverseLookup }, { whoisLookup }] = await Promise.all([import('./dns.js'), import('./whois.js')])
  const reverse = reverseLookup(req.dnsServer, req.timeoutMs)
  const whois = whoisLookup(req.whoisServer, req.timeoutMs)
  return { reverse, whois: (ip) => whois(ip) }
}

/** Returns the enricher for `req` (null when neither --dns nor --whois was given); one cache per enricher. */
export function networkEnricher(req: EnrichRequest | null): Enricher | null {
  if (req === null) return null
  const cache: EnrichCache = new Map()
  let lookups: EnrichLookups | null = null
  return async (report) => {
    lookups ??= await networkLookups(req)
    const { report: enriched, summary } = await enrichReport(report, lookups, { ...req, cache })
    return { report: enriched, notes: [summaryLine(summary, req)] }
  }
}
