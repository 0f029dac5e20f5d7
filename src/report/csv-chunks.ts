// Batches the small strings of a per-packet output (CSV rows, DShield lines) into chunks, so a
// million-line log costs a few hundred writes, not a million. Bounded: never the whole output.

const CHUNK = 64 * 1024

/** Collects text and hands it to `write` in chunks of about 64 KiB. */
export class ChunkWriter {
  private parts: string[] = []
  private size = 0

  constructor(private readonly write: (chunk: string) => void) {}

  /** Queues `text`; writes the batch once it reaches the chunk size. */
  push(text: string): void {
    this.parts.push(text)
    this.size += text.length
    if (this.size >= CHUNK) this.flush()
  }

  /** Writes whatever is queued (for `watch`, call it after each batch of lines). */
  flush(): void {
    if (this.size === 0) return
    const chunk = this.parts.join('')
    this.parts = []
    this.size = 0
    this.write(chunk)
  }
}
