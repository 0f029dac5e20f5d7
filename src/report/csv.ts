import { UsageError } from '../core/errors.js'
import { csvTable } from './csv-cells.js'
import {
  DESTINATION_COLUMNS, PORT_COLUMNS, SIGNATURE_COLUMNS, SOURCE_COLUMNS,
  type CsvColumn, type SourceDestination,
} from './csv-columns.js'
import type { ReportV1 } from './model.js'

// `--format csv`: one table of the report as CSV (header row, RFC 4180 quoting, formula escaping).
// Which table is `--csv-table`; the columns of each are the constants in csv-columns.ts.

export { DESTINATION_COLUMNS, PORT_COLUMNS, SIGNATURE_COLUMNS, SOURCE_COLUMNS, type CsvColumn } from './csv-columns.js'

export const CSV_TABLES = ['sources', 'signatures', 'ports', 'destinations'] as const
export type CsvTable = (typeof CSV_TABLES)[number]

/** The default `--csv-table`. */
export const DEFAULT_CSV_TABLE: CsvTable = 'sources'

/** `--csv-table packets`: one record per packet (psad's --CSV), streamed by PacketCsv, not renderCsv. */
export const PACKET_TABLE = 'packets'
export type CsvTableChoice = CsvTable | typeof PACKET_TABLE

/** Returns the table named by a `--csv-table` value (a report table or 'packets'); throws UsageError otherwise. */
export function parseCsvTable(text: string): CsvTableChoice {
  const t = text.trim().toLowerCase()
  if (t === PACKET_TABLE || (CSV_TABLES as readonly string[]).includes(t)) return t as CsvTableChoice
  throw new UsageError(`--csv-table: unknown table '${text}'`, `valid tables are: ${[...CSV_TABLES, PACKET_TABLE].join(', ')}`)
}

function render<Row>(columns: readonly CsvColumn<Row>[], rows: Iterable<Row>): string {
  return csvTable(columns.map((c) => c.name), (function* () {
    for (const row of rows) yield columns.map((c) => c.value(row))
  })())
}

function* sourceDestinations(report: ReportV1): Generator<SourceDestination> {
  for (const source of report.sources) for (const destination of source.destinations) yield { source, destination }
}

/** Returns one table of the report as CSV text: a header row, then one record per row. Never throws. */
export function renderCsv(report: ReportV1, table: CsvTable = DEFAULT_CSV_TABLE): string {
  switch (table) {
    case 'sources':
      return render(SOURCE_COLUMNS, report.sources)
    case 'signatures':
      return render(SIGNATURE_COLUMNS, report.topSignatures)
    case 'ports':
      return render(PORT_COLUMNS, report.topPorts)
    case 'destinations':
      return render(DESTINATION_COLUMNS, sourceDestinations(report))
  }
}
