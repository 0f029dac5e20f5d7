import { Resolver } from 'node:dns/promises'
import ipaddr from 'ipaddr.js'
import type { HostPort } from './server-address.js'

// Reverse DNS through a Resolver of our own: the system's resolv.conf servers, or the one given by
// --dns-server. Never the process-wide dns.setServers, which would redirect every other lookup too.
// psad has no DNS timeout (a to-do in its source); ours is the enrichment timeout. We query the PTR
// record ourselves (resolvePtr) rather than calling reverse(): c-ares's reverse lookup reports a
// server that never answers as ENOTFOUND, the same as "no name", and a failure must be told apart.

const NO_NAME = new Set(['ENOTFOUND', 'ENODATA'])
const WHY: Record<string, string> = {
  ETIMEOUT: 'no answer from the DNS server',
  ECONNREFUSED: 'connection refused by the DNS server',
  ESERVFAIL: 'the DNS server failed (SERVFAIL)',
  EREFUSED: 'the DNS server refused the query',
  EBADRESP: 'malformed DNS answer',
  ECANCELLED: 'cancelled',
}

/** Returns the reverse-zone name of an address: `1.0.77.10.in-addr.arpa`, nibbles + `.ip6.arpa` (RFC 3596). */
export function ptrName(ip: string): string {
  const bytes = ipaddr.parse(ip).toByteArray()
  if (bytes.length === 4) return `${bytes.reverse().join('.')}.in-addr.arpa`
  const nibbles = bytes.flatMap((b) => [(b >> 4).toString(16), (b & 15).toString(16)])
  return `${nibbles.reverse().join('.')}.ip6.arpa`
}

/** Formats a server for Resolver.setServers: `1.2.3.4:53`, `[::1]:53`. */
export function resolverAddress(server: HostPort): string {
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`
}

/** Returns a reverse lookup: the first PTR name, null when there is none; rejects with a short reason otherwise. */
export function reverseLookup(server: HostPort | null, timeoutMs: number): (ip: string, signal: AbortSignal) => Promise<string | null> {
  return async (ip, signal) => {
    // One resolver per query so that cancelling one (on timeout) does not cancel the others.
    const resolver = new Resolver({ timeout: Math.max(200, Math.floor(timeoutMs / 2)), tries: 2 })
    if (server !== null) resolver.setServers([resolverAddress(server)])
    const cancel = (): void => resolver.cancel()
    signal.addEventListener('abort', cancel, { once: true })
    try {
      const names = await resolver.resolvePtr(ptrName(ip))
      return names[0] ?? null
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? ''
      if (NO_NAME.has(code)) return null
      throw new Error(WHY[code] ?? (code !== '' ? code : String(err)))
    } finally {
      signal.removeEventListener('abort', cancel)
    }
  }
}
