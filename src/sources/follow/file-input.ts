import { stat } from 'node:fs/promises'
import path from 'node:path'
import { Backoff } from './backoff.js'
import type { FileCheckpoint } from './checkpoint.js'
import { countLines } from './delivery.js'
import { DirWatch } from './dir-watch.js'
import type { FollowContext, FollowedInput, InputState, InputStatus } from './input.js'
import { locate } from './locate.js'
import { OpenFile } from './open-file.js'
import { describeError } from './problem.js'
import { readAfterTruncation } from './truncation.js'
import { Wake } from './wake.js'

// Follows one log file by identity. Files are kept open in the order they held the path: the first
// is read; a stat of the path tells whether a new file took the name (logrotate's rename + create,
// or delete + re-create), and that one is opened at once and queued, so that a second rotation
// before the first file is finished loses nothing. A file no longer at the path is read until it
// has been idle for a grace period (writers may append for a moment), then the next from offset 0.
// When the file shrank or its first bytes changed (copytruncate), the unread rest is taken from
// the rotated copy (then from any copies rotated after it), then the file is read again from 0.

type Identity = { dev: number; ino: number } | null | 'unknown'

async function identityAt(file: string): Promise<Identity> {
  try {
    const st = await stat(file)
    return { dev: st.dev, ino: st.ino }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : 'unknown'
  }
}

const ROTATED = 'reading the rest of the rotated file'

export class FileInput implements FollowedInput {
  private readonly path: string
  private readonly watch: DirWatch
  private readonly backoff: Backoff
  private readonly wake = new Wake()
  /** Open files in the order they held the path; the first is the one read. */
  private queue: OpenFile[] = []
  /** Set while the first file is no longer at the path: it is read until it stays idle. */
  private drain: { since: number; lastData: number } | null = null
  /** The checkpoint to resume from at the next open (the saved one, or ours after a read error). */
  private resume: FileCheckpoint | null
  /** The file at the path when following began without a checkpoint: a tail start skips what it held. */
  private tailOf: { dev: number; ino: number; size: number } | null = null
  private state: InputState = 'waiting'
  private reason: string | null = 'starting'
  private lines = 0
  private retryAt = 0

  constructor(
    private readonly name: string,
    checkpoint: FileCheckpoint | null,
    private readonly ctx: FollowContext,
  ) {
    this.path = path.resolve(name)
    this.resume = checkpoint
    this.backoff = new Backoff(ctx.retryMinMs, ctx.retryMaxMs)
    this.watch = new DirWatch(path.dirname(this.path), path.basename(this.path), () => this.wake.ring(), ctx.watch)
  }

  /** Notes the size of the file there now: without a checkpoint, following starts at that end. */
  async prepare(): Promise<void> {
    if (this.resume === null && !this.ctx.fromStart) {
      const st = await stat(this.path).catch(() => null)
      if (st !== null) this.tailOf = { dev: st.dev, ino: st.ino, size: st.size }
    }
  }

  async run(): Promise<void> {
    while (!this.ctx.stopped()) {
      this.watch.ensure()
      try {
        await this.step()
      } catch (err) {
        await this.failed(err)
      }
      if (this.ctx.stopped()) break
      await this.wake.wait(this.ctx.pollMs)
    }
    this.watch.close()
    await this.closeAll()
    this.state = 'stopped'
  }

  interrupt(): void {
    this.wake.ring()
  }

  status(): InputStatus {
    const file = this.queue[0]
    return { input: this.name, kind: 'file', state: this.state, reason: this.reason, file: file?.name ?? null, offset: file?.offset ?? null, cursor: null, lines: this.lines, badRecords: 0 }
  }

  private async step(): Promise<void> {
    if (this.queue.length === 0) {
      if (this.ctx.clock.now() < this.retryAt) return
      await this.open()
      if (this.queue.length === 0) return
    }
    const here = await identityAt(this.path)
    await this.discover(here)
    const file = this.queue[0]!
    if (this.queue.length === 1 && here !== null) {
      do {
        if (file.stale) await readAfterTruncation(file, { name: this.name, path: this.path, ctx: this.ctx, send: (f, b) => this.send(f, b) })
        await this.read(file)
      } while (file.stale && !this.ctx.stopped())
      return
    }
    const now = this.ctx.clock.now()
    if (this.drain === null) {
      this.drain = { since: now, lastData: now }
      this.reason = ROTATED
      this.ctx.log('info', `${this.name}: ${here === null ? 'removed or renamed' : 'replaced by a new file'}; reading the rest of the old file first`)
    }
    const drain = this.drain
    if ((await this.read(file)) > 0) drain.lastData = this.ctx.clock.now()
    const idle = this.ctx.clock.now() - drain.lastData >= this.ctx.rotateGraceMs
    if (!idle && this.ctx.clock.now() - drain.since < this.ctx.rotateMaxMs) return
    if (!idle) this.ctx.log('warn', `${this.name}: the rotated file is still written to ${Math.round((now - drain.since) / 1000)} s after the rotation; moving on to the next file (later writes to the old one are not read)`)
    await file.finish(this.ctx.chunkBytes, (b) => this.send(file, b), () => this.ctx.stopped())
    if (this.ctx.stopped()) return
    await file.close()
    this.queue.shift()
    this.drain = null
    const next = this.queue[0]
    if (next !== undefined) await this.adopt(next, this.queue.length > 1 ? ROTATED : null)
    this.wake.ring() // go on with the next file now, not after the next poll
  }

  /** A file that took the path and is not queued yet is opened now, to be read from its start. */
  private async discover(here: Identity): Promise<void> {
    if (here === null || here === 'unknown' || this.queue.some((f) => f.is(here))) return
    const file = await OpenFile.open(this.path).catch((err: unknown) => {
      this.ctx.log('debug', `${this.name}: ${describeError(err)} (new file, tried again at the next poll)`)
      return null
    })
    if (file === null) return
    if (this.queue.some((f) => f.is(file))) await file.close()
    else this.queue.push(file)
  }

  /** Opens the file(s) to read next: where the checkpoint is, when there is one; else the file at the path. */
  private async open(): Promise<void> {
    const saved = this.resume
    if (saved !== null) {
      const found = await locate(saved)
      this.resume = null
      if (found !== null) {
        this.queue.push(found.file)
        for (const name of found.newer) {
          const f = await OpenFile.open(name).catch(() => null)
          if (f !== null) this.queue.push(f)
        }
        if (found.file.name !== this.path) this.ctx.log('info', `${this.name}: rotated while not followed; reading the rest of ${found.file.name} from offset ${saved.offset} first`)
        await this.adopt(found.file, found.file.name !== this.path ? ROTATED : null)
        return
      }
      this.ctx.log('warn', `${this.name}: the file of the checkpoint (offset ${saved.offset}) is gone (compressed or removed?); lines written to it after that offset are not read; reading ${this.name} from its start`)
    }
    let file: OpenFile
    try {
      file = await OpenFile.open(this.path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      this.problem('waiting', 'no such file', 'info', `${this.name}: no such file; waiting for it to appear`)
      return
    }
    const tail = this.tailOf
    this.tailOf = null
    if (tail !== null && file.is(tail)) await file.seekLineStart(Math.min(tail.size, file.size))
    this.queue.push(file)
    await this.adopt(file, null)
  }

  /** Starts reading `file` (first in the queue): says so, and hands over its position. */
  private async adopt(file: OpenFile, reason: string | null): Promise<void> {
    if (this.state !== 'following') this.ctx.log('info', `${this.name}: following ${file.name} from offset ${file.offset}`)
    this.state = 'following'
    this.reason = reason
    this.backoff.reset()
    await this.send(file, Buffer.alloc(0))
  }

  private read(file: OpenFile): Promise<number> {
    return file.readLines(this.ctx.chunkBytes, (b) => this.send(file, b), () => this.ctx.stopped())
  }

  private async send(file: OpenFile, bytes: Buffer): Promise<void> {
    this.lines += countLines(bytes)
    await this.ctx.deliver({ input: this.name, bytes, checkpoint: file.checkpoint(this.path), mtime: file.mtime })
  }

  private async closeAll(): Promise<void> {
    for (const f of this.queue.splice(0)) await f.close()
    this.drain = null
  }

  /** A read or open failed: keep the position, close, and retry after a back-off delay. */
  private async failed(err: unknown): Promise<void> {
    const first = this.queue[0]
    if (first !== undefined && this.resume === null) this.resume = first.checkpoint(this.path)
    await this.closeAll()
    const delay = this.backoff.next()
    this.retryAt = this.ctx.clock.now() + delay
    const reason = describeError(err)
    this.problem('error', reason, 'warn', `${this.name}: ${reason}; retrying in ${(delay / 1000).toFixed(1)} s`)
  }

  /** Enters a waiting or error state, logging at `level` when the reason changes (else at debug). */
  private problem(state: InputState, reason: string, level: 'info' | 'warn', message: string): void {
    const repeat = this.state === state && this.reason === reason
    this.state = state
    this.reason = reason
    this.ctx.log(repeat ? 'debug' : level, message)
  }
}
