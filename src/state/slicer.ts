import { setImmediate as nextTurn } from 'node:timers/promises'

// A long save is cut into slices of at most `limitMs` of synchronous work, with a turn of the event
// loop between them, so the process keeps reading input sockets, timers and signals. Rows are small
// (a few microseconds each), so the clock is read every few rows only.

const CHECK_EVERY = 8

export class Slicer {
  /** The longest synchronous stretch so far (ms), and how many there were. */
  longest = 0
  slices = 0
  private start = performance.now()
  private rows = 0

  constructor(
    private readonly limitMs: number,
    private readonly check: () => void,
  ) {}

  /** True when the current slice has used its time: the caller awaits `pause()`. */
  due(): boolean {
    return ++this.rows % CHECK_EVERY === 0 && performance.now() - this.start >= this.limitMs
  }

  /** Ends the slice, yields one event-loop turn, and runs `check` (which throws to abort). */
  async pause(): Promise<void> {
    this.end()
    await nextTurn()
    this.check()
    this.start = performance.now()
  }

  /** Starts a new slice after waiting for something else (which is not counted). */
  resume(): void {
    this.start = performance.now()
  }

  /** Ends the current slice (counting its length) without yielding. */
  end(): void {
    const ms = performance.now() - this.start
    if (ms > this.longest) this.longest = ms
    this.slices++
    this.start = performance.now()
  }
}
