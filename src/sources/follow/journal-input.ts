import { spawn, type ChildProcess } from 'node:child_process'
import type { Readable } from 'node:stream'
import split2 from 'split2'
import { Backoff } from './backoff.js'
import type { JournalCheckpoint } from './checkpoint.js'
import type { FollowContext, FollowedInput, InputState, InputStatus } from './input.js'
import { journalArgs, journalLine, type JournalLine, type JournalStart } from './journal-record.js'
import { describeError } from './problem.js'
import { Wake } from './wake.js'

// Follows the kernel journal through `journalctl -f -o json`: records become log lines, and each
// delivery's checkpoint is the cursor of its last record. When journalctl exits or dies it is
// started again after a back-off delay, after the last cursor delivered, so no record is lost or
// read twice. A record cut off by journalctl's death is counted as bad and read whole after the
// restart.

export const JOURNAL_NAME = 'journalctl -k'

/** Longest JSON record kept; kernel records are under 2 KiB (the kernel caps a message near 1 KiB). */
const MAX_RECORD = 1 << 20
/** Records handed over in one delivery at most. */
const MAX_BATCH = 4096
/** A run of journalctl this long counts as healthy: the back-off starts again from the shortest delay. */
const HEALTHY_MS = 60_000
/** Bad records logged one by one; after that, one in every LOG_EVERY. */
const LOG_FIRST = 5
const LOG_EVERY = 1000
const KILL_AFTER_MS = 2000
// skipOverflow is split2's (drop a line past maxLength and go on); @types/split2 does not list it.
const SPLIT_OPTIONS = { maxLength: MAX_RECORD, skipOverflow: true } as split2.Options

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  error: Error | null
}

export class JournalInput implements FollowedInput {
  private readonly wake = new Wake()
  private readonly backoff: Backoff
  private cursor: string | null
  private child: ChildProcess | null = null
  private state: InputState = 'waiting'
  private reason: string | null = 'starting'
  private lines = 0
  private bad = 0
  private stderr = ''

  constructor(
    checkpoint: JournalCheckpoint | null,
    private readonly ctx: FollowContext,
  ) {
    this.cursor = checkpoint?.cursor ?? null
    this.backoff = new Backoff(ctx.retryMinMs, ctx.retryMaxMs)
  }

  async run(): Promise<void> {
    const startedAt = Math.floor(this.ctx.clock.now() / 1000)
    let start: JournalStart = this.cursor !== null ? { cursor: this.cursor } : this.ctx.fromStart ? 'boot' : 'end'
    while (!this.ctx.stopped()) {
      const began = this.ctx.clock.now()
      const linesBefore = this.lines
      const exit = await this.runOnce(journalArgs(start))
      if (this.ctx.stopped()) break
      // Nothing delivered yet: from the end would skip what came meanwhile, so from our start time.
      start = this.cursor !== null ? { cursor: this.cursor } : this.ctx.fromStart ? 'boot' : { since: startedAt }
      if (this.lines > linesBefore || this.ctx.clock.now() - began >= HEALTHY_MS) this.backoff.reset()
      const delay = this.backoff.next()
      const why = exit.error !== null ? describeError(exit.error) : exit.signal !== null ? `killed by ${exit.signal}` : `exited with status ${exit.code}`
      const repeat = this.reason === why
      this.state = exit.error !== null ? 'error' : 'waiting'
      this.reason = why
      this.ctx.log(repeat ? 'debug' : 'warn', `${JOURNAL_NAME}: ${this.ctx.journalctl} ${why}${this.stderr === '' ? '' : ` (${this.stderr})`}; starting it again in ${(delay / 1000).toFixed(1)} s`)
      await this.wake.wait(delay)
    }
    this.state = 'stopped'
  }

  interrupt(): void {
    this.stopChild()
    this.wake.ring()
  }

  /** Ends journalctl: SIGTERM, then SIGKILL if it is still there after a while. */
  private stopChild(): void {
    const child = this.child
    if (child === null || child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }, KILL_AFTER_MS).unref()
  }

  status(): InputStatus {
    return { input: JOURNAL_NAME, kind: 'journal', state: this.state, reason: this.reason, file: null, offset: null, cursor: this.cursor, lines: this.lines, badRecords: this.bad }
  }

  private async runOnce(args: string[]): Promise<Exit> {
    this.stderr = ''
    const child = spawn(this.ctx.journalctl, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    const exited = new Promise<Exit>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }))
      child.once('close', (code, signal) => resolve({ code, signal, error: null }))
    })
    child.once('spawn', () => {
      if (this.state !== 'following') this.ctx.log('info', `${JOURNAL_NAME}: following (${this.ctx.journalctl} ${args.join(' ')})`)
      this.state = 'following'
      this.reason = null
    })
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (this.stderr.length < 500) this.stderr = (this.stderr + d).slice(0, 500).trim()
    })
    const records = child.stdout!.pipe(split2((line: string) => this.record(line), SPLIT_OPTIONS))
    records.on('error', (err) => this.ctx.log('warn', `${JOURNAL_NAME}: ${describeError(err)}`))
    await this.consume(records)
    if (this.ctx.stopped()) this.stopChild()
    const exit = await exited
    this.child = null
    return exit
  }

  /** The split2 mapper: a record's line, or undefined (skipped) for a bad one, which is counted. Never throws. */
  private record(line: string): JournalLine | undefined {
    if (line === '') return undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      this.badRecord('not JSON', line)
      return undefined
    }
    const out = journalLine(parsed)
    if (typeof out === 'string') {
      this.badRecord(out, line)
      return undefined
    }
    return out
  }

  private badRecord(why: string, line: string): void {
    this.bad++
    const level = this.bad <= LOG_FIRST || this.bad % LOG_EVERY === 0 ? 'warn' : 'debug'
    this.ctx.log(level, `${JOURNAL_NAME}: bad record (${why}; ${this.bad} so far): ${JSON.stringify(line.slice(0, 120))}`)
  }

  /** Hands over the records as they come, as many as are buffered in one delivery. */
  private async consume(records: Readable): Promise<void> {
    for (;;) {
      const batch: JournalLine[] = []
      for (let r: JournalLine | null; batch.length < MAX_BATCH && (r = records.read() as JournalLine | null) !== null; ) batch.push(r)
      if (batch.length > 0) {
        if (this.ctx.stopped()) return
        await this.send(batch)
        continue
      }
      if (records.readableEnded || records.destroyed || this.ctx.stopped()) return
      await new Promise<void>((resolve) => {
        const done = (): void => {
          records.off('readable', done).off('end', done).off('close', done)
          resolve()
        }
        records.on('readable', done).on('end', done).on('close', done)
      })
    }
  }

  private async send(batch: JournalLine[]): Promise<void> {
    let cursor = this.cursor
    for (const r of batch) if (r.cursor !== null) cursor = r.cursor
    this.lines += batch.length
    this.cursor = cursor
    const checkpoint: JournalCheckpoint | null = cursor === null ? null : { kind: 'journal', cursor }
    await this.ctx.deliver({ input: JOURNAL_NAME, bytes: Buffer.concat(batch.map((r) => r.bytes)), checkpoint })
  }
}
