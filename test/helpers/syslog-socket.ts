import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'

// A real Unix datagram socket for tests, bound by python3 (Node has none): every datagram received
// becomes one entry of `messages`, exactly as sent (the sender's own newlines would show as such).

const SERVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
sys.stdout.write('ready\\n'); sys.stdout.flush()
while True:
    d = s.recv(65536)
    sys.stdout.write(d.hex() + '\\n'); sys.stdout.flush()
`

export class SyslogSocket {
  readonly messages: string[] = []
  private constructor(
    readonly path: string,
    private readonly child: ChildProcess,
  ) {}

  /** Binds a datagram socket at `path` and resolves once it is ready. */
  static async bind(path: string): Promise<SyslogSocket> {
    rmSync(path, { force: true })
    const child = spawn('python3', ['-c', SERVER, path], { stdio: ['ignore', 'pipe', 'inherit'] })
    const sock = new SyslogSocket(path, child)
    let buf = ''
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject)
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buf += d
        let i: number
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i)
          buf = buf.slice(i + 1)
          if (line === 'ready') resolve()
          else sock.messages.push(Buffer.from(line, 'hex').toString('utf8'))
        }
      })
    })
    return sock
  }

  /** Resolves with the first `n` messages; rejects after `ms`. */
  async waitFor(n: number, ms = 5000): Promise<string[]> {
    const deadline = performance.now() + ms
    while (this.messages.length < n) {
      if (performance.now() > deadline) throw new Error(`syslog socket: ${this.messages.length} of ${n} messages after ${ms} ms: ${JSON.stringify(this.messages)}`)
      await new Promise((r) => setTimeout(r, 20))
    }
    return this.messages.slice(0, n)
  }

  /** Stops the receiver and removes the socket file. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r))
      this.child.kill()
      await exited
    }
    rmSync(this.path, { force: true })
  }
}

/** Returns a syslog message without its timestamp: `<PRI>TAG: MSG` (logger's local-socket format). */
export function withoutTime(message: string): string {
  return message.replace(/^(<\d+>)[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /, '$1')
}
