import type { Settings } from '../config/settings.js'
import { utf8 } from '../parse/bytes.js'
import { LineParser } from '../parse/line.js'
import { emptyPacket, type Packet } from '../parse/packet.js'
import type { TimeContext } from '../parse/time.js'
import { ActionCache } from './action.js'
import { countOutbound, createEngine, ingest, reconfigureEngine, type DangerEvent, type DetectionLists, type EngineState } from './engine.js'
import type { FieldCriterion } from './fields.js'
import { PacketFilter } from './filters.js'
import { RecentPackets } from './recent-packets.js'
import type { OsDatabase } from './os/index.js'
import type { SignatureIndex } from './signatures/signature-index.js'

/** A malformed line, kept (up to a limit) so reports can say what and where. */
export interface MalformedSample {
  where: string
  error: string
  /** The line's position in the whole input (0-based), to order samples from parts of a run. */
  ordinal: number
}

export const MAX_SAMPLES = 20

const EMPTY = new Uint8Array(0)

/** What detection runs with: settings, packet criteria, signatures, OS fingerprints and lists (a run's Plan is one). */
export interface DetectionPlan {
  readonly settings: Settings
  /** Packet criteria (`--fields`): a packet must pass them all. */
  readonly criteria: readonly FieldCriterion[]
  readonly signatures: { readonly index: SignatureIndex } | null
  readonly os: OsDatabase | null
  readonly lists: DetectionLists
}

/** Who hears what a detector finds while it runs. */
export interface DetectorHooks {
  /** A source's danger level went up; `line` returns the text of the line that raised it. */
  onEvent?: ((e: DangerEvent, line: () => string) => void) | null
  /** Every accepted packet, in input order (per-packet outputs). */
  sink?: PacketSink | null
}

/** Receives every accepted packet (for per-packet outputs: CSV packet table, DShield). */
export type PacketSink = (pkt: Packet) => void

/** Why a packet that passed the filters is not scored: what the firewall did with it, or a second line of one packet. */
export type TriageReason = 'outbound' | 'allowed' | 'audit' | 'duplicate'

/**
 * Turns lines into engine input and puts every line in exactly one bucket: accepted (a packet), or a
 * skip reason ('not-firewall', 'malformed', 'too-long', 'non-ip', a filter reason, a TriageReason,
 * 'signature-dl0'). Invariant: linesRead === engine.totals.packets + Σ skipped.
 */
export class Detector {
  readonly engine: EngineState
  linesRead = 0
  readonly skipped = new Map<string, number>()
  readonly malformed: MalformedSample[] = []
  private parser!: LineParser
  private filter!: PacketFilter
  private includeAllowed = false
  private readonly actions = new ActionCache()
  /** The last packets, to count a packet logged by two rules once (saved with the state). */
  readonly recent = new RecentPackets()
  private readonly sink: PacketSink | null
  /** The one packet every line is parsed into: nothing keeps a packet after it was processed. */
  private readonly scratch = emptyPacket()
  /** The line being processed, for the events it raises. */
  private lineBuf: Uint8Array = EMPTY
  private lineStart = 0
  private lineEnd = 0

  constructor(plan: DetectionPlan, hooks: DetectorHooks = {}) {
    this.configure(plan)
    const { settings, lists } = plan
    const onEvent = hooks.onEvent
    const line = (): string => utf8(this.lineBuf, this.lineStart, this.lineEnd)
    this.engine = createEngine(settings.detection, plan.signatures?.index ?? null, plan.os, onEvent == null ? null : (e) => onEvent(e, line), lists)
    this.sink = hooks.sink ?? null
  }

  private configure(plan: DetectionPlan): void {
    const { settings, lists } = plan
    this.parser = new LineParser({ sidString: settings.filters.sidString })
    const snortRules = lists.snortRules
    this.filter = new PacketFilter(settings.filters, settings.detection, plan.criteria, (sid) => snortRules?.has(sid) ?? false)
    this.includeAllowed = settings.filters.includeAllowed
  }

  /** Continues with another plan (watch's SIGHUP): sources, windows and counters stay. */
  reconfigure(plan: DetectionPlan): void {
    this.configure(plan)
    reconfigureEngine(this.engine, plan.settings.detection, plan.signatures?.index ?? null, plan.os, plan.lists)
  }

  private skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1)
  }

  /** Processes one line given as text (tests, small inputs). */
  line(text: string, time: TimeContext, where: () => string): void {
    const b = Buffer.from(text, 'utf8')
    this.lineBytes(b, 0, b.length, time, where)
  }

  /**
   * Processes the line in b[start,end); `where` names it (file:line) if it turns out malformed.
   * `ordinal` is its position in the whole input (a part of a run sees only some of the lines).
   */
  lineBytes(b: Uint8Array, start: number, end: number, time: TimeContext, where: () => string, ordinal = this.linesRead): void {
    this.linesRead++
    this.engine.ordinal = ordinal
    this.lineBuf = b
    this.lineStart = start
    this.lineEnd = end
    const result = this.parser.parseBytes(b, start, end, time, this.scratch)
    if (typeof result === 'string') {
      this.skip(result)
      if (result === 'malformed' && this.malformed.length < MAX_SAMPLES) this.malformed.push({ where: where(), error: this.parser.error, ordinal })
      return
    }
    const text = this.filter.needsLine ? utf8(b, start, end) : ''
    const reason = this.filter.check(result, text) ?? this.triage(result) ?? ingest(this.engine, result)
    if (reason !== null) this.skip(reason)
    else this.sink?.(result)
  }

  // Packets the host sent, and packets the firewall let through or only audited (by default), are
  // counted apart from the scored ones; a second line of one packet is counted once.
  private triage(p: Packet): TriageReason | null {
    const outbound = p.inIf === '' && p.outIf !== ''
    let reason: TriageReason | null = null
    if (outbound) reason = 'outbound'
    else if (!this.includeAllowed && p.prefix !== '') {
      const action = this.actions.of(p.prefix)
      if (action === 'allow') reason = 'allowed'
      else if (action === 'audit') reason = 'audit'
    }
    if (this.recent.isCopy(p, reason === null)) return 'duplicate'
    if (outbound) countOutbound(this.engine, p)
    return reason
  }

  /** The source of a line as a number, for dealing lines out to the parts of a run (LineParser.route). */
  route(b: Uint8Array, start: number, end: number): number {
    return this.parser.route(b, start, end)
  }

  /**
   * Makes the run-wide label tallies (hosts, prefixes, outbound addresses) count every label, so
   * that this detector's part of a run with threads merges into the serial report (see tally.ts).
   */
  countEveryLabel(): void {
    const t = this.engine.totals
    for (const tally of [t.hosts, t.prefixes, t.outbound.sources, t.outbound.destinations]) tally.countEveryKey()
  }

  /** Counts a line that was longer than the limit and never parsed. */
  overlong(): void {
    this.linesRead++
    this.skip('too-long')
  }
}
