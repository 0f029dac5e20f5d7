import { readFile } from 'node:fs/promises'
import { FirewallError } from '../../core/errors.js'
import type { Runner } from './runner.js'
import { parseAddress } from './target.js'

// The default gateways must never be blocked: blocking the router cuts the host off. They come from
// `ip -j route show default` (and `ip -6 …`), or, where iproute2 is missing, from /proc/net/route
// and /proc/net/ipv6_route. Addresses are re-parsed, so a gateway list can only hold addresses.

function canonical(text: unknown): string | null {
  if (typeof text !== 'string') return null
  try {
    return parseAddress(text, 'gateway').address
  } catch {
    return null
  }
}

/** Returns the gateway addresses in `ip -j route show default` output (single and multipath routes). */
export function parseIpRouteJson(text: string): string[] {
  const routes: any[] = text.trim() === '' ? [] : JSON.parse(text)
  const out: string[] = []
  for (const r of Array.isArray(routes) ? routes : []) {
    for (const hop of [r, ...(Array.isArray(r?.nexthops) ? r.nexthops : [])]) {
      for (const g of [hop?.gateway, hop?.via?.host]) {
        const a = canonical(g)
        if (a !== null) out.push(a)
      }
    }
  }
  return out
}

/** Returns the IPv4 default gateways in /proc/net/route text (hex, little-endian, RTF_GATEWAY set). */
export function parseProcRoute(text: string): string[] {
  const out: string[] = []
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 8 || f[1] !== '00000000' || f[7] !== '00000000' || (parseInt(f[3]!, 16) & 2) === 0 || !/^[0-9A-Fa-f]{8}$/.test(f[2]!)) continue
    const n = parseInt(f[2]!, 16)
    out.push([n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.'))
  }
  return out
}

/** Returns the IPv6 default gateways in /proc/net/ipv6_route text (::/0 routes with a next hop). */
export function parseProcIpv6Route(text: string): string[] {
  const out: string[] = []
  const ZERO = '0'.repeat(32)
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length < 10 || f[0] !== ZERO || f[1] !== '00' || f[4] === ZERO || !/^[0-9a-f]{32}$/.test(f[4]!)) continue
    const a = canonical(f[4]!.match(/.{4}/g)!.join(':'))
    if (a !== null) out.push(a)
  }
  return out
}

/**
 * Returns the default gateways (IPv4 and IPv6) via `ip -j route`, falling back to /proc when `ip`
 * cannot run. Throws FirewallError when neither source can be read: blocking without knowing the
 * gateway could cut the host off.
 */
export async function readGateways(runner: Runner, read: (file: string) => Promise<string> = (f) => readFile(f, 'utf8')): Promise<string[]> {
  try {
    const v4 = await runner.run({ argv: ['ip', '-j', 'route', 'show', 'default'] })
    const v6 = await runner.run({ argv: ['ip', '-6', '-j', 'route', 'show', 'default'] })
    return [...new Set([...parseIpRouteJson(v4.stdout), ...parseIpRouteJson(v6.stdout)])]
  } catch (ipError) {
    let v4: string
    try {
      v4 = await read('/proc/net/route')
    } catch {
      throw new FirewallError(`cannot read the default gateways: ${(ipError as Error).message}; /proc/net/route is unreadable too`, 'install iproute2; the gateway must be known so that it is never blocked')
    }
    // No /proc/net/ipv6_route means IPv6 is off: no IPv6 gateway.
    const v6 = await read('/proc/net/ipv6_route').catch(() => '')
    return [...new Set([...parseProcRoute(v4), ...parseProcIpv6Route(v6)])]
  }
}
