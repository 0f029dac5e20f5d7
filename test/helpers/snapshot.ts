import type { Detector } from '../../src/detect/detector.js'
import { keyText, tableKey } from '../../src/detect/state.js'
import { list, num, obj, str } from '../../src/detect/codec/check.js'
import { decodeCounters, decodeRun, encodeCounters, encodeRun, portEntries, restorePort, timelineRow, type CountersRecord, type RunRecord } from '../../src/detect/codec/run.js'
import { decodeSource, encodeSource, keyFromText, type SourceRecord } from '../../src/detect/codec/source.js'

// The whole state of an Detector as one JSON-able value: what the store keeps in its tables, in one
// piece (for tests, and for tools that move state around).

/** Detector fields: the saved ones, and those rebuilt from the configuration. */
export const DETECTOR_SAVED = ['engine', 'linesRead', 'skipped', 'malformed', 'recent'] as const
// lineBuf, lineStart, lineEnd: the line being processed (for the events it raises), gone after it.
// includeAllowed and actions: the configuration and a cache of what it makes of each prefix.
export const DETECTOR_NOT_SAVED = ['parser', 'filter', 'sink', 'scratch', 'lineBuf', 'lineStart', 'lineEnd', 'includeAllowed', 'actions'] as const

export interface Snapshot {
  run: RunRecord
  counters: CountersRecord
  /** [proto, port, packets] for every non-zero counter. */
  ports: [number, number, number][]
  timeline: [number, number[]][]
  sources: [string, SourceRecord][]
}

/** Returns the whole state of an analyzer as plain data. */
export function snapshot(a: Detector): Snapshot {
  const e = a.engine
  const ports: [number, number, number][] = []
  portEntries(e.totals.ports, (proto, port, n) => ports.push([proto, port, n]))
  const sources: [string, SourceRecord][] = []
  e.sources.forEach((s) => sources.push([keyText(s.key), encodeSource(s, e)]))
  return {
    run: encodeRun(e),
    counters: encodeCounters(a),
    ports,
    timeline: [...e.totals.timeline].map(([m, row]) => [m, [...row]]),
    sources,
  }
}

/**
 * Puts a snapshot into a fresh analyzer (built from this run's configuration, nothing read yet).
 * Throws StateError when the snapshot is malformed.
 */
export function restoreSnapshot(a: Detector, snap: unknown): void {
  const s = obj(snap, 'snapshot', 'the value')
  const e = a.engine
  decodeRun(s.run, e)
  decodeCounters(s.counters, a)
  for (const p of list(s.ports, 'ports', 'the list')) {
    const [proto, port, n] = list(p, 'ports', 'an entry', 3)
    restorePort(e.totals.ports, proto, port, n)
  }
  for (const r of list(s.timeline, 'timeline', 'the list')) {
    const [minute, row] = list(r, 'timeline', 'an entry', 2)
    const m = num(minute, 'timeline', 'minute')
    e.totals.timeline.set(m, timelineRow(row, m))
  }
  for (const r of list(s.sources, 'sources', 'the list')) {
    const [ip, rec] = list(r, 'sources', 'an entry', 2)
    const key = keyFromText(str(ip, 'sources', 'address'))
    e.sources.set(tableKey(key), decodeSource(key, rec, e))
  }
}
