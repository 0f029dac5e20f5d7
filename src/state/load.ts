import type Database from 'better-sqlite3'
import type { Detector } from '../detect/detector.js'
import { corrupt, num, obj } from '../detect/codec/check.js'
import { decodeCounters, decodeRun, restorePort, timelineRow } from '../detect/codec/run.js'
import { decodeSource, keyFromText } from '../detect/codec/source.js'
import { tableKey } from '../detect/state.js'
import { FORMAT, KEYED_TABLES, SCHEMA_VERSION, type KeyedTable } from './schema.js'

// Reading a saved state back into a fresh Detector, in one read transaction (one save's state).
// Every row is read, so damage anywhere in the file shows up here, while it can still be set aside.

/** What a restart gets back besides the analyzer's state. */
export interface Restored {
  /** Wall-clock time of the save (epoch ms), and of the state's creation. */
  savedAt: number
  created: number
  sources: number
  /** The caller's records as last saved: read checkpoints per input, alert bookkeeping per source, blocks. */
  checkpoints: Map<string, unknown>
  alerts: Map<string, unknown>
  blocks: Map<string, unknown>
  /** Eviction and compaction totals over the life of the state. */
  evicted: number
  compacted: number
}

function json(text: unknown, where: string): unknown {
  if (typeof text !== 'string') corrupt(where, 'not text')
  try {
    return JSON.parse(text)
  } catch {
    return corrupt(where, 'not JSON')
  }
}

/** Returns the meta table as a map; throws StateError when the file is not a portsleuth state of this version. */
export function readMeta(db: Database.Database): Map<string, string> {
  const meta = new Map((db.prepare('SELECT name, value FROM meta').all() as { name: string; value: string }[]).map((r) => [r.name, r.value]))
  if (meta.get('format') !== FORMAT) corrupt('meta', `not a ${FORMAT} file`)
  if (meta.get('schema_version') !== String(SCHEMA_VERSION)) corrupt('meta', `schema version ${meta.get('schema_version')}, expected ${SCHEMA_VERSION}`)
  return meta
}

function keyed(db: Database.Database, table: KeyedTable): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const r of db.prepare(`SELECT name, value FROM ${table}`).iterate() as Iterable<{ name: string; value: string }>) out.set(r.name, json(r.value, `${table} ${r.name}`))
  return out
}

/**
 * Puts the saved state into `a` (fresh, built from this run's configuration) and returns the rest,
 * or null when nothing was saved yet. Throws StateError (or SQLite's error) on any damage.
 */
export function loadState(db: Database.Database, a: Detector): Restored | null {
  const meta = readMeta(db)
  const total = (name: string): unknown => {
    const row = db.prepare('SELECT value FROM totals WHERE name = ?').get(name) as { value: string } | undefined
    return row === undefined ? undefined : json(row.value, `totals ${name}`)
  }
  const run = total('run')
  if (run === undefined) return null
  const e = a.engine
  decodeRun(run, e)
  decodeCounters(total('counters'), a)
  const retention = obj(total('retention'), 'retention', 'the record')
  for (const r of db.prepare('SELECT proto, port, packets FROM ports').iterate() as Iterable<{ proto: unknown; port: unknown; packets: unknown }>) {
    restorePort(e.totals.ports, r.proto, r.port, r.packets)
  }
  for (const r of db.prepare('SELECT minute, counts FROM timeline').iterate() as Iterable<{ minute: number; counts: string }>) {
    const minute = num(r.minute, 'timeline', 'minute')
    e.totals.timeline.set(minute, timelineRow(json(r.counts, `timeline minute ${minute}`), minute))
  }
  let sources = 0
  for (const r of db.prepare('SELECT ip, record FROM sources').iterate() as Iterable<{ ip: string; record: string }>) {
    const key = keyFromText(String(r.ip))
    e.sources.set(tableKey(key), decodeSource(key, json(r.record, `source ${r.ip}`), e))
    sources++
  }
  const [checkpoints, alerts, blocks] = KEYED_TABLES.map((t) => keyed(db, t)) as [Map<string, unknown>, Map<string, unknown>, Map<string, unknown>]
  return {
    savedAt: Number(meta.get('saved_at') ?? Number.NaN),
    created: Number(meta.get('created') ?? Number.NaN),
    sources,
    checkpoints,
    alerts,
    blocks,
    evicted: num(retention.evicted, 'retention', 'evicted'),
    compacted: num(retention.compacted, 'retention', 'compacted'),
  }
}
