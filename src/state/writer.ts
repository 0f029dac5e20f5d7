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
import type { SourceRow, WriterThread } from './writer-thread.js'

// One save: the sources that changed (and deletions of evicted ones), the run-wide records, the port
// counters and timeline rows that changed, and the caller's records, in one transaction. This thread
// encodes them in slices of bounded time and posts them in batches to the writer thread, which
// writes and commits (see writer-thread.ts). Port counters are compared with a copy of what was last
// committed; the timeline rows to write are the minutes the engine entered since the last save.

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
  private saved: PortTables
  private lastTotals = new Map<string, string>()
  private busy = false

  constructor(
    private readonly thread: WriterThread,
    private readonly analyzer: Detector,
    private readonly tracker: Tracker,
    private readonly clock: Clock,
    private readonly sliceMs: number,
  ) {
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
    let started = false
    try {
      this.thread.begin()
      started = true
      const stats = await this.write(changes, input, slicer)
      slicer.end()
      this.saved = copyPorts(this.analyzer.engine.totals.ports)
      return { ...stats, ms: performance.now() - t0, longestSliceMs: slicer.longest, slices: slicer.slices }
    } catch (err) {
      if (started && !closed()) this.thread.rollback()
      this.lastTotals.clear()
      this.tracker.returnChanges(changes)
      if (err instanceof PortsleuthError) throw err
      throw new StateError(`cannot save state: ${err instanceof Error ? err.message : String(err)}`)
    } finally {
      this.busy = false
    }
  }

  private async write(changes: StateChanges, input: SaveInput, slicer: Slicer): Promise<Omit<SaveStats, 'ms' | 'longestSliceMs' | 'slices'>> {
    const engine = this.analyzer.engine
    const inFlight: Promise<void>[] = []
    // Posts a batch; past a few unacknowledged batches, waits for the thread (bounded memory).
    const send = async (removed: string[], rows: SourceRow[]): Promise<void> => {
      inFlight.push(this.thread.rows(removed, rows))
      if (inFlight.length > MAX_IN_FLIGHT) {
        slicer.end()
        await inFlight.shift()
        slicer.resume()
      }
    }
    const removed = changes.removed.map(keyText)
    for (let i = 0; i < removed.length; i += BATCH) await send(removed.slice(i, i + BATCH), [])
    let sources = 0
    let batch: SourceRow[] = []
    for (const src of changes.sources) {
      if (src.epoch === EVICTED) continue
      batch.push([keyText(src.key), src.dl, src.packets, epochOf(engine.base, src.firstSeen), epochOf(engine.base, src.lastSeen), JSON.stringify(encodeSource(src, engine))])
      sources++
      if (batch.length >= BATCH) {
        await send([], batch)
        batch = []
      }
      if (slicer.due()) await slicer.pause()
    }
    if (batch.length > 0) await send([], batch)
    const totals: [string, string][] = []
    for (const [name, text] of [
      ['run', JSON.stringify(encodeRun(engine))],
      ['counters', JSON.stringify(encodeCounters(this.analyzer))],
      ['retention', JSON.stringify({ evicted: this.tracker.evicted, compacted: this.tracker.compacted })],
    ] as const) {
      if (this.lastTotals.get(name) !== text) totals.push([name, text])
    }
    const ports: [number, number, number][] = []
    portEntries(engine.totals.ports, (proto, port, n) => ports.push([proto, port, n]), this.saved)
    const minutes: [number, string][] = []
    for (const minute of changes.minutes) {
      const row = engine.totals.timeline.get(minute)
      if (row !== undefined) minutes.push([minute, JSON.stringify(row)])
    }
    const keyed: [string, string, string | null][] = []
    for (const table of KEYED_TABLES) {
      const c = input[table]
      if (c === undefined) continue
      for (const name of c.delete ?? []) keyed.push([table, name, null])
      for (const [name, value] of c.set ?? []) {
        const text = JSON.stringify(value)
        if (typeof text !== 'string') throw new InternalError(`${table} record '${name}' cannot be saved as JSON`)
        keyed.push([table, name, text])
      }
    }
    slicer.end()
    await this.thread.commit({ totals, ports, minutes, keyed, savedAt: String(this.clock.now()) })
    slicer.resume()
    for (const [name, text] of totals) this.lastTotals.set(name, text)
    return { sources, removed: removed.length, ports: ports.length, timelineRows: minutes.length }
  }
}

// Rows per message to the writer thread, and messages it may have queued: about 2 MB of records.
const BATCH = 1000
const MAX_IN_FLIGHT = 4
