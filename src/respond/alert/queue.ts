// The two pieces every queueing channel needs: a FIFO with a capacity that drops its oldest entry
// when full (a flood must not grow memory without bound; the newest alerts matter most), and a way
// for flush() to wait until the channel has nothing left in flight.

/** A FIFO of at most `capacity` items; push() past that drops the oldest and counts it. */
export class BoundedQueue<T> {
  private items: T[] = []
  /** Items dropped because the queue was full, since the start. */
  dropped = 0

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length
  }

  /** Appends `item`; returns the item dropped to make room, or undefined. */
  push(item: T): T | undefined {
    this.items.push(item)
    if (this.items.length <= this.capacity) return undefined
    this.dropped++
    return this.items.shift()
  }

  shift(): T | undefined {
    return this.items.shift()
  }

  peek(): T | undefined {
    return this.items[0]
  }

  /** Empties the queue; returns how many items it held. */
  clear(): number {
    const n = this.items.length
    this.items = []
    return n
  }
}

/** Lets flush() wait for a channel to become idle. */
export class IdleSignal {
  private waiters: (() => void)[] = []

  /** Wakes every waiter; call whenever the channel may have become idle. */
  notify(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  /** Resolves true once `idle()` holds, false after `timeoutMs`. */
  async until(idle: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs
    while (!idle()) {
      const left = deadline - performance.now()
      if (left <= 0) return false
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 1000))
        function done(): void {
          clearTimeout(timer)
          resolve()
        }
        this.waiters.push(done)
      })
    }
    return true
  }
}
