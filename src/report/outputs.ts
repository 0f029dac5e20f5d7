import path from 'node:path'
import { UsageError } from '../core/errors.js'
import type { PacketSink } from '../detect/detector.js'
import { parseCsvTable, renderCsv, type CsvTableChoice } from './csv.js'
import { DshieldWriter } from './dshield.js'
import { renderJsonChunks } from './json.js'
import type { ReportV1 } from './model.js'
import { openTarget, type OutputTarget } from './output-target.js'
import { PacketCsv, parsePacketFields } from './packet-csv.js'
import { renderText } from './text.js'

// All outputs of one run. Report formats (text, json, csv tables, html) are rendered from the Report
// after the last line; streaming formats (csv packets, dshield) are written while lines are read.
// Several outputs come from a single read of the logs (`-o a.html -o a.csv -o a.json`).

export const FORMATS = ['text', 'json', 'csv', 'html', 'dshield'] as const
export type OutputFormat = (typeof FORMATS)[number]

const EXTENSIONS: Record<string, OutputFormat> = {
  '.txt': 'text', '.text': 'text', '.json': 'json', '.csv': 'csv', '.html': 'html', '.htm': 'html', '.dshield': 'dshield',
}

export interface OutputRequest {
  /** --format; undefined when not given. */
  format: string | undefined
  /** -o paths ('-' = stdout). */
  outputs: readonly string[]
  csvTable: string | undefined
  csvFields: string | undefined
  dshieldUserId: string
  dshieldTimeZone: string
  top: number
  /** ANSI colour for a text report on standard output (the command decides: TTY, NO_COLOR, FORCE_COLOR). */
  colour?: boolean
}

export interface OutputPlan {
  format: OutputFormat
  path: string | null
}

/** Turns --format and -o into outputs; the format of a file comes from its extension. Throws UsageError. */
export function planOutputs(format: string | undefined, outputs: readonly string[]): OutputPlan[] {
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: unknown format '${format}'`, `valid formats are: ${FORMATS.join(', ')}`)
  }
  const given = format as OutputFormat | undefined
  if (outputs.length === 0) return [{ format: given ?? 'text', path: null }]
  const plans = outputs.map((o): OutputPlan => {
    if (o === '-') return { format: given ?? 'text', path: null }
    const byExt = EXTENSIONS[path.extname(o).toLowerCase()]
    if (outputs.length === 1 && given !== undefined) return { format: given, path: o }
    if (byExt === undefined) {
      throw new UsageError(`-o ${o}: cannot tell the format from the file name`, `use one of ${Object.keys(EXTENSIONS).join(' ')}, or a single -o with --format`)
    }
    return { format: byExt, path: o }
  })
  if (plans.filter((p) => p.path === null).length > 1) throw new UsageError('only one output can go to standard output')
  const seen = new Set<string>()
  for (const p of plans) {
    if (p.path === null) continue
    const key = path.resolve(p.path)
    if (seen.has(key)) throw new UsageError(`-o ${p.path} is given twice`)
    seen.add(key)
  }
  return plans
}

interface Open {
  plan: OutputPlan
  target: OutputTarget
  table: CsvTableChoice | null
  stream: PacketCsv | DshieldWriter | null
}

/** Renders an HTML report; injected so the (larger) HTML renderer loads only when asked for. */
export type HtmlRenderer = (report: ReportV1) => Promise<string>

export class Outputs {
  private constructor(
    private readonly open: Open[],
    private readonly req: OutputRequest,
  ) {}

  /**
   * Validates the request and opens every target before any input is read.
   * Throws UsageError (bad format/table/fields) or OutputError (an unwritable path).
   */
  static create(req: OutputRequest): Outputs {
    const plans = planOutputs(req.format, req.outputs)
    const anyCsv = plans.some((p) => p.format === 'csv')
    if (!anyCsv && (req.csvTable !== undefined || req.csvFields !== undefined)) {
      throw new UsageError('--csv-table and --csv-fields apply to CSV output (--format csv or -o FILE.csv)')
    }
    const table = anyCsv ? parseCsvTable(req.csvTable ?? (req.csvFields !== undefined ? 'packets' : 'sources')) : null
    if (table !== null && table !== 'packets' && req.csvFields !== undefined) throw new UsageError('--csv-fields applies to --csv-table packets')
    const fields = table === 'packets' ? parsePacketFields(req.csvFields) : null
    const opened: Open[] = []
    try {
      for (const plan of plans) {
        const target = openTarget(plan.path)
        const entry: Open = { plan, target, table: plan.format === 'csv' ? table : null, stream: null }
        const write = (chunk: string): void => target.write(chunk)
        if (plan.format === 'csv' && table === 'packets') entry.stream = new PacketCsv(fields!.fields, write)
        if (plan.format === 'dshield') entry.stream = new DshieldWriter({ userId: req.dshieldUserId, timeZone: req.dshieldTimeZone }, write)
        opened.push(entry)
      }
    } catch (err) {
      for (const o of opened) o.target.abort()
      throw err
    }
    return new Outputs(opened, req)
  }

  /** A sink for the pipeline when a streaming output is open, else null. */
  sink(): PacketSink | null {
    const streams = this.open.map((o) => o.stream).filter((s) => s !== null)
    if (streams.length === 0) return null
    return (pkt) => {
      for (const s of streams) s.packet(pkt)
    }
  }

  /** Resolves when every target can take more output (backpressure for streaming outputs). */
  async drain(): Promise<void> {
    for (const o of this.open) await o.target.pressure()
  }

  /** Notes for stderr about what streaming outputs left out (e.g. IPv6 in DShield). */
  notes(): string[] {
    const out: string[] = []
    for (const o of this.open) {
      if (o.stream instanceof DshieldWriter && (o.stream.skippedIpv6 > 0 || o.stream.skippedNoTime > 0)) {
        out.push(`dshield: ${o.stream.skippedIpv6} IPv6 and ${o.stream.skippedNoTime} undated packets not written (DShield takes dated IPv4 only)`)
      }
    }
    return out
  }

  /**
   * Renders the report formats, ends the streams and, once every output is complete and on disk,
   * moves every file into place: a failed output leaves none of them. Throws OutputError.
   */
  async finish(report: ReportV1, html: HtmlRenderer): Promise<void> {
    for (const o of this.open) {
      if (o.stream !== null) o.stream.end()
      else {
        // Piece by piece, with backpressure: the JSON of a large run is the biggest thing written.
        for (const chunk of await this.render(o, report, html)) {
          o.target.write(chunk)
          await o.target.pressure()
        }
      }
      await o.target.finish()
    }
    for (const o of this.open) o.target.commit()
  }

  /** Removes temporary files after a failed run. */
  abort(): void {
    for (const o of this.open) o.target.abort()
  }

  private async render(o: Open, report: ReportV1, html: HtmlRenderer): Promise<Iterable<string>> {
    switch (o.plan.format) {
      case 'text':
        return [renderText(report, { top: this.req.top, colour: this.req.colour === true && o.plan.path === null })]
      case 'json':
        return renderJsonChunks(report)
      case 'csv':
        return [renderCsv(report, (o.table ?? 'sources') as Exclude<CsvTableChoice, 'packets'>)]
      case 'html':
        return [await html(report)]
      case 'dshield':
        return []
    }
  }
}
