import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { StateError } from '../core/errors.js'

// The state file's one write connection lives in a worker thread. SQLite's COMMIT of a large
// transaction in WAL mode takes time in proportion to it (about 0.4 s for a save of a million
// sources, measured with bench/state-save.ts), and so does a checkpoint (copying the log back into
// the database); on the main thread either would block the event loop. The main thread encodes the
// records (the engine state lives there) and posts them in batches; the thread inserts them inside
// one transaction, commits when told, and then checkpoints (PASSIVE: no lock a writer needs).
//
// The thread is plain CommonJS evaluated from this string, so it runs the same under the built code
// and under the test runner (which has no compiled file to point a Worker at).

const THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const text = (e) => String((e && e.message) || e)
const db = new Database(workerData.file, { timeout: 5000 })
db.pragma('synchronous = NORMAL')
db.pragma('wal_autocheckpoint = 0')
db.pragma('journal_size_limit = ' + Number(workerData.walKeep))
const upsert = (table, cols, key) => db.prepare('INSERT INTO ' + table + ' (' + cols.join(', ') + ') VALUES (' + cols.map(() => '?').join(', ') +
  ') ON CONFLICT (' + key + ') DO UPDATE SET ' + cols.filter((c) => !key.split(', ').includes(c)).map((c) => c + ' = excluded.' + c).join(', '))
const st = {
  source: upsert('sources', ['ip', 'dl', 'packets', 'first_seen', 'last_seen', 'record'], 'ip'),
  unsource: db.prepare('DELETE FROM sources WHERE ip = ?'),
  total: upsert('totals', ['name', 'value'], 'name'),
  port: upsert('ports', ['proto', 'port', 'packets'], 'proto, port'),
  minute: upsert('timeline', ['minute', 'counts'], 'minute'),
  meta: upsert('meta', ['name', 'value'], 'name'),
  keyed: {},
}
for (const t of workerData.keyed) st.keyed[t] = { set: upsert(t, ['name', 'value'], 'name'), delete: db.prepare('DELETE FROM ' + t + ' WHERE name = ?') }
let failed = null
function fail(e) {
  if (failed === null) failed = e
  if (db.inTransaction) db.exec('ROLLBACK')
}
function checkpoint() {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    return { op: 'checkpointed', frames: r.log, copied: r.checkpointed }
  } catch (e) {
    return { op: 'checkpointed', error: text(e) }
  }
}
parentPort.on('message', (m) => {
  if (m.op === 'begin') {
    failed = null
    try { db.exec('BEGIN IMMEDIATE') } catch (e) { fail(e) }
  } else if (m.op === 'rows') {
    if (failed === null) {
      try {
        for (const ip of m.removed) st.unsource.run(ip)
        for (const r of m.sources) st.source.run(r[0], r[1], r[2], r[3], r[4], r[5])
      } catch (e) { fail(e) }
    }
    parentPort.postMessage({ op: 'ack' })
  } else if (m.op === 'commit') {
    if (failed === null) {
      try {
        for (const [name, value] of m.totals) st.total.run(name, value)
        for (const [proto, port, n] of m.ports) st.port.run(proto, port, n)
        for (const [minute, counts] of m.minutes) st.minute.run(minute, counts)
        for (const [table, name, value] of m.keyed) value === null ? st.keyed[table].delete.run(name) : st.keyed[table].set.run(name, value)
        st.meta.run('saved_at', m.savedAt)
        db.exec('COMMIT')
      } catch (e) { fail(e) }
    }
    parentPort.postMessage(failed === null ? { op: 'committed' } : { op: 'failed', message: text(failed) })
    if (failed === null) checkpoint()
  } else if (m.op === 'rollback') {
    if (db.inTransaction) db.exec('ROLLBACK')
  } else if (m.op === 'checkpoint') {
    parentPort.postMessage(checkpoint())
  } else if (m.op === 'close') {
    if (db.inTransaction) db.exec('ROLLBACK')
    db.close()
    parentPort.close()
  }
})
`

/** The result of one checkpoint: frames in the log, and how many of them are now in the database. */
export interface CheckpointResult {
  frames: number
  copied: number
}

/** A source row: address, DL, packets, first and last seen (epoch ms or null), codec record (JSON). */
export type SourceRow = [string, number, number, number | null, number | null, string]

/** What a commit writes besides the source rows; keyed values are JSON text, or null to delete. */
export interface CommitPayload {
  totals: [string, string][]
  ports: [number, number, number][]
  minutes: [number, string][]
  keyed: [string, string, string | null][]
  savedAt: string
}

type Reply = { op: 'ack' } | { op: 'committed' } | { op: 'failed'; message: string } | { op: 'checkpointed'; frames?: number; copied?: number; error?: string }

/** The main thread's side of the writer thread: posts work in order and waits for its replies. */
export class WriterThread {
  private readonly worker: Worker
  private readonly waiting: { ack: (() => void)[]; commit: ((err: Error | null) => void)[]; checkpoint: ((r: CheckpointResult | Error) => void)[] } = {
    ack: [],
    commit: [],
    checkpoint: [],
  }
  private dead: string | null = null
  private exited: Promise<void>

  constructor(file: string, keyed: readonly string[], walKeep: number) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(THREAD, { eval: true, workerData: { module, file, keyed, walKeep } })
    // Idle, it must not keep the process alive; while it has work it is referenced (see busy()).
    this.worker.unref()
    this.worker.on('message', (m: Reply) => this.reply(m))
    this.worker.on('error', (e) => this.die(`the state writer thread failed: ${e.message}`))
    this.exited = new Promise((resolve) => this.worker.once('exit', () => {
      this.die('the state writer thread has stopped')
      resolve()
    }))
  }

  private reply(m: Reply): void {
    if (m.op === 'ack') this.waiting.ack.shift()?.()
    else if (m.op === 'committed') this.waiting.commit.shift()?.(null)
    else if (m.op === 'failed') this.waiting.commit.shift()?.(new StateError(`cannot save state: ${m.message}`))
    else this.waiting.checkpoint.shift()?.(m.error !== undefined ? new Error(m.error) : { frames: m.frames!, copied: m.copied! })
    this.busy()
  }

  private die(message: string): void {
    if (this.dead !== null) return
    this.dead = message
    const err = new StateError(message)
    for (const f of this.waiting.ack.splice(0)) f()
    for (const f of this.waiting.commit.splice(0)) f(err)
    for (const f of this.waiting.checkpoint.splice(0)) f(err)
  }

  private busy(): void {
    if (this.dead !== null) return
    if (this.waiting.commit.length + this.waiting.checkpoint.length + this.waiting.ack.length > 0) this.worker.ref()
    else this.worker.unref()
  }

  private post(msg: object): void {
    if (this.dead !== null) throw new StateError(this.dead)
    this.worker.postMessage(msg)
  }

  /** Starts a save's transaction. */
  begin(): void {
    this.post({ op: 'begin' })
  }

  /** Posts a batch of rows; resolves when the thread has written it (for flow control). */
  rows(removed: string[], sources: SourceRow[]): Promise<void> {
    this.post({ op: 'rows', removed, sources })
    const done = new Promise<void>((resolve) => this.waiting.ack.push(resolve))
    this.busy()
    return done
  }

  /** Writes the rest and commits; rejects with StateError when the save failed (it is rolled back). */
  commit(payload: CommitPayload): Promise<void> {
    this.post({ op: 'commit', ...payload })
    const done = new Promise<void>((resolve, reject) => this.waiting.commit.push((err) => (err === null ? resolve() : reject(err))))
    this.busy()
    return done
  }

  /** Abandons the save in progress. */
  rollback(): void {
    if (this.dead === null) this.worker.postMessage({ op: 'rollback' })
  }

  /** Copies the write-ahead log into the database now (the thread does so after every commit anyway). */
  checkpoint(): Promise<CheckpointResult | Error> {
    if (this.dead !== null) return Promise.resolve(new StateError(this.dead))
    const done = new Promise<CheckpointResult | Error>((resolve) => this.waiting.checkpoint.push(resolve))
    this.post({ op: 'checkpoint' })
    this.busy()
    return done
  }

  /** Rolls back any save in progress, closes the connection and ends the thread. */
  close(): Promise<void> {
    if (this.dead === null) {
      this.worker.ref()
      this.worker.postMessage({ op: 'close' })
    }
    return this.exited
  }
}
