import type { SourceV1 } from '../report/model.js'
import { buildAlert, snapshot, type AlertEvent, type AlertSnapshot, type Dispatcher } from '../respond/alert/index.js'

// When watch alerts, and what it remembers about each alert. A source alerts when it first reaches the
// alert level (MIN_DANGER_LEVEL, at least 1) and on each rise of its danger level — never once per
// batch of lines (psad's daemon re-alerted every 5-second batch with new packets, and its mail floods
// were its users' top complaint). Rises within one read are one alert, at the highest level reached.
// Each alert is recorded per source with a snapshot of the source (for "new since the previous
// alert") and the lines that raised it; the records are saved with the state, so after a clean stop
// nothing repeats and after a crash only alerts that were not yet saved can be sent again.

/** What an alert left behind for its source. */
export interface AlertRecord {
  /** The danger level alerted at. */
  dangerLevel: number
  /** Epoch ms (log time) of the alert. */
  time: number
  /** Alerts of this source so far. */
  count: number
  snapshot: AlertSnapshot
  /** The lines that raised the last alert (at most MAX_ALERT_LINES). */
  lines: string[]
}

/** One recent alert, for `status`. */
export interface RecentAlert {
  time: string
  ip: string
  dangerLevel: number
  previousDangerLevel: number
  reason: string
}

const RECENT = 100

/** Bookkeeping of alerts per source, and the decision to alert. */
export class AlertDesk {
  private readonly records = new Map<string, AlertRecord>()
  private readonly changed = new Set<string>()
  private readonly recent: RecentAlert[] = []

  constructor(
    private dispatcher: Dispatcher,
    private minDangerLevel: number,
  ) {}

  /** Takes a reloaded configuration's dispatcher and alert level (SIGHUP). */
  reconfigure(dispatcher: Dispatcher, minDangerLevel: number): void {
    this.dispatcher = dispatcher
    this.minDangerLevel = minDangerLevel
  }

  /** Restores saved records (`alerts` table of the state: ip → record). Unreadable records are skipped. */
  restore(saved: ReadonlyMap<string, unknown>): void {
    for (const [ip, value] of saved) {
      const r = value as AlertRecord
      if (r !== null && typeof r === 'object' && typeof r.dangerLevel === 'number' && r.snapshot?.v === 1) {
        this.records.set(ip, r)
        this.recent.push({ time: new Date(r.time).toISOString(), ip, dangerLevel: r.dangerLevel, previousDangerLevel: 0, reason: 'restored' })
      }
    }
    this.recent.sort((a, b) => (a.time < b.time ? -1 : 1)).splice(0, Math.max(0, this.recent.length - RECENT))
  }

  /** The alert threshold in force: MIN_DANGER_LEVEL, at least 1. */
  get threshold(): number {
    return Math.max(1, this.minDangerLevel)
  }

  /**
   * Alerts for `source` when its danger level reached the threshold and rose since its last alert;
   * returns the alert sent, or null. `lines` raised it; `time` is the log time of the last of them.
   */
  consider(source: SourceV1, lines: readonly string[], time: number, hosts: readonly string[]): AlertEvent | null {
    const dl = source.dangerLevel
    const last = this.records.get(source.ip)
    if (dl < this.threshold || (last !== undefined && dl <= last.dangerLevel)) return null
    const event = buildAlert(source, last?.snapshot ?? null, { time, previousDangerLevel: last?.dangerLevel ?? 0, hosts, lines })
    this.dispatcher.dispatch(event)
    this.records.set(source.ip, { dangerLevel: dl, time, count: (last?.count ?? 0) + 1, snapshot: snapshot(source), lines: event.lines })
    this.changed.add(source.ip)
    this.recent.push({ time: event.time, ip: source.ip, dangerLevel: dl, previousDangerLevel: event.previousDangerLevel, reason: event.reason })
    if (this.recent.length > RECENT) this.recent.shift()
    return event
  }

  /** The last alert of a source, or undefined. */
  record(ip: string): AlertRecord | undefined {
    return this.records.get(ip)
  }

  /** Recent alerts, oldest first. */
  recentAlerts(): readonly RecentAlert[] {
    return this.recent
  }

  /** Records changed since the last save, to save with the state; pass it to `saved` once committed. */
  changes(): Map<string, AlertRecord | undefined> {
    return new Map([...this.changed].map((k) => [k, this.records.get(k)]))
  }

  /** Marks what `changes()` returned as committed (records changed meanwhile stay pending). */
  saved(committed: ReadonlyMap<string, AlertRecord | undefined>): void {
    for (const [k, r] of committed) if (this.records.get(k) === r) this.changed.delete(k)
  }

  /** Forgets a source (it was evicted from the state). */
  forget(ip: string): void {
    if (this.records.delete(ip)) this.changed.add(ip)
  }
}
