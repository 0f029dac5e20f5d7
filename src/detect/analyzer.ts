import type { Settings } from '../config/settings.js'
import { utf8 } from '../parse/bytes.js'
import { LineParser } from '../parse/line.js'
import { emptyPacket, type Packet } from '../parse/packet.js'
import type { TimeContext } from '../parse/time.js'
import { createEngine, ingest, NO_LISTS, type DangerEvent, type DetectionLists, type EngineState } from './engine.js'
import type { FieldCriterion } from './fields.js'
import { PacketFilter } from './filters.js'
import type { OsDatabase } from './os/index.js'
import type { SignatureIndex } from './signatures/signature-index.js'

/** A malformed line, kept (up to a limit) so reports can say what and where. */
export interface MalformedSample {
  where: string
  error: string
}

const MAX_SAMPLES = 20

/** What an analysis runs with besides its settings; everything optional defaults to "none". */
export interface AnalyzerParts {
  settings: Settings
  signatures?: SignatureIndex | null
  fields?: readonly FieldCriterion[]
  os?: OsDatabase | null
  lists?: DetectionLists
  onEvent?: ((e: DangerEvent) => void) | null
  sink?: PacketSink | null
}

/** Receives every accepted packet (for per-packet outputs: CSV packet table, DShield). */
export type PacketSink = (pkt: Packet) => void

/**
 * Turns lines into engine input and puts every line in exactly one bucket: accepted (a packet), or a
 * skip reason ('not-firewall', 'malformed', 'too-long', 'non-ip', a filter reason, 'signature-dl0').
 * Invariant: linesRead === engine.totals.packets + Σ skipped.
 */
export class Analyzer {
  readonly engine: EngineState
  linesRead = 0
  readonly skipped = new Map<string, number>()
  readonly malformed: MalformedSample[] = []
  private readonly parser: LineParser
  private readonly filter: PacketFilter
  private readonly sink: PacketSink | null
  /** The one packet every line is parsed into: nothing keeps a packet after it was processed. */
  private readonly scratch = emptyPacket()

  constructor(parts: AnalyzerParts) {
    const { settings } = parts
    const lists = parts.lists ?? NO_LISTS
    this.parser = new LineParser({ sidString: settings.filters.sidString })
    const snortRules = lists.snortRules
    this.filter = new PacketFilter(settings.filters, settings.detection, parts.fields ?? [], (sid) => snortRules?.has(sid) ?? false)
    this.engine = createEngine(settings.detection, parts.signatures ?? null, parts.os ?? null, parts.onEvent ?? null, lists)
    this.sink = parts.sink ?? null
  }

  private skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1)
  }

  /** Processes one line given as text (tests, small inputs). */
  line(text: string, time: TimeContext, where: () => string): void {
    const b = Buffer.from(text, 'utf8')
    this.lineBytes(b, 0, b.length, time, where)
  }

  /** Processes the line in b[start,end); `where` names it (file:line) if it turns out malformed. */
  lineBytes(b: Uint8Array, start: number, end: number, time: TimeContext, where: () => string): void {
    this.linesRead++
    const result = this.parser.parseBytes(b, start, end, time, this.scratch)
    if (typeof result === 'string') {
      this.skip(result)
      if (result === 'malformed' && this.malformed.length < MAX_SAMPLES) this.malformed.push({ where: where(), error: this.parser.error })
      return
    }
    const text = this.filter.needsLine ? utf8(b, start, end) : ''
    const reason = this.filter.check(result, text) ?? ingest(this.engine, result)
    if (reason !== null) this.skip(reason)
    else this.sink?.(result)
  }

  /** True when the filters need each line's text (FW_MSG_SEARCH), so lines cannot be parsed elsewhere. */
  get needsLineText(): boolean {
    return this.filter.needsLine
  }

  /** Processes a packet parsed on another thread; it counts as one line read. */
  packet(p: Packet): void {
    this.linesRead++
    const reason = this.filter.check(p, '') ?? ingest(this.engine, p)
    if (reason !== null) this.skip(reason)
    else this.sink?.(p)
  }

  /** Adds lines counted on another thread that gave no packet, by reason. */
  addSkipped(counts: Readonly<Record<string, number>>): void {
    for (const [reason, n] of Object.entries(counts)) {
      this.linesRead += n
      this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + n)
    }
  }

  /** Records a malformed line found on another thread (the first ones are kept). */
  addMalformed(where: string, error: string): void {
    if (this.malformed.length < MAX_SAMPLES) this.malformed.push({ where, error })
  }

  /** Counts a line that was longer than the limit and never parsed. */
  overlong(): void {
    this.linesRead++
    this.skip('too-long')
  }
}
