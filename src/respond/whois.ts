import { lookup } from 'whois'
import type { HostPort } from './server-address.js'

// whois of an address over the `whois` package (RFC 3912: one query line over TCP, answer until the
// server closes). Without --whois-server we ask ARIN, as psad's bundled client does, and follow one
// referral to another regional registry. The package's own referral following is off: it takes a
// "refer:"/"Whois Server:" token from anywhere in the answer, which the registrant writes, and would
// connect to whatever host and port it names. We follow only `ReferralServer: whois://<RIR>` at the
// start of a line, to the four other RIRs on port 43; rwhois referrals and anything else are not
// followed (ARIN's own answer is kept). With --whois-server nothing is followed: the user chose the
// server. The answer's length is capped later (enrich-text.ts); the package reads it whole.

interface WhoisServer {
  host: string
  port: number
  /** `$addr` is replaced by the address. */
  query: string
}

export const DEFAULT_WHOIS: WhoisServer = { host: 'whois.arin.net', port: 43, query: 'n + $addr\r\n' }

// -r (RIPE-software servers): no referenced person/role objects, so no personal data and no hits on
// the registries' daily personal-data query limits.
const REGISTRIES: Record<string, string> = {
  'whois.ripe.net': '-r $addr\r\n',
  'whois.apnic.net': '-r $addr\r\n',
  'whois.afrinic.net': '-r $addr\r\n',
  'whois.lacnic.net': '$addr\r\n',
}

const REFERRAL = /^ReferralServer:[ \t]*whois:\/\/([A-Za-z0-9.-]+?)\.?(?::(\d+))?\/?[ \t]*$/im

/** Returns the registry an ARIN answer refers to, or null when there is none or it is not one we follow. */
export function registryReferral(answer: string): WhoisServer | null {
  const m = REFERRAL.exec(answer)
  if (m === null) return null
  const host = m[1]!.toLowerCase()
  const query = REGISTRIES[host]
  if (query === undefined || (m[2] !== undefined && Number(m[2]) !== 43)) return null
  return { host, port: 43, query }
}

function why(err: Error, server: WhoisServer): string {
  const code = (err as NodeJS.ErrnoException).code
  const where = `${server.host}:${server.port}`
  if (err.message === 'lookup: timeout') return `no answer from ${where}`
  if (code === 'ECONNREFUSED') return `connection refused by ${where}`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${server.host}`
  if (code === 'ECONNRESET') return `connection reset by ${where}`
  return `${code ?? err.message} (${where})`
}

function ask(ip: string, server: WhoisServer, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // punycode off: the package would otherwise pass an IPv6 address through domainToASCII (→ '').
    // timeout is the socket's idle timeout; enrich.ts bounds the whole lookup.
    lookup(ip, { server, follow: 0, timeout: timeoutMs, encoding: 'utf8', punycode: false }, (err, data) => {
      if (err !== null) reject(new Error(why(err, server)))
      else resolve(typeof data === 'string' ? data : data.map((d) => d.data).join('\n'))
    })
  })
}

/** Returns a whois lookup against `server` (host and port; null: ARIN plus one registry referral). */
export function whoisLookup(server: HostPort | null, timeoutMs: number): (ip: string) => Promise<string> {
  if (server !== null) return (ip) => ask(ip, { ...server, query: '$addr\r\n' }, timeoutMs)
  return async (ip) => {
    const first = await ask(ip, DEFAULT_WHOIS, timeoutMs)
    const next = registryReferral(first)
    return next === null ? first : ask(ip, next, timeoutMs)
  }
}
