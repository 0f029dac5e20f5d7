import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import type { Channel, LogFn } from './channel.js'
import type { WatchEvent } from './event.js'
import { BoundedQueue, IdleSignal } from './queue.js'
import { syslogIdentity, syslogPriority, type SyslogPriority } from './syslog-priority.js'
import { DEFAULT_WORDING, syslogMessages, type SyslogWording } from './syslog-lines.js'

// Syslog through util-linux logger(1): Node has no Unix datagram sockets. One long-lived
// `logger -u SOCKET -t IDENT -p FACILITY.PRIORITY` reads one message per stdin line, so an alert
// costs a pipe write, not a process. The tag has no pid (no `-i`), as psad writes it. logger
// reports a socket it cannot send to on stderr and exits (`--socket-errors=on`); the channel then
// logs why, keeps new messages queued and starts a new logger after a back-off. The lines the dead
// logger had not sent are lost, and the log says how many it had been given.

export interface SyslogOptions {
  /** Default /dev/log. */
  socket?: string
  /** SYSLOG_IDENTITY (default `portsleuth`; a psad user's filters want `psad`). */
  identity?: string
  /** SYSLOG_FACILITY (default LOG_LOCAL7). */
  facility?: string
  /** SYSLOG_PRIORITY (default LOG_INFO). */
  priority?: string
  wording?: Partial<SyslogWording>
  log: LogFn
  /** The logger program (default `logger` from PATH). */
  logger?: string
  /** Messages held while logger is down or slow (default 10,000). */
  maxQueue?: number
  /** First and longest wait before restarting a logger that died (default 1 s and 60 s). */
  restartMs?: readonly [number, number]
  name?: string
}

const STDERR_TAIL = 500
/** logger's own limit; ours (syslog-lines) is lower, so nothing is cut. */
const MAX_MESSAGE_BYTES = '4096'

export class SyslogChannel implements Channel {
  readonly kind = 'syslog'
  readonly name: string
  private readonly socket: string
  private readonly identity: string
  private readonly prio: SyslogPriority
  private readonly wording: SyslogWording
  private readonly queue: BoundedQueue<string>
  private readonly idle = new IdleSignal()
  private child: ChildProcessWithoutNullStreams | null = null
  private stderr = ''
  private written = 0
  /** logger's stdin pushed back; wait for 'drain'. */
  private blocked = false
  private restartTimer: NodeJS.Timeout | null = null
  private delay: number
  private closed = false

  /** Throws ConfigError for a bad identity, facility or priority. */
  constructor(private readonly o: SyslogOptions) {
    this.socket = o.socket ?? '/dev/log'
    this.identity = syslogIdentity(o.identity ?? 'portsleuth')
    this.prio = syslogPriority(o.facility ?? 'LOG_LOCAL7', o.priority ?? 'LOG_INFO')
    this.wording = { ...DEFAULT_WORDING, ...o.wording }
    this.name = o.name ?? `syslog ${this.socket}`
    this.queue = new BoundedQueue(o.maxQueue ?? 10_000)
    this.delay = (o.restartMs ?? [1000, 60_000])[0]
  }

  /** The argv given to logger (after the program name). */
  get args(): string[] {
    return ['-u', this.socket, '-t', this.identity, '-p', this.prio.selector, '--socket-errors=on', '-S', MAX_MESSAGE_BYTES]
  }

  send(e: WatchEvent): void {
    if (this.closed) return
    for (const m of syslogMessages(e, this.wording)) {
      if (this.queue.push(m) !== undefined && this.queue.dropped % 1000 === 1) {
        this.o.log('warn', `${this.name}: logger is not keeping up; ${this.queue.dropped} oldest message(s) dropped so far`)
      }
    }
    this.pump()
  }

  async test(e: WatchEvent): Promise<void> {
    const child = spawn(this.o.logger ?? 'logger', this.args, { stdio: ['pipe', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-STDERR_TAIL)))
    child.stdin.on('error', () => {})
    child.stdin.end(syslogMessages(e, this.wording).map((m) => `${m}\n`).join(''))
    const [code, spawnError] = await new Promise<[number | null, Error | null]>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      child.on('error', (x) => resolve([null, x]))
      child.on('close', (c) => {
        clearTimeout(timer)
        resolve([c, null])
      })
    })
    if (spawnError !== null) throw new Error(`cannot run ${this.o.logger ?? 'logger'}: ${spawnError.message}`)
    if (code !== 0 || err.trim() !== '') throw new Error(`logger ${code === null ? 'was killed' : `exited with status ${code}`}${err.trim() !== '' ? `: ${oneLineOf(err)}` : ''}`)
  }

  async flush(timeoutMs: number): Promise<void> {
    await this.idle.until(() => this.queue.length === 0 && (this.child === null || this.child.stdin.writableLength === 0), timeoutMs)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.restartTimer !== null) clearTimeout(this.restartTimer)
    const left = this.queue.clear()
    if (left > 0) this.o.log('warn', `${this.name}: ${left} message(s) not sent at close`)
    const child = this.child
    if (child === null) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
      child.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      child.stdin.end()
    })
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(this.o.logger ?? 'logger', this.args, { stdio: ['pipe', 'ignore', 'pipe'] }) as unknown as ChildProcessWithoutNullStreams
    const started = performance.now()
    this.child = child
    this.stderr = ''
    this.written = 0
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-STDERR_TAIL)))
    child.stdin.on('error', () => {}) // EPIPE after logger died; 'close' below says why
    child.stdin.on('drain', () => {
      this.blocked = false
      this.pump()
    })
    let failed: Error | null = null
    child.on('error', (err) => (failed = err))
    child.on('close', (code, signal) => {
      if (this.child === child) this.child = null
      this.blocked = false
      if (this.closed && failed === null) return
      const why = failed !== null ? `cannot run ${this.o.logger ?? 'logger'}: ${(failed as Error).message}` : `logger ${signal !== null ? `was killed by ${signal}` : `exited with status ${code}`}${this.stderr.trim() !== '' ? `: ${oneLineOf(this.stderr)}` : ''}`
      const lost = this.written > 0 ? `; up to ${this.written} message(s) given to it may be lost` : ''
      if (performance.now() - started > 60_000) this.delay = (this.o.restartMs ?? [1000, 60_000])[0]
      if (this.closed) return this.o.log('error', `${this.name}: ${why}${lost}`)
      this.o.log('error', `${this.name}: ${why}${lost}; restarting it in ${Math.round(this.delay / 100) / 10} s`)
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null
        this.pump()
      }, this.delay)
      this.restartTimer.unref()
      this.delay = Math.min(this.delay * 2, (this.o.restartMs ?? [1000, 60_000])[1])
    })
    return child
  }

  private pump(): void {
    if (this.blocked) return
    if (this.closed || this.restartTimer !== null || this.queue.length === 0) {
      this.idle.notify()
      return
    }
    const child = this.child ?? this.start()
    while (this.queue.length > 0) {
      const m = this.queue.shift()!
      this.written++
      if (!child.stdin.write(`${m}\n`)) {
        this.blocked = true
        return
      }
    }
    this.idle.notify()
  }
}

function oneLineOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
