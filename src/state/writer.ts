import type Database from 'better-sqlite3'
import type { Clock } from '../core/clock.js'
import { InternalError, PortsleuthError, StateError } from '../core/errors.js'
import type { Detector } from '../detect/detector.js'
import type { Totals } from '../detect/engine.js'
import { encodeCounters, encodeRun, portEntries } from '../detect/codec/run.js'
import { encodeSource } from '../detect/codec/source.js'
import { keyText, NO_TIME } from '../detect/state.js'
import { EVICTED, type StateChanges, type Tracker } from '../detect/tracker.js'
import { KEYED_TABLES, type KeyedTable } from './schema.js'
import { Slicer } from './slicer.js'

// One save: the sources that changed (and deletions of evicted ones), the run-wide records, the port
// counters and timeline rows that changed, and the caller's records, in one transaction written in
// slices. Port counters are compared with a copy of what was last committed; the timeline rows to
// write are the minutes the engine entered since the last save.

/** Changes to one table of the caller's records (opaque JSON by name). */
export interface KeyedChanges {
  set?: Iterable<readonly [string, unknown]>
  delete?: Iterable<string>
}

/** The caller's records saved with the state: read checkpoints, alert bookkeeping, blocks. */
export type SaveInput = Partial<Record<KeyedTable, KeyedChanges>>

export interface SaveStats {
  /** Sources written and deleted. */
  sources: number
  removed: number
  ports: number
  timelineRows: number
  /** Wall time from start to commit, and the longest synchronous stretch in it (ms). */
  ms: number
  longestSliceMs: number
  slices: number
}

type PortTables = Totals['ports']

function copyPorts(p: PortTables): PortTables {
  return { tcp: p.tcp.slice(), udp: p.udp.slice(), udplite: p.udplite.slice() }
}

const epochOf = (base: number, tick: number): number | null => (tick === NO_TIME || Number.isNaN(base) ? null : Math.floor(base + tick))

export class StateWriter {
  private readonly stmt
  private saved: PortTables
  private lastTotals = new Map<string, string>()
  private busy = false

  constructor(
    private readonly db: Database.Database,
    private readonly analyzer: Detector,
    private readonly tracker: Tracker,
    private readonly clock: Clock,
    private readonly sliceMs: number,
    private readonly committed: () => void,
  ) {
    this.stmt = {
      source: db.prepare(
        'INSERT INTO sources (ip, dl, packets, first_seen, last_seen, record) VALUES (?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT (ip) DO UPDATE SET dl = excluded.dl, packets = excluded.packets, first_seen = excluded.first_seen, last_seen = excluded.last_seen, record = excluded.record',
      ),
      unsource: db.prepare('DELETE FROM sources WHERE ip = ?'),
      total: db.prepare('INSERT INTO totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      port: db.prepare('INSERT INTO ports (proto, port, packets) VALUES (?, ?, ?) ON CONFLICT (proto, port) DO UPDATE SET packets = excluded.packets'),
      minute: db.prepare('INSERT INTO timeline (minute, counts) VALUES (?, ?) ON CONFLICT (minute) DO UPDATE SET counts = excluded.counts'),
      meta: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      keyed: Object.fromEntries(KEYED_TABLES.map((t) => [t, {
        set: db.prepare(`INSERT INTO ${t} (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`),
        delete: db.prepare(`DELETE FROM ${t} WHERE name = ?`),
      }])) as Record<KeyedTable, { set: Database.Statement; delete: Database.Statement }>,
    }
    this.saved = copyPorts(analyzer.engine.totals.ports)
  }

  /** Writes one save; see StateStore.save. */
  async save(input: SaveInput, closed: () => boolean): Promise<SaveStats> {
    if (this.busy) throw new InternalError('a state save is already in flight: await it before the next')
    this.busy = true
    const t0 = performance.now()
    const changes = this.tracker.takeChanges()
    const slicer = new Slicer(this.sliceMs, () => {
      if (closed()) throw new StateError('the state store was closed while saving')
    })
    try {
      this.db.exec('BEGIN IMMEDIATE')
      const stats = await this.write(changes, input, slicer)
      this.db.exec('COMMIT')
      slicer.end()
      this.saved = copyPorts(this.analyzer.engine.totals.ports)
      this.committed()
      return { ...stats, ms: performance.now() - t0, longestSliceMs: slicer.longest, slices: slicer.slices }
    } catch (err) {
      if (!closed() && this.db.inTransaction) this.db.exec('ROLLBACK')
      this.lastTotals.clear()
      this.tracker.returnChanges(changes)
      if (err instanceof PortsleuthError) throw err
      throw new StateError(`cannot save state: ${err instanceof Error ? err.message : String(err)}`)
    } finally {
      this.busy = false
    }
  }

  private async write(changes: StateChanges, input: SaveInput, slicer: Slicer): Promise<Omit<SaveStats, 'ms' | 'longestSliceMs' | 'slices'>> {
    const { stmt } = this
    const engine = this.analyzer.engine
    for (const key of changes.removed) {
      stmt.unsource.run(keyText(key))
      if (slicer.due()) await slicer.pause()
    }
    let sources = 0
    for (const src of changes.sources) {
      if (src.epoch === EVICTED) continue
      const record = JSON.stringify(encodeSource(src, engine))
      stmt.source.run(keyText(src.key), src.dl, src.packets, epochOf(engine.base, src.firstSeen), epochOf(engine.base, src.lastSeen), record)
      sources++
      if (slicer.due()) await slicer.pause()
    }
    this.total('run', JSON.stringify(encodeRun(engine)))
    this.total('counters', JSON.stringify(encodeCounters(this.analyzer)))
    this.total('retention', JSON.stringify({ evicted: this.tracker.evicted, compacted: this.tracker.compacted }))
    let ports = 0
    portEntries(engine.totals.ports, (proto, port, n) => {
      stmt.port.run(proto, port, n)
      ports++
    }, this.saved)
    let timelineRows = 0
    for (const minute of changes.minutes) {
      const row = engine.totals.timeline.get(minute)
      if (row === undefined) continue
      stmt.minute.run(minute, JSON.stringify(row))
      timelineRows++
    }
    for (const table of KEYED_TABLES) {
      const c = input[table]
      if (c === undefined) continue
      for (const name of c.delete ?? []) stmt.keyed[table].delete.run(name)
      for (const [name, value] of c.set ?? []) {
        const text = JSON.stringify(value)
        if (text === undefined) throw new InternalError(`${table} record '${name}' cannot be saved as JSON`)
        stmt.keyed[table].set.run(name, text)
        if (slicer.due()) await slicer.pause()
      }
    }
    stmt.meta.run('saved_at', String(this.clock.now()))
    return { sources, removed: changes.removed.length, ports, timelineRows }
  }

  // The run record holds up to a thousand hosts and prefixes: written only when it changed.
  private total(name: string, text: string): void {
    if (this.lastTotals.get(name) === text) return
    this.stmt.total.run(name, text)
    this.lastTotals.set(name, text)
  }
}
