import { isIP } from 'node:net'
import { UsageError } from '../core/errors.js'

// A server given on the command line (--dns-server, --whois-server): a host name or address with an
// optional port, validated before anything is read.

export interface HostPort {
  host: string
  port: number
}

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
