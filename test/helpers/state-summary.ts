import { existsSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { StateError } from '../../src/core/errors.js'
import { num, obj } from '../../src/detect/codec/check.js'
import { readMeta } from '../../src/state/load.js'
import { STATE_FILE } from '../../src/state/schema.js'

// A summary read from the state file while a store may be writing it (WAL readers never
// block the writer, and see the last committed save). Reads columns only: no engine is rebuilt.

export interface SourceSummary {
  ip: string
  dl: number
  packets: number
  /** Epoch ms; null for a source whose lines had no timestamp. */
  firstSeen: number | null
  lastSeen: number | null
}

export interface StateSummary {
  file: string
  /** Wall-clock times of the last save and of the state's creation (epoch ms). */
  savedAt: number
  created: number
  linesRead: number
  packets: number
  /** Sources in the state (all danger levels), and those evicted or compacted over its life. */
  sourcesKept: number
  evicted: number
  compacted: number
  /** Sources at or above the asked danger level: highest DL first, then most packets, then address. */
  sources: SourceSummary[]
}

function value(db: Database.Database, name: string): Record<string, unknown> {
  const row = db.prepare('SELECT value FROM totals WHERE name = ?').get(name) as { value: string } | undefined
  return obj(row === undefined ? {} : JSON.parse(row.value), 'totals', name)
}

/**
 * Returns the summary of the state in `dir`, or null when it has none yet (no file, or nothing
 * saved). Throws StateError when the file cannot be read or is not a state of this version.
 */
export function readStateSummary(dir: string, opts: { minDl?: number } = {}): StateSummary | null {
  const file = path.join(dir, STATE_FILE)
  if (!existsSync(file)) return null
  let db: Database.Database
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
  } catch (err) {
    throw new StateError(`cannot read state file ${file}: ${err instanceof Error ? err.message : String(err)}`)
  }
  try {
    return db.transaction(() => {
      const meta = readMeta(db)
      const run = value(db, 'run')
      if (run.packets === undefined) return null
      const counters = value(db, 'counters')
      const retention = value(db, 'retention')
      const sources = (db.prepare('SELECT ip, dl, packets, first_seen, last_seen FROM sources WHERE dl >= ? ORDER BY dl DESC, packets DESC, ip').all(opts.minDl ?? 1) as {
        ip: string; dl: number; packets: number; first_seen: number | null; last_seen: number | null
      }[]).map((r) => ({ ip: r.ip, dl: r.dl, packets: r.packets, firstSeen: r.first_seen, lastSeen: r.last_seen }))
      return {
        file,
        savedAt: Number(meta.get('saved_at')),
        created: Number(meta.get('created')),
        linesRead: num(counters.linesRead, 'counters', 'linesRead'),
        packets: num(run.packets, 'totals', 'packets'),
        sourcesKept: (db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n,
        evicted: num(retention.evicted, 'retention', 'evicted'),
        compacted: num(retention.compacted, 'retention', 'compacted'),
        sources,
      }
    })()
  } catch (err) {
    if (err instanceof StateError) throw err
    throw new StateError(`cannot read state file ${file}: ${err instanceof Error ? err.message : String(err)}`)
  } finally {
    db.close()
  }
}
