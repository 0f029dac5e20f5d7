import { spawn } from 'node:child_process'
import { isIP } from 'node:net'
import type { Channel, LogFn } from './channel.js'
import { commandArgv, parseCommand, type ExternalCommand } from './command-line.js'
import type { WatchEvent } from './event.js'
import { BoundedQueue, IdleSignal } from './queue.js'
import { oneLine, safeJson } from './safe-text.js'

// psad's ENABLE_EXT_SCRIPT_EXEC: run EXTERNAL_SCRIPT for an alerting source, once per source
// unless EXEC_EXT_SCRIPT_PER_ALERT, killed after 30 s. The command runs without a shell (argv from
// command-line.ts) in a process group of its own, so a timeout kills what it started too (SIGTERM,
// then SIGKILL after a grace period). It gets the event in its environment: PORTSLEUTH_IP,
// PORTSLEUTH_DL, PORTSLEUTH_EVENT_TYPE and PORTSLEUTH_EVENT (the JSON). At most `concurrency` run
// at once; the rest wait in a bounded queue. A failure is logged with the exit status and the tail
// of stderr. The same channel with `events: ['block']` serves EXTERNAL_BLOCK_SCRIPT.

export type ExecEventType = 'alert' | 'block' | 'unblock'

export interface ExecOptions {
  /** The command line (EXTERNAL_SCRIPT); split at construction. */
  command: string
  /** EXEC_EXT_SCRIPT_PER_ALERT: run for every alert, not once per source (default false). */
  perAlert?: boolean
  /** Which events run the command (default: alerts). */
  events?: readonly ExecEventType[]
  /** Default 30 s, as psad. */
  timeoutMs?: number
  /** Between SIGTERM and SIGKILL (default 2 s). */
  killGraceMs?: number
  /** Commands running at once at most (default 2). */
  concurrency?: number
  /** Runs waiting at most (default 100). */
  maxQueue?: number
  /** The environment the PORTSLEUTH_* variables are added to (default: this process's). */
  env?: NodeJS.ProcessEnv
  log: LogFn
  /** The config key, for messages (default EXTERNAL_SCRIPT). */
  key?: string
  name?: string
}

const STDERR_TAIL = 400
/** Linux refuses one environment string over 128 KiB (MAX_ARG_STRLEN); stay well below. */
const MAX_EVENT_JSON = 100_000
const MAX_SOURCES = 100_000

/** Returns the event's JSON for PORTSLEUTH_EVENT, without whois and raw lines (then reduced further) when it is too long. */
export function eventJson(e: WatchEvent): string {
  const full = safeJson(e)
  if (full.length <= MAX_EVENT_JSON || e.type !== 'alert') return full
  const { enrichment, lines: _lines, ...rest } = e
  const lighter = safeJson({ ...rest, lines: [], ...(enrichment === undefined ? {} : { enrichment: { dns: enrichment.dns, whois: null } }), truncated: true })
  if (lighter.length <= MAX_EVENT_JSON) return lighter
  return safeJson({ type: e.type, time: e.time, ip: e.ip, dangerLevel: e.dangerLevel, previousDangerLevel: e.previousDangerLevel, reason: e.reason, truncated: true })
}

type RunEvent = Exclude<WatchEvent, { type: 'notice' }>

interface Outcome {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  stderr: string
  error: Error | null
}

export class ExecChannel implements Channel {
  readonly kind = 'exec'
  readonly name: string
  private readonly cmd: ExternalCommand
  private readonly events: ReadonlySet<string>
  private readonly queue: BoundedQueue<RunEvent>
  private readonly idle = new IdleSignal()
  private readonly ran = new Set<string>()
  private readonly groups = new Set<number>()
  private running = 0
  private closed = false

  /** Throws ConfigError for a command line that cannot be split or misuses SRCIP. */
  constructor(private readonly o: ExecOptions) {
    this.cmd = parseCommand(o.command, o.key)
    this.events = new Set(o.events ?? ['alert'])
    this.name = o.name ?? `exec ${this.cmd.file}`
    this.queue = new BoundedQueue(o.maxQueue ?? 100)
  }

  send(e: WatchEvent): void {
    if (this.closed || !this.events.has(e.type) || e.type === 'notice') return
    if (isIP(e.ip) === 0) return this.o.log('error', `${this.name}: '${oneLine(e.ip, 60)}' is not an IP address; not run`)
    if (e.type === 'alert' && this.o.perAlert !== true) {
      if (this.ran.has(e.ip)) return
      if (this.ran.size >= MAX_SOURCES) this.ran.delete(this.ran.values().next().value!)
      this.ran.add(e.ip)
    }
    if (this.queue.push(e) !== undefined) this.o.log('warn', `${this.name}: too many runs waiting; the oldest was dropped (${this.queue.dropped} so far)`)
    this.pump()
  }

  async test(e: WatchEvent): Promise<void> {
    if (e.type === 'notice') throw new Error('notices do not run the command')
    if (isIP(e.ip) === 0) throw new Error(`'${oneLine(e.ip, 60)}' is not an IP address`)
    const r = await this.exec(e)
    const why = this.failure(r)
    if (why !== null) throw new Error(why)
  }

  async flush(timeoutMs: number): Promise<void> {
    await this.idle.until(() => this.queue.length === 0 && this.running === 0, timeoutMs)
  }

  async close(): Promise<void> {
    this.closed = true
    const left = this.queue.clear()
    if (left > 0) this.o.log('warn', `${this.name}: ${left} run(s) not started at close`)
    for (const pgid of this.groups) killGroup(pgid, 'SIGTERM')
    await this.idle.until(() => this.running === 0, this.o.killGraceMs ?? 2000)
    for (const pgid of this.groups) killGroup(pgid, 'SIGKILL')
  }

  /** Sources that already ran the command (once-per-source mode), as plain JSON. */
  snapshot(): unknown {
    return { v: 1, ran: [...this.ran] }
  }

  restore(state: unknown): void {
    const s = state as { v?: number; ran?: unknown } | null
    if (s === null || typeof s !== 'object' || s.v !== 1 || !Array.isArray(s.ran)) return
    this.ran.clear()
    for (const ip of s.ran) if (typeof ip === 'string') this.ran.add(ip)
  }

  private pump(): void {
    while (!this.closed && this.running < Math.max(1, this.o.concurrency ?? 2)) {
      const e = this.queue.shift()
      if (e === undefined) break
      this.running++
      void this.exec(e).then((r) => {
        this.running--
        const why = this.failure(r)
        if (why !== null) this.o.log('error', `${this.name}: ${why}`)
        this.pump()
        this.idle.notify()
      })
    }
    this.idle.notify()
  }

  private failure(r: Outcome): string | null {
    if (r.error !== null) return `cannot run ${this.cmd.file}: ${r.error.message}`
    if (r.code === 0 && !r.timedOut) return null
    const how = r.timedOut ? `killed after ${(this.o.timeoutMs ?? 30_000) / 1000} s` : r.signal !== null ? `killed by ${r.signal}` : `exited with status ${r.code}`
    const tail = r.stderr.replace(/\s+/g, ' ').trim()
    return `${this.cmd.file} ${how}${tail !== '' ? `; stderr: ${oneLine(tail, STDERR_TAIL)}` : ''}`
  }

  private exec(e: RunEvent): Promise<Outcome> {
    const env = {
      ...(this.o.env ?? process.env),
      PORTSLEUTH_IP: e.ip,
      PORTSLEUTH_DL: String(e.dangerLevel),
      PORTSLEUTH_EVENT_TYPE: e.type,
      PORTSLEUTH_EVENT: eventJson(e),
    }
    return new Promise((resolve) => {
      const child = spawn(this.cmd.file, commandArgv(this.cmd, e.ip), { stdio: ['ignore', 'ignore', 'pipe'], env, detached: true })
      const r: Outcome = { code: null, signal: null, timedOut: false, stderr: '', error: null }
      const pgid = child.pid
      if (pgid !== undefined) this.groups.add(pgid)
      child.stderr.setEncoding('utf8').on('data', (d: string) => (r.stderr = (r.stderr + d).slice(-STDERR_TAIL * 2)))
      let grace: NodeJS.Timeout | undefined
      const timer = setTimeout(() => {
        if (pgid === undefined) return
        r.timedOut = true
        killGroup(pgid, 'SIGTERM')
        grace = setTimeout(() => killGroup(pgid, 'SIGKILL'), this.o.killGraceMs ?? 2000)
      }, this.o.timeoutMs ?? 30_000)
      let finished = false
      const done = (): void => {
        if (finished) return
        finished = true
        clearTimeout(timer)
        clearTimeout(grace)
        if (pgid !== undefined) this.groups.delete(pgid)
        resolve(r)
      }
      child.on('error', (err) => {
        r.error = err
        done()
      })
      child.on('exit', (code, signal) => {
        r.code = code
        r.signal = signal
        // Read what stderr still holds, but a child left in the background may keep it open: the
        // command's own exit is what counts.
        if (child.stderr.closed) return done()
        const cut = setTimeout(() => child.stderr.destroy(), 200)
        child.stderr.once('close', () => {
          clearTimeout(cut)
          done()
        })
      })
    })
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch {
    // Already gone.
  }
}
