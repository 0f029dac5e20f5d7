import type { Readable } from 'node:stream'
import { Backoff } from './backoff.js'
import { countLines } from './delivery.js'
import type { FollowContext, FollowedInput, InputState, InputStatus } from './input.js'
import { describeError } from './problem.js'
import { Wake } from './wake.js'

// Standard input and FIFOs: streams without positions, so their deliveries carry no checkpoint.
// Only whole lines are handed over; a partial line is held until its newline comes (or, past one
// chunk, handed over in pieces for the line splitter to drop as too long).

/** Where a pipe's stream comes from. */
export interface PipeSource {
  kind: 'stdin' | 'fifo'
  /** Opens the stream; throws a system error or InputError when it cannot. */
  open(): Promise<Readable>
  /** Whether the opened pipe is no longer the one at its path (a FIFO re-created), polled while reading. */
  replaced?(): Promise<boolean>
  /** Whether EOF ends the input (standard input) rather than calling for a reopen. */
  endsAtEof: boolean
}

/** How often a FIFO's path is checked for a new FIFO. */
const REPLACED_CHECK_MS = 1000

export class PipeInput implements FollowedInput {
  private readonly wake = new Wake()
  private readonly backoff: Backoff
  private stream: Readable | null = null
  private held: Buffer[] = []
  private heldLength = 0
  private state: InputState = 'waiting'
  private reason: string | null = 'starting'
  private lines = 0

  constructor(
    private readonly name: string,
    private readonly source: PipeSource,
    private readonly ctx: FollowContext,
  ) {
    this.backoff = new Backoff(ctx.retryMinMs, ctx.retryMaxMs)
  }

  async run(): Promise<void> {
    while (!this.ctx.stopped()) {
      let stream: Readable
      try {
        stream = await this.source.open()
      } catch (err) {
        const delay = this.backoff.next()
        this.setProblem('error', describeError(err), `retrying in ${(delay / 1000).toFixed(1)} s`)
        await this.wake.wait(delay)
        continue
      }
      await this.readAll(stream)
      if (this.ctx.stopped()) break
      await this.flush()
      if (this.source.endsAtEof) {
        this.state = 'ended'
        this.reason = 'end of input'
        this.ctx.log('info', `${this.name}: end of input`)
        return
      }
      this.setProblem('waiting', 'closed or replaced', 'opening it again')
      await this.wake.wait(this.ctx.pollMs)
    }
    this.state = 'stopped'
  }

  interrupt(): void {
    this.stream?.destroy()
    this.wake.ring()
  }

  status(): InputStatus {
    return { input: this.name, kind: this.source.kind, state: this.state, reason: this.reason, file: null, offset: null, cursor: null, lines: this.lines, badRecords: 0 }
  }

  private async readAll(stream: Readable): Promise<void> {
    this.stream = stream
    if (this.state !== 'following') this.ctx.log('info', `${this.name}: reading`)
    this.state = 'following'
    this.reason = null
    this.backoff.reset()
    const check = this.source.replaced === undefined ? null : setInterval(() => void this.checkReplaced(stream), REPLACED_CHECK_MS)
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        await this.take(chunk)
        if (this.ctx.stopped()) break
      }
    } catch (err) {
      if (!this.ctx.stopped() && !stream.destroyed) this.ctx.log('warn', `${this.name}: ${describeError(err)}`)
    } finally {
      if (check !== null) clearInterval(check)
      stream.destroy()
      this.stream = null
    }
  }

  private async checkReplaced(stream: Readable): Promise<void> {
    if (await this.source.replaced!().catch(() => false)) {
      this.ctx.log('info', `${this.name}: replaced by a new FIFO; opening it`)
      stream.destroy()
    }
  }

  private async take(chunk: Buffer): Promise<void> {
    const nl = chunk.lastIndexOf(10)
    if (nl < 0) {
      this.held.push(chunk)
      this.heldLength += chunk.length
      if (this.heldLength >= this.ctx.chunkBytes) await this.send(this.takeHeld(Buffer.alloc(0)))
      return
    }
    const whole = this.takeHeld(chunk.subarray(0, nl + 1))
    if (nl + 1 < chunk.length) {
      this.held.push(chunk.subarray(nl + 1))
      this.heldLength = chunk.length - nl - 1
    }
    await this.send(whole)
  }

  /** At EOF or when the pipe is replaced: the last line, with a '\n' added. */
  private async flush(): Promise<void> {
    if (this.heldLength > 0) await this.send(this.takeHeld(Buffer.from('\n')))
  }

  private takeHeld(tail: Buffer): Buffer {
    const bytes = this.heldLength === 0 ? tail : Buffer.concat([...this.held, tail])
    this.held = []
    this.heldLength = 0
    return bytes
  }

  private async send(bytes: Buffer): Promise<void> {
    this.lines += countLines(bytes)
    await this.ctx.deliver({ input: this.name, bytes, checkpoint: null })
  }

  private setProblem(state: InputState, reason: string, then: string): void {
    const repeat = this.state === state && this.reason === reason
    this.state = state
    this.reason = reason
    this.ctx.log(repeat ? 'debug' : 'warn', `${this.name}: ${reason}; ${then}`)
  }
}

/** Returns the source for a process's standard input (or any stream); EOF ends it. */
export function stdinSource(stream: Readable): PipeSource {
  return { kind: 'stdin', endsAtEof: true, open: async () => stream }
}
