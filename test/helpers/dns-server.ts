import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import ipaddr from 'ipaddr.js'

// A real DNS server for tests, UDP on 127.0.0.1: enough of RFC 1035 to answer PTR queries for the
// addresses it is given (NXDOMAIN for anything else), or to stay silent (a server that never
// answers). The wire format is written here by hand: header, one question, one PTR answer.

const TYPE_PTR = 12
const CLASS_IN = 1

/** The reverse-zone name of an address: `1.0.77.10.in-addr.arpa`, or 32 nibbles + `.ip6.arpa`. */
export function arpaName(ip: string): string {
  const addr = ipaddr.parse(ip)
  if (addr.kind() === 'ipv4') return `${addr.toByteArray().reverse().join('.')}.in-addr.arpa`
  const hex = addr.toByteArray().map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${[...hex].reverse().join('.')}.ip6.arpa`
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').map((label) => {
    const bytes = Buffer.from(label, 'latin1') // raw octets, so tests can send hostile labels
    return Buffer.concat([Buffer.from([bytes.length]), bytes])
  })
  return Buffer.concat([...parts, Buffer.from([0])])
}

/** Parses the question of a query: the name (lower case) and where the question section ends. */
function question(msg: Buffer): { name: string; type: number; end: number } | null {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return null
  const labels: string[] = []
  let at = 12
  while (at < msg.length && msg[at]! !== 0) {
    const len = msg[at]!
    if (len > 63 || at + 1 + len > msg.length) return null // no compression in a question we accept
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'))
    at += 1 + len
  }
  if (at + 5 > msg.length) return null
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at + 1), end: at + 5 }
}

export interface DnsServerOptions {
  /** Address → PTR name. */
  names?: Record<string, string>
  /** Never answer (every query is still counted). */
  silent?: boolean
}

export class DnsServer {
  /** Every question received, as `name type`. */
  readonly queries: string[] = []

  private constructor(
    private readonly socket: Socket,
    private readonly ptr: Map<string, string>,
    private readonly silent: boolean,
  ) {
    socket.on('message', (msg, from) => this.answer(msg, from))
  }

  /** Starts a server on 127.0.0.1 on a free port. */
  static async start(opts: DnsServerOptions = {}): Promise<DnsServer> {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, '127.0.0.1', () => resolve())
    })
    const ptr = new Map(Object.entries(opts.names ?? {}).map(([ip, name]) => [arpaName(ip), name]))
    return new DnsServer(socket, ptr, opts.silent === true)
  }

  get port(): number {
    return this.socket.address().port
  }

  /** `127.0.0.1:PORT`, for --dns-server. */
  get address(): string {
    return `127.0.0.1:${this.port}`
  }

  private answer(msg: Buffer, from: RemoteInfo): void {
    const q = question(msg)
    if (q === null) return
    this.queries.push(`${q.name} ${q.type}`)
    if (this.silent) return
    const name = q.type === TYPE_PTR ? this.ptr.get(q.name) : undefined
    const header = Buffer.alloc(12)
    header.writeUInt16BE(msg.readUInt16BE(0), 0) // id
    // QR, opcode 0, the query's RD, RA; RCODE 0 or 3 (NXDOMAIN).
    header.writeUInt16BE(0x8000 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | (name === undefined ? 3 : 0), 2)
    header.writeUInt16BE(1, 4)
    header.writeUInt16BE(name === undefined ? 0 : 1, 6)
    const parts = [header, msg.subarray(12, q.end)]
    if (name !== undefined) {
      const rdata = encodeName(name)
      const rr = Buffer.alloc(12)
      rr.writeUInt16BE(0xc00c, 0) // pointer to the question's name
      rr.writeUInt16BE(TYPE_PTR, 2)
      rr.writeUInt16BE(CLASS_IN, 4)
      rr.writeUInt32BE(300, 6)
      rr.writeUInt16BE(rdata.length, 10)
      parts.push(rr, rdata)
    }
    this.socket.send(Buffer.concat(parts), from.port, from.address)
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()))
  }
}
