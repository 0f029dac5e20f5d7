import { appendFileSync, closeSync, openSync, writeSync } from 'node:fs'
import type { Checkpoint } from '../../src/sources/follow/checkpoint.js'
import type { Consumer, Delivery } from '../../src/sources/follow/delivery.js'
import type { LogLevel } from '../../src/sources/follow/input.js'

// Helpers for the follow tests: a consumer that records what it is given, a writer of numbered
// lines, and a wait for a condition.

/** Waits until `cond()` holds; throws after `ms` naming `what`. */
export async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(20)
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A consumer that keeps every delivery, and a log sink that keeps every message. */
export class Collector {
  readonly deliveries: Delivery[] = []
  readonly logs: { level: LogLevel; message: string }[] = []
  readonly consumer: Consumer = (d) => {
    this.deliveries.push(d)
  }
  readonly log = (level: LogLevel, message: string): void => {
    this.logs.push({ level, message })
  }

  /** The text delivered from one input (or all). */
  text(input?: string): string {
    return this.deliveries
      .filter((d) => input === undefined || d.input === input)
      .map((d) => d.bytes.toString('latin1'))
      .join('')
  }

  /** Every sequence number delivered, in order. */
  seqs(input?: string): number[] {
    return seqsOf(this.text(input))
  }

  /** Every sequence number delivered in deliveries for which `pred` holds, in order. */
  seqsWhere(pred: (d: Delivery) => boolean): number[] {
    return seqsOf(this.deliveries.filter(pred).map((d) => d.bytes.toString('latin1')).join(''))
  }

  /** The checkpoint of the last delivery from `input`. */
  checkpoint(input: string): Checkpoint | null {
    const mine = this.deliveries.filter((d) => d.input === input)
    return mine.length === 0 ? null : mine[mine.length - 1]!.checkpoint
  }

  logged(pattern: RegExp, level?: LogLevel): boolean {
    return this.logs.some((l) => pattern.test(l.message) && (level === undefined || l.level === level))
  }
}

/** Whether a delivery carries lines (not only a position). */
export const hasLines = (d: Delivery): boolean => d.bytes.length > 0

/** The inode of the file a delivery was read from (null for other inputs). */
export const inodeOf = (d: Delivery): number | null => (d.checkpoint?.kind === 'file' ? d.checkpoint.ino : null)

/**
 * A consumer that records like Collector and can hold one delivery until released: while it holds
 * one, the follower reads nothing more from that input, so a test can rotate the log at a point of
 * the follower's work that it chose, whatever the speed of the machine.
 */
export class Gate {
  private when: ((d: Delivery) => boolean) | null = null
  private held: { d: Delivery; release: () => void } | null = null

  constructor(readonly c: Collector) {}

  readonly consumer: Consumer = async (d) => {
    this.c.consumer(d)
    if (this.when === null || !this.when(d)) return
    this.when = null
    await new Promise<void>((release) => (this.held = { d, release }))
  }

  /**
   * Holds the next delivery for which `when` is true; resolves with it once the consumer holds it.
   * Armed at once, so the call can come before the write that causes it, or before the release
   * of the delivery held now.
   */
  async hold(when: (d: Delivery) => boolean, what: string): Promise<Delivery> {
    if (this.when !== null) throw new Error('Gate: already armed')
    const before = this.held
    this.when = when
    await until(() => this.held !== null && this.held !== before, what)
    return this.held!.d
  }

  /** Lets the held delivery go. */
  release(): void {
    const held = this.held
    if (held === null) throw new Error('Gate: nothing held')
    this.held = null
    held.release()
  }

  /** Disarms and lets go of anything held (for afterEach: a held delivery would keep stop() waiting). */
  open(): void {
    this.when = null
    const held = this.held
    this.held = null
    held?.release()
  }
}

/** The sequence numbers in `text` (lines `seq=N …`). */
export function seqsOf(text: string): number[] {
  return [...text.matchAll(/^seq=(\d+) /gm)].map((m) => Number(m[1]))
}

/** Throws unless `seqs` is exactly from..to, each once, in order. */
export function expectExactly(seqs: readonly number[], from: number, to: number): void {
  const want = Array.from({ length: to - from + 1 }, (_, i) => from + i)
  const dup = seqs.filter((s, i) => seqs.indexOf(s) !== i)
  const missing = want.filter((s) => !seqs.includes(s))
  if (dup.length > 0 || missing.length > 0 || seqs.length !== want.length || seqs.some((s, i) => s !== want[i])) {
    throw new Error(`expected seq ${from}..${to} once each in order; got ${seqs.length} lines, duplicates [${dup.slice(0, 20)}], missing [${missing.slice(0, 20)}]`)
  }
}

/** One numbered line, padded to a length that varies with n (so files differ from their first bytes on). */
export function seqLine(n: number): string {
  return `seq=${n} ${'x'.repeat(20 + (n % 37))}\n`
}

/**
 * Writes numbered lines to a log, either opening it by name for each write (like most loggers
 * after a rotation) or through a held descriptor that is reopened only when told (like rsyslog
 * until its HUP).
 */
export class SeqWriter {
  next = 1
  private fd: number | null = null

  constructor(
    readonly file: string,
    private readonly holdFd = false,
  ) {}

  /** Appends `count` lines; returns the last number written. */
  write(count: number): number {
    let text = ''
    for (let i = 0; i < count; i++) text += seqLine(this.next++)
    if (this.holdFd) {
      this.fd ??= openSync(this.file, 'a')
      writeSync(this.fd, text)
    } else appendFileSync(this.file, text)
    return this.next - 1
  }

  /** Reopens the held descriptor by name (the logger's HUP). */
  reopen(): void {
    this.close()
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}

/** A Follower in a child process (test/helpers/follow-child.ts); see there for its arguments. */
export interface FollowChild {
  child: import('node:child_process').ChildProcess
  stderr: () => string
  stdout: () => string
  exited: Promise<number | null>
}

/** Starts test/helpers/follow-child.ts with `args`, prefixed by `wrapper` (e.g. setpriv …); resolves once it has started. */
export async function startChild(args: object, wrapper: string[] = []): Promise<FollowChild> {
  const { spawn } = await import('node:child_process')
  const { fileURLToPath } = await import('node:url')
  const script = fileURLToPath(new URL('./follow-child.ts', import.meta.url))
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const argv = [process.execPath, '--import', 'tsx', script, JSON.stringify(args)]
  const all = [...wrapper, ...argv]
  const child = spawn(all[0]!, all.slice(1), { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
  let err = ''
  let out = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d))
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  await Promise.race([until(() => /^info started$/m.test(err), 'the child follower to start', 30_000), exited.then(() => {
    throw new Error(`follower child exited early: ${err}`)
  })])
  return { child, stderr: () => err, stdout: () => out, exited }
}

/** The records a child wrote (its journal file or stdout): one {input, text, checkpoint} per line. */
export function childRecords(text: string): { input: string; text: string; checkpoint: unknown }[] {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l))
}
