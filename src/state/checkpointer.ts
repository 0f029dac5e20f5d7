import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

// Copying the write-ahead log back into the database (a WAL checkpoint) costs time in proportion to
// what was written: after a save of a million sources, more than a second. SQLite would do it inside
// the COMMIT of the save that filled the log, blocking the event loop; the store turns that off and a
// worker thread with its own connection checkpoints after each save instead. PASSIVE mode takes no
// lock a writer needs, so saves go on meanwhile; the log is reused from its start once copied.

// The worker is plain CommonJS evaluated from this string, so it runs the same under the built code
// and under the test runner (which has no compiled file to point a Worker at).
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.file, { timeout: 5000 })
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close()
    parentPort.close()
    return
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ ok: true, frames: r.log, copied: r.checkpointed })
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.message || e) })
  }
})
`

/** The result of one checkpoint: frames in the log, and how many of them are now in the database. */
export interface CheckpointResult {
  frames: number
  copied: number
}

export class Checkpointer {
  private readonly worker: Worker
  private pending: ((r: CheckpointResult | Error) => void)[] = []
  private running = false
  private again = false
  private failed: string | null = null

  constructor(file: string, private readonly warn: (message: string) => void) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { module, file } })
    this.worker.unref()
    this.worker.on('message', (m: { ok: boolean; frames?: number; copied?: number; error?: string }) => this.done(m))
    this.worker.on('error', (e) => this.fail(e.message))
  }

  /** Asks for a checkpoint (one at a time; a request while one runs makes one more after it). */
  request(): Promise<CheckpointResult | Error> {
    const result = new Promise<CheckpointResult | Error>((resolve) => this.pending.push(resolve))
    if (this.failed !== null) this.flush(new Error(this.failed))
    else if (this.running) this.again = true
    else this.start()
    return result
  }

  private start(): void {
    this.running = true
    this.again = false
    this.worker.postMessage('checkpoint')
  }

  private done(m: { ok: boolean; frames?: number; copied?: number; error?: string }): void {
    this.running = false
    if (!m.ok) this.warn(`state checkpoint failed: ${m.error}`)
    const result = m.ok ? { frames: m.frames!, copied: m.copied! } : new Error(m.error)
    if (this.again) {
      this.start()
      return
    }
    this.flush(result)
  }

  private fail(message: string): void {
    if (this.failed !== null) return
    this.failed = message
    this.running = false
    this.warn(`state checkpoint thread failed: ${message}`)
    this.flush(new Error(message))
  }

  private flush(r: CheckpointResult | Error): void {
    const waiting = this.pending
    this.pending = []
    for (const resolve of waiting) resolve(r)
  }

  /** True once the thread has died: the caller falls back to SQLite's own checkpoints. */
  get broken(): boolean {
    return this.failed !== null
  }

  /** Closes the worker's connection and ends the thread. */
  async close(): Promise<void> {
    if (this.failed !== null) {
      await this.worker.terminate()
      return
    }
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()))
    // Held until it has closed its connection (the last one deletes the log).
    this.worker.ref()
    this.worker.postMessage('close')
    await exited
  }
}
