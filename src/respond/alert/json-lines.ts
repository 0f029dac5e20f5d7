import type { Writable } from 'node:stream'
import type { Channel, LogFn } from './channel.js'
import type { WatchEvent } from './event.js'
import { BoundedQueue, IdleSignal } from './queue.js'
import { safeJson } from './safe-text.js'

// One JSON object per line to a writable (stdout in `watch`, read by journald or a log shipper).
// Each event is one write() of one whole line, so lines never interleave. When the stream pushes
// back (write() returns false) later lines wait in a bounded queue until 'drain'; a reader that
// never catches up loses the oldest queued lines, counted and logged, not the process's memory.

export interface JsonLinesOptions {
  out: Writable
  log: LogFn
  /** Lines held while the stream pushes back (default 10,000). */
  maxQueue?: number
  name?: string
}

export class JsonLinesChannel implements Channel {
  readonly kind = 'json'
  readonly name: string
  private readonly queue: BoundedQueue<string>
  private waiting = false
  private broken: Error | null = null
  private closed = false
  private readonly idle = new IdleSignal()

  constructor(private readonly o: JsonLinesOptions) {
    this.name = o.name ?? 'json'
    this.queue = new BoundedQueue(o.maxQueue ?? 10_000)
    o.out.on('drain', () => {
      this.waiting = false
      this.pump()
    })
    o.out.on('error', (err: Error) => {
      if (this.broken !== null) return
      this.broken = err
      const dropped = this.queue.clear()
      o.log('error', `${this.name}: cannot write events: ${err.message}${dropped > 0 ? `; ${dropped} queued line(s) dropped` : ''}; no more events are written there`)
      this.idle.notify()
    })
  }

  send(e: WatchEvent): void {
    if (this.closed || this.broken !== null) return
    if (this.queue.push(`${safeJson(e)}\n`) !== undefined && this.queue.dropped % 1000 === 1) {
      this.o.log('warn', `${this.name}: the reader is not keeping up; ${this.queue.dropped} oldest line(s) dropped so far`)
    }
    this.pump()
  }

  async test(e: WatchEvent): Promise<void> {
    if (this.broken !== null) throw new Error(`cannot write events: ${this.broken.message}`)
    await new Promise<void>((resolve, reject) => {
      this.o.out.write(`${safeJson(e)}\n`, (err) => (err == null ? resolve() : reject(err)))
    })
  }

  async flush(timeoutMs: number): Promise<void> {
    await this.idle.until(() => this.broken !== null || (this.queue.length === 0 && !this.waiting), timeoutMs)
  }

  async close(): Promise<void> {
    this.closed = true
    const left = this.queue.clear()
    if (left > 0) this.o.log('warn', `${this.name}: ${left} event line(s) not written at close`)
  }

  private pump(): void {
    if (this.waiting) return
    while (this.broken === null && this.queue.length > 0) {
      const line = this.queue.shift()!
      if (!this.o.out.write(line)) {
        this.waiting = true
        return
      }
    }
    this.idle.notify()
  }
}
