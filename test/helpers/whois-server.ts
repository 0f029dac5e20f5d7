import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

// A real whois server for tests, TCP on 127.0.0.1 (RFC 3912: the client sends one line, the server
// answers and closes). The answer function returns the text to send, or null to accept the
// connection and never answer.

export type WhoisAnswer = (query: string) => string | Buffer | null

export class WhoisServer {
  /** Every query line received, without its CRLF. */
  readonly queries: string[] = []
  /** Connections accepted, answered or not. */
  connections = 0
  private readonly sockets = new Set<Socket>()

  private constructor(private readonly server: Server) {}

  /** Starts a server on 127.0.0.1 on a free port. */
  static async start(answer: WhoisAnswer): Promise<WhoisServer> {
    let self: WhoisServer | null = null
    const server = createServer((socket) => {
      const s = self!
      s.connections++
      s.sockets.add(socket)
      socket.on('close', () => s.sockets.delete(socket))
      socket.on('error', () => {})
      let buf = ''
      socket.on('data', (chunk) => {
        buf += chunk.toString('latin1')
        const end = buf.indexOf('\n')
        if (end < 0) return
        const query = buf.slice(0, end).replace(/\r$/, '')
        s.queries.push(query)
        const text = answer(query)
        if (text !== null) socket.end(text)
      })
    })
    self = new WhoisServer(server)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    return self
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  /** `127.0.0.1:PORT`, for --whois-server. */
  get address(): string {
    return `127.0.0.1:${this.port}`
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
