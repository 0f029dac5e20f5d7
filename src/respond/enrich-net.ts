import type { ReportV1 } from '../report/model.js'
import { enrichReport, summaryLine, type EnrichCache, type EnrichLookups } from './enrich.js'
import type { HostPort } from './server-address.js'

// The networked side of enrichment: what the flags asked for, validated before any log is read,
// and the lookups that leave the machine (DNS to the system's or the given resolver, whois to ARIN
// and one registry, or to the given server).

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
