// Retry delays that double from `min` to `max`, so that an input that keeps failing (unreadable file,
// journalctl dying) is retried without flooding the log or the CPU.

export class Backoff {
  private current: number

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.current = min
  }

  /** Returns the delay before the next attempt, and doubles the one after it. */
  next(): number {
    const d = this.current
    this.current = Math.min(this.max, this.current * 2)
    return d
  }

  /** Starts again from the shortest delay, after a success. */
  reset(): void {
    this.current = this.min
  }
}
