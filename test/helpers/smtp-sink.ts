import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

// A real SMTP server for tests, on loopback: enough of RFC 5321 (EHLO/HELO, AUTH PLAIN and LOGIN
// (RFC 4954), MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) for a client to deliver a
// message over a real socket. No STARTTLS. It keeps every accepted message and the whole dialogue.

export interface SinkOptions {
  /** When given, AUTH is advertised and required before MAIL. */
  users?: Record<string, string>
  /** Reply for a refused recipient (e.g. `550 5.1.1 no such user`), or null to accept it. */
  rcpt?: (address: string) => string | null
}

export interface ReceivedMail {
  from: string
  to: string[]
  /** The message as received (CRLF line ends, dots unstuffed, without the final `.`). */
  data: string
  user: string | null
}

interface Session {
  user: string | null
  from: string | null
  to: string[]
  data: string[] | null
  login: { step: 'user' | 'pass' | 'plain'; user?: string } | null
}

const b64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8')

export class SmtpSink {
  readonly messages: ReceivedMail[] = []
  /** Every command line received, for asserting on the dialogue (AUTH lines included). */
  readonly commands: string[] = []
  private waiters: Array<() => void> = []
  private readonly sockets = new Set<Socket>()

  private constructor(
    private readonly server: Server,
    private readonly opts: SinkOptions,
  ) {}

  /** Starts a sink on 127.0.0.1 with an ephemeral port. */
  static async start(opts: SinkOptions = {}): Promise<SmtpSink> {
    let sink: SmtpSink | null = null
    const server = createServer((socket) => sink!.session(socket))
    sink = new SmtpSink(server, opts)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return sink
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  /** Resolves once `n` messages have arrived; rejects after `ms`. */
  async waitFor(n: number, ms = 10_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + ms
    while (this.messages.length < n) {
      if (Date.now() > deadline) throw new Error(`smtp sink: ${this.messages.length} of ${n} messages after ${ms} ms`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 100)
      })
    }
    return this.messages.slice(0, n)
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private session(socket: Socket): void {
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const s: Session = { user: null, from: null, to: [], data: null, login: null }
    const reply = (text: string): void => {
      socket.write(`${text}\r\n`)
    }
    let buffer = ''
    socket.setEncoding('utf8')
    reply('220 127.0.0.1 portsleuth-test-sink ESMTP')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      let i: number
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 2)
        if (s.data !== null) this.dataLine(s, line, reply)
        else this.command(s, line, reply, socket)
      }
    })
  }

  private dataLine(s: Session, line: string, reply: (t: string) => void): void {
    if (line === '.') {
      this.messages.push({ from: s.from ?? '', to: s.to, data: s.data!.join('\r\n'), user: s.user })
      s.data = null
      s.from = null
      s.to = []
      reply('250 2.0.0 queued')
      for (const w of this.waiters.splice(0)) w()
      return
    }
    s.data!.push(line.startsWith('.') ? line.slice(1) : line)
  }

  private command(s: Session, line: string, reply: (t: string) => void, socket: Socket): void {
    this.commands.push(line)
    if (s.login !== null) return this.authStep(s, line, reply)
    const verb = line.split(' ', 1)[0]!.toUpperCase()
    const arg = line.slice(verb.length).trim()
    const users = this.opts.users
    switch (verb) {
      case 'EHLO':
        return reply(['250-127.0.0.1 hello', '250-8BITMIME', ...(users !== undefined ? ['250-AUTH PLAIN LOGIN'] : []), '250 SIZE 52428800'].join('\r\n'))
      case 'HELO':
        return reply('250 127.0.0.1')
      case 'AUTH': {
        if (users === undefined) return reply('503 5.5.1 AUTH not available')
        const [mech, initial] = arg.split(' ')
        if (mech?.toUpperCase() === 'PLAIN') {
          s.login = { step: 'plain' }
          return initial !== undefined ? this.authStep(s, initial, reply) : reply('334 ')
        }
        if (mech?.toUpperCase() === 'LOGIN') {
          s.login = { step: 'user' }
          return reply('334 VXNlcm5hbWU6')
        }
        return reply('504 5.5.4 mechanism not supported')
      }
      case 'MAIL':
        if (users !== undefined && s.user === null) return reply('530 5.7.0 authentication required')
        s.from = /<([^>]*)>/.exec(arg)?.[1] ?? ''
        s.to = []
        return reply('250 2.1.0 ok')
      case 'RCPT': {
        if (s.from === null) return reply('503 5.5.1 MAIL first')
        const addr = /<([^>]*)>/.exec(arg)?.[1] ?? ''
        const refusal = this.opts.rcpt?.(addr) ?? null
        if (refusal !== null) return reply(refusal)
        s.to.push(addr)
        return reply('250 2.1.5 ok')
      }
      case 'DATA':
        if (s.to.length === 0) return reply('503 5.5.1 RCPT first')
        s.data = []
        return reply('354 end with <CRLF>.<CRLF>')
      case 'RSET':
        s.from = null
        s.to = []
        return reply('250 2.0.0 ok')
      case 'NOOP':
        return reply('250 2.0.0 ok')
      case 'QUIT':
        reply('221 2.0.0 bye')
        socket.end()
        return
      default:
        return reply('502 5.5.2 command not recognised')
    }
  }

  private authStep(s: Session, line: string, reply: (t: string) => void): void {
    const login = s.login!
    s.login = null
    const check = (user: string, pass: string): void => {
      if (this.opts.users?.[user] === pass) {
        s.user = user
        reply('235 2.7.0 authenticated')
      } else reply('535 5.7.8 authentication credentials invalid')
    }
    if (login.step === 'plain') {
      const [, user = '', pass = ''] = b64(line).split('\u0000')
      return check(user, pass)
    }
    if (login.step === 'user') {
      s.login = { step: 'pass', user: b64(line) }
      return reply('334 UGFzc3dvcmQ6')
    }
    check(login.user ?? '', b64(line))
  }
}

/** One part of a parsed MIME message: lower-cased headers and the decoded body. */
export interface MimePart {
  headers: Record<string, string>
  body: string
  parts: MimePart[]
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = []
  const soft = text.replace(/=\r?\n/g, '')
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i]!
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(...Buffer.from(c, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

/** Parses a message (headers unfolded, multipart split, base64 and quoted-printable decoded). */
export function parseMime(raw: string): MimePart {
  const split = raw.indexOf('\r\n\r\n')
  const head = split < 0 ? raw : raw.slice(0, split)
  const rest = split < 0 ? '' : raw.slice(split + 4)
  const headers: Record<string, string> = {}
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const type = headers['content-type'] ?? 'text/plain'
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
  if (type.toLowerCase().startsWith('multipart/') && boundary !== undefined) {
    const chunks = rest.split(`--${boundary}`)
    const parts = chunks.slice(1, -1).map((c) => parseMime(c.replace(/^\r\n/, '').replace(/\r\n$/, '')))
    return { headers, body: '', parts }
  }
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase()
  const body = cte === 'base64' ? Buffer.from(rest.replace(/\s+/g, ''), 'base64').toString('utf8') : cte === 'quoted-printable' ? decodeQuotedPrintable(rest) : rest
  return { headers, body, parts: [] }
}
