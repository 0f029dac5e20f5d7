import path from 'node:path'
import type { Readable } from 'node:stream'
import { systemClock, type Clock } from '../../core/clock.js'
import { InternalError, UsageError } from '../../core/errors.js'
import type { Checkpoint, FileCheckpoint, JournalCheckpoint } from './checkpoint.js'
import type { Consumer, Delivery } from './delivery.js'
import { checkFifo, fifoSource } from './fifo.js'
import { FileInput } from './file-input.js'
import type { FollowContext, FollowedInput, InputSpec, InputStatus, LogSink } from './input.js'
import { JOURNAL_NAME, JournalInput } from './journal-input.js'
import { PipeInput, stdinSource } from './pipe-input.js'

// Follows several inputs at once and hands their lines to one consumer. Each input runs its own
// loop: one that fails (missing, unreadable, journalctl dying) is logged and retried while the
// others go on. The consumer is awaited, so a slow consumer slows only the input it is reading.

export type { Checkpoint, Consumer, Delivery, InputSpec, InputStatus, LogSink }

export interface FollowOptions {
  /** Read what a file (or this boot's journal) already holds when there is no checkpoint for it; default: from the end. */
  fromStart?: boolean
  /** Stat poll interval, the fallback when fs.watch misses a change (ms, default 250). */
  pollMs?: number
  /** Use fs.watch on each file's directory besides the poll (default true). */
  watch?: boolean
  /** A rotated file is read until it has been idle this long (ms, default 1000). */
  rotateGraceMs?: number
  /** …but not longer than this after the rotation (ms, default 30000). */
  rotateMaxMs?: number
  /** Retry delays for a failing input, doubling from min to max (ms, default 1000 and 30000). */
  retryMinMs?: number
  retryMaxMs?: number
  /** Largest read (bytes, default 1 MiB): bursts are read in chunks of this size, never whole. */
  chunkBytes?: number
  clock?: Clock
  /** Diagnostics (default: none). */
  log?: LogSink
  /** journalctl command (default: $PORTSLEUTH_JOURNALCTL, else journalctl). */
  journalctl?: string
  /** The stream read for `{ kind: 'stdin' }` (default process.stdin). */
  stdin?: Readable
}

/** Returns the display name of an input: its path, `journalctl -k`, or `-`. */
export function specName(spec: InputSpec): string {
  return spec.kind === 'journal' ? JOURNAL_NAME : spec.kind === 'stdin' ? '-' : spec.path
}

function specKey(spec: InputSpec): string {
  return spec.kind === 'file' || spec.kind === 'fifo' ? `path:${path.resolve(spec.path)}` : spec.kind
}

export class Follower {
  private readonly inputs: FollowedInput[]
  private readonly fifos: string[]
  private running: Promise<void> | null = null
  private halted = false
  private failure: { error: unknown } | null = null

  /**
   * Prepares to follow `specs`, resuming each from its checkpoint in `checkpoints` (a file's by its
   * path, the journal's by kind; others are ignored). Throws UsageError for an empty or repeated input.
   */
  constructor(specs: readonly InputSpec[], checkpoints: readonly Checkpoint[], options: FollowOptions, consumer: Consumer) {
    if (specs.length === 0) throw new UsageError('nothing to follow: name a file, --journal, --fifo PATH or -')
    const seen = new Set<string>()
    for (const spec of specs) {
      const key = specKey(spec)
      if (seen.has(key)) throw new UsageError(`${specName(spec)} is given twice`)
      seen.add(key)
    }
    const files = new Map<string, FileCheckpoint>()
    let journal: JournalCheckpoint | null = null
    for (const cp of checkpoints) {
      if (cp.kind === 'file') files.set(path.resolve(cp.path), cp)
      else journal = cp
    }
    const ctx = this.context(options, consumer)
    this.fifos = specs.flatMap((s) => (s.kind === 'fifo' ? [s.path] : []))
    this.inputs = specs.map((spec): FollowedInput => {
      switch (spec.kind) {
        case 'file':
          return new FileInput(spec.path, files.get(path.resolve(spec.path)) ?? null, ctx)
        case 'journal':
          return new JournalInput(journal, ctx)
        case 'fifo':
          return new PipeInput(spec.path, fifoSource(spec.path), ctx)
        case 'stdin':
          return new PipeInput('-', stdinSource(options.stdin ?? process.stdin), ctx)
      }
    })
  }

  /**
   * Starts every input; lines written after it resolves are delivered. Throws InputError when a
   * FIFO is missing or is not a FIFO (nothing is started then).
   */
  async start(): Promise<void> {
    if (this.running !== null) throw new InternalError('Follower.start() called twice')
    for (const fifo of this.fifos) await checkFifo(fifo)
    for (const input of this.inputs) await input.prepare?.()
    this.running = Promise.all(this.inputs.map((i) => i.run())).then(() => undefined)
  }

  /** Stops every input; resolves when all files, pipes and processes are closed. */
  async stop(): Promise<void> {
    this.halt()
    await this.running
  }

  /**
   * Resolves when every input has ended by itself (only standard input can) or stop() was called;
   * rejects with the consumer's error when it threw, after everything was stopped.
   */
  async ended(): Promise<void> {
    if (this.running === null) throw new InternalError('Follower.ended() before start()')
    await this.running
    if (this.failure !== null) throw this.failure.error
  }

  /** Returns where each input stands, in the order given. */
  status(): InputStatus[] {
    return this.inputs.map((i) => i.status())
  }

  private halt(): void {
    if (this.halted) return
    this.halted = true
    for (const input of this.inputs) input.interrupt()
  }

  private context(o: FollowOptions, consumer: Consumer): FollowContext {
    const positive = (name: string, v: number | undefined, d: number): number => {
      if (v === undefined) return d
      if (!Number.isFinite(v) || v <= 0) throw new UsageError(`follow option ${name}: expected a positive number, got ${v}`)
      return v
    }
    return {
      fromStart: o.fromStart === true,
      pollMs: positive('pollMs', o.pollMs, 250),
      watch: o.watch !== false,
      rotateGraceMs: positive('rotateGraceMs', o.rotateGraceMs, 1000),
      rotateMaxMs: positive('rotateMaxMs', o.rotateMaxMs, 30_000),
      retryMinMs: positive('retryMinMs', o.retryMinMs, 1000),
      retryMaxMs: positive('retryMaxMs', o.retryMaxMs, 30_000),
      chunkBytes: Math.floor(positive('chunkBytes', o.chunkBytes, 1 << 20)),
      clock: o.clock ?? systemClock,
      log: o.log ?? (() => undefined),
      journalctl: o.journalctl ?? process.env.PORTSLEUTH_JOURNALCTL ?? 'journalctl',
      stopped: () => this.halted,
      deliver: async (d: Delivery): Promise<void> => {
        if (this.halted) return
        try {
          await consumer(d)
        } catch (error) {
          this.failure ??= { error }
          this.halt()
        }
      },
    }
  }
}
