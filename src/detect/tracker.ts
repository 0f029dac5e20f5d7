import type { EngineState } from './engine.js'
import { compact, compactable, evictionRank, pickEvictions } from './retention.js'
import { tableKey, type AddressKey, type SourceState, type SourceTracker } from './state.js'

// What `watch` attaches to its engine: which sources changed since the last save (so a save writes
// only those), and the bounds on memory (compaction of idle sources, eviction past a source cap).
// The engine hands a source over once per save epoch, on its first packet of the epoch; compaction
// and eviction run here, never per packet.

export const DEFAULT_MAX_SOURCES = 1_000_000
/** Sources looked at per `expire` call unless told: about 5 ms of work. */
export const DEFAULT_EXPIRE_BUDGET = 50_000

/** The epoch of an evicted source: never current, and told apart from "changed" by a save. */
export const EVICTED = -1

const POOL_BATCHES = 4

export interface TrackerOptions {
  /** Sources kept in memory (and in the store); past it the lowest-DL, longest-idle ones are evicted. */
  maxSources?: number
  /** Record changes for a store (default true); false keeps only the bounds. */
  recordChanges?: boolean
  /** Eviction and compaction totals of earlier runs (restored state). */
  evicted?: number
  compacted?: number
}

/** What changed since the last save: sources to write, keys to delete, timeline minutes to write. */
export interface StateChanges {
  sources: SourceState[]
  removed: AddressKey[]
  minutes: number[]
}

export class Tracker implements SourceTracker {
  epoch = 1
  readonly minutes: Set<number> | null
  readonly maxSources: number
  /** Sources evicted to stay under maxSources, over the life of the state. */
  evicted: number
  /** Compactions of idle sources, over the life of the state. */
  compacted: number
  private changed: SourceState[] = []
  private removed: AddressKey[] = []
  private readonly record: boolean
  private walk: Iterator<SourceState> | null = null
  /** The lowest-ranked sources at the last ranking, lowest first, and the highest rank among them. */
  private pool: SourceState[] = []
  private poolAt = 0
  private poolLimit = 0

  constructor(
    private readonly engine: EngineState,
    opts: TrackerOptions = {},
  ) {
    const max = opts.maxSources ?? DEFAULT_MAX_SOURCES
    if (!(Number.isInteger(max) && max >= 1)) throw new RangeError(`maxSources must be a whole number of at least 1, not ${max}`)
    this.maxSources = max
    this.record = opts.recordChanges ?? true
    this.minutes = this.record ? new Set() : null
    this.evicted = opts.evicted ?? 0
    this.compacted = opts.compacted ?? 0
  }

  touch(src: SourceState): void {
    src.epoch = this.epoch
    if (this.record) this.changed.push(src)
  }

  /** Evicts a sixteenth of the cap at once, so a flood of new sources does not evict one per packet. */
  makeRoom(): void {
    const target = this.maxSources - this.batch()
    this.evict(this.engine.sources.size - target)
  }

  private batch(): number {
    return Math.max(1, Math.ceil(this.maxSources / 16))
  }

  // Ranking every source is the cost of eviction, so one ranking picks four batches' worth of
  // candidates. A candidate that has since gone past the highest rank picked (new packets) is
  // skipped; ranks never go down, so every other source still ranks above the candidates.
  private evict(count: number): number {
    const engine = this.engine
    let done = 0
    while (done < count && engine.sources.size > 0) {
      if (this.poolAt >= this.pool.length) {
        this.pool = pickEvictions(engine, Math.max(count - done, POOL_BATCHES * this.batch()))
        this.poolAt = 0
        this.poolLimit = evictionRank(this.pool[this.pool.length - 1]!)
      }
      const src = this.pool[this.poolAt++]!
      if (src.epoch === EVICTED || evictionRank(src) > this.poolLimit) continue
      engine.sources.delete(tableKey(src.key))
      engine.autoDlCache.delete(tableKey(src.key))
      if (this.record) this.removed.push(src.key)
      src.epoch = EVICTED
      done++
    }
    if (this.poolAt >= this.pool.length) this.pool = []
    this.evicted += done
    return done
  }

  /**
   * Compacts sources idle past SCAN_TIMEOUT (or `idleMs`) at `now` (default: the engine's, the log's
   * latest time), looking at up to `budget` sources from where the last call stopped, and evicts
   * down to the cap if the state holds more (a cap lowered between runs). Returns what it did.
   */
  expire(opts: { now?: number; budget?: number; idleMs?: number } = {}): { compacted: number; evicted: number } {
    const engine = this.engine
    const now = opts.now ?? engine.now
    const idleMs = opts.idleMs ?? engine.settings.scanTimeout * 1000
    let compacted = 0
    let budget = opts.budget ?? DEFAULT_EXPIRE_BUDGET
    while (budget > 0 && engine.sources.size > 0) {
      this.walk ??= engine.sources.values()
      const next = this.walk.next()
      if (next.done === true) {
        this.walk = null
        break
      }
      budget--
      const src = next.value
      if (!compactable(engine, src, now, idleMs)) continue
      compact(engine, src)
      if (src.epoch !== this.epoch) this.touch(src)
      compacted++
    }
    this.compacted += compacted
    const evicted = engine.sources.size > this.maxSources ? this.evict(engine.sources.size - this.maxSources) : 0
    return { compacted, evicted }
  }

  /** Starts a new save epoch and returns what changed in the one that ends. */
  takeChanges(): StateChanges {
    const minutes = this.minutes ?? new Set<number>()
    const changes = { sources: this.changed, removed: this.removed, minutes: [...minutes] }
    this.changed = []
    this.removed = []
    minutes.clear()
    // The current minute's row goes on counting through the engine's cache, which reports a minute
    // only when it is entered: it starts the new epoch as changed.
    if (!Number.isNaN(this.engine.lastMinute)) minutes.add(this.engine.lastMinute)
    this.epoch++
    return changes
  }

  /** Takes back changes whose save failed, so the next save writes them. */
  returnChanges(c: StateChanges): void {
    for (const src of c.sources) if (src.epoch !== EVICTED && src.epoch !== this.epoch) this.touch(src)
    this.removed = [...c.removed, ...this.removed]
    for (const m of c.minutes) this.minutes?.add(m)
  }
}

/** Attaches a new tracker to an engine (replacing any) and returns it. */
export function attachTracker(engine: EngineState, opts: TrackerOptions = {}): Tracker {
  const t = new Tracker(engine, opts)
  engine.tracker = t
  return t
}
