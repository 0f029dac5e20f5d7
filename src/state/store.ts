import { statSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Clock } from '../core/clock.js'
import { InternalError, PortsleuthError, StateError } from '../core/errors.js'
import type { Detector } from '../detect/detector.js'
import { CorruptStateError } from '../detect/codec/check.js'
import { attachTracker, type Tracker, type TrackerOptions } from '../detect/tracker.js'
import { lockDirectory, prepareDirectory, setAside } from './directory.js'
import { loadState, readMeta, type Restored } from './load.js'
import { CREATE_TABLES, FORMAT, KEYED_TABLES, SCHEMA_VERSION, STATE_FILE } from './schema.js'
import { StateWriter, type SaveInput, type SaveStats } from './writer.js'
import { WriterThread, type CheckpointResult } from './writer-thread.js'

// The engine state that survives restarts: one SQLite database in the state directory.
//
// Why SQLite (better-sqlite3): a save is one transaction, so a crash at any moment leaves the last
// complete save, checkpoints included; rows are updated in place, so a save writes only the sources
// that changed; and other processes (`status`) can read it while `watch` writes (WAL mode). fail2ban
// and CrowdSec keep their state the same way. A hand-made journal would need its own compaction,
// atomic snapshots and recovery code to get the same.
//
// Loading happens here, synchronously, on a connection closed afterwards; from then on the one write
// connection is in a worker thread (writer-thread.ts), so no COMMIT or checkpoint blocks this thread.

export type { Restored } from './load.js'
export type { KeyedChanges, SaveInput, SaveStats } from './writer.js'

export interface StoreOptions {
  clock: Clock
  /** Warnings (a state file set aside). */
  log: (message: string) => void
  /** Builds an analyzer from this run's configuration; called again if the saved state is unusable. */
  analyzer: () => Detector
  /** The source cap (and its default); eviction and compaction counts come from the saved state. */
  tracker?: Pick<TrackerOptions, 'maxSources'>
  /** Longest synchronous stretch of a save, in ms (default 20). */
  sliceMs?: number
}

export interface OpenedState {
  store: StateStore
  /** The analyzer to continue with: restored, or fresh. */
  analyzer: Detector
  /** Attached to the analyzer's engine: call `expire()` now and then. */
  tracker: Tracker
  /** What was restored besides the engine state; null when the state is new. */
  restored: Restored | null
}

// SQLite errors that mean "this file is not a usable state" (rather than "the disk or the system
// has a problem", which must not cost the user their state).
const UNUSABLE = /^SQLITE_(CORRUPT|NOTADB|CANTOPEN|FORMAT|MISMATCH|RANGE|ERROR|SCHEMA)/

function unusable(err: unknown): boolean {
  if (err instanceof CorruptStateError) return true
  if (err instanceof PortsleuthError) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string') return UNUSABLE.test(code)
  return err instanceof SyntaxError || err instanceof TypeError || err instanceof RangeError
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

function openDatabase(file: string, clock: Clock): Database.Database {
  const db = new Database(file, { timeout: 1000 })
  try {
    db.pragma('journal_mode = WAL')
    // WAL with NORMAL: a crash of the process loses nothing committed; a power cut may lose the last
    // saves, never consistency (checkpoints go back with the state they cover).
    db.pragma('synchronous = NORMAL')
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
    if (tables.n === 0) {
      db.exec(CREATE_TABLES)
      const meta = db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)')
      db.transaction(() => {
        meta.run('format', FORMAT)
        meta.run('schema_version', String(SCHEMA_VERSION))
        meta.run('created', String(clock.now()))
      })()
    }
    readMeta(db)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

// The write-ahead log is truncated back to this size after it was emptied (it grows to the size of
// the largest save, which for a million sources is hundreds of MB).
const WAL_KEEP_BYTES = 64 * 1024 * 1024

/** The state store of one state directory. Open with `StateStore.open`. */
export class StateStore {
  private closed = false
  private closing: Promise<void> = Promise.resolve()

  private constructor(
    readonly dir: string,
    readonly file: string,
    private readonly writer: StateWriter,
    private readonly thread: WriterThread,
    private readonly release: () => void,
  ) {}

  /**
   * Opens (creating if needed) the state in `dir`, restores it into a new analyzer and attaches a
   * tracker. A state file that cannot be loaded (damaged, not a state, another schema version,
   * unreadable) is moved to `state.db.broken-<time>` with a warning through `log`, and the state
   * starts empty. Throws StateError when the directory cannot be written or is in use by another
   * process, or when the file cannot be read for a reason that is not the file's (disk, I/O).
   */
  static open(dir: string, opts: StoreOptions): OpenedState {
    prepareDirectory(dir)
    const release = lockDirectory(dir)
    const file = path.join(dir, STATE_FILE)
    try {
      // Built outside the loading: a failure of the caller's factory says nothing about the file.
      let attempt: { analyzer: Detector; restored: Restored | null }
      const first = opts.analyzer()
      try {
        attempt = StateStore.load(file, first, opts.clock)
      } catch (err) {
        if (!unusable(err)) throw err instanceof PortsleuthError ? err : new StateError(`cannot read state file ${file}: ${message(err)}`)
        const moved = setAside(file, opts.clock)
        opts.log(`state file ${file} cannot be used (${message(err)}); moved to ${path.basename(moved)}, starting with empty state`)
        const fresh = opts.analyzer()
        attempt = StateStore.load(file, fresh, opts.clock)
      }
      const { analyzer, restored } = attempt
      const tracker = attachTracker(analyzer.engine, {
        maxSources: opts.tracker?.maxSources,
        evicted: restored?.evicted ?? 0,
        compacted: restored?.compacted ?? 0,
      })
      const thread = new WriterThread(file, KEYED_TABLES, WAL_KEEP_BYTES)
      const writer = new StateWriter(thread, analyzer, tracker, opts.clock, opts.sliceMs ?? 20)
      return { store: new StateStore(dir, file, writer, thread, release), analyzer, tracker, restored }
    } catch (err) {
      release()
      throw err
    }
  }

  private static load(file: string, analyzer: Detector, clock: Clock): { analyzer: Detector; restored: Restored | null } {
    const db = openDatabase(file, clock)
    try {
      return { analyzer, restored: db.transaction(() => loadState(db, analyzer))() }
    } finally {
      db.close()
    }
  }

  /**
   * Saves what changed since the last save, with the caller's records, in one transaction; resolves
   * when it is committed. The caller must not feed the analyzer (nor call `tracker.expire`) until
   * it settles: the state is written in slices across event-loop turns. On failure nothing of this
   * save is kept, the changes stay pending for the next save, and it rejects with StateError.
   */
  save(input: SaveInput = {}): Promise<SaveStats> {
    if (this.closed) return Promise.reject(new InternalError(`state store ${this.file} is closed`))
    return this.writer.save(input, () => this.closed)
  }

  /** Copies the write-ahead log into the database now (off this thread); resolves with how it went. */
  checkpoint(): Promise<CheckpointResult | Error> {
    return this.thread.checkpoint()
  }

  /** Bytes the state takes on disk (the database and its write-ahead log). */
  bytesOnDisk(): number {
    let n = 0
    for (const f of [this.file, `${this.file}-wal`]) {
      try {
        n += statSync(f).size
      } catch {
        // no WAL right now
      }
    }
    return n
  }

  /**
   * Releases the directory at once and closes the database (a save in flight is abandoned: rolled
   * back); resolves when the writer thread has closed its connection and ended.
   */
  close(): Promise<void> {
    if (this.closed) return this.closing
    this.closed = true
    this.release()
    this.closing = this.thread.close()
    return this.closing
  }
}
